"""The reciprocal gamma function, the sign of Γ, and the complete beta function, without SciPy.

* ``rgamma`` = 1/Γ(x) (entire: 0 at the poles of Γ), ``gammasgn`` = sign Γ(x) (no
  derivative: piecewise constant);
* ``beta`` = B(a, b) = Γ(a)Γ(b)/Γ(a + b) and ``betaln`` = log|B(a, b)|, differentiable in
  both arguments through the digamma function: ∂_a log B = ψ(a) - ψ(a + b).

Values in float64 (returned in the argument's floating dtype). B(a, b) for a, b > 0 is the
product of gammas where max(a, b) < 10 (each Γ to about an ulp: ``math.gamma``) and
Stirling's series otherwise, arranged so that nothing cancels when one argument is much
larger than the other (log1p(b/a)); negative non-integer arguments go through Γ itself.

:class:`NoParameterRule` is the stand-in for a derivative that exists but has no simple
closed form (the incomplete gamma function in a, the Bessel functions in their order ...):
it raises an error naming the function, the argument and what to do instead.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..core import NoRuleError, Primitive, document_primitives, full_unwrap
from ..core.primitive import MissingRule
from .elementwise import where
from .special import _f64, _gamma64, _lgamma64, _out, digamma

__all__ = ["rgamma", "gammasgn", "beta", "betaln", "NoParameterRule", "stirling_delta"]


# ---- a derivative that exists but has no rule ----------------------------------------------
class NoParameterRule(MissingRule):
    """A rule that raises :class:`NoRuleError` with a specific reason: an integer order,
    or a derivative that exists but has no closed form chainrule implements.
    Counted as a missing rule by the registry (``has_rule`` aside), the coverage report and
    the rule tables."""

    __slots__ = ("what", "advice")

    def __init__(self, prim: Primitive, mode: str, argnum: int, what: str, advice: str):
        super().__init__(prim, mode, argnum)
        self.what, self.advice = what, advice

    def __call__(self, *args, **kwargs):
        raise NoRuleError(
            f"{self.prim.name} has no derivative in {self.what} (argument {self.argnum}, "
            f"{self.mode} mode): {self.advice}")


def no_parameter_rules(prim: Primitive, argnum: int, what: str, advice: str) -> tuple:
    """The (reverse, forward) stand-ins for argument ``argnum`` of ``prim``."""
    return (NoParameterRule(prim, "reverse", argnum, what, advice),
            NoParameterRule(prim, "forward", argnum, what, advice))


def float_dtype(*args) -> np.dtype:
    """The floating dtype of a result: NumPy's promotion of the floating arrays among
    ``args`` (Python numbers and integer arrays do not count: float32 stays float32),
    float64 when there are none."""
    kinds = [a.dtype for a in args if isinstance(a, (np.ndarray, np.generic))
             and a.dtype.kind == "f"]
    return np.result_type(*kinds) if kinds else np.dtype(np.float64)


# ---- Stirling's series -----------------------------------------------------------------------
# δ(x) = log Γ(x) - (x - ½) log x + x - ½ log 2π = Σ_k B_{2k} / (2k (2k - 1) x^{2k-1}); eight
# terms leave an error below 1e-18 for x ≥ 10.
_BERNOULLI = [Fraction(1, 6), Fraction(-1, 30), Fraction(1, 42), Fraction(-1, 30),
              Fraction(5, 66), Fraction(-691, 2730), Fraction(7, 6), Fraction(-3617, 510)]
_DELTA = [float(b / ((2 * k + 2) * (2 * k + 1))) for k, b in enumerate(_BERNOULLI)]
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_STIRLING_MIN = 10.0


def stirling_delta(x):
    """δ(x) = log Γ(x) - [(x - ½) log x - x + ½ log 2π], for x ≥ 10 (float64 arrays)."""
    w = 1 / (x * x)
    acc = np.zeros_like(x)
    for c in reversed(_DELTA):
        acc = acc * w + c
    return acc / x


# ---- the reciprocal gamma function and the sign of Γ ----------------------------------------
def _is_pole(x):
    return (x <= 0) & (x == np.floor(x))


def _rgamma64(x):
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        big = x > 170  # Γ overflows; 1/Γ is still (sub)normal for a while
        out = np.where(big, np.exp(-_lgamma64(np.where(big, x, 1.0))), 1 / _gamma64(x))
    out = np.where(_is_pole(x) | np.isposinf(x), 0.0, out)
    return np.where(np.isneginf(x), np.nan, out)


def _rgamma_impl(x):
    x64, dt = _f64(x)
    return _out(_rgamma64(x64), dt)


def _gammasgn64(x):
    with np.errstate(invalid="ignore"):
        odd = np.mod(np.floor(x), 2) == 1  # Γ < 0 on (-1, 0), (-3, -2) ...
    out = np.where(x > 0, 1.0, np.where(odd, -1.0, 1.0))
    out = np.where(x == 0, np.copysign(1.0, x), out)  # SciPy: +1 at +0, -1 at -0
    bad = (_is_pole(x) & (x != 0)) | np.isneginf(x) | np.isnan(x)
    return np.where(bad, np.nan, out)


def _gammasgn_impl(x):
    x64, dt = _f64(x)
    return _out(_gammasgn64(x64), dt)


gammasgn = Primitive(_gammasgn_impl, "gammasgn", nondiff=True)
"""sign Γ(x): 1 for x > 0, ±1 alternating on the negative intervals (-1 on (-1, 0)), NaN at
the negative integers (SciPy's values). Piecewise constant: no derivative (a traced
argument gives a plain array)."""


def _rgamma_slope(x, ans):
    """(1/Γ)'(x) = -ψ(x)/Γ(x); at a pole x = -n of Γ, where 1/Γ = 0 and ψ = ∞, the limit
    (-1)ⁿ n!."""
    xv = np.asarray(full_unwrap(x))
    pole = _is_pole(xv)
    if not pole.any():
        return -ans * digamma(x)
    n = -np.where(pole, xv, 0.0)
    limit = np.where(np.mod(n, 2) == 1, -1.0, 1.0) * _gamma64(n + 1)
    return where(pole, limit.astype(xv.dtype), -ans * digamma(where(pole, 1.0, x)))


rgamma = Primitive(_rgamma_impl, "rgamma")
"""1/Γ(x), entire (0 at x = 0, -1, -2 ...): ȧ = -ȧ_x ψ(x)/Γ(x), with the limit (-1)ⁿ n! ȧ_x
at x = -n (there the rule is that constant: higher derivatives at a pole are not the
limits)."""
rgamma.defdiagonal(lambda d, ans, x: d * _rgamma_slope(x, ans))


# ---- the beta function -----------------------------------------------------------------------
def _betaln_positive(a, b):
    """log B(a, b) for a, b > 0 (float64 arrays of one shape)."""
    p, q = np.minimum(a, b), np.maximum(a, b)
    out = np.empty_like(p)
    small = q < _STIRLING_MIN
    if small.any():  # every Γ below Γ(20): the product, each factor to about an ulp
        ps, qs = p[small], q[small]
        out[small] = np.log(_gamma64(ps) * (_gamma64(qs) / _gamma64(ps + qs)))
    mixed = (q >= _STIRLING_MIN) & (p < _STIRLING_MIN)
    if mixed.any():
        # log Γ(q) - log Γ(p + q) = -(q - ½) log1p(p/q) - p log(p + q) + p + δ(q) - δ(p + q)
        pm, qm = p[mixed], q[mixed]
        s = pm + qm
        out[mixed] = (_lgamma64(pm) - (qm - 0.5) * np.log1p(pm / qm) - pm * np.log(s) + pm
                      + stirling_delta(qm) - stirling_delta(s))
    large = p >= _STIRLING_MIN
    if large.any():
        # ½ log 2π - ½ log(p + q) + (p - ½) log(p/(p + q)) - (q - ½) log1p(p/q) + δ's
        pl, ql = p[large], q[large]
        s = pl + ql
        out[large] = (_HALF_LOG_2PI - 0.5 * np.log(s) + (pl - 0.5) * np.log(pl / s)
                      - (ql - 0.5) * np.log1p(pl / ql)
                      + stirling_delta(pl) + stirling_delta(ql) - stirling_delta(s))
    return out


def _beta_signed(a, b):
    """B(a, b) through Γ itself (any real arguments; ±inf at the poles)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _gamma64(a) * (_gamma64(b) / _gamma64(a + b))


