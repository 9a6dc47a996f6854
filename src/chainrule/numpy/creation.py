"""NumPy's array creation, differentiable: conversions (astype, asanyarray, ...) and ranges
(linspace, logspace, geomspace, vander, meshgrid), diagonals and triangles (diag,
diagflat, tril, triu), copy.

Composites of chainrule operations (no rules of their own, correct to any order because
their parts are), registered under NumPy's names with NumPy's signatures; applied to plain
values each is NumPy's own function. Conventions:

* ``astype`` (and ``asanyarray``, ``ascontiguousarray``, ``asfortranarray``,
  ``asarray_chkfinite``, ``require``) — a floating target keeps the derivative (``cast``);
  an integer or boolean target returns a plain array (derivative 0); a complex target is
  refused (chainrule differentiates real arrays).
* ``linspace``/``logspace``/``geomspace`` — affine (or geometric) in ``start``/``stop``
  (and ``base``); ``num``, ``endpoint``, ``axis``, ``dtype`` are structural. The endpoints
  are exactly ``start``/``stop`` as in NumPy, so their derivative is exactly 1. An integer
  ``dtype`` returns a plain array (its values are floors: derivative 0).
* ``vander`` — products of x (a cumulative product: exact at x = 0, no 0·inf).
"""

from __future__ import annotations

import builtins
import operator
from typing import Any

import numpy as np

from ..core import broadcast_to, full_unwrap, plain
from ..ops import elementwise as _ew
from ..ops.dtypes import convert, real_floating, to_dtype
from ..ops.index import Distinct, at_set, getitem, scatter_add
from ..ops.reduce import cumprod_
from ..ops.shape import concatenate_pieces, expand_dims, moveaxis, reshape
from .arguments import as_array, traced
from .dispatch import implements
from .manipulation import broadcast_arrays

_range = builtins.range


# ---- dtype conversion ------------------------------------------------------------------------


def _convert(x: Any, dtype: Any, name: str) -> Any:
    """A traced ``x`` converted to ``dtype``: floating keeps the derivative (a cast); an
    integer or boolean result is a plain array (its derivative is 0)."""
    return convert(as_array(x), dtype, f"numpy.{name}")


@implements(np.astype)
def astype(x, dtype, /, *, copy=True, device=None):
    """``np.astype``: a floating ``dtype`` is a cast (ā_x = ā cast back to x's dtype); an
    integer or boolean ``dtype`` gives a plain array (derivative 0, as a floor would)."""
    if not traced(x):
        return np.astype(x, dtype, copy=copy, device=device)
    return _convert(x, dtype, "astype")


@implements(np.asanyarray)
def asanyarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    """``np.asanyarray`` through ``chainrule.numpy``: a traced value (or a list holding
    some) as a traced array, converted to a floating ``dtype`` if given."""
    if not traced(a):
        return np.asanyarray(a, dtype=dtype, order=order, device=device, copy=copy,
                             **({} if like is None else {"like": like}))
    return _convert(a, dtype, "asanyarray")


@implements(np.ascontiguousarray)
def ascontiguousarray(a, dtype=None, *, like=None):
    """``np.ascontiguousarray``: memory layout means nothing for a traced value."""
    if not traced(a):
        return np.ascontiguousarray(a, dtype=dtype, **({} if like is None else {"like": like}))
    return _convert(a, dtype, "ascontiguousarray")


@implements(np.asfortranarray)
def asfortranarray(a, dtype=None, *, like=None):
    """``np.asfortranarray``: memory layout means nothing for a traced value."""
    if not traced(a):
        return np.asfortranarray(a, dtype=dtype, **({} if like is None else {"like": like}))
    return _convert(a, dtype, "asfortranarray")


@implements(np.asarray_chkfinite)
def asarray_chkfinite(a, dtype=None, order=None):
    """``np.asarray_chkfinite``: NumPy's ValueError when a value is inf or NaN."""
    if not traced(a):
        return np.asarray_chkfinite(a, dtype=dtype, order=order)
    x = _convert(a, dtype, "asarray_chkfinite")
    if not np.isfinite(full_unwrap(x)).all():
        raise ValueError("array must not contain infs or NaNs")
    return x


@implements(np.require)
def require(a, dtype=None, requirements=None, *, like=None):
    """``np.require``: the flags (contiguity, alignment, ownership) mean nothing for a
    traced value, which is never written in place; ``dtype`` converts as ``astype``."""
    if not traced(a):
        return np.require(a, dtype=dtype, requirements=requirements,
                          **({} if like is None else {"like": like}))
    return _convert(a, dtype, "require")


# ---- sequences -------------------------------------------------------------------------------


