"""NumPy's mathematical functions composed from primitives (sums, products, differences...).

* ``unwrap`` — p plus a correction that is a multiple of ``period`` and piecewise constant
  in p: derivative 1 almost everywhere (``discont``, ``period`` are plain).
"""

from __future__ import annotations

import math

import numpy as np

from ..core import (
    Tracer,
    cast,  # noqa: F401
    full_unwrap,
)
from ..ops import elementwise as _ew
from ..ops._util import normalize_axis
from ..ops.dispatch import implements
from ..ops.dtypes import to_dtype
from ..ops.index import (
    Distinct,  # noqa: F401
    getitem,
)
from ..ops.shape import (  # noqa: F401
    along,
    as_array,
    axis_index,
    concatenate,
    concatenate_pieces,
    expand_dims,
    moveaxis,
    reshape,
    squeeze,
    stack,
    traced,
    transpose,
)
from ..ops.special import i0


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


@implements(np.interp)
def interp(x, xp, fp, left=None, right=None, period=None):
    """``np.interp``: piecewise-linear interpolation, differentiable in x, xp and fp (and
    ``left``/``right``); see the module's note for the breakpoints."""
    if not traced(x, xp, fp, left, right):
        return np.interp(x, xp, fp, left, right, period)
    x, xp, fp = as_array(x), as_array(xp), as_array(fp)
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("Data points must be 1-D sequences")
    if xp.shape[0] != fp.shape[0]:
        raise ValueError("fp and xp are not of the same length")
    if xp.shape[0] == 0:
        raise ValueError("array of sample points is empty")
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        if isinstance(xp, Tracer) or isinstance(period, Tracer):
            raise NotImplementedError("np.interp with period: xp and period must be plain "
                                      "arrays (the sample points are reordered)")
        period = abs(period)
        x = x - period * np.floor(full_unwrap(x) / period)
        xpp = np.asarray(xp) % period
        order = np.argsort(xpp, kind="stable")
        xpp = xpp[order]
        fp = getitem(fp, Distinct((order,)))
        xp = np.concatenate([xpp[-1:] - period, xpp, xpp[:1] + period])
        fp = concatenate([getitem(fp, slice(-1, None)), fp, getitem(fp, slice(None, 1))])
        left = right = None
    xv = np.asarray(full_unwrap(x))
    xpv = np.asarray(full_unwrap(xp))
    n = xpv.shape[0]
    if n == 1:
        y = getitem(fp, np.zeros(xv.shape, np.intp))
    else:
        seg = np.clip(np.searchsorted(xpv, xv, side="right") - 1, 0, n - 2)
        x0, x1 = getitem(xp, seg), getitem(xp, seg + 1)
        f0, f1 = getitem(fp, seg), getitem(fp, seg + 1)
        y = f0 + (x - x0) * ((f1 - f0) / (x1 - x0))
    lo = getitem(fp, 0) if left is None else left
    hi = getitem(fp, -1) if right is None else right
    y = _ew.where(xv > xpv[-1], hi, _ew.where(xv < xpv[0], lo, y))
    return y if y.dtype == np.float64 else cast(y, np.float64)  # NumPy's result is double


@implements(np.i0)
def np_i0(x):
    """``np.i0``: I₀(x), differentiable (its derivative is I₁)."""
    if not traced(x):
        return np.i0(x)
    return i0(as_array(x))


@implements(np.unwrap)
def unwrap(p, discont=None, axis=-1, *, period=2 * math.pi):
    """``np.unwrap``: p + (multiples of ``period``, piecewise constant in p), so the
    derivative is 1 almost everywhere (and the correction is computed on the values)."""
    if not traced(p):
        return np.unwrap(p, discont, axis, period=period)
    if traced(discont, period):
        raise NotImplementedError("np.unwrap: discont and period must be plain numbers; the "
                                  "derivative is taken with respect to p")
    p = as_array(p)
    v = full_unwrap(p)
    dd = np.diff(v, axis=axis)
    if discont is None:
        discont = period / 2
    dtype = np.result_type(dd, period)
    if np.issubdtype(dtype, np.integer):  # pragma: no cover - a traced p is floating
        raise TypeError("np.unwrap of a traced value needs a floating period")
    high = period / 2
    ddmod = np.mod(dd + high, period) - high
    np.copyto(ddmod, high, where=(ddmod == -high) & (dd > 0))
    correct = ddmod - dd
    np.copyto(correct, 0, where=abs(dd) < discont)
    ax = axis_index(axis, v.ndim)
    full = np.zeros(v.shape, dtype)
    full[along(ax, slice(1, None))] = correct.cumsum(ax)
    return to_dtype(p, dtype) + full
