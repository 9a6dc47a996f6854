"""Reductions: sum, mean, max, min, prod, var, std (``axis`` and ``keepdims`` throughout).

A reduction's adjoint is spread back over the reduced axes: ``expand(g, x, axis)`` reshapes
ā to the kept shape and broadcasts it to x's shape.
"""

from __future__ import annotations

import numpy as np

from ..core import broadcast_to
from . import dispatch
from ._util import kept_shape, nondiff, normalize_axis, prim
from .elementwise import divide, multiply, sqrt
from .shape import reshape


def expand(g, x, axis):
    """ā of a reduction over ``axis`` spread back to x's shape."""
    shape = x.shape
    return broadcast_to(reshape(g, kept_shape(shape, axis)), shape)


def _reduction(ufunc):
    # ufunc.reduce skips the Python-level wrapper of np.sum/np.max (microseconds per call).
    def impl(x, axis=None, keepdims=False):
        if type(axis) is list:
            axis = tuple(axis)
        return ufunc.reduce(x, axis=axis, keepdims=keepdims)
    impl.__name__ = ufunc.__name__ + "_reduce"
    return impl


def _count(x, axis) -> int:
    """How many entries each slice of a reduction over ``axis`` has."""
    shape = getattr(x, "shape", None)
    if shape is None:
        shape = np.shape(x)
    n = 1
    for a, k in zip(shape, kept_shape(shape, axis)):
        if k == 1:
            n *= a
    return n


sum = prim(_reduction(np.add), "sum")  # noqa: A001 - mirrors numpy's name
"""Σ over ``axis``: ā_x = ā spread over the summed axes; ȧ = Σ ȧ_x."""
sum.defvjp(lambda g, ans, x, axis=None, keepdims=False: expand(g, x, axis))
sum.defjvp(lambda t, ans, x, axis=None, keepdims=False: sum(t, axis=axis, keepdims=keepdims))


def mean(x, axis=None, keepdims=False):
    """Σ x / n over ``axis`` (a composite of ``sum``)."""
    return sum(x, axis=axis, keepdims=keepdims) / _count(x, axis)


def _extremum_share_impl(x, ans, axis):
    # 1/k on each of the k entries attaining the extremum of their slice, 0 elsewhere:
    # ties split the derivative evenly (JAX and autograd's convention).
    hit = np.equal(x, np.reshape(ans, kept_shape(x.shape, axis)))
    hit = hit.astype(x.dtype if x.dtype.kind == "f" else np.float64)
    return hit / np.add.reduce(hit, axis=normalize_axis(axis, x.ndim), keepdims=True)


_extremum_share = nondiff(_extremum_share_impl, "extremum_share")


max = prim(_reduction(np.maximum), "max")  # noqa: A001
"""max over ``axis``; ties split the derivative evenly among the maximal entries."""
min = prim(_reduction(np.minimum), "min")  # noqa: A001
"""min over ``axis``; ties split the derivative evenly among the minimal entries."""
for _p in (max, min):
    _p.defvjp(lambda g, ans, x, axis=None, keepdims=False:
              expand(g, x, axis) * _extremum_share(x, ans, axis))
    _p.defjvp(lambda t, ans, x, axis=None, keepdims=False:
              sum(t * _extremum_share(x, ans, axis), axis=axis, keepdims=keepdims))


def _exclusive_cumprod(x):
    """[1, x0, x0 x1, ...] along the last axis, by multiplies only (log2 n doubling steps)."""
    from .shape import concatenate
    n = x.shape[-1]
    p, d = x, 1
    while d < n:
        p = concatenate([p[..., :d], p[..., d:] * p[..., :-d]], axis=-1)
        d *= 2
    return concatenate([np.ones(x.shape[:-1] + (1,), x.dtype), p[..., :-1]], axis=-1)


def _prod_of_others(x, axis):
    """∂(Π x)/∂x_i = Π_{j≠i} x_j: Π x / x_i without zeros; with zeros, prefix times suffix
    products (no division, so exact at zeros and differentiable again to any order)."""
    if not np.any(x == 0):
        return divide(prod(x, axis=axis, keepdims=True), x)
    from .shape import transpose
    axes = normalize_axis(axis, x.ndim)
    perm = tuple(i for i in range(x.ndim) if i not in axes) + axes
    xt = transpose(x, perm)
    rows = reshape(xt, xt.shape[:x.ndim - len(axes)] + (-1,))
    others = _exclusive_cumprod(rows) * _exclusive_cumprod(rows[..., ::-1])[..., ::-1]
    return transpose(reshape(others, xt.shape), tuple(np.argsort(perm)))


prod = prim(_reduction(np.multiply), "prod")
"""Π over ``axis``: ā_x_i = ā Π_{j≠i} x_j (exact at zeros)."""
prod.defvjp(lambda g, ans, x, axis=None, keepdims=False:
            multiply(expand(g, x, axis), _prod_of_others(x, axis)))
prod.defjvp(lambda t, ans, x, axis=None, keepdims=False:
            sum(t * _prod_of_others(x, axis), axis=axis, keepdims=keepdims))


def var(x, axis=None, ddof=0, keepdims=False):
    """Σ (x - mean)² / (n - ddof) over ``axis`` (composite)."""
    d = x - mean(x, axis=axis, keepdims=True)
    return sum(d * d, axis=axis, keepdims=keepdims) / (_count(x, axis) - ddof)


def std(x, axis=None, ddof=0, keepdims=False):
    """sqrt(var); its derivative is infinite where the variance is 0."""
    return sqrt(var(x, axis=axis, ddof=ddof, keepdims=keepdims))


# ---- NumPy's names (NumPy's signatures; dtype= is ignored: the argument's dtype is kept) --
def _np_sum(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    dispatch.no_out("sum", out)
    return sum(a, axis=axis, keepdims=keepdims)


def _np_mean(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    dispatch.no_out("mean", out)
    return mean(a, axis=axis, keepdims=keepdims)


def _np_max(a, axis=None, out=None, keepdims=False, **kw):
    dispatch.no_out("max", out)
    return max(a, axis=axis, keepdims=keepdims)


def _np_min(a, axis=None, out=None, keepdims=False, **kw):
    dispatch.no_out("min", out)
    return min(a, axis=axis, keepdims=keepdims)


def _np_prod(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
    dispatch.no_out("prod", out)
    return prod(a, axis=axis, keepdims=keepdims)


def _np_var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
    dispatch.no_out("var", out)
    return var(a, axis=axis, ddof=ddof, keepdims=keepdims)


def _np_std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
    dispatch.no_out("std", out)
    return std(a, axis=axis, ddof=ddof, keepdims=keepdims)


for _np_func, _ours in {
    np.sum: _np_sum, np.mean: _np_mean, np.max: _np_max, np.amax: _np_max, np.min: _np_min,
    np.amin: _np_min, np.prod: _np_prod, np.var: _np_var, np.std: _np_std,
}.items():
    dispatch.function(_np_func, _ours)

__all__ = ["sum", "mean", "max", "min", "prod", "var", "std", "expand"]
