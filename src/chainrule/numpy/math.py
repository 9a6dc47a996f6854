"""NumPy's mathematical functions composed from primitives (sums, products, differences...)."""

from __future__ import annotations

import numpy as np

from ..ops._util import normalize_axis
from ..ops.dispatch import implements
from ..ops.shape import (
    as_array,
    axis_index,
    moveaxis,
    traced,
)


@implements(np.gradient)
def np_gradient(f, *varargs, axis=None, edge_order=1):
    """``np.gradient``: linear in ``f``, so along each axis it is the matrix
    ``np.gradient(I)`` applied to ``f`` (differentiable in ``f``; the spacings are data)."""
    if not traced(f):
        return np.gradient(f, *varargs, axis=axis, edge_order=edge_order)
    if traced(*varargs):
        raise NotImplementedError("np.gradient: the spacings (varargs) must be plain "
                                  "arrays; the derivative is taken with respect to f")
    from .linalg import matmul
    y = as_array(f)
    axes = normalize_axis(axis, y.ndim)
    if isinstance(axis, (int, np.integer)):
        axes = (axis_index(axis, y.ndim),)
    elif axis is not None:
        axes = tuple(axis_index(a, y.ndim) for a in axis)
    spacing = list(varargs)
    if len(spacing) == 1 and np.ndim(spacing[0]) == 0:
        spacing = spacing * len(axes)
    elif spacing and len(spacing) != len(axes):
        raise TypeError("invalid number of arguments")
    outs = []
    for k, ax in enumerate(axes):
        n = y.shape[ax]
        sp = spacing[k:k + 1] if spacing else []
        m = np.gradient(np.eye(n, dtype=y.dtype), *sp, axis=0, edge_order=edge_order)
        outs.append(moveaxis(matmul(moveaxis(y, ax, -1), m.T.astype(y.dtype)), -1, ax))
    return outs[0] if len(outs) == 1 else tuple(outs)
