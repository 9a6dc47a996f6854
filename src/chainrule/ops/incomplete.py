"""The regularized incomplete gamma and beta functions, without SciPy.

* ``gammainc(a, x)`` = P(a, x) = γ(a, x)/Γ(a) and ``gammaincc(a, x)`` = Q(a, x) = 1 - P;
* ``betainc(a, b, x)`` = I_x(a, b) = B(x; a, b)/B(a, b).

Values (float64, returned in the arguments' floating dtype):

* P by its power series P = x^a e^{-x}/Γ(a + 1) Σ_n xⁿ/((a + 1)···(a + n)) where x < a + 1,
  Q by Legendre's continued fraction Q = x^a e^{-x}/Γ(a) · 1/(x + 1 - a - 1(1 - a)/(x + 3 -
  a - ...)) elsewhere (DLMF §8.7, §8.9), the other one as the complement; the prefactor
  x^a e^{-x}/Γ(a) through Stirling's series for a ≥ 10, as exp(-a (t - log1p t)) √(a/2π)
  e^{-δ(a)} with t = (x - a)/a, so its error stays at the size of |x - a| ε, not a ε;
* I_x by the continued fraction of DLMF 8.17.22 (modified Lentz), used where
  x < (a + 1)/(a + b + 2) and through I_x(a, b) = 1 - I_{1-x}(b, a) elsewhere.

Derivatives: in x, the integrands (∂P/∂x = x^{a-1} e^{-x}/Γ(a), ∂I/∂x = x^{a-1}(1 - x)^{b-1}/
B(a, b)), written with chainrule operations, so every order in x works (and the mixed ones
in x and then a). In the shape parameters a, b the derivatives exist but have no simple
closed form (they are hypergeometric series): those arguments raise an error that says so
(as HIPS autograd does); differentiate in x only, or pass the parameter as a constant.
"""

from __future__ import annotations

import math

import numpy as np

from ..core import Primitive, document_primitives
from .elementwise import exp
from .gamma_beta import (
    _STIRLING_MIN,
    _betaln_positive,
    betaln,
    float_dtype,
    no_parameter_rules,
    stirling_delta,
)
from .special import _f64, _lgamma64, _out, gammaln, xlog1py, xlogy

__all__ = ["gammainc", "gammaincc", "betainc"]

_EPS = 1e-16
_TINY = 1e-300
_MAX_ITER = 100_000


def _log_gamma_prefactor(a, x):
    """log(x^a e^{-x}/Γ(a)) for a > 0, x > 0 (float64 arrays of one shape)."""
    out = np.empty_like(a)
    small = a < _STIRLING_MIN
    if small.any():
        asml, xs = a[small], x[small]
        out[small] = asml * np.log(xs) - xs - _lgamma64(asml)
    big = ~small
    if big.any():
        ab, xb = a[big], x[big]
        t = (xb - ab) / ab
        out[big] = (-ab * (t - np.log1p(t)) + 0.5 * np.log(ab / (2 * math.pi))
                    - stirling_delta(ab))
    return out


def _p_series(a, x, logf):
    """P(a, x) from the power series (x < a + 1)."""
    term = np.ones_like(a)
    total = np.ones_like(a)
    active = np.ones(a.shape, bool)
    n = 0
    while active.any() and n < _MAX_ITER:
        n += 1
        term = np.where(active, term * x / (a + n), term)
        total = np.where(active, total + term, total)
        active &= term > _EPS * total
    return np.exp(logf) / a * total


def _q_fraction(a, x, logf):
    """Q(a, x) from Legendre's continued fraction (x ≥ a + 1), by the modified Lentz method:
    1/(b₀ + a₁/(b₁ + a₂/(b₂ + ...))) with b_n = x + 2n + 1 - a, a_n = -n (n - a)."""
    b = x + 1 - a
    c = np.full_like(a, 1 / _TINY)
    d = 1 / b
    h = d.copy()
    active = np.ones(a.shape, bool)
    n = 0
    while active.any() and n < _MAX_ITER:
        n += 1
        an = -n * (n - a)
        b = b + 2
        d = an * d + b
        d = np.where(np.abs(d) < _TINY, _TINY, d)
        c = b + an / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        d = 1 / d
        step = d * c
        h = np.where(active, h * step, h)
        active &= np.abs(step - 1) > _EPS
    return np.exp(logf) * h


