"""Reductions, cumulative reductions, statistics and differences.

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

Composites (no rules of their own; correct at any order because their parts are): mean,
var, std, ptp, the nan* family, average, median/percentile/quantile (and nan*), diff,
ediff1d, trapezoid, gradient, correlate, cumulative_sum/cumulative_prod, and every
``where=`` / ``initial=`` variant. Conventions:

* ``where=`` masks entries out (they get a zero derivative); max/min with ``where`` need
  ``initial`` as in NumPy, and ``initial`` joins through ``maximum``/``minimum`` (a tie with
  it splits the derivative in half, like ``maximum``; JAX does the same).
* nan-functions ignore NaNs: those entries get a zero derivative; an all-NaN slice gives
  NaN (nanmax/nanmin, nanmean) with derivative 0.
* quantiles at the values level: the result interpolates two order statistics (NumPy's
  ``method``), and the derivative flows to those two entries with the interpolation
  weights; with ties, to the entries the stable sort puts there. With method='linear'
  ``q`` is differentiable too (slope (s_hi - s_lo)(n - 1)).
* std = sqrt(var): its derivative is infinite where the variance is 0 (as JAX and
  PyTorch, which give inf/NaN there), except over a single entry, where std is identically
  0 and its derivative is 0.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..core import Tracer, broadcast_to, full_unwrap
from . import dispatch
from . import elementwise as _ew
from ._util import kept_shape, nondiff, normalize_axis, prim
from .dtypes import convert
from .elementwise import divide, multiply, sqrt
from .index import getitem
from .shape import (
    along,
    as_array,
    axis_index,
    concatenate,
    concatenate_pieces,
    reshape,
    traced,
    transpose,
)

NO_VALUE = object()  # "argument not given" (NumPy's own sentinel is private)


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


# ---- cumulative reductions -----------------------------------------------------------------


def _reversed(x, axis):
    axis %= x.ndim
    return x[(slice(None),) * axis + (slice(None, None, -1),)]


def _cumsum_impl(x, axis=0, reverse=False):
    x = np.asarray(x)
    if reverse:
        return _reversed(np.add.accumulate(_reversed(x, axis), axis=axis), axis)
    return np.add.accumulate(x, axis=axis)


cumsum_ = prim(_cumsum_impl, "cumsum")
"""y_i = Σ_{j≤i} x_j along ``axis`` (``reverse``: Σ_{j≥i}): ȧ = cumsum(ȧ_x);
ā_x = cumsum(ā) in the other direction."""
cumsum_.defvjp(lambda g, ans, x, axis=0, reverse=False: cumsum_(g, axis=axis,
                                                                 reverse=not reverse))
cumsum_.defjvp(lambda t, ans, x, axis=0, reverse=False: cumsum_(t, axis=axis, reverse=reverse))


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


linear_recurrence = prim(_linear_recurrence_impl, "linear_recurrence")
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


cumprod_ = prim(_cumprod_impl, "cumprod")
"""y_i = Π_{j≤i} x_j along ``axis``: ȧ = linrec(x, ẋ y_{i-1}); ā_x = y_{j-1} S_j with
S = linrec(x_{j+1}, ā) backwards. Multiplies and adds only: exact at zeros."""
cumprod_.defvjp(lambda g, ans, x, axis=0: linear_recurrence(
    _shifted(x, axis, 0, True), g, axis=axis, reverse=True) * _shifted(ans, axis, 1, False))
cumprod_.defjvp(lambda t, ans, x, axis=0: linear_recurrence(
    x, t * _shifted(ans, axis, 1, False), axis=axis))


def _convolve_impl(a, v):
    return np.convolve(a, v, "full")


convolve_full = prim(_convolve_impl, "convolve")
"""The full 1-D convolution y_k = Σ_i a_i v_{k-i} (bilinear): ȧ = ȧ_a * v + a * ȧ_v;
ā_a = (ā * reversed v)[N-1 : N-1+M] (a correlation), and symmetrically for v."""
convolve_full.defvjp(
    lambda g, ans, a, v: getitem(convolve_full(g, v[::-1]),
                                 slice(v.shape[0] - 1, v.shape[0] - 1 + a.shape[0])),
    lambda g, ans, a, v: getitem(convolve_full(g, a[::-1]),
                                 slice(a.shape[0] - 1, a.shape[0] - 1 + v.shape[0])))
convolve_full.defjvp(lambda t, ans, a, v: convolve_full(t, v),
                     lambda t, ans, a, v: convolve_full(a, t))


# ---- the ops-level composites (chainrule's own signatures) ----------------------------------


def _mask(where, x):
    """The plain boolean ``where=`` mask broadcast to x's shape; None when it is all True."""
    if where is True or where is None or where is NO_VALUE:
        return None
    return np.broadcast_to(np.asarray(full_unwrap(where), dtype=bool), x.shape)


