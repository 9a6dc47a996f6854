"""Rule table for the extremal index updates ``x.at[idx].min(v)`` / ``.max(v)``.

The selection functions (sort, take, choose ...) are composites of ``getitem`` and
``where``: they are tested in tests/numpy/test_indexing_sorting.py. The updates' conventions at ties
(JAX's even split among the contenders) are tested there too; the sweep draws values
without ties.
"""

from __future__ import annotations

import numpy as np

from _harness.specs import MASK_2D, REPEATED, ROWS, D, Entry, _fixed, spec

COLS_0 = np.array([0, 0, 2])


def _extremal() -> list:
    return [spec("slice", D((4, 3)), D((2, 3)), slice(1, 3)),
            spec("slice,broadcast-row", D((4, 3)), D((3,)), slice(1, 3)),
            spec("int", D((4, 3)), D((3,)), 2),
            spec("scalar-value,column", D((4, 3)), D(()), (slice(None), 1)),
            spec("int-array", D((4, 3)), D((2, 3)), np.array([3, 0])),
            spec("bool-mask", D((4, 3)), D((6,)), MASK_2D),
            # repeated indices: every update competes (JAX's and NumPy's ufunc.at)
            spec("repeated-int-array", D((4, 3)), D((4, 3)), REPEATED),
            spec("repeated,broadcast", D((4, 3)), D((3,)), REPEATED),
            spec("repeated-pairs", D((4, 3)), D((3,)), (ROWS, COLS_0)),
            spec("repeated,scalar", D((4, 3)), D(()), (ROWS, COLS_0)),
            spec("1d,repeated", D((5,)), D((4,)), np.array([4, 4, 1, 4])),
            spec("x-only", D((4, 3)), _fixed(0.1), slice(0, 2)),
            spec("v-only", _fixed(np.linspace(-1, 1, 12).reshape(4, 3)), D((3,)), REPEATED)]


RULES = {
    "at_max": Entry(_extremal(), static=(2,)),
    "at_min": Entry(_extremal(), static=(2,)),
}
