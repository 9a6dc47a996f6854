"""The primitives over NumPy arrays and their rules, one module per family.

Importing this package attaches the array interface to traced values and fills the NumPy
dispatch tables (ufunc -> primitive, function -> chainrule function).
"""

from __future__ import annotations

import numpy as np

from ..core import Primitive, broadcast_to, cast, sum_to
from . import elementwise, index, linalg, methods, reduce, shape, special
from .elementwise import *  # noqa: F403
from .index import at_add, at_set, getitem, scatter_add
from .linalg import dot, matmul
from .reduce import max, mean, min, prod, std, sum, var  # noqa: A004
from .shape import (
    concatenate,
    expand_dims,
    moveaxis,
    ravel,
    reshape,
    squeeze,
    stack,
    swapaxes,
    transpose,
)
from .special import log_softmax, logsumexp, softmax

_FAMILIES = (elementwise, reduce, shape, index, linalg, special)


def registry() -> dict[str, Primitive]:
    """Every differentiable primitive chainrule defines, by name (for tests and coverage)."""
    from ..core import fit
    out: dict[str, Primitive] = {}
    for mod in (*_FAMILIES, fit):
        for obj in vars(mod).values():
            if isinstance(obj, Primitive) and not obj.nondiff:
                out[obj.name] = obj
    return out




methods.UFUNCS.update({
    np.add: elementwise.add, np.subtract: elementwise.subtract,
    np.multiply: elementwise.multiply, np.divide: elementwise.divide,
    np.negative: elementwise.negative, np.positive: elementwise.positive,
    np.power: elementwise.power, np.square: elementwise.square, np.sqrt: elementwise.sqrt,
    np.exp: elementwise.exp, np.log: elementwise.log, np.sin: elementwise.sin,
    np.cos: elementwise.cos, np.tanh: elementwise.tanh, np.absolute: elementwise.absolute,
    np.maximum: elementwise.maximum, np.minimum: elementwise.minimum,
    np.matmul: linalg.matmul,
})


def _np_sum(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    _no_out("sum", out)
    return reduce.sum(a, axis=axis, keepdims=keepdims)


def _np_mean(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    _no_out("mean", out)
    return reduce.mean(a, axis=axis, keepdims=keepdims)


def _np_max(a, axis=None, out=None, keepdims=False, **kw):
    _no_out("max", out)
    return reduce.max(a, axis=axis, keepdims=keepdims)


def _np_min(a, axis=None, out=None, keepdims=False, **kw):
    _no_out("min", out)
    return reduce.min(a, axis=axis, keepdims=keepdims)


def _np_prod(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    _no_out("prod", out)
    return reduce.prod(a, axis=axis, keepdims=keepdims)


def _np_var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
    _no_out("var", out)
    return reduce.var(a, axis=axis, ddof=ddof, keepdims=keepdims)


def _np_std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
    _no_out("std", out)
    return reduce.std(a, axis=axis, ddof=ddof, keepdims=keepdims)


def _np_where(condition, x=None, y=None):
    if x is None and y is None:
        return np.where(methods.full_unwrap(condition))
    return elementwise.where(condition, x, y)


def _np_clip(a, a_min=None, a_max=None, out=None, **kw):
    _no_out("clip", out)
    lo = kw.get("min", a_min)
    hi = kw.get("max", a_max)
    return elementwise.clip(a, lo, hi)


def _np_transpose(a, axes=None):
    return shape.transpose(a, None if axes is None else tuple(axes))


def _np_reshape(a, shape_=None, order="C", **kw):
    if shape_ is None:
        shape_ = kw.get("newshape", kw.get("shape"))
    return shape.reshape(a, shape_)


def _np_squeeze(a, axis=None):
    return shape.squeeze(a, axis)


def _no_out(name, out):
    if out is not None:
        raise TypeError(f"numpy.{name}(..., out=...) writes in place, which would change a "
                        "traced value; drop out= and use the returned array.")


methods.FUNCTIONS.update({
    np.sum: _np_sum, np.mean: _np_mean, np.max: _np_max, np.amax: _np_max,
    np.min: _np_min, np.amin: _np_min, np.prod: _np_prod, np.var: _np_var, np.std: _np_std,
    np.dot: linalg.dot, np.reshape: _np_reshape, np.transpose: _np_transpose,
    np.expand_dims: shape.expand_dims, np.squeeze: _np_squeeze, np.ravel: shape.ravel,
    np.swapaxes: shape.swapaxes, np.moveaxis: shape.moveaxis,
    np.broadcast_to: broadcast_to, np.concatenate: shape.concatenate, np.stack: shape.stack,
    np.where: _np_where, np.clip: _np_clip, np.copy: elementwise.copy,
})

methods.NONDIFF_FUNCTIONS.update({
    np.shape, np.ndim, np.size, np.argmax, np.argmin, np.argsort, np.zeros_like,
    np.ones_like, np.empty_like, np.full_like, np.result_type, np.nonzero, np.count_nonzero,
    np.array_equal, np.allclose, np.isclose, np.iscomplexobj, np.isrealobj,
    np.sign, np.floor, np.ceil, np.round, np.around, np.any, np.all,
})

methods.attach()

__all__ = ["registry", "sum_to", "broadcast_to", "cast", "getitem", "scatter_add", "at_set",
           "at_add", "matmul", "dot", "sum", "mean", "max", "min", "prod", "var", "std",
           "reshape", "transpose", "swapaxes", "moveaxis", "expand_dims", "squeeze", "ravel",
           "concatenate", "stack", "logsumexp", "softmax", "log_softmax",
           *elementwise.__all__]
