"""NumPy's statistics, differentiable: means and variances (mean, var, std, average and the
nan-ignoring forms), ptp, the order statistics (quantile, percentile, median, computed at the
values level so the derivative flows to the order statistics the result interpolates),
correlate, cov/corrcoef and histograms.

* ``mean``/``var``/``std`` — composites of ``sum``; ``where=`` masks entries out (they get a
  zero derivative); nan-functions ignore NaNs (zero derivative; an all-NaN slice is NaN).
  std = sqrt(var): its derivative is infinite where the variance is 0 (as JAX and PyTorch,
  which give inf/NaN there).
* quantiles at the values level: the result interpolates two order statistics (NumPy's
  ``method``), and the derivative flows to those two entries with the interpolation
  weights; with ties, to the entries the stable sort puts there. With method='linear'
  ``q`` is differentiable too (slope (s_hi - s_lo)(n - 1)).

* ``cov``/``corrcoef`` — NumPy's algorithm (centre, product, scale), differentiable in the
  data and also in ``aweights``/``fweights`` when those are traced; ``corrcoef``'s final
  clip to [-1, 1] passes the derivative at the bounds, and the diagonal (identically 1)
  gets derivative 0 up to rounding. std = sqrt(var): infinite derivative at a constant row.
* ``histogram``/``histogram2d``/``histogramdd`` — the counts are piecewise constant in the
  data (derivative 0; plain arrays); the weighted counts Σ_{j in bin b} w_j are linear in
  ``weights=`` (ā_w_j = ā_b of the bin of sample j). The edges are a choice and are returned
  plain, as ``np.histogram_bin_edges`` (a passthrough) returns them.
"""

from __future__ import annotations

import builtins
import warnings

import numpy as np

from ..core import Tracer, broadcast_to, cast, full_unwrap, plain
from ..ops import elementwise as _ew
from ..ops.axes import kept_shape, normalize_axis, reduction_size
from ..ops.dtypes import real_floating, to_dtype
from ..ops.index import getitem, scatter_add
from ..ops.linalg import matmul
from ..ops.reduce import max, min, sum  # noqa: A004
from ..ops.shape import concatenate_pieces, moveaxis, reshape, squeeze, transpose
from .arguments import (
    NO_VALUE,
    and_where,
    as_array,
    given,
    nan_mask,
    reduction_dtype,
    traced,
    where_mask,
)
from .dispatch import implements, no_out
from .indexing import take_along
from .math import convolution

# ---- means and variances (chainrule's signatures, for the methods of traced arrays) ---------


def _masked_count(mask, x, axis, keepdims):
    if mask is None:
        return reduction_size(x, axis)
    n = np.add.reduce(mask, axis=normalize_axis(axis, x.ndim), keepdims=keepdims)
    return n.astype(x.dtype) if x.dtype.kind == "f" else n


def mean(x, axis=None, keepdims=False, *, where=None):
    """Σ x / n over ``axis`` (a composite of ``sum``); ``where`` masks entries out."""
    mask = where_mask(where, x)
    if mask is not None:
        x = _ew.where(mask, x, 0)
    return sum(x, axis=axis, keepdims=keepdims) / _masked_count(mask, x, axis, keepdims)


_mean = mean


def var(x, axis=None, ddof=0, keepdims=False, *, where=None, mean=None):  # noqa: A002
    """Σ (x - mean)² / (n - ddof) over ``axis`` (composite); ``mean`` may be given (with
    keepdims=True's shape), ``where`` masks entries out."""
    mask = where_mask(where, x)
    m = _mean(x, axis=axis, keepdims=True, where=where) if mean is None else mean
    d = x - m
    if mask is not None:
        d = _ew.where(mask, d, 0)
    if d.dtype.kind == "c":  # NumPy's complex variance: the mean of |x - mean|², real
        d2 = _ew.real_part(d * _ew.conjugate(d))
    else:
        d2 = d * d
    return sum(d2, axis=axis, keepdims=keepdims) / (
        _masked_count(mask, x, axis, keepdims) - ddof)


def _reduced_count(x, axis) -> int:
    """How many entries each result of a reduction over ``axis`` sums."""
    shp = np.shape(full_unwrap(x))
    return int(np.prod([shp[a] for a in normalize_axis(axis, len(shp))], dtype=np.int64))