def _masked_count(mask, x, axis, keepdims):
    if mask is None:
        return _count(x, axis)
    n = np.add.reduce(mask, axis=normalize_axis(axis, x.ndim), keepdims=keepdims)
    return n.astype(x.dtype) if x.dtype.kind == "f" else n


def mean(x, axis=None, keepdims=False, *, where=None):
    """Σ x / n over ``axis`` (a composite of ``sum``); ``where`` masks entries out."""
    mask = _mask(where, x)
    if mask is not None:
        x = _ew.where(mask, x, 0)
    return sum(x, axis=axis, keepdims=keepdims) / _masked_count(mask, x, axis, keepdims)


_mean = mean


def var(x, axis=None, ddof=0, keepdims=False, *, where=None, mean=None):  # noqa: A002
    """Σ (x - mean)² / (n - ddof) over ``axis`` (composite); ``mean`` may be given (with
    keepdims=True's shape), ``where`` masks entries out."""
    mask = _mask(where, x)
    m = _mean(x, axis=axis, keepdims=True, where=where) if mean is None else mean
    d = x - m
    if mask is not None:
        d = _ew.where(mask, d, 0)
    return sum(d * d, axis=axis, keepdims=keepdims) / (
        _masked_count(mask, x, axis, keepdims) - ddof)


def std(x, axis=None, ddof=0, keepdims=False, *, where=None, mean=None):  # noqa: A002
    """sqrt(var); its derivative is infinite where the variance is 0, except over a single
    entry (an axis of length 1), where std is identically 0: |x - mean| there, derivative 0."""
    if _mask(where, x) is None and mean is None and ddof == 0 and _reduced_count(x, axis) == 1:
        d = x - _mean(x, axis=axis, keepdims=True)
        return sum(_ew.absolute(d), axis=axis, keepdims=keepdims)
    return sqrt(var(x, axis=axis, ddof=ddof, keepdims=keepdims, where=where, mean=mean))


def _reduced_count(x, axis) -> int:
    """How many entries each result of a reduction over ``axis`` sums."""
    shp = np.shape(full_unwrap(x))
    return int(np.prod([shp[a] for a in normalize_axis(axis, len(shp))], dtype=np.int64))


def _extreme(p, x, axis, keepdims, initial, where, name):
    mask = _mask(where, x)
    if mask is not None:
        if initial is NO_VALUE:
            raise ValueError(f"reduction operation '{name}' does not have an identity, so to "
                             "use a where mask one has to specify 'initial'")
        x = _ew.where(mask, x, -np.inf if p is max else np.inf)
    out = p(x, axis=axis, keepdims=keepdims)
    if initial is not NO_VALUE:
        out = (_ew.maximum if p is max else _ew.minimum)(out, initial)
    return out


# ---- NumPy's names (NumPy's signatures; applied to plain values, NumPy's own) -------------


def given(**kw):
    """The keyword arguments that were passed (not NumPy's 'no value')."""
    return {k: v for k, v in kw.items() if v is not NO_VALUE}


def _as_dtype(x, dtype):
    """x converted to a floating ``dtype`` (the argument's dtype is kept when None)."""
    return convert(x, dtype, "a traced reduction", keep_derivative=True)


def np_sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=NO_VALUE, where=NO_VALUE):
    """``np.sum``: masked entries (``where``) count as 0; ``initial`` is added."""
    if out is None and dtype is None and initial is NO_VALUE and where is NO_VALUE and \
            isinstance(a, Tracer):  # the common case, first
        return sum(a, axis=axis, keepdims=keepdims)
    if not traced(a, initial):
        return np.sum(a, axis, dtype, out, **given(keepdims=keepdims, initial=initial,
                                                    where=where))
    dispatch.no_out("sum", out)
    x = _as_dtype(as_array(a), dtype)
    mask = _mask(where, x)
    out = sum(x if mask is None else _ew.where(mask, x, 0), axis=axis, keepdims=keepdims)
    return out if initial is NO_VALUE else out + initial


