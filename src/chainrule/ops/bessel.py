"""Bessel functions of integer order (J, Y) and modified Bessel functions of real order (I),
without SciPy: j0, j1, jn, y0, y1, yn, iv, ive. (i0 and i1 live in :mod:`.special`.)

Values in float64 (returned in the argument's floating dtype), to about 1e-15 absolute
(relative away from the zeros of J and Y):

* J_n(x), 0 < x ≤ 25: Miller's backward recurrence J_{k-1} = (2k/x) J_k - J_{k+1} from an
  order N well above max(n, x), normalised by 1 = J₀ + 2 Σ_k J_{2k} (DLMF §10.74(iv),
  §10.12); Y₀ and Y₁ from the same values through Neumann's expansion
  Y₀ = (2/π)(log(x/2) + γ) J₀ - (4/π) Σ_k (-1)^k J_{2k}/k and its derivative
  Y₁ = -Y₀' = -(2/(πx)) J₀ + (2/π)(log(x/2) + γ) J₁ + (2/π) Σ_k (-1)^k (J_{2k-1} - J_{2k+1})/k;
* x > 25: Hankel's asymptotic expansions of J₀, J₁, Y₀, Y₁ (DLMF 10.17.3-4; 30 terms, the
  error below 1e-18 there), with cos(x - π/4) written as (cos x + sin x)/√2 so no rounding
  of x - π/4 enters; J_n from J₀, J₁ by the forward recurrence while n < x (stable there),
  by Miller's algorithm above; Y_n always by the forward recurrence (stable for Y);
* I_v(x): the power series Σ_k (x/2)^{2k+v}/(k! Γ(k + v + 1)), of positive terms for
  v > -1, scaled by e^{-x/2} so that it does not overflow (up to x ≈ 1400); where
  x ≥ max(50, 4v²), and beyond x = 1400, the asymptotic expansion e^x/√(2πx) Σ_k (-1)^k
  a_k(v)/x^k (DLMF 10.40.1), whose accuracy beyond 1400 falls for |v| > √x/2 (no uniform
  expansion in v here). ``ive`` = I_v(x) e^{-|x|} by the same sums, without the factor e^{|x|}.

Symmetries as SciPy: J_{-n} = (-1)ⁿ J_n, J_n(-x) = (-1)ⁿ J_n(x), Y_{-n} = (-1)ⁿ Y_n,
Y_n(x < 0) = NaN, Y_n(0) = -inf; I_{-n} = I_n for integers, I_v(-x) = (-1)^v I_v(x) for
integer v and NaN otherwise. At x = ±∞ the limits (J, Y, ive → 0, I → ∞) where SciPy 1.17
returns NaN.

Derivatives in x: J₀' = -J₁, J_n' = (J_{n-1} - J_{n+1})/2, Y likewise, I_v' = (I_{v-1} +
I_{v+1})/2, and for ive the factor e^{-|x|} too: (ive_{v-1} + ive_{v+1})/2 - sign(x) ive_v.
Each rule is built from these primitives, so every order works. The order (n of jn and yn,
an integer; v of iv and ive, where ∂/∂v has no closed form) is not differentiable: a
traced order raises an error saying so.
"""

from __future__ import annotations

import math

import numpy as np

from ..core import Primitive, document_primitives
from .elementwise import sign
from .gamma_beta import _gammasgn64, float_dtype, no_parameter_rules
from .special import _f64, _lgamma64, _out

__all__ = ["j0", "j1", "jn", "y0", "y1", "yn", "iv", "ive"]

_EULER = 0.57721566490153286061
_HANKEL_X = 25.0
_HANKEL_TERMS = 30
_BIG = 1e200


