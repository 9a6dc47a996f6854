"""NumPy functions beyond the core families: statistics, polynomials, sequences, histograms.

Two primitives, both elementwise:

* ``i0`` — the modified Bessel function of the first kind, order 0 (NumPy's ``np.i0``):
  ȧ = I₁(x) ȧ_x, ā_x = ā I₁(x).
* ``i1`` — order 1 (no NumPy name; it is i0's derivative, a primitive so that i0's rules
  differentiate again): ȧ = (I₀(x) - I₁(x)/x) ȧ_x, with the limit ½ at x = 0 (I₁(x)/x is
  taken from its power series in x² for |x| < 1, so the rule differentiates again without
  cancellation: I₁''(0) = 0, I₁'''(0) = 3/8). I₁ is computed here with the power series
  Σ (x/2)^(2k+1) / (k! (k+1)!) for |x| ≤ 18 and the asymptotic expansion
  eˣ/√(2πx) Σ (-1)^k a_k(1)/x^k above (about 2e-15 relative error).

Everything else is a *composite* of chainrule operations (no rules of its own, correct to
any order because its parts are), registered under NumPy's name with NumPy's signature;
applied to plain values each is NumPy's own function. Conventions:

* ``cov``/``corrcoef`` — NumPy's algorithm (centre, product, scale), differentiable in the
  data and also in ``aweights``/``fweights`` when those are traced; ``corrcoef``'s final
  clip to [-1, 1] passes the derivative at the bounds, and the diagonal (identically 1)
  gets derivative 0 up to rounding. std = sqrt(var): infinite derivative at a constant row.
* ``linspace``/``logspace``/``geomspace`` — affine (or geometric) in ``start``/``stop``
  (and ``base``); ``num``, ``endpoint``, ``axis``, ``dtype`` are structural. The endpoints
  are exactly ``start``/``stop`` as in NumPy, so their derivative is exactly 1. An integer
  ``dtype`` returns a plain array (its values are floors: derivative 0).
* ``vander`` — products of x (a cumulative product: exact at x = 0, no 0·inf).
* ``histogram``/``histogram2d``/``histogramdd`` — the counts are piecewise constant in the
  data (derivative 0; plain arrays); the weighted counts Σ_{j in bin b} w_j are linear in
  ``weights=`` (ā_w_j = ā_b of the bin of sample j). The edges are a choice and are returned
  plain, as ``np.histogram_bin_edges`` (a passthrough) returns them.
* ``unwrap`` — p plus a correction that is a multiple of ``period`` and piecewise constant
  in p: derivative 1 almost everywhere (``discont``, ``period`` are plain).
* ``trim_zeros`` — at the values level: the slice is found on the values and the kept
  entries pass their derivative (an entry that is exactly 0 at the edge is dropped).
* ``poly`` — from roots: the product of (x - r), built one root at a time; from a square
  matrix: the characteristic polynomial by the Faddeev-LeVerrier recurrence (products and
  traces; NumPy goes through complex eigenvalues), fine for small, well-scaled matrices.
* ``polyadd``/``polysub``/``polymul``/``polyder``/``polyint``/``polyval`` — linear (or
  bilinear) maps of the coefficients; polymul trims leading zeros as NumPy's poly1d does.
  ``polyint``'s constants ``k`` are differentiable.
* ``polydiv`` — long division (quotient and remainder), differentiable in both arguments
  away from a zero leading divisor coefficient; leading remainder entries NumPy drops as
  zero (``np.allclose(r[0], 0)``) are dropped at the values level.
* ``polyfit`` — NumPy's scaled least squares through chainrule's ``numpy.linalg.lstsq``
  (the pseudo-inverse), so the coefficients are differentiable in x, y and ``w`` where the
  rank is locally constant; ``full=`` and ``cov=`` outputs are differentiable too.
* ``astype`` (and ``asanyarray``, ``ascontiguousarray``, ``asfortranarray``,
  ``asarray_chkfinite``, ``require``) — a floating target keeps the derivative (``cast``);
  an integer or boolean target returns a plain array (derivative 0); a complex target is
  refused (chainrule differentiates real arrays).
"""

from __future__ import annotations

import builtins
import math
import operator
import warnings
from typing import Any

import numpy as np