def np_prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=NO_VALUE, where=NO_VALUE):
    """``np.prod``: masked entries count as 1; ``initial`` multiplies."""
    if out is None and dtype is None and initial is NO_VALUE and where is NO_VALUE and \
            isinstance(a, Tracer):  # the common case, first
        return prod(a, axis=axis, keepdims=keepdims)
    if not traced(a, initial):
        return np.prod(a, axis, dtype, out, **given(keepdims=keepdims, initial=initial,
                                                     where=where))
    dispatch.no_out("prod", out)
    x = _as_dtype(as_array(a), dtype)
    mask = _mask(where, x)
    out = prod(x if mask is None else _ew.where(mask, x, 1), axis=axis, keepdims=keepdims)
    return out if initial is NO_VALUE else out * initial


def np_max(a, axis=None, out=None, keepdims=False, initial=NO_VALUE, where=NO_VALUE):
    """``np.max``/``np.amax``: ties split evenly; ``initial`` joins through ``maximum``."""
    if out is None and initial is NO_VALUE and where is NO_VALUE and isinstance(a, Tracer):
        return max(a, axis=axis, keepdims=keepdims)
    if not traced(a, initial):
        return np.max(a, axis, out, **given(keepdims=keepdims, initial=initial, where=where))
    dispatch.no_out("max", out)
    return _extreme(max, as_array(a), axis, keepdims, initial, where, "maximum")


def np_min(a, axis=None, out=None, keepdims=False, initial=NO_VALUE, where=NO_VALUE):
    """``np.min``/``np.amin``: ties split evenly; ``initial`` joins through ``minimum``."""
    if out is None and initial is NO_VALUE and where is NO_VALUE and isinstance(a, Tracer):
        return min(a, axis=axis, keepdims=keepdims)
    if not traced(a, initial):
        return np.min(a, axis, out, **given(keepdims=keepdims, initial=initial, where=where))
    dispatch.no_out("min", out)
    return _extreme(min, as_array(a), axis, keepdims, initial, where, "minimum")


def np_ptp(a, axis=None, out=None, keepdims=False):
    """``np.ptp``: max - min."""
    if not traced(a):
        return np.ptp(a, axis, out, keepdims)
    dispatch.no_out("ptp", out)
    x = as_array(a)
    return max(x, axis=axis, keepdims=keepdims) - min(x, axis=axis, keepdims=keepdims)


def np_mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=NO_VALUE):
    """``np.mean``."""
    if out is None and dtype is None and where is NO_VALUE and isinstance(a, Tracer):
        return mean(a, axis=axis, keepdims=keepdims)
    if not traced(a):
        return np.mean(a, axis, dtype, out, **given(keepdims=keepdims, where=where))
    dispatch.no_out("mean", out)
    return mean(_as_dtype(as_array(a), dtype), axis=axis, keepdims=keepdims, where=where)


def _ddof(ddof, correction):
    if correction is not NO_VALUE:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        return correction
    return ddof


def np_var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=NO_VALUE,
           mean=NO_VALUE, correction=NO_VALUE):  # noqa: A002
    """``np.var`` (``ddof``/``correction``, ``where``, a precomputed ``mean``)."""
    if not traced(a, mean):
        return np.var(a, axis, dtype, out, ddof, **given(
            keepdims=keepdims, where=where, mean=mean, correction=correction))
    dispatch.no_out("var", out)
    return var(_as_dtype(as_array(a), dtype), axis, _ddof(ddof, correction), keepdims,
               where=where, mean=None if mean is NO_VALUE else mean)


def np_std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=NO_VALUE,
           mean=NO_VALUE, correction=NO_VALUE):  # noqa: A002
    """``np.std``: sqrt of ``np.var``."""
    if not traced(a, mean):
        return np.std(a, axis, dtype, out, ddof, **given(
            keepdims=keepdims, where=where, mean=mean, correction=correction))
    dispatch.no_out("std", out)
    return std(_as_dtype(as_array(a), dtype), axis, _ddof(ddof, correction), keepdims,
               where=where, mean=None if mean is NO_VALUE else mean)


def _isnan(x):
    return np.isnan(full_unwrap(x))


def _and_where(mask, where):
    return mask if where is NO_VALUE or where is True else mask & np.asarray(full_unwrap(where))


def np_nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=NO_VALUE,
              where=NO_VALUE):
    """``np.nansum``: NaNs count as 0 (and get no derivative)."""
    if not traced(a, initial):
        return np.nansum(a, axis, dtype, out, **given(keepdims=keepdims, initial=initial,
                                                       where=where))
    x = as_array(a)
    return np_sum(_ew.where(_isnan(x), 0, x), axis, dtype, out, keepdims, initial, where)