def _weak(obj: Any) -> Any:
    """For dtype promotion: a Python scalar as it is (weak), anything else as its values."""
    if isinstance(obj, (int, float, complex)) and not isinstance(obj, bool):
        return obj
    return np.asarray(plain(obj))


@implements(np.linspace)
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
    dt = real_floating(dt, "linspace")
    start, stop = to_dtype(as_array(start), dt), to_dtype(as_array(stop), dt)
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
        y = to_dtype(y, real_floating(dtype, "linspace"))
    return (y, step) if retstep else y


@implements(np.logspace)
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
    return out if dtype is None else to_dtype(out, real_floating(dtype, "logspace"))


@implements(np.geomspace)
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """``np.geomspace``: start·(stop/start)^(k/div), NumPy's way (through logspace, with the
    endpoints set to exactly ``start`` and ``stop``); the sign of ``start`` is a constant."""
    if not traced(start, stop):
        return np.geomspace(start, stop, num, endpoint, dtype, axis)
    start, stop = as_array(start), as_array(stop)
    sv, ev = full_unwrap(start), full_unwrap(stop)
    if np.any(sv == 0) or np.any(ev == 0):
        raise ValueError("Geometric sequence cannot include zero")
    dt = real_floating(np.result_type(sv, ev, float(num), np.zeros((), dtype)), "geomspace")
    dtype = dt if dtype is None else real_floating(dtype, "geomspace")
    start, stop = to_dtype(start, dt), to_dtype(stop, dt)
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
    return to_dtype(result, dtype)


@implements(np.vander)
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
    x = to_dtype(x, dt)
    ones = np.ones((n, 1 if N > 0 else 0), dt)
    if N <= 1:
        return ones
    powers = cumprod_(broadcast_to(reshape(x, (n, 1)), (n, N - 1)), axis=1)
    v = concatenate_pieces(ones, powers, axis=1)
    return v if increasing else getitem(v, (slice(None), slice(None, None, -1)))


# ---- building matrices: diagonals, triangles -----------------------------------------------


def _diagonal_positions(rows, cols, k):
    """Row and column indices of the k-th diagonal of a rows × cols matrix."""
    n = max(0, min(rows, cols - k) if k >= 0 else min(rows + k, cols))
    i = np.arange(n)
    return (i, i + k) if k >= 0 else (i - k, i)


@implements(np.diag)
def diag(v, k=0):
    """``np.diag``: a 1-D v on the k-th diagonal of a square matrix (a scatter), or the k-th
    diagonal of a 2-D v (a gather)."""
    if not traced(v):
        return np.diag(v, k)
    x = as_array(v)
    k = int(k)
    if x.ndim == 1:
        n = x.shape[0] + abs(k)
        rows, cols = _diagonal_positions(n, n, k)
        return scatter_add(x, Distinct((rows, cols)), (n, n))
    if x.ndim == 2:
        return getitem(x, Distinct(_diagonal_positions(x.shape[0], x.shape[1], k)))
    raise ValueError("Input must be 1- or 2-d.")


@implements(np.diagflat)
def diagflat(v, k=0):
    """``np.diagflat``: the flattened input on the k-th diagonal."""
    if not traced(v):
        return np.diagflat(v, k)
    return diag(reshape(as_array(v), (-1,)), k)


@implements(np.tril)
def tril(m, k=0):
    """``np.tril``: zeros above the k-th diagonal (of the last two axes)."""
    if not traced(m):
        return np.tril(m, k)
    x = as_array(m)
    mask = np.tri(*x.shape[-2:], k=k, dtype=bool)
    return _ew.where(mask, x, 0)


@implements(np.triu)
def triu(m, k=0):
    """``np.triu``: zeros below the k-th diagonal (of the last two axes)."""
    if not traced(m):
        return np.triu(m, k)
    x = as_array(m)
    mask = np.tri(*x.shape[-2:], k=k - 1, dtype=bool)
    return _ew.where(mask, 0, x)




# ---- numerical ranges: coordinate grids -------------------------------------------------


@implements(np.meshgrid)
def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """``np.meshgrid``: the coordinate vectors reshaped and broadcast (a tuple)."""
    if not traced(*xi):
        return np.meshgrid(*xi, copy=copy, sparse=sparse, indexing=indexing)
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    n = len(xi)
    ones = (1,) * n
    out = [reshape(as_array(x), ones[:i] + (-1,) + ones[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and n > 1:
        out[0] = reshape(out[0], (1, -1) + ones[2:])
        out[1] = reshape(out[1], (-1, 1) + ones[2:])
    if not sparse:
        out = list(broadcast_arrays(*out))
    return tuple(out)


# ---- from existing data ------------------------------------------------------------------------

implements(np.copy)(_ew.copy)
