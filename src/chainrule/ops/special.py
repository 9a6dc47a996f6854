"""Special functions with their rules, without SciPy: erf, gammaln, digamma, polygamma, ndtr ...,
the Bessel functions i0 and i1, and the stable logsumexp/softmax family.

Implemented with NumPy and the standard library: ``math.erf``/``math.erfc``/``math.lgamma``
vectorised, and vectorised NumPy algorithms where the standard library has none (digamma,
polygamma through the Hurwitz zeta function, erfinv by Halley's method, the normal tails
by their asymptotic series). Values are computed in float64 and returned in the argument's
floating dtype (float64 for integers), so float32 stays float32.

Every rule is the textbook derivative written with chainrule operations, and its own
derivative is again a primitive here (gammaln' = digamma, digamma' = polygamma(1, ·),
polygamma(n)' = polygamma(n + 1), erfinv' = √π/2 e^{erfinv²}, ...), so every order works.
Conventions at singular points follow SciPy's values and JAX's derivatives; each docstring
says which.

The stable family (logsumexp, softmax, log_softmax, log_expit, logit) is finite, with finite
derivatives, at inputs of ±1e3: they subtract the maximum
before exponentiating, and their rules reuse the (stable) output.

Infinite entries get the limits: in a slice whose maximum is +inf the +inf entries share
the weight equally (softmax [inf, 1] = [1, 0], logsumexp = inf), and an entry at -inf has
no weight. A slice of all -inf — where softmax is 0/0 — is given *no* weight too: logsumexp
is -inf with derivative 0, softmax is 0 and log_softmax -inf there, with finite derivatives
and no warning. (SciPy and PyTorch return NaN for that softmax and for a softmax with +inf
entries, and PyTorch NaN for the derivative of logsumexp of all -inf.)

i0, i1: I₀ with NumPy's values, I₁ its derivative (a primitive so that I₀'s rules work to any
order).
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np

from ..core import Primitive, document_primitives, full_unwrap
from . import elementwise as _ew
from .axes import kept_shape, normalize_axis, shape
from .elementwise import exp, log, log1p, logistic, where
from .reduce import expand, sum
from .shape import reshape


def _shifted(x, axes):
    """``x`` minus its maximum over ``axes``, and the sum of exp of that over ``axes``
    (keepdims). Slices with +inf: their +inf entries become 0, the rest -inf (the limit);
    slices of all -inf stay -inf (exp gives 0: no weight, a sum of 0)."""
    m = np.maximum.reduce(x, axis=axes, keepdims=True)
    if np.isfinite(m).all():
        z = x - m
    else:
        with np.errstate(invalid="ignore"):
            z = x - np.where(np.isfinite(m), m, 0)
        top = np.isposinf(m)
        if top.any():
            inf_entry = np.where(np.isposinf(x), x.dtype.type(0), x.dtype.type(-np.inf))
            z = np.where(top, inf_entry, z)
    s = np.add.reduce(np.exp(z), axis=axes, keepdims=True)
    return z, m, s


def _logsumexp_impl(x, axis=None, keepdims=False):
    x = np.asarray(x)
    axes = normalize_axis(axis, x.ndim)
    z, m, s = _shifted(x, axes)
    with np.errstate(divide="ignore"):  # log 0 = -inf for an all -inf slice
        out = np.log(s)
    if np.isfinite(m).all():
        out = out + m
    else:  # ±inf where the maximum is ±inf
        out = np.where(np.isinf(m), m, out + np.where(np.isfinite(m), m, 0))
    if keepdims:
        return out
    return out.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))


def _softmax_impl(x, axis=-1):
    x = np.asarray(x)
    axes = normalize_axis(axis, x.ndim)
    z, m, s = _shifted(x, axes)
    e = np.exp(z)
    if not s.all():  # an all -inf slice: 0 / 0, taken as 0
        s = np.where(s == 0, 1, s)
    e /= s
    return e


def _log_softmax_impl(x, axis=-1):
    x = np.asarray(x)
    axes = normalize_axis(axis, x.ndim)
    z, m, s = _shifted(x, axes)
    if not s.all():  # an all -inf slice: -inf
        s = np.where(s == 0, 1, s)
    return z - np.log(s)


softmax = Primitive(_softmax_impl, "softmax")
"""y = exp(x) / Σ exp(x):  ā_x = y (ā - Σ ā y);  ȧ = y (ȧ_x - Σ ȧ_x y)."""
softmax.defdiagonal(lambda d, ans, x, axis=-1: ans * (d - sum(d * ans, axis=axis, keepdims=True)))

log_softmax = Primitive(_log_softmax_impl, "log_softmax")
"""y = x - logsumexp(x):  ā_x = ā - exp(y) Σ ā;  ȧ = ȧ_x - Σ exp(y) ȧ_x."""
log_softmax.defvjp(lambda g, ans, x, axis=-1: g - exp(ans) * sum(g, axis=axis, keepdims=True))
log_softmax.defjvp(lambda t, ans, x, axis=-1: t - sum(exp(ans) * t, axis=axis, keepdims=True))


def _lse_weights(x, ans, axis):
    """∂ logsumexp(x)/∂x = softmax(x): exp(x - ans) from the output where it is finite (one
    exp, no second reduction); through ``softmax``, with its limits, where it is ±inf."""
    if np.isfinite(full_unwrap(ans)).all():
        return exp(x - reshape(ans, kept_shape(shape(x), axis)))
    return softmax(x, axis=axis)


logsumexp = Primitive(_logsumexp_impl, "logsumexp")
"""log Σ exp(x) over ``axis``: ā_x = ā · softmax(x) = ā · exp(x - ans); 0 for entries at
-inf, also in a slice of all -inf (see the module's note)."""
logsumexp.defvjp(lambda g, ans, x, axis=None, keepdims=False:
                 expand(g, x, axis) * _lse_weights(x, ans, axis))
logsumexp.defjvp(lambda t, ans, x, axis=None, keepdims=False:
                 sum(t * _lse_weights(x, ans, axis), axis=axis, keepdims=keepdims))


def _log_expit_impl(x):
    # log σ(x) = -log(1 + e^{-x}) = -logaddexp(0, -x): NumPy's logaddexp is the stable
    # log1p(exp(-|d|)) form, exact in both tails (≈ x for x ≪ 0, ≈ -e^{-x} for x ≫ 0).
    return np.negative(np.logaddexp(0, np.negative(x)))


log_expit = Primitive(_log_expit_impl, "log_expit")
"""log σ(x), stable in both tails: ȧ = ȧ_x (1 - σ(x)) = ȧ_x σ(-x)."""
log_expit.defdiagonal(lambda d, ans, x: d * logistic(-x))


def _logit_impl(p):
    # log(p / (1 - p)); near ½ as log1p((2p - 1)/(1 - p)), exact there. -inf at 0, inf at 1,
    # NaN outside [0, 1], silently (SciPy's values).
    p = np.asarray(p)
    _refuse_complex(p)
    if p.dtype.kind != "f":
        p = p.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        far = np.log(p / (1 - p))
        near = np.log1p((2 * p - 1) / (1 - p))
    out = np.where(np.abs(p - 0.5) < 0.25, near, far)
    return out[()] if out.ndim == 0 else out


logit = Primitive(_logit_impl, "logit")
"""log(p / (1 - p)), the inverse of σ: ȧ = ȧ_p / (p (1 - p)) (±inf at 0 and 1)."""
logit.defdiagonal(lambda d, ans, p: d / (p * (1 - p)))

expit = logistic


# ---- erf, gamma and friends, computed in float64 ------------------------------------------

_SQRT_PI = math.sqrt(math.pi)
_SQRT_2 = math.sqrt(2.0)
_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


# ---- plumbing: compute in float64, return in the argument's floating dtype -------------------
def _refuse_complex(x):
    if np.iscomplexobj(x):
        raise TypeError("chainrule's special functions (erf, gamma, ndtr, logit ...) are "
                        "computed for real arguments only, and this one was given a complex "
                        "array; pass np.real(z) explicitly if the real part is what you mean")


def _f64(x):
    """``x`` as a float64 array, and the floating dtype the result should have (a complex
    ``x`` is refused: the float64 conversion would silently drop its imaginary part)."""
    _refuse_complex(x)
    dt = getattr(x, "dtype", None)
    if dt is None or dt.kind != "f":
        dt = np.dtype(np.float64)
    return np.asarray(x, dtype=np.float64), dt


def _out(y, dt):
    y = np.asarray(y).astype(dt, copy=False)
    return y[()] if y.ndim == 0 else y


def _float64_prim(fn64, name):
    """A primitive computing ``fn64`` in float64 and returning the input's floating dtype
    (float32 in, float32 out)."""
    def impl(x):
        x64, dt = _f64(x)
        return _out(fn64(x64), dt)
    impl.__name__ = f"_{name}_impl"
    return Primitive(impl, name)


def _vectorized(fn):
    """A float -> float function of the standard library, over arrays."""
    u = np.frompyfunc(fn, 1, 1)

    def apply(x64):
        with np.errstate(over="ignore"):  # math.gamma/lgamma overflowing to inf: not an error
            return np.asarray(u(x64), dtype=np.float64)
    return apply


def _safe_lgamma(v):
    try:
        return math.lgamma(v)
    except (ValueError, OverflowError):  # a pole (0, -1, -2 ...) or beyond float64
        return math.inf


def _safe_gamma(v):
    try:
        return math.gamma(v)
    except OverflowError:
        return math.inf
    except ValueError:  # a pole: ±inf at ±0 (SciPy), NaN at the negative integers
        return math.copysign(math.inf, v) if v == 0 else math.nan


_erf64 = _vectorized(math.erf)
_erfc64 = _vectorized(math.erfc)
_lgamma64 = _vectorized(_safe_lgamma)
_gamma64 = _vectorized(_safe_gamma)


# ---- the error function and its inverse ------------------------------------------------------
erf = _float64_prim(_erf64, "erf")
"""erf x = 2/√π ∫₀ˣ e^{-s²} ds: ȧ = ȧ_x 2/√π e^{-x²}."""
erf.defdiagonal(lambda d, ans, x: d * (2 / _SQRT_PI) * exp(-(x * x)))

erfc = _float64_prim(_erfc64, "erfc")
"""erfc x = 1 - erf x (accurate where it is tiny): ȧ = -ȧ_x 2/√π e^{-x²}."""
erfc.defdiagonal(lambda d, ans, x: d * (-2 / _SQRT_PI) * exp(-(x * x)))

_WINITZKI = 0.147


def _inverse_erf(p, q):
    """x ≥ 0 with erf(x) = p and erfc(x) = q = 1 - p (both given, each exactly): Winitzki's
    approximation (relative error < 2e-3), then three Halley steps on erf(x) - p where
    p ≤ ½, on erfc(x) - q (the tail, to full relative accuracy) elsewhere."""
    shp = np.shape(p)
    p, q = np.ravel(p), np.ravel(q)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lg = np.log(q * (1 + p))  # log(1 - p²), exact in the tail
        t = 2 / (math.pi * _WINITZKI) + lg / 2
        x = np.sqrt(np.maximum(np.sqrt(t * t - lg / _WINITZKI) - t, 0.0))
        head = p <= 0.5
        ok = np.isfinite(x) & (q > 0)
        for _ in range(3):
            xo = x[ok]
            f = np.where(head[ok], _erf64(xo) - p[ok], -(_erfc64(xo) - q[ok]))
            d = f / ((2 / _SQRT_PI) * np.exp(-xo * xo))
            x[ok] = xo - d / (1 + xo * d)
    x = np.where(q == 0, np.inf, x)
    x = np.where((p < 0) | (q < 0) | np.isnan(p) | np.isnan(q), np.nan, x)
    return x.reshape(shp)


def _erfinv_impl(y):
    y64, dt = _f64(y)
    a = np.abs(y64)
    return _out(np.copysign(_inverse_erf(a, 1 - a), y64), dt)


def _erfcinv_impl(y):
    y64, dt = _f64(y)
    upper = y64 > 1  # erfcinv(y) = -erfcinv(2 - y); 2 - y and y - 1 are exact there
    p = np.where(upper, y64 - 1, 1 - y64)
    q = np.where(upper, 2 - y64, y64)
    x = _inverse_erf(p, q)
    return _out(np.where(upper, -x, x), dt)


erfinv = Primitive(_erfinv_impl, "erfinv")
"""The inverse of erf on (-1, 1) (±inf at ±1, NaN outside): ȧ = ȧ_x √π/2 e^{erfinv(x)²}."""
erfinv.defdiagonal(lambda d, ans, x: d * (_SQRT_PI / 2) * exp(ans * ans))

erfcinv = Primitive(_erfcinv_impl, "erfcinv")
"""The inverse of erfc on (0, 2), accurate near 0: ȧ = -ȧ_x √π/2 e^{erfcinv(x)²}."""
erfcinv.defdiagonal(lambda d, ans, x: d * (-_SQRT_PI / 2) * exp(ans * ans))


# ---- the standard normal distribution --------------------------------------------------------
ndtr = _float64_prim(lambda x64: 0.5 * _erfc64(-_SQRT1_2 * x64), "ndtr")
"""Φ(x) = ½ erfc(-x/√2), the standard normal CDF: ȧ = ȧ_x φ(x) = ȧ_x e^{-x²/2}/√(2π)."""
ndtr.defdiagonal(lambda d, ans, x: d * _INV_SQRT_2PI * exp(-0.5 * (x * x)))


def _ndtri_impl(p):
    p64, dt = _f64(p)
    return _out(-_SQRT_2 * _erfcinv_impl(2 * p64) + 0.0, dt)  # + 0.0: Φ⁻¹(½) = +0


ndtri = Primitive(_ndtri_impl, "ndtri")
"""Φ⁻¹(p), the standard normal quantile: ȧ = ȧ_p / φ(ans) = ȧ_p √(2π) e^{ans²/2}."""
ndtri.defdiagonal(lambda d, ans, p: d * (1 / _INV_SQRT_2PI) * exp(0.5 * (ans * ans)))

_TAIL = -20.0  # below: the asymptotic series of the normal tail


def _tail_series(x):
    """S(x) - 1, with Φ(x) = φ(x) S(x)/(-x) for x ≪ 0: Σ_{k≥1} (-1)^k (2k-1)!! / x^{2k}."""
    with np.errstate(over="ignore"):
        w = 1 / (x * x)
    term = np.ones_like(x)
    acc = np.zeros_like(x)
    for k in range(1, 14):
        term = -term * (2 * k - 1) * w
        acc += term
    return acc


def _log_ndtr64(x):
    out = np.full_like(x, np.nan)
    with np.errstate(divide="ignore", over="ignore"):
        left = x < _TAIL
        if left.any():
            xl = x[left]
            out[left] = -0.5 * xl * xl - np.log(-xl) - _HALF_LOG_2PI + np.log1p(_tail_series(xl))
        mid = (x >= _TAIL) & (x <= 0)
        if mid.any():
            out[mid] = np.log(0.5 * _erfc64(-_SQRT1_2 * x[mid]))
        right = x > 0
        if right.any():
            out[right] = np.log1p(-0.5 * _erfc64(_SQRT1_2 * x[right]))
    return out


def _ndtr_ratio64(x):
    """r = φ/Φ and the shift x + r (which cancels in the left tail: there r = -x/S and
    x + r = x (S - 1)/S, with S - 1 from the series, so both keep full relative accuracy)."""
    r = np.full_like(x, np.nan)
    shift = np.full_like(x, np.nan)
    left = x < _TAIL
    if left.any():
        xl = x[left]
        t = _tail_series(xl)
        r[left] = -xl / (1 + t)
        shift[left] = xl * t / (1 + t)
    rest = x >= _TAIL
    if rest.any():
        xr = x[rest]
        r[rest] = _INV_SQRT_2PI * np.exp(-0.5 * xr * xr) / (0.5 * _erfc64(-_SQRT1_2 * xr))
        shift[rest] = xr + r[rest]
    return r, shift


ndtr_ratio = _float64_prim(lambda x64: _ndtr_ratio64(x64)[0], "ndtr_ratio")
"""r(x) = φ(x)/Φ(x) = (log Φ)'(x), stable in the left tail (r ≈ -x there):
ȧ = -ȧ_x r (x + r), with x + r from ``ndtr_ratio_shift`` (no cancellation)."""
ndtr_ratio.defdiagonal(lambda d, ans, x: -d * ans * ndtr_ratio_shift(x))

ndtr_ratio_shift = _float64_prim(lambda x64: _ndtr_ratio64(x64)[1], "ndtr_ratio_shift")
"""s(x) = x + φ(x)/Φ(x) (→ 0⁺ as x → -∞, accurate there): ȧ = ȧ_x (1 - r s)."""
ndtr_ratio_shift.defdiagonal(lambda d, ans, x: d * (1 - ndtr_ratio(x) * ans))

log_ndtr = _float64_prim(_log_ndtr64, "log_ndtr")
"""log Φ(x), accurate in both tails (asymptotic series below x = -20, log1p above 0):
ȧ = ȧ_x φ(x)/Φ(x), the ratio computed stably (``ndtr_ratio``)."""
log_ndtr.defdiagonal(lambda d, ans, x: d * ndtr_ratio(x))


# ---- the gamma function and its logarithmic derivatives ------------------------------------
# B_{2j} / (2j)!, j = 1 ... 10 (Euler-Maclaurin tail of the Hurwitz zeta function).
_BERNOULLI = [Fraction(1, 6), Fraction(-1, 30), Fraction(1, 42), Fraction(-1, 30),
              Fraction(5, 66), Fraction(-691, 2730), Fraction(7, 6), Fraction(-3617, 510),
              Fraction(43867, 798), Fraction(-174611, 330)]
_B_OVER_FACT = [float(b / math.factorial(2 * j + 2)) for j, b in enumerate(_BERNOULLI)]


def _hurwitz_zeta(s, q):
    """ζ(s, q) = Σ_{k≥0} (q + k)^{-s} for s > 1, q > 0 (float64 arrays, broadcast).

    The first terms are summed until a = q + N ≥ 10 + 2s; the rest is the Euler-Maclaurin
    formula a^{1-s}/(s-1) + a^{-s}/2 + Σ_j B_{2j}/(2j)! s(s+1)···(s+2j-2) a^{-s-2j+1}, whose
    omitted term is below 1e-17 relative there. ζ(s, q ≤ 0 integer) = inf (a pole)."""
    s, q = np.broadcast_arrays(np.asarray(s, np.float64), np.asarray(q, np.float64))
    a = q.copy()
    acc = np.zeros_like(a)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        pole = (q <= 0) & (q == np.floor(q)) & np.isfinite(q)
        low = (a < 10 + 2 * s) & ~pole
        while low.any():
            acc[low] += a[low] ** -s[low]
            a[low] += 1
            low = a < 10 + 2 * s
            low &= ~pole
        tail = a ** (1 - s) / (s - 1) + 0.5 * a ** -s
        term = s * a ** (-s - 1)  # s(s+1)···(s+2j-2) a^{-s-2j+1} for j = 1
        w = 1 / (a * a)
        for j, c in enumerate(_B_OVER_FACT):
            tail += c * term
            term = term * (s + 2 * j + 1) * (s + 2 * j + 2) * w
        out = acc + tail
    return np.where(pole, np.inf, np.where(np.isposinf(q), 0.0, out))


def _digamma_positive(x):
    """ψ(x) for x > 0: ψ(x) = ψ(x + N) - Σ_{k<N} 1/(x + k) up to x + N ≥ 10, then the
    asymptotic series log y - 1/(2y) - Σ_k B_{2k}/(2k y^{2k})."""
    y = x.copy()
    acc = np.zeros_like(y)
    low = y < 10
    while low.any():
        acc[low] -= 1 / y[low]
        y[low] += 1
        low = y < 10
    w = 1 / (y * y)
    series = w * (1 / 12 - w * (1 / 120 - w * (1 / 252 - w * (1 / 240 - w * (
        1 / 132 - w * (691 / 32760 - w / 12))))))
    return acc + np.log(y) - 0.5 / y - series


# ψ near its positive root x₀ = 1.4616...: ψ(x) = ψ(x̂₀) + Σ_k (-1)^{k+1} ζ(k+1, x̂₀) δ^k with
# δ = x - x̂₀ (x̂₀ the nearest float64), which keeps full relative accuracy where ψ ≈ 0.
_ROOT = "1.461632144968362341262659542325721325"
_ROOT64 = float(_ROOT)
_ROOT_TERMS = 30
_root_coeffs: list = []


def _root_series(d):
    if not _root_coeffs:
        k = np.arange(1, _ROOT_TERMS + 1, dtype=np.float64)
        zk = _hurwitz_zeta(k + 1, _ROOT64)
        with localcontext() as ctx:
            ctx.prec = 50
            offset = float(Decimal(_ROOT64) - Decimal(_ROOT))
        c0 = zk[0] * offset  # ψ(x̂₀) = ψ'(x₀)(x̂₀ - x₀) + O(1e-33)
        _root_coeffs[:] = [c0, *((-1.0) ** (k + 1) * zk)]
    acc = np.zeros_like(d)
    for c in reversed(_root_coeffs[1:]):
        acc = (acc + c) * d
    return acc + _root_coeffs[0]


def _cot_pi(x):
    """cot(πx) with x reduced exactly to [-½, ½] first."""
    r = x - np.rint(x)
    with np.errstate(divide="ignore"):
        return 1 / np.tan(math.pi * r)


def _digamma64(x):
    out = np.full_like(x, np.nan)
    pos = x > 0
    if pos.any():
        xp = x[pos]
        val = _digamma_positive(xp)
        near = np.abs(xp - _ROOT64) < 0.25
        if near.any():
            val[near] = _root_series(xp[near] - _ROOT64)
        out[pos] = val
    neg = (x < 0) & (x != np.floor(x))
    if neg.any():  # reflection: ψ(x) = ψ(1 - x) - π cot(πx)
        xn = x[neg]
        out[neg] = _digamma_positive(1 - xn) - math.pi * _cot_pi(xn)
    zero = x == 0
    if zero.any():  # SciPy's: -inf at +0, +inf at -0 (NaN at the other poles)
        out[zero] = np.copysign(np.inf, -x[zero])
    return out


_cot_polys: dict = {0: np.array([0.0, 1.0])}


def _cot_poly(n):
    """P_n with dⁿ/dxⁿ cot(πx) = πⁿ P_n(cot πx): P₀ = c, P_{k+1} = -(1 + c²) P_k'."""
    if n not in _cot_polys:
        prev = _cot_poly(n - 1)
        _cot_polys[n] = -np.polynomial.polynomial.polymul([1.0, 0.0, 1.0],
                                                          np.polynomial.polynomial.polyder(prev))
    return _cot_polys[n]


def _polygamma64(n, x):
    """ψ⁽ⁿ⁾(x), n ≥ 1: (-1)^{n+1} n! ζ(n+1, x) for x > 0; for x < 0 the reflection
    ψ⁽ⁿ⁾(x) = (-1)ⁿ ψ⁽ⁿ⁾(1 - x) - π^{n+1} P_n(cot πx); (-1)^{n+1} inf at the poles (SciPy)."""
    sign = -1.0 if n % 2 == 0 else 1.0
    fact = math.gamma(n + 1) if n <= 170 else math.inf
    out = np.full_like(x, np.nan)
    pos = x > 0
    if pos.any():
        with np.errstate(over="ignore", invalid="ignore"):
            out[pos] = sign * fact * _hurwitz_zeta(n + 1, x[pos])
    neg = (x < 0) & (x != np.floor(x))
    if neg.any():
        xn = x[neg]
        refl = sign * fact * _hurwitz_zeta(n + 1, 1 - xn)
        poly = np.polynomial.polynomial.polyval(_cot_pi(xn), _cot_poly(n))
        out[neg] = (-1.0) ** n * refl - math.pi ** (n + 1) * poly
    pole = (x <= 0) & (x == np.floor(x)) & np.isfinite(x)
    out[pole] = sign * np.inf
    return out


def _polygamma_impl(n, x):
    x64, dt = _f64(x)
    n_arr = np.asarray(n)
    if n_arr.dtype.kind == "f" and np.any(n_arr != np.floor(n_arr)):
        raise ValueError("polygamma(n, x): n must be a non-negative integer")
    n_arr = n_arr.astype(np.int64)
    if np.any(n_arr < 0):
        raise ValueError("polygamma(n, x): n must be a non-negative integer")
    shape = np.broadcast_shapes(n_arr.shape, x64.shape)
    n_b, x_b = np.broadcast_to(n_arr, shape), np.broadcast_to(x64, shape)
    out = np.empty(shape)
    for k in np.unique(n_b):
        sel = n_b == k
        out[sel] = _digamma64(x_b[sel]) if k == 0 else _polygamma64(int(k), x_b[sel])
    return _out(out, dt)


gammaln = _float64_prim(_lgamma64, "gammaln")
"""log|Γ(x)| (inf at the poles 0, -1, -2 ...): ȧ = ȧ_x ψ(x) (digamma)."""
gammaln.defdiagonal(lambda d, ans, x: d * digamma(x))

gamma = _float64_prim(_gamma64, "gamma")
"""Γ(x) (``math.gamma``; ±inf at ±0 and NaN at the negative integers, as SciPy):
ȧ = ȧ_x Γ(x) ψ(x)."""
gamma.defdiagonal(lambda d, ans, x: d * ans * digamma(x))

digamma = _float64_prim(_digamma64, "digamma")
"""ψ(x) = Γ'(x)/Γ(x), for every real x (reflection below 0; full relative accuracy at the
root 1.4616...): ȧ = ȧ_x ψ'(x) = ȧ_x polygamma(1, x)."""
digamma.defdiagonal(lambda d, ans, x: d * polygamma(1, x))

polygamma = Primitive(_polygamma_impl, "polygamma")
"""``polygamma(n, x)`` = ψ⁽ⁿ⁾(x) for integers n ≥ 0 (n structural, may be an array):
ȧ = ȧ_x ψ⁽ⁿ⁺¹⁾(x)."""
polygamma.defdiagonal(None, lambda d, ans, n, x: d * polygamma(np.add(n, 1), x))


# ---- x log y and entropy ------------------------------------------------------------------
def _x_log_impl(x, y, logf):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.multiply(x, logf(y))
        zero = np.equal(x, 0) & ~np.isnan(y)
        if np.any(zero):
            out = np.where(zero, 0, out)
    return out


def _x_over(x, y, at):
    """x / y, with y replaced by 1 where x = 0 and y = ``at`` (that 0/0 is taken as 0)."""
    bad = np.equal(full_unwrap(x), 0) & np.equal(full_unwrap(y), at)
    if np.any(bad):
        y = where(bad, 1, y)
    return x / y


xlogy = Primitive(lambda x, y: _x_log_impl(x, y, np.log), "xlogy")
"""x log y, 0 where x = 0 (unless y is NaN), as SciPy: ā_x = ā log y, ā_y = ā x/y — 0
where x = 0, also at y = 0 (PyTorch gives NaN there, 0/0)."""
xlogy.defdiagonal(lambda d, ans, x, y: d * log(y),
                  lambda d, ans, x, y: d * _x_over(x, y, 0))

xlog1py = Primitive(lambda x, y: _x_log_impl(x, y, np.log1p), "xlog1py")
"""x log(1 + y), 0 where x = 0: ā_x = ā log1p(y), ā_y = ā x/(1 + y) — 0 where x = 0."""
xlog1py.defdiagonal(lambda d, ans, x, y: d * log1p(y),
                    lambda d, ans, x, y: d * _x_over(x, 1 + y, 0))


def _entr_impl(x):
    x64, dt = _f64(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(x64 > 0, -x64 * np.log(x64), np.where(x64 == 0, 0.0, -np.inf))
    return _out(np.where(np.isnan(x64), np.nan, out), dt)


def _entr_slope(x):
    """-(1 + log x) for x ≥ 0 (+inf at 0, as PyTorch), 0 for x < 0, where entr is the
    constant -inf (PyTorch gives NaN)."""
    neg = np.less(full_unwrap(x), 0)
    if np.any(neg):
        return where(neg, 0, -(1 + log(where(neg, 1, x))))
    return -(1 + log(x))


entr = Primitive(_entr_impl, "entr")
"""-x log x for x > 0, 0 at 0, -inf below (SciPy's): ȧ = -ȧ_x (1 + log x) (+inf at 0,
0 below 0)."""
entr.defdiagonal(lambda d, ans, x: d * _entr_slope(x))


# ---- Bessel functions i0 and i1 --------------------------------------------------------------

_I1_SERIES_MAX = 18.0


def _i1_impl(x):
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    ax = np.abs(x.astype(np.float64))
    out = np.empty_like(ax)
    small = ax <= _I1_SERIES_MAX
    if small.any():
        # I1(x) = Σ_k (x/2)^(2k+1) / (k! (k+1)!): positive terms, summed until negligible
        half = ax[small] / 2
        q = half * half
        term = half
        total = half.copy()
        for k in range(1, 80):
            term = term * q / (k * (k + 1))
            total += term
            if not (term > 1e-17 * total).any():
                break
        out[small] = total
    if not small.all():
        # I1(x) ~ e^x / sqrt(2 pi x) Σ_k (-1)^k a_k / x^k, a_k = Π_{j≤k} (4 - (2j-1)²) / (k! 8^k)
        z = ax[~small]
        term = np.ones_like(z)
        total = np.ones_like(z)
        for k in range(1, 40):
            term = term * ((2 * k - 1) ** 2 - 4.0) / (8.0 * k * z)
            total += term
        with np.errstate(over="ignore", invalid="ignore"):
            out[~small] = np.where(np.isinf(z), np.inf, np.exp(z) / np.sqrt(2 * np.pi * z)
                                   * total)
    return np.copysign(out, x).astype(dtype, copy=False)


def _i0_impl(x):
    return np.i0(x)


i0 = Primitive(_i0_impl, "i0")
"""I₀(x), the modified Bessel function of order 0 (NumPy's values): ȧ = I₁(x) ȧ_x."""
i1 = Primitive(_i1_impl, "i1")
"""I₁(x) = I₀'(x): ȧ = (I₀(x) - I₁(x)/x) ȧ_x, and ½ ȧ_x at x = 0 (the limit)."""


# I₁(x)/x = Σ_k c_k x^(2k), c_k = 1 / (2^(2k+1) k! (k+1)!): for |x| < 1, where the closed
# form's I₁(x)/x loses its derivatives to cancellation (its second derivative ~ eps/x²).
_I1_OVER_X = [1.0 / (2.0 ** (2 * k + 1) * math.factorial(k) * math.factorial(k + 1))
              for k in range(13)]


def _i1_over_x(x):
    """I₁(x)/x, with its limit ½ at 0: a polynomial in x² for |x| < 1 (differentiable to
    any order without cancellation), the quotient elsewhere."""
    small = np.abs(full_unwrap(x)) < 1
    if not small.any():
        return i1(x) / x
    x2 = _ew.square(_ew.where(small, x, 0.0))
    series = _I1_OVER_X[-1]
    for c in reversed(_I1_OVER_X[:-1]):
        series = series * x2 + c
    if small.all():
        return series
    safe = _ew.where(small, 1.0, x)
    return _ew.where(small, series, i1(safe) / safe)


def _i1_slope(x):
    """I₁'(x) = I₀(x) - I₁(x)/x (½ at x = 0)."""
    return i0(x) - _i1_over_x(x)


i0.defdiagonal(lambda d, ans, x: d * i1(x))
i1.defdiagonal(lambda d, ans, x: d * _i1_slope(x))

__all__ = ["logsumexp", "softmax", "log_softmax", "expit", "logistic", "log_expit", "logit",
           "erf", "erfc", "erfinv", "erfcinv", "ndtr", "ndtri", "log_ndtr", "ndtr_ratio",
           "ndtr_ratio_shift",
           "gammaln", "gamma", "digamma", "polygamma", "xlogy", "xlog1py", "entr", "i0", "i1"]

document_primitives(__name__)