from ..core import Tracer, broadcast_to, full_unwrap
from . import dispatch
from . import elementwise as _ew
from ._util import normalize_axis, plain
from .dtypes import convert
from .index import at_add, at_set, getitem, scatter_add
from .linalg import inv, lstsq, matmul, outer, trace
from .reduce import cumprod_, mean, np_convolve
from .reduce import sum as _sum
from .shape import (
    along,
    as_array,
    axis_index,
    concatenate_pieces,
    expand_dims,
    moveaxis,
    reshape,
    squeeze,
    stack,
    traced,
    transpose,
)
from .special import i0

_range = builtins.range


# ---- helpers ---------------------------------------------------------------------------------


def _to(x: Any, dtype: Any) -> Any:
    """``x`` as an array of ``dtype`` (the one dtype policy: ``dtypes.convert``)."""
    return convert(x, dtype, "conversion")


def _atleast_1d(x: Any) -> Any:
    return reshape(x, (1,)) if x.ndim == 0 else x


def _real_floating(dtype: Any, name: str) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        raise TypeError(f"numpy.{name} to {dtype} of a traced value: chainrule differentiates "
                        "real arrays; take the real part of the result outside grad, or keep "
                        "a real dtype")
    return dtype


# ---- dtype conversion ------------------------------------------------------------------------


def _convert(x: Any, dtype: Any, name: str) -> Any:
    """A traced ``x`` converted to ``dtype``: floating keeps the derivative (a cast); an
    integer or boolean result is a plain array (its derivative is 0)."""
    return convert(as_array(x), dtype, f"numpy.{name}")


def astype(x, dtype, /, *, copy=True, device=None):
    """``np.astype``: a floating ``dtype`` is a cast (ā_x = ā cast back to x's dtype); an
    integer or boolean ``dtype`` gives a plain array (derivative 0, as a floor would)."""
    if not traced(x):
        return np.astype(x, dtype, copy=copy, device=device)
    return _convert(x, dtype, "astype")


def asanyarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """``np.asanyarray`` through ``chainrule.numpy``: a traced value (or a list holding
    some) as a traced array, converted to a floating ``dtype`` if given."""
    if not traced(a):
        return np.asanyarray(a, dtype=dtype, order=order, device=device, copy=copy,
                             **({} if like is None else {"like": like}))
    return _convert(a, dtype, "asanyarray")


def ascontiguousarray(a, dtype=None, *, like=None):
    """``np.ascontiguousarray``: memory layout means nothing for a traced value."""
    if not traced(a):
        return np.ascontiguousarray(a, dtype=dtype, **({} if like is None else {"like": like}))
    return _convert(a, dtype, "ascontiguousarray")


def asfortranarray(a, dtype=None, *, like=None):
    """``np.asfortranarray``: memory layout means nothing for a traced value."""
    if not traced(a):
        return np.asfortranarray(a, dtype=dtype, **({} if like is None else {"like": like}))
    return _convert(a, dtype, "asfortranarray")


def asarray_chkfinite(a, dtype=None, order=None):
    """``np.asarray_chkfinite``: NumPy's ValueError when a value is inf or NaN."""
    if not traced(a):
        return np.asarray_chkfinite(a, dtype=dtype, order=order)
    x = _convert(a, dtype, "asarray_chkfinite")
    if not np.isfinite(full_unwrap(x)).all():
        raise ValueError("array must not contain infs or NaNs")
    return x


def require(a, dtype=None, requirements=None, *, like=None):
    """``np.require``: the flags (contiguity, alignment, ownership) mean nothing for a
    traced value, which is never written in place; ``dtype`` converts as ``astype``."""
    if not traced(a):
        return np.require(a, dtype=dtype, requirements=requirements,
                          **({} if like is None else {"like": like}))
    return _convert(a, dtype, "require")


def np_i0(x):
    """``np.i0``: I₀(x), differentiable (its derivative is I₁)."""
    if not traced(x):
        return np.i0(x)
    return i0(as_array(x))


# ---- statistics ------------------------------------------------------------------------------