def _beta_parts(a, b):
    """(log|B|, B) in float64, broadcast."""
    a, b = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64))
    pos = (a > 0) & (b > 0) & np.isfinite(a) & np.isfinite(b)
    logb = np.full(a.shape, np.nan)
    val = np.full(a.shape, np.nan)
    if pos.any():
        logb[pos] = _betaln_positive(a[pos], b[pos])
        small = np.maximum(a[pos], b[pos]) < _STIRLING_MIN
        with np.errstate(over="ignore", under="ignore"):
            val[pos] = np.where(small, _beta_signed(a[pos], b[pos]), np.exp(logb[pos]))
    rest = ~pos & ~np.isnan(a) & ~np.isnan(b)
    if rest.any():
        v = _beta_signed(a[rest], b[rest])
        val[rest] = v
        with np.errstate(divide="ignore"):
            logb[rest] = np.log(np.abs(v))
    return logb, val


def _beta_impl(a, b):
    return _out(_beta_parts(_f64(a)[0], _f64(b)[0])[1], float_dtype(a, b))


def _betaln_impl(a, b):
    return _out(_beta_parts(_f64(a)[0], _f64(b)[0])[0], float_dtype(a, b))


beta = Primitive(_beta_impl, "beta")
"""B(a, b) = Γ(a)Γ(b)/Γ(a + b): ȧ = B (ψ(a) - ψ(a + b)) ȧ_a + B (ψ(b) - ψ(a + b)) ȧ_b."""
beta.defdiagonal(lambda d, ans, a, b: d * ans * (digamma(a) - digamma(a + b)),
                 lambda d, ans, a, b: d * ans * (digamma(b) - digamma(a + b)))

betaln = Primitive(_betaln_impl, "betaln")
"""log|B(a, b)|: ȧ = (ψ(a) - ψ(a + b)) ȧ_a + (ψ(b) - ψ(a + b)) ȧ_b."""
betaln.defdiagonal(lambda d, ans, a, b: d * (digamma(a) - digamma(a + b)),
                   lambda d, ans, a, b: d * (digamma(b) - digamma(a + b)))


document_primitives(__name__)
