"""Reductions, cumulative reductions and the full 1-D convolution: the primitives.

Primitives (each with both rules):

* ``sum``, ``prod``, ``max``, ``min`` over ``axis`` (``keepdims``). A reduction's adjoint is
  spread back over the reduced axes: ``expand(g, x, axis)`` reshapes ā to the kept shape and
  broadcasts it to x's shape. ``prod`` is exact at zeros (products of the others, no
  division). ``max``/``min`` split the derivative evenly among tied entries (JAX's and
  autograd's convention; PyTorch's ``amax`` also splits evenly, its ``max(dim)`` picks one).
* ``cumsum`` — ȧ = cumsum(ȧ_x); ā_x = the reversed cumulative sum of ā.
* ``cumprod`` — y_i = x_i y_{i-1}: ȧ_i = x_i ȧ_{i-1} + ẋ_i y_{i-1}, and ā_x_j = y_{j-1} S_j with
  S_j = ā_j + x_{j+1} S_{j+1}. Both are first-order linear recurrences, solved by
  ``linear_recurrence`` with multiplies and adds only: exact at zeros, to any order.
* ``linear_recurrence`` — h_i = a_i h_{i-1} + b_i (h_{-1} = 0), or backwards along the axis.
* ``convolve`` — the full 1-D convolution; its adjoints are correlations (convolutions with
  the other argument reversed, sliced).

NumPy's reductions, statistics and differences (mean, var, std, ptp, the nan* family,
average, diff, trapezoid, convolve ...) are composed from these in
:mod:`chainrule.numpy.math` and :mod:`chainrule.numpy.statistics`, which state their
conventions (``where=``, ``initial=``, NaNs, quantiles).
"""

from __future__ import annotations

import numpy as np

from ..core import Primitive, broadcast_to, document_primitives
from .axes import along, kept_shape, normalize_axis
from .elementwise import divide, multiply
from .index import getitem
from .shape import concatenate_pieces, reshape, transpose


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


sum = Primitive(_reduction(np.add), "sum")  # noqa: A001 - mirrors numpy's name
"""Σ over ``axis``: ā_x = ā spread over the summed axes; ȧ = Σ ȧ_x."""
sum.deflinear(lambda g, ans, x, axis=None, keepdims=False: expand(g, x, axis))


def _extremum_share_impl(x, ans, axis):
    # 1/k on each of the k entries attaining the extremum of their slice, 0 elsewhere:
    # ties split the derivative evenly (JAX and autograd's convention).
    hit = np.equal(x, np.reshape(ans, kept_shape(x.shape, axis)))
    hit = hit.astype(x.dtype if x.dtype.kind == "f" else np.float64)
    return hit / np.add.reduce(hit, axis=normalize_axis(axis, x.ndim), keepdims=True)


_extremum_share = Primitive(_extremum_share_impl, "extremum_share", nondiff=True)


max = Primitive(_reduction(np.maximum), "max")  # noqa: A001
"""max over ``axis``; ties split the derivative evenly among the maximal entries."""
min = Primitive(_reduction(np.minimum), "min")  # noqa: A001
"""min over ``axis``; ties split the derivative evenly among the minimal entries."""
for _p in (max, min):
    _p.defvjp(lambda g, ans, x, axis=None, keepdims=False:
              expand(g, x, axis) * _extremum_share(x, ans, axis))
    _p.defjvp(lambda t, ans, x, axis=None, keepdims=False:
              sum(t * _extremum_share(x, ans, axis), axis=axis, keepdims=keepdims))


def _exclusive_cumprod(x):
    """[1, x0, x0 x1, ...] along the last axis, by multiplies only (log2 n doubling steps)."""
    n = x.shape[-1]
    p, d = x, 1
    while d < n:
        p = concatenate_pieces(p[..., :d], p[..., d:] * p[..., :-d], axis=-1)
        d *= 2
    return concatenate_pieces(np.ones(x.shape[:-1] + (1,), x.dtype), p[..., :-1], axis=-1)


def _prod_of_others(x, axis):
    """∂(Π x)/∂x_i = Π_{j≠i} x_j: Π x / x_i without zeros; with zeros, prefix times suffix
    products (no division, so exact at zeros and differentiable again to any order)."""
    if not np.any(x == 0):
        return divide(prod(x, axis=axis, keepdims=True), x)
    axes = normalize_axis(axis, x.ndim)
    perm = tuple(i for i in range(x.ndim) if i not in axes) + axes
    xt = transpose(x, perm)
    rows = reshape(xt, xt.shape[:x.ndim - len(axes)] + (-1,))
    others = _exclusive_cumprod(rows) * _exclusive_cumprod(rows[..., ::-1])[..., ::-1]
    return transpose(reshape(others, xt.shape), tuple(np.argsort(perm)))


prod = Primitive(_reduction(np.multiply), "prod")
"""Π over ``axis``: ā_x_i = ā Π_{j≠i} x_j (exact at zeros)."""
prod.defvjp(lambda g, ans, x, axis=None, keepdims=False:
            multiply(expand(g, x, axis), _prod_of_others(x, axis)))
prod.defjvp(lambda t, ans, x, axis=None, keepdims=False:
            sum(t * _prod_of_others(x, axis), axis=axis, keepdims=keepdims))


# ---- cumulative reductions -----------------------------------------------------------------


def _reversed(x, axis):
    axis %= x.ndim
    return x[(slice(None),) * axis + (slice(None, None, -1),)]