def np_nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=NO_VALUE,
               where=NO_VALUE):
    """``np.nanprod``: NaNs count as 1 (and get no derivative)."""
    if not traced(a, initial):
        return np.nanprod(a, axis, dtype, out, **given(keepdims=keepdims, initial=initial,
                                                        where=where))
    x = as_array(a)
    return np_prod(_ew.where(_isnan(x), 1, x), axis, dtype, out, keepdims, initial, where)


def np_nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=NO_VALUE):
    """``np.nanmean``: the mean of the non-NaN entries (NaN for an all-NaN slice)."""
    if not traced(a):
        return np.nanmean(a, axis, dtype, out, **given(keepdims=keepdims, where=where))
    x = as_array(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np_mean(x, axis, dtype, out, keepdims, where=_and_where(~_isnan(x), where))


def np_nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=NO_VALUE,
              mean=NO_VALUE, correction=NO_VALUE):  # noqa: A002
    """``np.nanvar``: the variance of the non-NaN entries."""
    if not traced(a, mean):
        return np.nanvar(a, axis, dtype, out, ddof, **given(
            keepdims=keepdims, where=where, mean=mean, correction=correction))
    x = as_array(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np_var(x, axis, dtype, out, ddof, keepdims, where=_and_where(~_isnan(x), where),
                      mean=mean, correction=correction)


def np_nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=NO_VALUE,
              mean=NO_VALUE, correction=NO_VALUE):  # noqa: A002
    """``np.nanstd``: sqrt of ``np.nanvar``."""
    if not traced(a, mean):
        return np.nanstd(a, axis, dtype, out, ddof, **given(
            keepdims=keepdims, where=where, mean=mean, correction=correction))
    x = as_array(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np_std(x, axis, dtype, out, ddof, keepdims, where=_and_where(~_isnan(x), where),
                      mean=mean, correction=correction)


def _nan_extreme(p, a, axis, out, keepdims, initial, where, name):
    x = as_array(a)
    nan = _isnan(x)
    filled = _ew.where(nan, -np.inf if p is max else np.inf, x)
    res = _extreme(p, filled, axis, keepdims, initial, where, name)
    if initial is NO_VALUE:  # an all-NaN slice is NaN (NumPy warns; so does this)
        allnan = np.logical_and.reduce(nan | ~_and_where(np.ones(nan.shape, bool), where),
                                       axis=normalize_axis(axis, x.ndim), keepdims=keepdims)
        if np.any(allnan):
            warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=3)
            res = _ew.where(allnan, np.nan, res)
    return res


def np_nanmax(a, axis=None, out=None, keepdims=False, initial=NO_VALUE, where=NO_VALUE):
    """``np.nanmax``: the max of the non-NaN entries."""
    if not traced(a, initial):
        return np.nanmax(a, axis, out, **given(keepdims=keepdims, initial=initial,
                                                where=where))
    dispatch.no_out("nanmax", out)
    return _nan_extreme(max, a, axis, out, keepdims, initial, where, "maximum")


def np_nanmin(a, axis=None, out=None, keepdims=False, initial=NO_VALUE, where=NO_VALUE):
    """``np.nanmin``: the min of the non-NaN entries."""
    if not traced(a, initial):
        return np.nanmin(a, axis, out, **given(keepdims=keepdims, initial=initial,
                                                where=where))
    dispatch.no_out("nanmin", out)
    return _nan_extreme(min, a, axis, out, keepdims, initial, where, "minimum")


def _cumulative(a, axis, dtype):
    x = _as_dtype(as_array(a), dtype)
    if axis is None:
        return reshape(x, (-1,)), 0
    return x, axis_index(axis, x.ndim)


def np_cumsum(a, axis=None, dtype=None, out=None):
    """``np.cumsum`` (of the raveled array for ``axis=None``)."""
    if not traced(a):
        return np.cumsum(a, axis, dtype, out)
    dispatch.no_out("cumsum", out)
    x, ax = _cumulative(a, axis, dtype)
    return cumsum_(x, axis=ax)


def np_cumprod(a, axis=None, dtype=None, out=None):
    """``np.cumprod``: exact at zeros."""
    if not traced(a):
        return np.cumprod(a, axis, dtype, out)
    dispatch.no_out("cumprod", out)
    x, ax = _cumulative(a, axis, dtype)
    return cumprod_(x, axis=ax)


