"""NumPy's polynomials (np.poly*, coefficients highest power first), differentiable.

Composites of chainrule operations (no rules of their own, correct to any order because
their parts are), registered under NumPy's names with NumPy's signatures; applied to plain
values each is NumPy's own function. Conventions:

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
"""

from __future__ import annotations

import builtins
import warnings
from typing import Any

import numpy as np

from ..core import full_unwrap
from ..ops import elementwise as _ew
from ..ops.dtypes import to_dtype
from ..ops.index import at_add, getitem
from ..ops.linalg import inv, matmul
from ..ops.reduce import sum as _sum
from ..ops.shape import concatenate_pieces, reshape, transpose
from .arguments import as_array, traced
from .creation import vander
from .dispatch import implements
from .linalg import lstsq
from .manipulation import stack
from .math import np_convolve
from .products import outer, trace

_range = builtins.range


def _atleast_1d(x: Any) -> Any:
    return reshape(x, (1,)) if x.ndim == 0 else x


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


@implements(np.poly)
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


@implements(np.polyadd)
def polyadd(a1, a2):
    """``np.polyadd``: the shorter coefficient array padded with leading zeros, then added."""
    if not traced(a1, a2):
        return np.polyadd(a1, a2)
    return _padded_sum(a1, a2, 1)


@implements(np.polysub)
def polysub(a1, a2):
    """``np.polysub``: a1 - a2, the shorter padded with leading zeros."""
    if not traced(a1, a2):
        return np.polysub(a1, a2)
    return _padded_sum(a1, a2, -1)


@implements(np.polymul)
def polymul(a1, a2):
    """``np.polymul``: the convolution of the coefficients (bilinear)."""
    if not traced(a1, a2):
        return np.polymul(a1, a2)
    a1 = _leading_zeros_trimmed(_coefficients(a1))
    a2 = _leading_zeros_trimmed(_coefficients(a2))
    return np_convolve(a1, a2)


@implements(np.polydiv)
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
    r = to_dtype(u, dt)
    qs = []
    for k in _range(m - n + 1):
        d = scale * getitem(r, k)
        qs.append(d)
        r = at_add(r, -(d * v), slice(k, k + n + 1))
    q = to_dtype(stack(qs), dt) if qs else np.zeros(1, dt)
    while np.allclose(full_unwrap(r)[0], 0, rtol=1e-14) and r.shape[-1] > 1:
        r = getitem(r, slice(1, None))
    return q, r


@implements(np.polyder)
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


@implements(np.polyint)
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


@implements(np.polyval)
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


@implements(np.polyfit)
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