def _cumsum_impl(x, axis=0, reverse=False):
    x = np.asarray(x)
    if reverse:
        return _reversed(np.add.accumulate(_reversed(x, axis), axis=axis), axis)
    return np.add.accumulate(x, axis=axis)


cumsum_ = Primitive(_cumsum_impl, "cumsum")
"""y_i = Σ_{j≤i} x_j along ``axis`` (``reverse``: Σ_{j≥i}): ȧ = cumsum(ȧ_x);
ā_x = cumsum(ā) in the other direction."""
cumsum_.deflinear(lambda g, ans, x, axis=0, reverse=False: cumsum_(g, axis=axis,
                                                                    reverse=not reverse))


def _linear_recurrence_impl(a, b, axis=0, reverse=False):
    # Hillis-Steele doubling on the affine maps h -> A h + B: after the step with stride d,
    # (A_i, B_i) maps h_{i-2d} to h_i. log2(n) vectorised steps instead of n.
    a, b = np.broadcast_arrays(a, b)
    dt = np.result_type(a, b)
    A = np.moveaxis(a, axis, -1).astype(dt, copy=True)
    B = np.moveaxis(b, axis, -1).astype(dt, copy=True)
    if reverse:
        A, B = A[..., ::-1], B[..., ::-1]
    n = A.shape[-1]
    d = 1
    while d < n:
        B[..., d:] += A[..., d:] * B[..., :-d]
        A[..., d:] = A[..., d:] * A[..., :-d]
        d *= 2
    if reverse:
        B = B[..., ::-1]
    return np.ascontiguousarray(np.moveaxis(B, -1, axis))


def _shifted(x, axis, fill, reverse):
    """x_{i-1} along ``axis`` (x_{i+1} when ``reverse``), ``fill`` where there is none."""
    axis %= x.ndim
    n = x.shape[axis]
    edge = list(x.shape)
    edge[axis] = 1 if n else 0
    pad = np.full(tuple(edge), fill, dtype=x.dtype)
    if reverse:
        return concatenate_pieces(getitem(x, along(axis, slice(1, None))), pad, axis=axis)
    return concatenate_pieces(pad, getitem(x, along(axis, slice(None, n - 1))), axis=axis)


linear_recurrence = Primitive(_linear_recurrence_impl, "linear_recurrence")
"""h_i = a_i h_{i-1} + b_i along ``axis`` (h_{-1} = 0; ``reverse``: h_i = a_i h_{i+1} + b_i).

ȧ = linrec(a, ḃ + ȧ_a · h_prev); ā_b = S = linrec(a_next, ā) run the other way, and
ā_a = S · h_prev (h_prev, a_next: the neighbours in the recurrence's order, 0 past the end).
"""


def _linrec_adjoint(g, ans, a, axis, reverse):
    a_next = _shifted(broadcast_to(a, ans.shape), axis, 0, not reverse)
    return linear_recurrence(a_next, g, axis=axis, reverse=not reverse)


linear_recurrence.defvjp(
    lambda g, ans, a, b, axis=0, reverse=False:
        _linrec_adjoint(g, ans, a, axis, reverse) * _shifted(ans, axis, 0, reverse),
    lambda g, ans, a, b, axis=0, reverse=False: _linrec_adjoint(g, ans, a, axis, reverse))
linear_recurrence.defjvp(
    lambda t, ans, a, b, axis=0, reverse=False:
        linear_recurrence(a, t * _shifted(ans, axis, 0, reverse), axis=axis, reverse=reverse),
    lambda t, ans, a, b, axis=0, reverse=False:
        linear_recurrence(a, t, axis=axis, reverse=reverse))


def _cumprod_impl(x, axis=0):
    return np.multiply.accumulate(np.asarray(x), axis=axis)


cumprod_ = Primitive(_cumprod_impl, "cumprod")
"""y_i = Π_{j≤i} x_j along ``axis``: ȧ = linrec(x, ẋ y_{i-1}); ā_x = y_{j-1} S_j with
S = linrec(x_{j+1}, ā) backwards. Multiplies and adds only: exact at zeros."""
cumprod_.defvjp(lambda g, ans, x, axis=0: linear_recurrence(
    _shifted(x, axis, 0, True), g, axis=axis, reverse=True) * _shifted(ans, axis, 1, False))
cumprod_.defjvp(lambda t, ans, x, axis=0: linear_recurrence(
    x, t * _shifted(ans, axis, 1, False), axis=axis))


def _convolve_impl(a, v):
    return np.convolve(a, v, "full")


convolve_full = Primitive(_convolve_impl, "convolve")
"""The full 1-D convolution y_k = Σ_i a_i v_{k-i} (bilinear): ȧ = ȧ_a * v + a * ȧ_v;
ā_a = (ā * reversed v)[N-1 : N-1+M] (a correlation), and symmetrically for v."""
convolve_full.deflinear(
    lambda g, ans, a, v: getitem(convolve_full(g, v[::-1]),
                                 slice(v.shape[0] - 1, v.shape[0] - 1 + a.shape[0])),
    lambda g, ans, a, v: getitem(convolve_full(g, a[::-1]),
                                 slice(a.shape[0] - 1, a.shape[0] - 1 + v.shape[0])))


__all__ = ["sum", "max", "min", "prod", "expand", "cumsum_", "cumprod_", "linear_recurrence",
           "convolve_full"]

document_primitives(__name__)