def std(x, axis=None, ddof=0, keepdims=False, *, where=None, mean=None):  # noqa: A002
    """sqrt(var); its derivative is infinite where the variance is 0, except over a single
    entry (an axis of length 1), where std is identically 0: |x - mean| there, derivative 0."""
    if where_mask(where, x) is None and mean is None and ddof == 0 and \
            _reduced_count(x, axis) == 1:
        d = x - _mean(x, axis=axis, keepdims=True)
        return sum(_ew.absolute(d), axis=axis, keepdims=keepdims)
    return _ew.sqrt(var(x, axis=axis, ddof=ddof, keepdims=keepdims, where=where, mean=mean))


# ---- NumPy's means, variances, ptp, average, correlate ---------------------------------------


@implements(np.ptp)
def np_ptp(a, axis=None, out=None, keepdims=False):
    """``np.ptp``: max - min."""
    if not traced(a):
        return np.ptp(a, axis, out, keepdims)
    no_out("ptp", out)
    x = as_array(a)
    return max(x, axis=axis, keepdims=keepdims) - min(x, axis=axis, keepdims=keepdims)


@implements(np.mean)
def np_mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=NO_VALUE):
    """``np.mean``."""
    if out is None and dtype is None and where is NO_VALUE and isinstance(a, Tracer):
        return mean(a, axis=axis, keepdims=keepdims)
    if not traced(a):
        return np.mean(a, axis, dtype, out, **given(keepdims=keepdims, where=where))
    no_out("mean", out)
    return mean(reduction_dtype(as_array(a), dtype), axis=axis, keepdims=keepdims, where=where)


def _ddof(ddof, correction):
    if correction is not NO_VALUE:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        return correction
    return ddof


@implements(np.var)
def np_var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=NO_VALUE,
           mean=NO_VALUE, correction=NO_VALUE):  # noqa: A002
    """``np.var`` (``ddof``/``correction``, ``where``, a precomputed ``mean``)."""
    if not traced(a, mean):
        return np.var(a, axis, dtype, out, ddof, **given(
            keepdims=keepdims, where=where, mean=mean, correction=correction))
    no_out("var", out)
    return var(reduction_dtype(as_array(a), dtype), axis, _ddof(ddof, correction), keepdims,
               where=where, mean=None if mean is NO_VALUE else mean)


@implements(np.std)
def np_std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=NO_VALUE,
           mean=NO_VALUE, correction=NO_VALUE):  # noqa: A002
    """``np.std``: sqrt of ``np.var``."""
    if not traced(a, mean):
        return np.std(a, axis, dtype, out, ddof, **given(
            keepdims=keepdims, where=where, mean=mean, correction=correction))
    no_out("std", out)
    return std(reduction_dtype(as_array(a), dtype), axis, _ddof(ddof, correction), keepdims,
               where=where, mean=None if mean is NO_VALUE else mean)


@implements(np.nanmean)
def np_nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=NO_VALUE):
    """``np.nanmean``: the mean of the non-NaN entries (NaN for an all-NaN slice)."""
    if not traced(a):
        return np.nanmean(a, axis, dtype, out, **given(keepdims=keepdims, where=where))
    x = as_array(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np_mean(x, axis, dtype, out, keepdims, where=and_where(~nan_mask(x), where))


@implements(np.nanvar)
def np_nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=NO_VALUE,
              mean=NO_VALUE, correction=NO_VALUE):  # noqa: A002
    """``np.nanvar``: the variance of the non-NaN entries."""
    if not traced(a, mean):
        return np.nanvar(a, axis, dtype, out, ddof, **given(
            keepdims=keepdims, where=where, mean=mean, correction=correction))
    x = as_array(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np_var(x, axis, dtype, out, ddof, keepdims, where=and_where(~nan_mask(x), where),
                      mean=mean, correction=correction)


@implements(np.nanstd)
def np_nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=NO_VALUE,
              mean=NO_VALUE, correction=NO_VALUE):  # noqa: A002
    """``np.nanstd``: sqrt of ``np.nanvar``."""
    if not traced(a, mean):
        return np.nanstd(a, axis, dtype, out, ddof, **given(
            keepdims=keepdims, where=where, mean=mean, correction=correction))
    x = as_array(a)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np_std(x, axis, dtype, out, ddof, keepdims, where=and_where(~nan_mask(x), where),
                      mean=mean, correction=correction)


@implements(np.average)
def np_average(a, axis=None, weights=None, returned=False, *, keepdims=NO_VALUE):
    """``np.average``: Σ w x / Σ w (differentiable in the weights too)."""
    if not traced(a, weights):
        return np.average(a, axis, weights, returned, **given(keepdims=keepdims))
    kd = False if keepdims is NO_VALUE else bool(keepdims)
    x = as_array(a)
    if weights is None:
        avg = mean(x, axis=axis, keepdims=kd)
        scl = np.asarray(reduction_size(x, axis), dtype=avg.dtype)
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