def np_nancumsum(a, axis=None, dtype=None, out=None):
    """``np.nancumsum``: NaNs count as 0."""
    if not traced(a):
        return np.nancumsum(a, axis, dtype, out)
    x = as_array(a)
    return np_cumsum(_ew.where(_isnan(x), 0, x), axis, dtype, out)


def np_nancumprod(a, axis=None, dtype=None, out=None):
    """``np.nancumprod``: NaNs count as 1."""
    if not traced(a):
        return np.nancumprod(a, axis, dtype, out)
    x = as_array(a)
    return np_cumprod(_ew.where(_isnan(x), 1, x), axis, dtype, out)


def _cumulative_api(np_func, ours, identity):
    def f(x, /, *, axis=None, dtype=None, out=None, include_initial=False):
        if not traced(x):
            return np_func(x, axis=axis, dtype=dtype, out=out, include_initial=include_initial)
        dispatch.no_out(np_func.__name__, out)
        x = _as_dtype(as_array(x), dtype)
        if axis is None:
            if x.ndim > 1:
                raise ValueError("For arrays which have more than one dimension ``axis`` "
                                 "argument is required.")
            x = reshape(x, (-1,))
            axis = 0
        ax = axis_index(axis, x.ndim)
        res = ours(x, axis=ax)
        if include_initial:
            s = list(res.shape)
            s[ax] = 1
            res = concatenate_pieces(np.full(tuple(s), identity, res.dtype), res, axis=ax)
        return res
    f.__name__ = np_func.__name__
    f.__doc__ = f"``np.{np_func.__name__}`` (the array API's cumulative reduction)."
    return f


cumulative_sum = _cumulative_api(np.cumulative_sum, cumsum_, 0)
cumulative_prod = _cumulative_api(np.cumulative_prod, cumprod_, 1)


def np_average(a, axis=None, weights=None, returned=False, *, keepdims=NO_VALUE):
    """``np.average``: Σ w x / Σ w (differentiable in the weights too)."""
    if not traced(a, weights):
        return np.average(a, axis, weights, returned, **given(keepdims=keepdims))
    kd = False if keepdims is NO_VALUE else bool(keepdims)
    x = as_array(a)
    if weights is None:
        avg = mean(x, axis=axis, keepdims=kd)
        scl = np.asarray(_count(x, axis), dtype=avg.dtype)
    else:
        w = as_array(weights)
        if w.shape != x.shape:
            if axis is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            axes = normalize_axis(axis, x.ndim)
            if w.shape != tuple(x.shape[i] for i in axes):
                raise ValueError("Shape of weights must be consistent with shape of a along "
                                 "specified axis.")
            shape = [1] * x.ndim
            for i in axes:
                shape[i] = x.shape[i]
            w = reshape(w, tuple(shape))
        scl = sum(broadcast_to(w, x.shape), axis=axis, keepdims=kd)
        if np.any(np.asarray(full_unwrap(scl)) == 0.0):
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        avg = sum(x * w, axis=axis, keepdims=kd) / scl
    if returned:
        if np.shape(scl) != np.shape(avg):
            scl = broadcast_to(scl, np.shape(avg) if not isinstance(avg, Tracer)
                               else avg.shape)
        return avg, scl
    return avg


# ---- differences, integrals, convolutions --------------------------------------------------


def _slice(x, ax, start, stop):
    return getitem(x, along(ax, slice(start, stop)))


def np_diff(a, n=1, axis=-1, prepend=NO_VALUE, append=NO_VALUE):
    """``np.diff``: x[1:] - x[:-1] along ``axis``, ``n`` times (``prepend``/``append`` are
    joined first, and differentiable when traced)."""
    if not traced(a, prepend, append):
        return np.diff(a, n, axis, **given(prepend=prepend, append=append))
    if n == 0:
        return as_array(a)
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    x = as_array(a)
    if x.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    ax = axis_index(axis, x.ndim)
    parts = []
    for extra, at_end in ((prepend, False), (append, True)):
        if extra is NO_VALUE:
            continue
        e = as_array(extra)
        if e.ndim == 0:
            s = list(x.shape)
            s[ax] = 1
            e = broadcast_to(e, tuple(s))
        parts.append((e, at_end))
    if parts:
        x = concatenate([p for p, end in parts if not end] + [x] +
                        [p for p, end in parts if end], axis=ax)
    for _ in range(n):
        m = x.shape[ax]
        x = _slice(x, ax, 1, None) - _slice(x, ax, None, m - 1)
    return x