# ---- J and Y of integer order -----------------------------------------------------------------
def _miller(x, nmax):
    """J_0 ... J_nmax at x (1-D, 0 < x), and the sums of Neumann's series for Y₀ and Y₁,
    by Miller's backward recurrence normalised with 1 = J₀ + 2 Σ J_{2k}."""
    top = max(float(nmax), float(np.max(x)))
    big_n = int(top + 40 + 4 * top ** (1 / 3))
    big_n += big_n % 2
    rows = [None] * (big_n + 2)
    rows[big_n + 1] = np.zeros_like(x)
    rows[big_n] = np.full_like(x, 1e-30)
    for k in range(big_n, 0, -1):
        prev = (2 * k / x) * rows[k] - rows[k + 1]
        rows[k - 1] = prev
        over = np.abs(prev) > _BIG
        if over.any():  # rescale everything computed so far (small x: fast growth)
            for j in range(k - 1, big_n + 2):
                rows[j] = np.where(over, rows[j] / _BIG, rows[j])
    js = np.array(rows[:big_n + 2])
    norm = js[0] + 2 * js[2:big_n + 1:2].sum(axis=0)
    js = js / norm
    k = np.arange(1, big_n // 2 + 1)
    signs = np.where(k % 2 == 0, 1.0, -1.0)[:, None]
    s0 = (signs / k[:, None] * js[2:big_n + 1:2]).sum(axis=0)
    s1 = (signs / k[:, None] * (js[1:big_n:2] - js[3:big_n + 2:2])).sum(axis=0)
    return js[:nmax + 1], s0, s1


def _hankel(nu, x):
    """(J_ν, Y_ν) for ν = 0 or 1 and x > 25 by Hankel's expansion."""
    mu = 4.0 * nu * nu
    term = np.ones_like(x)
    p = np.ones_like(x)
    q = np.zeros_like(x)
    for k in range(1, _HANKEL_TERMS):
        term = term * (mu - (2 * k - 1) ** 2) / (8.0 * k * x)
        if k % 2:
            q += term if k % 4 == 1 else -term
        else:
            p += -term if k % 4 == 2 else term
    c, s = np.cos(x), np.sin(x)
    if nu == 0:  # χ = x - π/4
        cos_chi, sin_chi = (c + s) * math.sqrt(0.5), (s - c) * math.sqrt(0.5)
    else:  # χ = x - 3π/4
        cos_chi, sin_chi = (s - c) * math.sqrt(0.5), -(s + c) * math.sqrt(0.5)
    amp = np.sqrt(2 / (math.pi * x))
    return amp * (p * cos_chi - q * sin_chi), amp * (p * sin_chi + q * cos_chi)


def _jy_positive(n, x, want_y):
    """J_n(x) (and Y_n(x) if ``want_y``) for integers n ≥ 0 (array) and x > 0 finite."""
    j = np.empty_like(x)
    y = np.empty_like(x) if want_y else None
    near = x <= _HANKEL_X
    if near.any():
        xs, ns = x[near], n[near]
        js, s0, s1 = _miller(xs, max(int(ns.max()), 1))
        j[near] = np.take_along_axis(js, ns[None, :], axis=0)[0]
        if want_y:
            lg = np.log(xs / 2) + _EULER
            y0 = (2 / math.pi) * (lg * js[0] - 2 * s0)
            y1 = -(2 / (math.pi * xs)) * js[0] + (2 / math.pi) * (lg * js[1] + s1)
            y[near] = _forward(ns, xs, y0, y1)
    far = ~near
    if far.any():
        xf, nf = x[far], n[far]
        j0, y0 = _hankel(0, xf)
        j1, y1 = _hankel(1, xf)
        jf = _forward(np.minimum(nf, np.floor(xf).astype(np.int64)), xf, j0, j1)
        above = nf > xf
        if above.any():
            js, _, _ = _miller(xf[above], int(nf[above].max()))
            jf[above] = np.take_along_axis(js, nf[above][None, :], axis=0)[0]
        j[far] = jf
        if want_y:
            y[far] = _forward(nf, xf, y0, y1)
    return j, y


def _forward(n, x, f0, f1):
    """f_n from f₀, f₁ by f_{k+1} = (2k/x) f_k - f_{k-1} (per entry up to its own n)."""
    out = np.where(n == 0, f0, f1)
    prev, cur = f0, f1
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, int(n.max(initial=0))):
            # once Y_k has overflowed it stays at -inf (not inf - inf)
            prev, cur = cur, np.where(np.isinf(cur), cur, (2 * k / x) * cur - prev)
            out = np.where(n == k + 1, cur, out)
    return out


def _integer_order(n, name):
    n = np.asarray(n)
    if n.dtype.kind == "f":
        if np.any(np.isfinite(n) & (n != np.floor(n))):
            raise ValueError(f"{name}(n, x): the order n must be an integer (got {n}); "
                             "chainrule has Bessel functions of real order only for I (iv).")
        n = n.astype(np.int64)
    elif n.dtype.kind not in "iub":
        raise TypeError(f"{name}(n, x): the order n must be an integer, not {n.dtype}")
    return n.astype(np.int64)


def _jn64(n, x):
    n, x = np.broadcast_arrays(n, np.asarray(x, np.float64))
    odd = (n % 2) != 0
    an = np.abs(n)
    flip = odd & ((n < 0) ^ (x < 0))  # J_{-n} = (-1)ⁿ J_n, J_n(-x) = (-1)ⁿ J_n(x)
    ax = np.abs(x)
    out = np.full(x.shape, np.nan)
    ok = (ax > 0) & np.isfinite(ax)
    if ok.any():
        out[ok] = _jy_positive(an[ok], ax[ok], False)[0]
    out[ax == 0] = np.where(an[ax == 0] == 0, 1.0, 0.0)
    out[np.isinf(ax)] = 0.0
    return np.where(flip, -out, out)


