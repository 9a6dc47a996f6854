"""The primitives over NumPy arrays and their rules, one module per family.

Importing this package attaches the array interface to traced values and fills the NumPy
dispatch tables (ufunc -> primitive, function -> chainrule function).
"""

from __future__ import annotations

from ..core import Primitive, broadcast_to, cast, sum_to
from . import (  # noqa: F401
    dispatch,
    elementwise,
    index,
    linalg,
    methods,
    passthrough,
    reduce,
    shape,
    special,
)
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

_FAMILIES = (elementwise, reduce, shape, index, linalg, special,
             passthrough)


def registry() -> dict[str, Primitive]:
    """Every differentiable primitive chainrule defines, by name (for tests and coverage)."""
    from ..core import unbroadcast as fit
    out: dict[str, Primitive] = {}
    for mod in (*_FAMILIES, fit):
        for obj in vars(mod).values():
            if isinstance(obj, Primitive) and not obj.nondiff:
                out[obj.name] = obj
    return out

methods.attach()
from . import batching  # noqa: E402, F401  (registers the vmap rules on the primitives)

__all__ = ["registry", "sum_to", "broadcast_to", "cast", "getitem", "scatter_add", "at_set",
           "at_add", "matmul", "dot", "sum", "mean", "max", "min", "prod", "var", "std",
           "reshape", "transpose", "swapaxes", "moveaxis", "expand_dims", "squeeze", "ravel",
           "concatenate", "stack", "logsumexp", "softmax", "log_softmax",
           *elementwise.__all__]
