"""NumPy's argument conventions, for the functions of ``chainrule.numpy``: is an argument
traced, array-likes that hold traced values, NumPy's "no value" default, ``where=`` masks
and the ``dtype=`` of a reduction."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Tracer, full_unwrap
from ..ops.dtypes import convert
from ..ops.shape import stack_pieces

__all__ = ["traced", "as_array", "NO_VALUE", "given", "where_mask", "reduction_dtype", "nan_mask",
           "and_where", "operand", "dtype_of"]

NO_VALUE = object()  # "argument not given" (NumPy's own sentinel is private)


def traced(*objs: Any) -> bool:
    """Is any argument (or an entry of a list/tuple argument) a traced value?"""
    for o in objs:
        if isinstance(o, Tracer):
            return True
        if (type(o) is list or type(o) is tuple) and traced(*o):
            return True
    return False


def as_array(x: Any) -> Any:
    """A traced value as it is; a (nested) list holding traced values stacked; else an array."""
    if isinstance(x, Tracer):
        return x
    if (type(x) is list or type(x) is tuple) and traced(*x):
        return stack_pieces(*[as_array(e) for e in x], axis=0)
    return np.asarray(x)


def given(**kw: Any) -> dict[str, Any]:
    """The keyword arguments that were passed (not NumPy's 'no value')."""
    return {k: v for k, v in kw.items() if v is not NO_VALUE}


def where_mask(where: Any, x: Any) -> Any:
    """The plain boolean ``where=`` mask broadcast to x's shape; None when it is all True."""
    if where is True or where is None or where is NO_VALUE:
        return None
    return np.broadcast_to(np.asarray(full_unwrap(where), dtype=bool), x.shape)


def reduction_dtype(x: Any, dtype: Any) -> Any:
    """x converted to a floating ``dtype`` (the argument's dtype is kept when None)."""
    return convert(x, dtype, "a traced reduction", keep_derivative=True)


def nan_mask(x: Any) -> np.ndarray:
    """Where x is NaN (on the plain values: a mask has no derivative)."""
    return np.isnan(full_unwrap(x))


def and_where(mask: Any, where: Any) -> Any:
    """``mask`` restricted to NumPy's ``where=`` argument (unchanged when none is given)."""
    return mask if where is NO_VALUE or where is True else mask & np.asarray(full_unwrap(where))


def operand(x: Any) -> Any:
    """A traced value or an ndarray as it is; a list holding traced values stacked; anything
    else (a list, a number) as an array."""
    return x if isinstance(x, (Tracer, np.ndarray)) else as_array(x)


def dtype_of(x: Any) -> np.dtype:
    """x's dtype (NumPy's result type for a Python number)."""
    d = getattr(x, "dtype", None)
    return np.result_type(x) if d is None else d
