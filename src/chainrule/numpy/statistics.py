"""NumPy's order statistics, differentiable: quantile, percentile, median (and the nan-ignoring
forms), computed at the values level so the derivative flows to the order statistics the
result interpolates."""

from __future__ import annotations

import warnings

import numpy as np

from ..core import Tracer, cast, full_unwrap
from ..ops import dispatch
from ..ops import elementwise as _ew
from ..ops._util import kept_shape, normalize_axis
from ..ops.dispatch import implements
from ..ops.reduce import NO_VALUE, given
from ..ops.shape import (
    as_array,
    moveaxis,
    reshape,
    traced,
    transpose,
)
from .indexing import take_along

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
        dispatch.no_out(np_func.__name__, out)
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
    dispatch.no_out("median", out)
    return _quantile(a, 0.5, axis, "linear", keepdims, False)


@implements(np.nanmedian)
def np_nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=NO_VALUE):
    """``np.nanmedian``: the median of the non-NaN entries."""
    if not traced(a):
        return np.nanmedian(a, axis, out, overwrite_input, **given(keepdims=keepdims))
    dispatch.no_out("nanmedian", out)
    return _quantile(a, 0.5, axis, "linear", keepdims is True, True)