def np_ediff1d(ary, to_end=None, to_begin=None):
    """``np.ediff1d``: differences of the raveled array, with ``to_begin``/``to_end``."""
    if not traced(ary, to_end, to_begin):
        return np.ediff1d(ary, to_end, to_begin)
    x = reshape(as_array(ary), (-1,))
    d = _slice(x, 0, 1, None) - _slice(x, 0, None, x.shape[0] - 1) if x.shape[0] else x
    parts = [reshape(as_array(e), (-1,)) for e in (to_begin,) if e is not None] + [d] + \
        [reshape(as_array(e), (-1,)) for e in (to_end,) if e is not None]
    return parts[0] if len(parts) == 1 else concatenate(parts)


def np_trapezoid(y, x=None, dx=1.0, axis=-1):
    """``np.trapezoid``: Σ (x_{i+1} - x_i)(y_{i+1} + y_i)/2 (differentiable in y, x, dx)."""
    if not traced(y, x, dx):
        return np.trapezoid(y, x, dx, axis)
    y = as_array(y)
    ax = axis_index(axis, y.ndim)
    n = y.shape[ax]
    if x is None:
        d = dx
    else:
        xs = as_array(x)
        if xs.ndim == 1:
            d = np_diff(xs)
            shape = [1] * y.ndim
            shape[ax] = d.shape[0]
            d = reshape(d, tuple(shape))
        else:
            d = np_diff(xs, axis=axis)
    return sum(d * (_slice(y, ax, 1, None) + _slice(y, ax, None, n - 1)) / 2.0, axis=ax)


def _convolution(a, v, mode, name, reverse_v):
    a, v = as_array(a), as_array(v)
    if a.ndim == 0:
        a = reshape(a, (1,))
    if v.ndim == 0:
        v = reshape(v, (1,))
    m, k = a.shape[0], v.shape[0]
    if m == 0:
        raise ValueError("a cannot be empty")
    if k == 0:
        raise ValueError("v cannot be empty")
    full = convolve_full(a, getitem(v, slice(None, None, -1)) if reverse_v else v)
    short, long = (m, k) if m < k else (k, m)
    if mode == "full":
        return full
    if mode == "same":
        # NumPy's centring: (short - 1) // 2 from the start; a correlation with the longer
        # array second is computed swapped and reversed, which moves an even split by one.
        start = short // 2 if reverse_v and m < k else (short - 1) // 2
        return getitem(full, slice(start, start + long))
    if mode == "valid":
        return getitem(full, slice(short - 1, long))
    raise ValueError(f"mode must be one of 'valid', 'same', or 'full' (got {mode!r})")


def np_convolve(a, v, mode="full"):
    """``np.convolve`` (1-D): a slice of the full convolution."""
    if not traced(a, v):
        return np.convolve(a, v, mode)
    return _convolution(a, v, mode, "convolve", False)


def np_correlate(a, v, mode="valid"):
    """``np.correlate`` (1-D, real): a slice of the full convolution with v reversed."""
    if not traced(a, v):
        return np.correlate(a, v, mode)
    return _convolution(a, v, mode, "correlate", True)




for _np_func, _ours in {
    np.sum: np_sum, np.prod: np_prod, np.max: np_max, np.amax: np_max, np.min: np_min,
    np.amin: np_min, np.ptp: np_ptp, np.mean: np_mean, np.var: np_var, np.std: np_std,
    np.nansum: np_nansum, np.nanprod: np_nanprod, np.nanmean: np_nanmean,
    np.nanvar: np_nanvar, np.nanstd: np_nanstd, np.nanmax: np_nanmax, np.nanmin: np_nanmin,
    np.cumsum: np_cumsum, np.cumprod: np_cumprod, np.nancumsum: np_nancumsum,
    np.nancumprod: np_nancumprod, np.cumulative_sum: cumulative_sum,
    np.cumulative_prod: cumulative_prod, np.average: np_average, np.diff: np_diff,
    np.ediff1d: np_ediff1d, np.trapezoid: np_trapezoid,
    np.convolve: np_convolve, np.correlate: np_correlate,
}.items():
    dispatch.function(_np_func, _ours)

__all__ = ["given", "NO_VALUE", "sum", "mean", "max", "min", "prod", "var", "std", "expand",
           "cumsum_", "cumprod_",
           "linear_recurrence", "convolve_full"]
