"""``import chainrule.numpy as np``: NumPy's namespace, differentiable.

Every name NumPy has is here. Functions with chainrule rules differentiate in both modes;
the rest are NumPy's own (array creation, dtypes, constants, ``random``...), which is right
for everything that has no derivative. A traced value passed to a NumPy function without a
rule raises a ``TypeError`` naming it, never a silent zero.

Beyond what NumPy's dispatch protocols reach, ``array``/``asarray`` here accept (nested)
lists containing traced values.
"""

from __future__ import annotations

from typing import Any

import numpy as _np

from .. import ops as _ops
from ..core import Tracer as _Tracer
from ..ops.dtypes import convert as _convert
from . import (  # noqa: F401  (each registers the NumPy names it implements)
    creation,
    eigen,
    fft,
    index_tricks,
    indexing,
    linalg,
    manipulation,
    math,
    ndarray,
    padding,
    passthrough,
    polynomial,
    products,
    random,
    sorting,
    statistics,
)
from .dispatch import FUNCTIONS as _FUNCTIONS
from .dispatch import UFUNCS as _UFUNCS

ndarray.attach()  # the operators, methods and dispatch protocols of traced values
ndarray = _np.ndarray  # NumPy's name (the submodule stays importable by its full name)

_RULES = {**_UFUNCS, **_FUNCTIONS}
for _name in dir(_np):  # by NumPy's own names, aliases included (concat, permute_dims, acos)
    _f = getattr(_np, _name)
    try:
        _impl = _RULES.get(_f)
    except TypeError:  # an unhashable attribute
        continue
    if _impl is not None and not _name.startswith("_"):
        globals()[_name] = _impl

abs = _ops.absolute  # noqa: A001
absolute = _ops.absolute
true_divide = _ops.divide
amax = _FUNCTIONS[_np.max]
amin = _FUNCTIONS[_np.min]
floor_divide = _ops.floor_divide
sign = _ops.sign
floor = _ops.floor
ceil = _ops.ceil
r_ = index_tricks.r_
c_ = index_tricks.c_


def _contains_tracer(obj: Any) -> bool:
    if isinstance(obj, _Tracer):
        return True
    if isinstance(obj, (list, tuple)):
        return any(_contains_tracer(o) for o in obj)
    return False


def _build(obj: Any, dtype: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        parts = [_build(o, dtype) for o in obj]
        if any(isinstance(p, _Tracer) for p in parts):
            return _ops.stack_pieces(*parts)
        return _np.array(parts, dtype=dtype)
    if isinstance(obj, _Tracer):
        return _convert(obj, dtype, "numpy.asarray")
    return _np.asarray(obj, dtype=dtype)


def array(obj: Any, dtype: Any = None, **kwargs: Any) -> Any:
    """``np.array`` that also builds arrays from (nested) lists of traced values."""
    if _contains_tracer(obj):
        out = _build(obj, dtype)
        return _ops.copy(out) if isinstance(obj, _Tracer) else out
    return _np.array(obj, dtype=dtype, **kwargs)


def asarray(obj: Any, dtype: Any = None, **kwargs: Any) -> Any:
    """``np.asarray`` that passes traced values through (and lists containing them)."""
    if _contains_tracer(obj):
        return _build(obj, dtype)
    return _np.asarray(obj, dtype=dtype, **kwargs)


def __getattr__(name: str) -> Any:
    return getattr(_np, name)