def _ndmin2(x):
    """NumPy's ``array(x, ndmin=2)``: leading unit axes up to two dimensions."""
    return reshape(x, (1,) * (2 - x.ndim) + x.shape) if x.ndim < 2 else x


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
    dtype = _real_floating(dtype, "cov")
    X = _ndmin2(_to(m, dtype))
    if not rowvar and m.ndim != 1:
        X = transpose(X)
    if X.shape[0] == 0:
        return np.array([]).reshape(0, 0)
    if y is not None:
        Y = _ndmin2(_to(y, dtype))
        if not rowvar and Y.shape[0] != 1:
            Y = transpose(Y)
        X = concatenate_pieces(X, Y, axis=0)
    if ddof is None:
        ddof = 1 if bias == 0 else 0
    n = X.shape[1]
    w = None
    if fweights is not None:
        fw = _to(as_array(fweights), np.float64)
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
        aw = _to(as_array(aweights), np.float64)
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
        w_sum = _sum(w)
        if full_unwrap(w_sum) == 0:
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        avg = _sum(X * w, axis=1) / w_sum
        if ddof == 0:
            fact = w_sum
        elif aw is None:
            fact = w_sum - ddof
        else:
            fact = w_sum - ddof * _sum(w * aw) / w_sum
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
    return squeeze(_to(c, dtype))


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


# ---- sequences -------------------------------------------------------------------------------


