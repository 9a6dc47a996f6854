"""``np.r_`` and ``np.c_`` that join traced values (NumPy's own objects cannot: indexing
syntax has no dispatch protocol, so ``numpy.r_[x, y]`` with a traced ``x`` converts it).

``chainrule.numpy.r_[...]``/``c_[...]`` follow NumPy's rules (slices as ``arange``/
``linspace``, scalars as 1-d, the directive string ``'axis,ndmin,trans1d'``, ``c_`` being
``r_['-1,2,0', ...]``) and join with chainrule's ``concatenate``, so the result
differentiates with respect to every traced piece. Without traced pieces they are NumPy's.
The matrix directives ``'r'``/``'c'`` are NumPy's only (matrices are not traced).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Tracer
from ..ops.shape import concatenate_pieces, reshape, transpose

__all__ = ["r_", "c_"]


def _holds_tracer(items: tuple) -> bool:
    return any(isinstance(i, Tracer) for i in items)


def _slice_values(item: slice) -> np.ndarray:
    start = 0 if item.start is None else item.start
    step = 1 if item.step is None else item.step
    if isinstance(step, (complex, np.complexfloating)):  # 0:1:5j, 5 points: linspace
        return np.linspace(start, item.stop, num=int(abs(step)))
    return np.arange(start, item.stop, step)


def _upgrade(x: Any, ndmin: int, trans1d: int) -> Any:
    """``np.array(x, ndmin=ndmin)`` with NumPy's ``trans1d`` placement of the old axes."""
    nd = x.ndim
    if nd >= ndmin:
        return x
    x = reshape(x, (1,) * (ndmin - nd) + tuple(x.shape))
    if trans1d != -1:
        k2 = ndmin - nd
        k1 = trans1d + k2 + 1 if trans1d < 0 else trans1d
        axes = list(range(ndmin))
        x = transpose(x, tuple(axes[:k1] + axes[k2:] + axes[k1:k2]))
    return x


class AxisConcatenator:
    """``obj[a, b, ...]`` joins the pieces along ``axis`` (NumPy's ``AxisConcatenator``)."""

    def __init__(self, numpy_obj: Any, axis: int = 0, ndmin: int = 1, trans1d: int = -1):
        self._numpy = numpy_obj
        self.axis, self.ndmin, self.trans1d = axis, ndmin, trans1d

    def __getitem__(self, key: Any) -> Any:
        items = key if isinstance(key, tuple) else (key,)
        if not _holds_tracer(items):
            return self._numpy[key]
        axis, ndmin, trans1d = self.axis, self.ndmin, self.trans1d
        pieces = []
        for k, item in enumerate(items):
            if isinstance(item, str):
                if k != 0:
                    raise ValueError("r_/c_: a directive string must come first")
                if item in ("r", "c"):
                    raise TypeError("r_['r', ...]/r_['c', ...] make NumPy matrices, which are "
                                    "not traced; join arrays instead")
                vals = [int(v) for v in item.split(",")]
                axis = vals[0]
                if len(vals) > 1:
                    ndmin = vals[1]
                if len(vals) > 2:
                    trans1d = vals[2]
                continue
            if isinstance(item, slice):
                piece: Any = _slice_values(item)
            elif isinstance(item, Tracer):
                piece = item
            else:
                piece = np.asarray(item)
            if piece.ndim == 0:
                piece = reshape(piece, (1,))
            pieces.append(_upgrade(piece, ndmin, trans1d))
        return concatenate_pieces(*pieces, axis=axis)

    def __len__(self) -> int:
        return 0


r_ = AxisConcatenator(np.r_, 0)
"""``np.r_``: pieces joined along the first axis (``r_['axis,ndmin,trans1d', ...]``)."""
c_ = AxisConcatenator(np.c_, -1, 2, 0)
"""``np.c_``: pieces joined as columns (``r_['-1,2,0', ...]``)."""
