"""``chainrule.numpy.linalg``: NumPy's ``linalg`` namespace, differentiable where chainrule
has rules (registered in :mod:`chainrule.ops.linalg`), NumPy's own elsewhere."""

from __future__ import annotations

from typing import Any

import numpy as _np

from ..ops.dispatch import FUNCTIONS as _FUNCTIONS

for _name in dir(_np.linalg):  # by numpy.linalg's own names, aliases included
    _impl = _FUNCTIONS.get(getattr(_np.linalg, _name)) if not _name.startswith("_") else None
    if _impl is not None:
        globals()[_name] = _impl


def __getattr__(name: str) -> Any:
    return getattr(_np.linalg, name)