def _weak(obj: Any) -> Any:
    """For dtype promotion: a Python scalar as it is (weak), anything else as its values."""
    if isinstance(obj, (int, float, complex)) and not isinstance(obj, bool):
        return obj
    return np.asarray(plain(obj))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *,
             device=None):
    """``np.linspace``: y_k = start + k·(stop - start)/div (the last entry exactly ``stop``
    with ``endpoint``): ∂y_k/∂start = 1 - k/div, ∂y_k/∂stop = k/div."""
    if not traced(start, stop):
        return np.linspace(start, stop, num, endpoint, retstep, dtype, axis, device=device)
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    if dtype is not None and np.issubdtype(dtype, np.integer):
        return np.linspace(plain(start), plain(stop), num, endpoint, retstep, dtype, axis)
    div = (num - 1) if endpoint else num
    dt = np.result_type(_weak(start), _weak(stop))
    if dt.kind not in "fc":
        dt = np.result_type(dt, 1.0)
    dt = _real_floating(dt, "linspace")
    start, stop = _to(as_array(start), dt), _to(as_array(stop), dt)
    delta = stop - start
    y = np.arange(0, num, dtype=dt).reshape((-1,) + (1,) * delta.ndim)
    if div > 0:
        step = delta / div
        if np.any(full_unwrap(step) == 0):  # denormal steps: divide first (NumPy's gh-5437)
            y = (y / div) * delta
        else:
            y = y * step
    else:
        step = np.nan
        y = y * delta
    y = y + start
    if endpoint and num > 1:
        y = at_set(y, stop, -1)
    if axis != 0:
        y = moveaxis(y, 0, axis)
    if dtype is not None:
        y = _to(y, _real_floating(dtype, "linspace"))
    return (y, step) if retstep else y


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """``np.logspace``: base ** linspace(start, stop); differentiable in start, stop and
    ``base`` (∂/∂base = y base^(y-1))."""
    if not traced(start, stop, base):
        return np.logspace(start, stop, num, endpoint, base, dtype, axis)
    if not isinstance(base, (float, int)) and np.ndim(plain(base)):
        # NumPy broadcasts an array base with the others; it may change what axis means
        parts = [as_array(a) for a in (start, stop, base)]
        ndmax = len(np.broadcast_shapes(*(p.shape for p in parts)))
        start, stop, base = (reshape(p, (1,) * (ndmax - p.ndim) + p.shape) for p in parts)
        base = expand_dims(base, axis)
    if traced(start, stop):
        y = linspace(start, stop, num=num, endpoint=endpoint, axis=axis)
    else:
        y = np.linspace(plain(start), plain(stop), num=num, endpoint=endpoint, axis=axis)
    out = _ew.power(base, y)
    return out if dtype is None else _to(out, _real_floating(dtype, "logspace"))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``np.geomspace``: start·(stop/start)^(k/div), NumPy's way (through logspace, with the
    endpoints set to exactly ``start`` and ``stop``); the sign of ``start`` is a constant."""
    if not traced(start, stop):
        return np.geomspace(start, stop, num, endpoint, dtype, axis)
    start, stop = as_array(start), as_array(stop)
    sv, ev = full_unwrap(start), full_unwrap(stop)
    if np.any(sv == 0) or np.any(ev == 0):
        raise ValueError("Geometric sequence cannot include zero")
    dt = _real_floating(np.result_type(sv, ev, float(num), np.zeros((), dtype)), "geomspace")
    dtype = dt if dtype is None else _real_floating(dtype, "geomspace")
    start, stop = _to(start, dt), _to(stop, dt)
    out_sign = np.sign(np.asarray(sv, dtype=dt))
    start = start / out_sign
    stop = stop / out_sign
    result = logspace(_ew.log10(start), _ew.log10(stop), num=num, endpoint=endpoint,
                      base=10.0, dtype=dt)
    if num > 0:
        result = at_set(result, start, 0)
        if num > 1 and endpoint:
            result = at_set(result, stop, -1)
    result = result * out_sign
    if axis != 0:
        result = moveaxis(result, 0, axis)
    return _to(result, dtype)


def vander(x, N=None, increasing=False):
    """``np.vander``: the columns x^(N-1), ..., x, 1 (or increasing), as a cumulative product
    of x (multiplies only: exact at x = 0 to any order)."""
    if not traced(x):
        return np.vander(x, N, increasing)
    x = as_array(x)
    if x.ndim != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    n = x.shape[0]
    if N is None:
        N = n
    dt = np.promote_types(x.dtype, int)
    x = _to(x, dt)
    ones = np.ones((n, 1 if N > 0 else 0), dt)
    if N <= 1:
        return ones
    powers = cumprod_(broadcast_to(reshape(x, (n, 1)), (n, N - 1)), axis=1)
    v = concatenate_pieces(ones, powers, axis=1)
    return v if increasing else getitem(v, (slice(None), slice(None, None, -1)))


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
    return _to(p, dtype) + full


def trim_zeros(filt, trim="fb", axis=None):
    """``np.trim_zeros`` at the values level: the leading/trailing zeros are found on the
    values; the kept entries pass their derivative through."""
    if not traced(filt):
        return np.trim_zeros(filt, trim, axis)
    x = as_array(filt)
    v = full_unwrap(x)
    trim = trim.lower()
    if trim not in {"fb", "bf", "f", "b"}:
        raise ValueError(f"unexpected character(s) in `trim`: {trim!r}")
    axes = tuple(_range(v.ndim)) if axis is None else normalize_axis(axis, v.ndim)
    if not axes:
        return x
    nz = np.argwhere(v)
    if nz.size == 0:
        start = stop = [0] * v.ndim
    else:
        start = list(nz.min(axis=0)) if "f" in trim else [None] * v.ndim
        stop = list(nz.max(axis=0) + 1) if "b" in trim else [None] * v.ndim
    sl = tuple(slice(start[a], stop[a]) if a in axes else slice(None) for a in _range(v.ndim))
    return getitem(x, sl[0] if len(sl) == 1 else sl)


# ---- histograms ------------------------------------------------------------------------------


def _bin_sums(w, flat_bins, size):
    """Σ of the weights w_j whose bin is b, for every b < size (linear in w)."""
    return scatter_add(reshape(w, (-1,)), (flat_bins,), (size,))


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
        return hist / db / _sum(hist), edges
    return hist, edges


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
    hist = _to(getitem(hist, (slice(1, -1),) * D), float)
    if density:
        s = _sum(hist)
        for i in _range(D):
            shape = [1] * D
            shape[i] = nbin[i] - 2
            hist = hist / np.diff(edges[i]).reshape(shape)
        hist = hist / s
    return hist, edges


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


# ---- polynomials (coefficients highest power first, NumPy's poly1d order) ----------------------


def _charpoly(a):
    """[1, c_{n-1}, ..., c_0] of det(λI - A) by Faddeev-LeVerrier: M_1 = I, c_{n-1} = -tr A;
    M_k = A M_{k-1} + c_{n-k+1} I, c_{n-k} = -tr(A M_k) / k."""
    n = a.shape[0]
    eye = np.eye(n, dtype=a.dtype)
    coeffs = [np.ones((), a.dtype)]
    m = eye
    for k in _range(1, n + 1):
        am = matmul(a, m)
        c = -trace(am) / k
        coeffs.append(c)
        m = am + c * eye
    return stack(coeffs)


def poly(seq_of_zeros):
    """``np.poly``: the coefficients of Π (x - r) over the roots r (a 1-D argument), or the
    characteristic polynomial of a square matrix (Faddeev-LeVerrier)."""
    if not traced(seq_of_zeros):
        return np.poly(seq_of_zeros)
    z = _atleast_1d(as_array(seq_of_zeros))
    sh = z.shape
    if len(sh) == 2 and sh[0] == sh[1] and sh[0] != 0:
        return _charpoly(z)
    if len(sh) != 1:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    if sh[0] == 0:
        return 1.0
    zero = np.zeros(1, z.dtype)
    a = np.ones(1, z.dtype)
    for k in _range(sh[0]):
        a = concatenate_pieces(a, zero) - getitem(z, k) * concatenate_pieces(zero, a)
    return a


def _coefficients(p):
    return _atleast_1d(as_array(p))


def _leading_zeros_trimmed(p):
    """poly1d's coefficients: leading exact zeros dropped (at least one entry kept)."""
    if p.ndim > 1:
        raise ValueError("Polynomial must be 1d only.")
    nz = np.flatnonzero(full_unwrap(p))
    if nz.size == 0:
        return np.zeros(1, p.dtype)
    return p if nz[0] == 0 else getitem(p, slice(int(nz[0]), None))