def _gamma_pq(a, x):
    """(P(a, x), Q(a, x)) in float64, broadcast; SciPy's values at the edges."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    p = np.full(a.shape, np.nan)
    q = np.full(a.shape, np.nan)
    inner = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
    if inner.any():
        ai, xi = a[inner], x[inner]
        logf = _log_gamma_prefactor(ai, xi)
        pi, qi = np.empty_like(ai), np.empty_like(ai)
        series = xi < ai + 1
        if series.any():
            pi[series] = _p_series(ai[series], xi[series], logf[series])
            qi[series] = 1 - pi[series]
        frac = ~series
        if frac.any():
            qi[frac] = _q_fraction(ai[frac], xi[frac], logf[frac])
            pi[frac] = 1 - qi[frac]
        p[inner], q[inner] = pi, qi
    zero_x = (x == 0) & (a > 0)
    p[zero_x], q[zero_x] = 0.0, 1.0
    top = np.isposinf(x) & (a >= 0) & ~np.isposinf(a)
    p[top], q[top] = 1.0, 0.0
    zero_a = (a == 0) & (x > 0)
    p[zero_a], q[zero_a] = 1.0, 0.0
    return p, q


def _gammainc_impl(a, x):
    return _out(_gamma_pq(_f64(a)[0], _f64(x)[0])[0], float_dtype(a, x))


def _gammaincc_impl(a, x):
    return _out(_gamma_pq(_f64(a)[0], _f64(x)[0])[1], float_dtype(a, x))


def _weak(v):
    """A plain 0-d value as a Python float, which does not promote float32 (NumPy's rule
    for Python numbers); anything else as it is."""
    if isinstance(v, (np.ndarray, np.generic)) and v.ndim == 0:
        return float(v)
    return v


def _gamma_density(a, x):
    """∂P/∂x = x^{a-1} e^{-x}/Γ(a) (the Gamma(a) density), as a chainrule expression."""
    return exp(xlogy(a - 1, x) - x - _weak(gammaln(a)))


_A_ADVICE = ("∂/∂a has no simple closed form (a hypergeometric series). Differentiate in "
             "x only (pass a as a constant, or wrap it in chainrule.stop_gradient), or "
             "write the derivative in a as a series with chainrule operations.")

gammainc = Primitive(_gammainc_impl, "gammainc")
"""P(a, x) = γ(a, x)/Γ(a), the regularized lower incomplete gamma function (a > 0, x ≥ 0):
ȧ = ȧ_x x^{a-1} e^{-x}/Γ(a). Not differentiable here in a (no closed form: an error)."""
gammainc.defvjp(no_parameter_rules(gammainc, 0, "the shape a", _A_ADVICE)[0],
                lambda g, ans, a, x: g * _gamma_density(a, x))
gammainc.defjvp(no_parameter_rules(gammainc, 0, "the shape a", _A_ADVICE)[1],
                lambda t, ans, a, x: t * _gamma_density(a, x))

gammaincc = Primitive(_gammaincc_impl, "gammaincc")
"""Q(a, x) = Γ(a, x)/Γ(a) = 1 - P(a, x), accurate where it is small (x ≫ a):
ȧ = -ȧ_x x^{a-1} e^{-x}/Γ(a). Not differentiable here in a (an error)."""
gammaincc.defvjp(no_parameter_rules(gammaincc, 0, "the shape a", _A_ADVICE)[0],
                 lambda g, ans, a, x: -g * _gamma_density(a, x))
gammaincc.defjvp(no_parameter_rules(gammaincc, 0, "the shape a", _A_ADVICE)[1],
                 lambda t, ans, a, x: -t * _gamma_density(a, x))


# ---- the incomplete beta function ----------------------------------------------------------
def _beta_fraction(a, b, x):
    """The continued fraction of I_x(a, b) (DLMF 8.17.22): 1/(1 + d₁/(1 + d₂/(1 + ...))),
    d_{2m+1} = -(a + m)(a + b + m) x/((a + 2m)(a + 2m + 1)), d_{2m} = m (b - m) x/((a + 2m - 1)
    (a + 2m)), by the modified Lentz method."""
    c = np.ones_like(a)
    d = 1 - (a + b) * x / (a + 1)
    d = np.where(np.abs(d) < _TINY, _TINY, d)
    d = 1 / d
    h = d.copy()
    active = np.ones(a.shape, bool)
    m = 0
    while active.any() and m < _MAX_ITER:
        m += 1
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1 + num * d
            d = np.where(np.abs(d) < _TINY, _TINY, d)
            c = 1 + num / c
            c = np.where(np.abs(c) < _TINY, _TINY, c)
            d = 1 / d
            step = d * c
            h = np.where(active, h * step, h)
        active &= np.abs(step - 1) > _EPS
    return h


def _betainc_inner(a, b, x, log_x, log_1mx):
    """I_x(a, b) by the fraction, for x < (a + 1)/(a + b + 2); the logs passed in exactly."""
    front = np.exp(a * log_x + b * log_1mx - _betaln_positive(a, b)) / a
    return front * _beta_fraction(a, b, x)


def _betainc64(a, b, x):
    a, b, x = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (a, b, x)))
    out = np.full(a.shape, np.nan)
    inner = (a > 0) & (b > 0) & (x > 0) & (x < 1) & np.isfinite(a) & np.isfinite(b)
    if inner.any():
        ai, bi, xi = a[inner], b[inner], x[inner]
        with np.errstate(divide="ignore"):
            lx, l1x = np.log(xi), np.log1p(-xi)
        oi = np.empty_like(ai)
        direct = xi < (ai + 1) / (ai + bi + 2)
        if direct.any():
            oi[direct] = _betainc_inner(ai[direct], bi[direct], xi[direct], lx[direct],
                                        l1x[direct])
        swap = ~direct
        if swap.any():  # I_x(a, b) = 1 - I_{1-x}(b, a)
            oi[swap] = 1 - _betainc_inner(bi[swap], ai[swap], 1 - xi[swap], l1x[swap],
                                          lx[swap])
        out[inner] = oi
    pos = (a >= 0) & (b >= 0) & ~((a == 0) & (b == 0))
    out[pos & (x == 0) & (a > 0)] = 0.0
    out[pos & (x == 1) & (b > 0)] = 1.0
    out[(a == 0) & (b > 0) & (x > 0) & (x <= 1)] = 1.0  # SciPy's limits
    out[(b == 0) & (a > 0) & (x >= 0) & (x < 1)] = 0.0
    return out


def _betainc_impl(a, b, x):
    return _out(_betainc64(_f64(a)[0], _f64(b)[0], _f64(x)[0]), float_dtype(a, b, x))


def _beta_density(a, b, x):
    """∂I_x/∂x = x^{a-1}(1 - x)^{b-1}/B(a, b) (the Beta(a, b) density)."""
    return exp(xlogy(a - 1, x) + xlog1py(b - 1, -x) - _weak(betaln(a, b)))


_AB_ADVICE = ("∂/∂a and ∂/∂b have no simple closed form (hypergeometric series). "
              "Differentiate in x only (pass a and b as constants, or wrap them in "
              "chainrule.stop_gradient).")

betainc = Primitive(_betainc_impl, "betainc")
"""I_x(a, b), the regularized incomplete beta function (a, b > 0, 0 ≤ x ≤ 1):
ȧ = ȧ_x x^{a-1}(1 - x)^{b-1}/B(a, b). Not differentiable here in a or b (an error)."""
_ra, _fa = no_parameter_rules(betainc, 0, "the shape a", _AB_ADVICE)
_rb, _fb = no_parameter_rules(betainc, 1, "the shape b", _AB_ADVICE)
betainc.defvjp(_ra, _rb, lambda g, ans, a, b, x: g * _beta_density(a, b, x))
betainc.defjvp(_fa, _fb, lambda t, ans, a, b, x: t * _beta_density(a, b, x))
del _ra, _fa, _rb, _fb

document_primitives(__name__)