@implements(np.correlate)
def np_correlate(a, v, mode="valid"):
    """``np.correlate`` (1-D, real): a slice of the full convolution with v reversed."""
    if not traced(a, v):
        return np.correlate(a, v, mode)
    return convolution(a, v, mode, "correlate", True)


# ---- quantiles at the values level ---------------------------------------------------------


def _quantile(a, q, axis, method, keepdims, nan):
    x = as_array(a)
    qv = np.asarray(full_unwrap(q), dtype=np.float64)
    if np.any((qv < 0) | (qv > 1)) or np.any(np.isnan(qv)):
        raise ValueError("Quantiles must be in the range [0, 1]")
    if isinstance(q, Tracer) and method != "linear":
        raise NotImplementedError(f"the derivative in q is given for method='linear' only "
                                  f"(not {method!r}); pass q as a plain array")
    axes = normalize_axis(axis, x.ndim)
    rest = tuple(i for i in range(x.ndim) if i not in axes)
    xt = transpose(x, rest + axes) if rest + axes != tuple(range(x.ndim)) else x
    batch = xt.shape[:len(rest)]
    n = int(np.prod(xt.shape[len(rest):]))
    rows = reshape(xt, batch + (n,))
    if method not in _SELECTING:  # NumPy interpolates in the common type of x and q
        dt = np.result_type(x.dtype, q if isinstance(q, (int, float)) else
                            (q.dtype if isinstance(q, Tracer) else np.asarray(q).dtype))
        if dt != x.dtype and dt.kind == "f":
            rows = cast(rows, dt)
    plain = np.asarray(full_unwrap(rows))
    order = np.argsort(plain, axis=-1, kind="stable")
    s = take_along(rows, order, -1, distinct=True)
    ranks = np.broadcast_to(np.arange(n, dtype=np.float64), plain.shape)
    qflat = qv.reshape(-1)
    sorted_plain = np.take_along_axis(plain, order, -1)
    if nan:
        ranks = np.where(np.isnan(sorted_plain), np.nan, ranks)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: NaN, said below
            virt = np.nanquantile(ranks, qflat, axis=-1, method=method)
        valid_n = np.sum(~np.isnan(sorted_plain), axis=-1)
    else:
        virt = np.quantile(ranks, qflat, axis=-1, method=method)
        valid_n = np.full(batch, n)
    virt = np.moveaxis(np.asarray(virt).reshape((qflat.size,) + batch), 0, -1)  # batch + (nq,)
    missing = np.isnan(virt)
    v0 = np.where(missing, 0, virt)
    lo = np.floor(v0).astype(np.intp)
    hi = np.minimum(lo + 1, np.maximum(valid_n[..., None] - 1, 0))
    if isinstance(q, Tracer):  # method='linear': v = q (n_valid - 1)
        qt = reshape(q, (-1,))
        frac = qt * (valid_n[..., None] - 1).astype(plain.dtype) - lo.astype(plain.dtype)
    else:
        frac = (v0 - lo).astype(plain.dtype)
    s_lo = take_along(s, lo, -1)
    s_hi = take_along(s, hi, -1)
    res = s_lo + (s_hi - s_lo) * frac
    if not nan and n and np.any(np.isnan(sorted_plain[..., -1])):  # NumPy: NaN in, NaN out
        res = _ew.where(np.isnan(sorted_plain[..., -1:]), np.nan, res)
    if nan and np.any(missing):
        res = _ew.where(missing, np.nan, res)
    out_batch = kept_shape(x.shape, axis) if keepdims else batch
    res = reshape(res, batch + qv.shape)
    if qv.ndim:
        res = moveaxis(res, tuple(range(len(batch), len(batch) + qv.ndim)),
                       tuple(range(qv.ndim)))
    return reshape(res, qv.shape + out_batch)


_SELECTING = ("lower", "higher", "nearest", "inverted_cdf", "closest_observation")


def _quantile_api(np_func, nan, scale):
    def f(a, q, axis=None, out=None, overwrite_input=False, method="linear", keepdims=False,
          *, weights=None):
        if not traced(a, q):
            kw = {} if weights is None else {"weights": weights}
            return np_func(a, q, axis, out, overwrite_input, method, keepdims, **kw)
        no_out(np_func.__name__, out)
        if weights is not None:
            raise NotImplementedError(f"np.{np_func.__name__} with weights is not "
                                      "differentiable by chainrule yet")
        if scale == 1 or isinstance(q, (Tracer, int, float)):
            qq = q if scale == 1 else q / scale
        else:
            qq = np.true_divide(np.asarray(q), scale)
        return _quantile(a, qq, axis, method, keepdims is True, nan)
    f.__name__ = np_func.__name__
    f.__doc__ = (f"``np.{np_func.__name__}`` at the values level: the derivative flows to the "
                 "(two) order statistics the result interpolates.")
    return f