def _yn64(n, x):
    n, x = np.broadcast_arrays(n, np.asarray(x, np.float64))
    an = np.abs(n)
    flip = ((n % 2) != 0) & (n < 0)
    out = np.full(x.shape, np.nan)
    ok = (x > 0) & np.isfinite(x)
    if ok.any():
        out[ok] = _jy_positive(an[ok], x[ok], True)[1]
    out[x == 0] = -np.inf
    out[np.isposinf(x)] = 0.0
    return np.where(flip, -out, out)


def _jn_impl(n, x):
    x64, dt = _f64(x)
    return _out(_jn64(_integer_order(n, "jn"), x64), dt)


def _yn_impl(n, x):
    x64, dt = _f64(x)
    return _out(_yn64(_integer_order(n, "yn"), x64), dt)


def _j0_impl(x):
    x64, dt = _f64(x)
    return _out(_jn64(np.int64(0), x64), dt)


def _j1_impl(x):
    x64, dt = _f64(x)
    return _out(_jn64(np.int64(1), x64), dt)


def _y0_impl(x):
    x64, dt = _f64(x)
    return _out(_yn64(np.int64(0), x64), dt)


def _y1_impl(x):
    x64, dt = _f64(x)
    return _out(_yn64(np.int64(1), x64), dt)


_ORDER_ADVICE = ("the order n is an integer. Pass it as a plain number, or wrap it in "
                 "chainrule.stop_gradient.")
_V_ADVICE = ("∂I_v/∂v has no simple closed form (a series in digamma). Pass the order as a "
             "plain number, or wrap it in chainrule.stop_gradient.")

j0 = Primitive(_j0_impl, "j0")
"""J₀(x), the Bessel function of the first kind of order 0: ȧ = -J₁(x) ȧ_x."""
j1 = Primitive(_j1_impl, "j1")
"""J₁(x): ȧ = (J₀(x) - J₂(x))/2 ȧ_x."""
jn = Primitive(_jn_impl, "jn")
"""J_n(x) for integer n (an array of them too): ȧ = (J_{n-1}(x) - J_{n+1}(x))/2 ȧ_x.
The order n is not differentiable (an error)."""
y0 = Primitive(_y0_impl, "y0")
"""Y₀(x), the Bessel function of the second kind of order 0 (x > 0): ȧ = -Y₁(x) ȧ_x."""
y1 = Primitive(_y1_impl, "y1")
"""Y₁(x): ȧ = (Y₀(x) - Y₂(x))/2 ȧ_x."""
yn = Primitive(_yn_impl, "yn")
"""Y_n(x) for integer n: ȧ = (Y_{n-1}(x) - Y_{n+1}(x))/2 ȧ_x. The order n is not
differentiable (an error)."""

j0.defdiagonal(lambda d, ans, x: -d * j1(x))
j1.defdiagonal(lambda d, ans, x: d * 0.5 * (j0(x) - jn(2, x)))
y0.defdiagonal(lambda d, ans, x: -d * y1(x))
y1.defdiagonal(lambda d, ans, x: d * 0.5 * (y0(x) - yn(2, x)))
_jn_n = no_parameter_rules(jn, 0, "the order n", _ORDER_ADVICE)
jn.defvjp(_jn_n[0], lambda g, ans, n, x: g * 0.5 * (jn(np.subtract(n, 1), x)
                                                      - jn(np.add(n, 1), x)))
jn.defjvp(_jn_n[1], lambda t, ans, n, x: t * 0.5 * (jn(np.subtract(n, 1), x)
                                                      - jn(np.add(n, 1), x)))
_yn_n = no_parameter_rules(yn, 0, "the order n", _ORDER_ADVICE)
yn.defvjp(_yn_n[0], lambda g, ans, n, x: g * 0.5 * (yn(np.subtract(n, 1), x)
                                                      - yn(np.add(n, 1), x)))
yn.defjvp(_yn_n[1], lambda t, ans, n, x: t * 0.5 * (yn(np.subtract(n, 1), x)
                                                      - yn(np.add(n, 1), x)))


# ---- I of real order ------------------------------------------------------------------------
_SERIES_MAX_X = 1400.0
_ASYMPTOTIC_MIN_X = 50.0


def _iv_series_half(v, x):
    """U = I_v(x) e^{-x/2} by the power series (x > 0, v not a negative integer)."""
    with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
        lead = _gammasgn64(v + 1) * np.exp(v * np.log(x / 2) - x / 2 - _lgamma64(v + 1))
    q = x * x / 4
    term = lead
    total = lead.copy()
    active = np.isfinite(lead) & (lead != 0)
    k = 0
    while active.any():
        k += 1
        term = np.where(active, term * q / (k * (k + v)), term)
        total = np.where(active, total + term, total)
        active &= (np.abs(term) > 1e-17 * np.abs(total)) | (q > k * (k + v))
    return total