def _padded_sum(a1, a2, sign):
    a1, a2 = _coefficients(a1), _coefficients(a2)
    diff = a2.shape[0] - a1.shape[0]
    if diff > 0:
        a1 = concatenate_pieces(np.zeros(diff, a1.dtype), a1)
    elif diff < 0:
        a2 = concatenate_pieces(np.zeros(-diff, a2.dtype), a2)
    return a1 + a2 if sign > 0 else a1 - a2


def polyadd(a1, a2):
    """``np.polyadd``: the shorter coefficient array padded with leading zeros, then added."""
    if not traced(a1, a2):
        return np.polyadd(a1, a2)
    return _padded_sum(a1, a2, 1)


def polysub(a1, a2):
    """``np.polysub``: a1 - a2, the shorter padded with leading zeros."""
    if not traced(a1, a2):
        return np.polysub(a1, a2)
    return _padded_sum(a1, a2, -1)


def polymul(a1, a2):
    """``np.polymul``: the convolution of the coefficients (bilinear)."""
    if not traced(a1, a2):
        return np.polymul(a1, a2)
    a1 = _leading_zeros_trimmed(_coefficients(a1))
    a2 = _leading_zeros_trimmed(_coefficients(a2))
    return np_convolve(a1, a2)


def polydiv(u, v):
    """``np.polydiv``: long division u = q v + r; q and r are differentiable in u and v
    (away from v[0] = 0). Leading remainder entries NumPy drops as zero are dropped."""
    if not traced(u, v):
        return np.polydiv(u, v)
    u = _coefficients(u) + 0.0
    v = _coefficients(v) + 0.0
    dt = np.result_type(full_unwrap(u), full_unwrap(v))
    m, n = u.shape[0] - 1, v.shape[0] - 1
    scale = 1.0 / getitem(v, 0)
    r = _to(u, dt)
    qs = []
    for k in _range(m - n + 1):
        d = scale * getitem(r, k)
        qs.append(d)
        r = at_add(r, -(d * v), slice(k, k + n + 1))
    q = _to(stack(qs), dt) if qs else np.zeros(1, dt)
    while np.allclose(full_unwrap(r)[0], 0, rtol=1e-14) and r.shape[-1] > 1:
        r = getitem(r, slice(1, None))
    return q, r


def polyder(p, m=1):
    """``np.polyder``: the m-th derivative, p_i times its power, m times (linear in p)."""
    if not traced(p):
        return np.polyder(p, m)
    m = int(m)
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    p = as_array(p)
    for _ in _range(m):
        n = p.shape[0] - 1
        p = getitem(p, slice(None, -1)) * np.arange(n, 0, -1)
    return p