np_quantile = implements(np.quantile)(_quantile_api(np.quantile, False, 1))
np_nanquantile = implements(np.nanquantile)(_quantile_api(np.nanquantile, True, 1))
np_percentile = implements(np.percentile)(_quantile_api(np.percentile, False, 100))
np_nanpercentile = implements(np.nanpercentile)(_quantile_api(np.nanpercentile, True, 100))


@implements(np.median)
def np_median(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """``np.median``: the mean of the middle order statistic(s)."""
    if not traced(a):
        return np.median(a, axis, out, overwrite_input, keepdims)
    no_out("median", out)
    return _quantile(a, 0.5, axis, "linear", keepdims, False)


@implements(np.nanmedian)
def np_nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=NO_VALUE):
    """``np.nanmedian``: the median of the non-NaN entries."""
    if not traced(a):
        return np.nanmedian(a, axis, out, overwrite_input, **given(keepdims=keepdims))
    no_out("nanmedian", out)
    return _quantile(a, 0.5, axis, "linear", keepdims is True, True)


_range = builtins.range


# ---- statistics ------------------------------------------------------------------------------


def _ndmin2(x):
    """NumPy's ``array(x, ndmin=2)``: leading unit axes up to two dimensions."""
    return reshape(x, (1,) * (2 - x.ndim) + x.shape) if x.ndim < 2 else x


@implements(np.cov)
def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    """``np.cov``: C = (X - x̄)(W (X - x̄))ᵀ / fact, NumPy's algorithm written with
    chainrule's operations (differentiable in m, y, and traced ``aweights``/``fweights``)."""
    if not traced(m, y, fweights, aweights):
        return np.cov(m, y, rowvar, bias, ddof, fweights, aweights, dtype=dtype)
    if ddof is not None and ddof != int(ddof):
        raise ValueError("ddof must be integer")
    m = as_array(m)
    if m.ndim > 2:
        raise ValueError("m has more than 2 dimensions")
    if y is not None:
        y = as_array(y)
        if y.ndim > 2:
            raise ValueError("y has more than 2 dimensions")
    if dtype is None:
        plain = [full_unwrap(m)] + ([] if y is None else [full_unwrap(y)])
        dtype = np.result_type(*plain, np.float64)
    dtype = real_floating(dtype, "cov")
    X = _ndmin2(to_dtype(m, dtype))
    if not rowvar and m.ndim != 1:
        X = transpose(X)
    if X.shape[0] == 0:
        return np.array([]).reshape(0, 0)
    if y is not None:
        Y = _ndmin2(to_dtype(y, dtype))
        if not rowvar and Y.shape[0] != 1:
            Y = transpose(Y)
        X = concatenate_pieces(X, Y, axis=0)
    if ddof is None:
        ddof = 1 if bias == 0 else 0
    n = X.shape[1]
    w = None
    if fweights is not None:
        fw = to_dtype(as_array(fweights), np.float64)
        fv = full_unwrap(fw)
        if not np.all(fv == np.around(fv)):
            raise TypeError("fweights must be integer")
        if fv.ndim > 1:
            raise RuntimeError("cannot handle multidimensional fweights")
        if fv.shape[0] != n:
            raise RuntimeError("incompatible numbers of samples and fweights")
        if np.any(fv < 0):
            raise ValueError("fweights cannot be negative")
        w = fw
    aw = None
    if aweights is not None:
        aw = to_dtype(as_array(aweights), np.float64)
        av = full_unwrap(aw)
        if av.ndim > 1:
            raise RuntimeError("cannot handle multidimensional aweights")
        if av.shape[0] != n:
            raise RuntimeError("incompatible numbers of samples and aweights")
        if np.any(av < 0):
            raise ValueError("aweights cannot be negative")
        w = aw if w is None else w * aw
    if w is None:
        avg = mean(X, axis=1)
        fact = n - ddof
    else:
        w_sum = sum(w)
        if full_unwrap(w_sum) == 0:
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        avg = sum(X * w, axis=1) / w_sum
        if ddof == 0:
            fact = w_sum
        elif aw is None:
            fact = w_sum - ddof
        else:
            fact = w_sum - ddof * sum(w * aw) / w_sum
    if full_unwrap(fact) <= 0:
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=2)
        fact = 0.0
    X = X - reshape(avg, (-1, 1))
    X_T = transpose(X if w is None else X * w)
    if isinstance(fact, Tracer):
        scale = 1 / fact
    else:
        with np.errstate(divide="ignore"):
            scale = np.true_divide(1, fact)
    c = matmul(X, X_T) * scale
    return squeeze(to_dtype(c, dtype))