def _iv_asymptotic(v, x):
    """I_v(x) e^{-x} √(2πx) ≈ Σ_k (-1)^k a_k(v)/x^k, a_k = Π_{j ≤ k} (4v² - (2j - 1)²)/(k! 8^k),
    summed until the terms stop decreasing or fall below 1e-17."""
    mu = 4.0 * v * v
    term = np.ones_like(x)
    total = np.ones_like(x)
    active = np.ones(x.shape, bool)
    for k in range(1, 200):
        new = -term * (mu - (2 * k - 1) ** 2) / (8.0 * k * x)
        use = active & (np.abs(new) < np.abs(term))
        total = np.where(use, total + new, total)
        term = np.where(use, new, term)
        active = use & (np.abs(new) > 1e-17 * np.abs(total))
        if not active.any():
            break
    return total / np.sqrt(2 * math.pi * x)


def _iv64(v, x, scaled):
    """I_v(x) (``scaled``: I_v(x) e^{-|x|}) in float64, broadcast."""
    v, x = np.broadcast_arrays(np.asarray(v, np.float64), np.asarray(x, np.float64))
    integer = v == np.floor(v)
    ve = np.where(integer, np.abs(v), v)  # I_{-n} = I_n
    ax = np.abs(x)
    out = np.full(x.shape, np.nan)
    ok = (ax > 0) & np.isfinite(ax) & np.isfinite(ve)
    if ok.any():
        vo, xo = ve[ok], ax[ok]
        res = np.empty_like(xo)
        asym = (xo >= np.maximum(_ASYMPTOTIC_MIN_X, 4 * vo * vo)) | (xo > _SERIES_MAX_X)
        if asym.any():
            s = _iv_asymptotic(vo[asym], xo[asym])
            with np.errstate(over="ignore", invalid="ignore"):
                res[asym] = s if scaled else s * np.exp(xo[asym])
        ser = ~asym
        if ser.any():
            u = _iv_series_half(vo[ser], xo[ser])
            half = np.exp(-xo[ser] / 2) if scaled else np.exp(xo[ser] / 2)
            with np.errstate(over="ignore", invalid="ignore"):
                res[ser] = u * half
        out[ok] = res
    zero = ax == 0
    out[zero] = np.where(ve[zero] == 0, 1.0, np.where((ve[zero] > 0) | integer[zero], 0.0,
                                                      np.inf))
    big = np.isposinf(ax) & np.isfinite(ve)
    out[big] = 0.0 if scaled else np.inf
    neg = x < 0
    if neg.any():  # I_v(-x) = (-1)^v I_v(x) for integer v, NaN otherwise
        odd = integer & (np.mod(ve, 2) == 1)
        out = np.where(neg & odd, -out, np.where(neg & ~integer, np.nan, out))
    return out


# The result's dtype is x's: the order is a parameter (a float64 order with float32 x gives
# float32, as for jn and yn).
def _iv_impl(v, x):
    return _out(_iv64(_f64(v)[0], _f64(x)[0], False), float_dtype(x))


def _ive_impl(v, x):
    return _out(_iv64(_f64(v)[0], _f64(x)[0], True), float_dtype(x))


iv = Primitive(_iv_impl, "iv")
"""I_v(x), the modified Bessel function of the first kind of real order v:
ȧ = (I_{v-1}(x) + I_{v+1}(x))/2 ȧ_x. Not differentiable in v (an error)."""
ive = Primitive(_ive_impl, "ive")
"""I_v(x) e^{-|x|}, exponentially scaled (finite for large x):
ȧ = ((ive_{v-1}(x) + ive_{v+1}(x))/2 - sign(x) ive_v(x)) ȧ_x. Not differentiable in v."""

_iv_v = no_parameter_rules(iv, 0, "the order v", _V_ADVICE)
iv.defvjp(_iv_v[0], lambda g, ans, v, x: g * 0.5 * (iv(np.subtract(v, 1), x)
                                                      + iv(np.add(v, 1), x)))
iv.defjvp(_iv_v[1], lambda t, ans, v, x: t * 0.5 * (iv(np.subtract(v, 1), x)
                                                      + iv(np.add(v, 1), x)))
_ive_v = no_parameter_rules(ive, 0, "the order v", _V_ADVICE)


def _ive_slope(v, x, ans):
    return 0.5 * (ive(np.subtract(v, 1), x) + ive(np.add(v, 1), x)) - sign(x) * ans


ive.defvjp(_ive_v[0], lambda g, ans, v, x: g * _ive_slope(v, x, ans))
ive.defjvp(_ive_v[1], lambda t, ans, v, x: t * _ive_slope(v, x, ans))

document_primitives(__name__)
