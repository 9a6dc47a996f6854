"""The primitives over NumPy arrays and their rules, one module per family.

The families, in their one-way order (each imports only the ones before it):
``elementwise`` <- ``index`` <- ``shape`` <- ``reduce`` <- ``linalg`` <- ``special``, over
``axes`` (axis arguments, shape queries) and ``dtypes`` (the dtype-conversion policy).
NumPy's names, signatures and the dispatch protocols are one layer up, in
:mod:`chainrule.numpy`.
"""

from __future__ import annotations

from ..core import Primitive, broadcast_to, cast, sum_to
from . import (
    batching,  # noqa: E402, F401  (registers the vmap rules on the primitives)
    bessel,
    convolution,
    elementwise,
    factorizations,
    fft,
    gamma_beta,
    incomplete,
    index,
    linalg,
    reduce,
    shape,
    special,
    window,
)
from .elementwise import *  # noqa: F403
from .index import at_add, at_set, getitem, scatter_add
from .linalg import matmul
from .reduce import max, min, prod, sum  # noqa: A004
from .shape import (
    concatenate_pieces,
    expand_dims,
    moveaxis,
    reshape,
    squeeze,
    stack_pieces,
    swapaxes,
    transpose,
)
from .special import log_softmax, logsumexp, softmax

_FAMILIES = (elementwise, index, shape, reduce, linalg, special, fft, window, gamma_beta,
             incomplete, bessel, convolution, factorizations)


def registry() -> dict[str, Primitive]:
    """Every differentiable primitive chainrule defines, by name (for tests and coverage)."""
    from ..core import unbroadcast as fit
    out: dict[str, Primitive] = {}
    for mod in (*_FAMILIES, fit):
        for obj in vars(mod).values():
            if isinstance(obj, Primitive) and not obj.nondiff:
                out[obj.name] = obj
    return out


__all__ = ["registry", "sum_to", "broadcast_to", "cast", "getitem", "scatter_add", "at_set",
           "at_add", "matmul", "sum", "max", "min", "prod", "reshape", "transpose", "swapaxes",
           "moveaxis", "expand_dims", "squeeze", "concatenate_pieces", "stack_pieces",
           "logsumexp", "softmax", "log_softmax", *elementwise.__all__]