def polyint(p, m=1, k=None):
    """``np.polyint``: the m-th antiderivative, with integration constants ``k`` (both
    differentiable: the result is linear in p and k)."""
    if not traced(p, k):
        return np.polyint(p, m, k)
    m = int(m)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    k = np.zeros(m, float) if k is None else k
    k = _atleast_1d(as_array(k))
    if k.shape[0] == 1 and m > 1:
        k = getitem(k, 0) * np.ones(m, float)
    if k.shape[0] < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    p = as_array(p)
    for i in _range(m):
        p = concatenate_pieces(p / np.arange(p.shape[0], 0, -1), reshape(getitem(k, i), (1,)))
    return p


def polyval(p, x):
    """``np.polyval``: Horner's rule y = (...(p_0 x + p_1) x + ...) + p_n, differentiable in
    the coefficients and in x."""
    if not traced(p, x):
        return np.polyval(p, x)
    p, x = as_array(p), as_array(x)
    if p.ndim == 0:
        raise TypeError("iteration over a 0-d array")
    y = np.zeros_like(full_unwrap(x))
    for i in _range(p.shape[0]):
        y = y * x + getitem(p, i)
    return y


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """``np.polyfit``: NumPy's column-scaled least squares, through chainrule's
    ``numpy.linalg.lstsq`` (x = A⁺ b), so c is differentiable in x, y and ``w`` where the
    rank is locally constant; ``full=True`` and ``cov=True`` outputs are too."""
    if not traced(x, y, w):
        return np.polyfit(x, y, deg, rcond, full, w, cov)
    order = int(deg) + 1
    x = as_array(x) + 0.0
    y = as_array(y) + 0.0
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if x.ndim != 1:
        raise TypeError("expected 1D vector for x")
    if x.shape[0] == 0:
        raise TypeError("expected non-empty vector for x")
    if y.ndim < 1 or y.ndim > 2:
        raise TypeError("expected 1D or 2D array for y")
    if x.shape[0] != y.shape[0]:
        raise TypeError("expected x and y to have same length")
    if rcond is None:
        rcond = x.shape[0] * np.finfo(x.dtype).eps
    lhs = vander(x, order)
    rhs = y
    if w is not None:
        w = as_array(w) + 0.0
        if w.ndim != 1:
            raise TypeError("expected a 1-d array for weights")
        if w.shape[0] != y.shape[0]:
            raise TypeError("expected w and y to have the same length")
        lhs = lhs * reshape(w, (-1, 1))
        rhs = rhs * (reshape(w, (-1, 1)) if rhs.ndim == 2 else w)
    scale = _ew.sqrt(_sum(lhs * lhs, axis=0))
    lhs = lhs / scale
    c, resids, rank, s = lstsq(lhs, rhs, rcond)
    c = transpose(transpose(c) / scale)
    if rank != order and not full:
        warnings.warn("Polyfit may be poorly conditioned", np.exceptions.RankWarning,
                      stacklevel=2)
    if full:
        return c, resids, rank, s, rcond
    if cov:
        vbase = inv(matmul(transpose(lhs), lhs)) / outer(scale, scale)
        if cov == "unscaled":
            fac = 1
        else:
            if x.shape[0] <= order:
                raise ValueError("the number of data points must exceed order to scale the "
                                 "covariance matrix")
            fac = resids / (x.shape[0] - order)
        if y.ndim == 1:
            return c, vbase * fac
        return c, reshape(vbase, vbase.shape + (1,)) * fac
    return c


for _np_func, _ours in {
    np.astype: astype, np.asanyarray: asanyarray, np.ascontiguousarray: ascontiguousarray,
    np.asfortranarray: asfortranarray, np.asarray_chkfinite: asarray_chkfinite,
    np.require: require, np.i0: np_i0, np.cov: cov, np.corrcoef: corrcoef,
    np.linspace: linspace, np.logspace: logspace, np.geomspace: geomspace, np.vander: vander,
    np.unwrap: unwrap, np.trim_zeros: trim_zeros, np.histogram: histogram,
    np.histogram2d: histogram2d, np.histogramdd: histogramdd, np.poly: poly,
    np.polyadd: polyadd, np.polysub: polysub, np.polymul: polymul, np.polydiv: polydiv,
    np.polyder: polyder, np.polyint: polyint, np.polyval: polyval, np.polyfit: polyfit,
}.items():
    dispatch.function(_np_func, _ours)

__all__: list[str] = []