@implements(np.corrcoef)
def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """``np.corrcoef``: cov / (σ_i σ_j), clipped to [-1, 1] as NumPy does (the clip passes
    the derivative at the bounds)."""
    if not traced(x, y):
        return np.corrcoef(x, y, rowvar, dtype=dtype)
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim != 2:  # one variable: c / c (1, or nan for a zero variance), derivative 0
        return c / c
    n = c.shape[0]
    i = np.arange(n)
    stddev = _ew.sqrt(getitem(c, (i, i)))
    c = c / reshape(stddev, (n, 1))
    c = c / reshape(stddev, (1, n))
    return _ew.clip(c, -1, 1)


# ---- histograms ------------------------------------------------------------------------------


def _bin_sums(w, flat_bins, size):
    """Σ of the weights w_j whose bin is b, for every b < size (linear in w)."""
    return scatter_add(reshape(w, (-1,)), (flat_bins,), (size,))


@implements(np.histogram)
def histogram(a, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """``np.histogram``: the counts are piecewise constant in ``a`` (plain, derivative 0);
    with traced ``weights`` the weighted counts are linear in them. Edges are plain."""
    if not traced(weights):
        return np.histogram(plain(a), plain(bins), plain(range), density, weights)
    av = np.asarray(plain(a))
    w = as_array(weights)
    if w.shape != av.shape:
        raise ValueError("weights should have the same shape as a.")
    _, edges = np.histogram(av, plain(bins), plain(range))  # NumPy's checks and edges
    flat = av.reshape(-1)
    idx = np.searchsorted(edges, flat, side="right")  # 0 and len(edges): outside
    idx[flat == edges[-1]] -= 1  # the last bin is closed
    nb = len(edges) - 1
    hist = getitem(_bin_sums(w, idx, nb + 2), slice(1, nb + 1))
    if density:
        db = np.array(np.diff(edges), float)
        return hist / db / sum(hist), edges
    return hist, edges


@implements(np.histogramdd)
def histogramdd(sample, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """``np.histogramdd``: as ``histogram``, in D dimensions (NumPy's binning: each
    coordinate's bin by its edges, the last bin closed)."""
    if not traced(weights):
        return np.histogramdd(plain(sample), plain(bins), plain(range), density, weights)
    sp = plain(sample)
    try:
        N, D = sp.shape
    except (AttributeError, ValueError):
        sp = np.atleast_2d(sp).T
        N, D = sp.shape
    _, edges = np.histogramdd(sp, plain(bins), plain(range))
    w = as_array(weights)
    if w.shape != (N,):
        raise ValueError("The weights and list don't have the same length.")
    counts = []
    for i in _range(D):
        c = np.searchsorted(edges[i], sp[:, i], side="right")
        c[sp[:, i] == edges[i][-1]] -= 1
        counts.append(c)
    nbin = tuple(len(e) + 1 for e in edges)
    flat = np.ravel_multi_index(tuple(counts), nbin)
    hist = reshape(_bin_sums(w, flat, int(np.prod(nbin))), nbin)
    hist = to_dtype(getitem(hist, (slice(1, -1),) * D), float)
    if density:
        s = sum(hist)
        for i in _range(D):
            shape = [1] * D
            shape[i] = nbin[i] - 2
            hist = hist / np.diff(edges[i]).reshape(shape)
        hist = hist / s
    return hist, edges


@implements(np.histogram2d)
def histogram2d(x, y, bins=10, range=None, density=None, weights=None):  # noqa: A002
    """``np.histogram2d``: ``histogramdd`` of the pairs (x_j, y_j)."""
    if not traced(weights):
        return np.histogram2d(plain(x), plain(y), plain(bins), plain(range), density,
                              weights)
    xv, yv = plain(x), plain(y)
    if len(xv) != len(yv):
        raise ValueError("x and y must have the same length.")
    bins = plain(bins)
    try:
        n = len(bins)
    except TypeError:
        n = 1
    if n not in {1, 2}:
        bins = [np.asarray(bins), np.asarray(bins)]
    hist, edges = histogramdd([xv, yv], bins, range, density, weights)
    return hist, edges[0], edges[1]
