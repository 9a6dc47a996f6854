"""``chainrule.numpy.linalg``: NumPy's ``linalg`` namespace, differentiable where chainrule
has rules (registered in :mod:`chainrule.ops.linalg`), NumPy's own elsewhere."""

from __future__ import annotations

from typing import Any

import numpy as _np

from ..ops.dispatch import FUNCTIONS as _FUNCTIONS

for _f, _impl in _FUNCTIONS.items():
    if getattr(_f, "__module__", None) == "numpy.linalg":
        globals()[_f.__name__] = _impl


def __getattr__(name: str) -> Any:
    return getattr(_np.linalg, name)
