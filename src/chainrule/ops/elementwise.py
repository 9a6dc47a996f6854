"""Elementwise primitives and their rules, one line each.

Notation: ``g`` is the output's adjoint ā, ``t`` an argument's tangent ȧ, ``ans`` the output.
Each VJP rule returns ā_x; each JVP rule returns x's share of ȧ_out. Broadcasting and
dtype are fitted by the machine (:mod:`chainrule.core.unbroadcast`), so ``add``'s rules are ``g``.

Every real floating ufunc of NumPy is here: a primitive with both rules, or marked
non-differentiable (comparisons, ``floor``, ``sign``, ``isnan`` ...: their derivative is 0
almost everywhere, and they return plain arrays). Conventions at kinks and singular points
are stated where they are chosen; the default is JAX's, and a difference from PyTorch or
autograd is named. A rule that returns ``0.0`` says "derivative zero" (a piecewise-constant
argument such as copysign's sign); the machine broadcasts it.
"""

from __future__ import annotations

import math

import numpy as np

from ..core import Tracer, cast, full_unwrap
from . import dispatch
from ._util import nondiff, prim

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


def _zero(d, ans, *args, **kwargs):
    """The derivative of a piecewise-constant argument: 0 (almost everywhere)."""
    return 0.0


def _safe_denominator(d):
    """``d`` with its exact zeros replaced by 1 (where the numerator is 0 too: a 0/0 whose
    chosen value is 0). Untouched, and no extra work, when ``d`` has no zero."""
    v = full_unwrap(d)
    if np.all(v != 0):
        return d
    return where(v == 0, 1, d)


# ---- arithmetic ------------------------------------------------------------------------
add = prim(np.add, "add")
add.defvjp(lambda g, ans, x, y: g,
           lambda g, ans, x, y: g)
add.defjvp(lambda t, ans, x, y: t,
           lambda t, ans, x, y: t)

subtract = prim(np.subtract, "subtract")
subtract.defvjp(lambda g, ans, x, y: g,
                lambda g, ans, x, y: -g)
subtract.defjvp(lambda t, ans, x, y: t,
                lambda t, ans, x, y: -t)

multiply = prim(np.multiply, "multiply")
multiply.defvjp(lambda g, ans, x, y: g * y,
                lambda g, ans, x, y: g * x)
multiply.defjvp(lambda t, ans, x, y: t * y,
                lambda t, ans, x, y: x * t)

divide = prim(np.divide, "divide")
divide.defvjp(lambda g, ans, x, y: g / y,
              lambda g, ans, x, y: -g * ans / y)
divide.defjvp(lambda t, ans, x, y: t / y,
              lambda t, ans, x, y: -t * ans / y)
true_divide = divide

negative = prim(np.negative, "negative")
negative.defvjp(lambda g, ans, x: -g)
negative.defjvp(lambda t, ans, x: -t)

reciprocal = prim(np.reciprocal, "reciprocal")
"""1/x: ȧ = -ȧ_x / x² = -ȧ_x ans²."""
reciprocal.defvjp(lambda g, ans, x: -g * ans * ans)
reciprocal.defjvp(lambda t, ans, x: -t * ans * ans)


def _log_base(x):
    # d(x^y)/dy = x^y log x; 0 where x <= 0 (the limit at x = 0 for y > 0; undefined below).
    return log(where(x > 0, x, 1))


def _power_slope(d, ans, x, y):
    """d · y x^(y-1), exactly 0 where a plain y is 0: x⁰ = 1 is constant, also at x = 0, where
    y x^(y-1) would be 0 · ∞. The exponent there is replaced by 1 (x⁰ instead of x⁻¹), so the
    derivatives of the slope (y = 1 then 0: x¹'s second, x²'s third derivative) are exact
    zeros too."""
    if not isinstance(y, Tracer):
        zero = np.equal(y, 0)
        if np.any(zero):
            return d * np.where(zero, 0.0, y) * x ** (np.where(zero, 1.0, y) - 1)
    return d * y * x ** (y - 1)


power = prim(np.power, "power")
"""x^y: ā_x = ā y x^(y-1) (exactly 0 for a constant y = 0, even at x = 0), ā_y = ā x^y log x.
The y-derivative is taken as 0 where x ≤ 0 (its limit at x = 0 for y > 0; a negative base has
a real power only at integer y, where the y-derivative does not exist): as PyTorch and
autograd at 0; they give NaN below 0."""
power.defvjp(_power_slope,
             lambda g, ans, x, y: g * ans * _log_base(x))
power.defjvp(_power_slope,
             lambda t, ans, x, y: t * ans * _log_base(x))


def _at_least_float64(a):
    dt = getattr(a, "dtype", None)
    if dt is None or (dt.kind == "f" and dt.itemsize >= 8):
        return a  # a Python number (weak: takes the other operand's type), or float64+
    return cast(a, np.float64)


def float_power(x, y):
    """x^y computed in at least float64 (NumPy's ``float_power``): ``power`` of the arguments
    cast up (a composite; derivatives of float32 arguments come back in float32)."""
    if not isinstance(x, Tracer) and not isinstance(y, Tracer):
        return np.float_power(x, y)
    return power(_at_least_float64(x), _at_least_float64(y))


square = prim(np.square, "square")
square.defvjp(lambda g, ans, x: g * 2 * x)
square.defjvp(lambda t, ans, x: t * 2 * x)

sqrt = prim(np.sqrt, "sqrt")
"""√x: ȧ = ȧ_x / (2√x); +inf at x = 0 (as JAX, PyTorch and autograd)."""
sqrt.defvjp(lambda g, ans, x: g * 0.5 / ans)
sqrt.defjvp(lambda t, ans, x: t * 0.5 / ans)

cbrt = prim(np.cbrt, "cbrt")
"""∛x: ȧ = ȧ_x / (3 ∛x²); +inf at x = 0 (as JAX and PyTorch)."""
cbrt.defvjp(lambda g, ans, x: g / (3 * ans * ans))
cbrt.defjvp(lambda t, ans, x: t / (3 * ans * ans))

# ---- exponentials and logarithms ---------------------------------------------------------
exp = prim(np.exp, "exp")
exp.defvjp(lambda g, ans, x: g * ans)
exp.defjvp(lambda t, ans, x: t * ans)

exp2 = prim(np.exp2, "exp2")
"""2^x: ȧ = ȧ_x 2^x ln 2."""
exp2.defvjp(lambda g, ans, x: g * ans * _LN2)
exp2.defjvp(lambda t, ans, x: t * ans * _LN2)

expm1 = prim(np.expm1, "expm1")
"""e^x - 1: ȧ = ȧ_x e^x (e^x itself, not ans + 1, which loses e^x for x ≪ 0)."""
expm1.defvjp(lambda g, ans, x: g * exp(x))
expm1.defjvp(lambda t, ans, x: t * exp(x))

log = prim(np.log, "log")
log.defvjp(lambda g, ans, x: g / x)
log.defjvp(lambda t, ans, x: t / x)

log2 = prim(np.log2, "log2")
"""log₂ x: ȧ = ȧ_x / (x ln 2)."""
log2.defvjp(lambda g, ans, x: g / (x * _LN2))
log2.defjvp(lambda t, ans, x: t / (x * _LN2))

log10 = prim(np.log10, "log10")
"""log₁₀ x: ȧ = ȧ_x / (x ln 10)."""
log10.defvjp(lambda g, ans, x: g / (x * _LN10))
log10.defjvp(lambda t, ans, x: t / (x * _LN10))

log1p = prim(np.log1p, "log1p")
"""log(1 + x): ȧ = ȧ_x / (1 + x)."""
log1p.defvjp(lambda g, ans, x: g / (1 + x))
log1p.defjvp(lambda t, ans, x: t / (1 + x))


def _logaddexp_share(x, y, scale):
    """∂ logaddexp(x, y)/∂x = e^x / (e^x + e^y) = σ(x - y) (σ((x - y) ln 2) for base 2).

    At infinities: where x = y = +inf each argument gets ½ (the limit along x = y); where
    x = y = -inf each gets 0 — an argument at -inf carries no weight, as in ``logsumexp``
    (PyTorch and autograd give NaN at both points)."""
    xv, yv = full_unwrap(x), full_unwrap(y)
    if not (np.any(np.isinf(xv)) or np.any(np.isinf(yv))):
        d = x - y
        return logistic(d if scale == 1 else d * scale)
    tie = np.equal(xv, yv) & np.isinf(xv)
    d = where(tie, 0, x) - where(tie, 0, y)  # no inf - inf
    s = logistic(d if scale == 1 else d * scale)
    return where(tie & np.less(xv, 0), 0, s)


logaddexp = prim(np.logaddexp, "logaddexp")
"""log(e^x + e^y): ā_x = ā σ(x - y), ā_y = ā σ(y - x) (see ``_logaddexp_share`` at ±inf)."""
logaddexp.defvjp(lambda g, ans, x, y: g * _logaddexp_share(x, y, 1),
                 lambda g, ans, x, y: g * _logaddexp_share(y, x, 1))
logaddexp.defjvp(lambda t, ans, x, y: t * _logaddexp_share(x, y, 1),
                 lambda t, ans, x, y: t * _logaddexp_share(y, x, 1))

logaddexp2 = prim(np.logaddexp2, "logaddexp2")
"""log₂(2^x + 2^y): ā_x = ā σ((x - y) ln 2), ā_y = ā σ((y - x) ln 2)."""
logaddexp2.defvjp(lambda g, ans, x, y: g * _logaddexp_share(x, y, _LN2),
                  lambda g, ans, x, y: g * _logaddexp_share(y, x, _LN2))
logaddexp2.defjvp(lambda t, ans, x, y: t * _logaddexp_share(x, y, _LN2),
                  lambda t, ans, x, y: t * _logaddexp_share(y, x, _LN2))

# ---- trigonometric, hyperbolic and their inverses ---------------------------------------
sin = prim(np.sin, "sin")
sin.defvjp(lambda g, ans, x: g * cos(x))
sin.defjvp(lambda t, ans, x: t * cos(x))

cos = prim(np.cos, "cos")
cos.defvjp(lambda g, ans, x: -g * sin(x))
cos.defjvp(lambda t, ans, x: -t * sin(x))

tan = prim(np.tan, "tan")
"""tan x: ȧ = ȧ_x (1 + tan² x), from the output."""
tan.defvjp(lambda g, ans, x: g * (1 + ans * ans))
tan.defjvp(lambda t, ans, x: t * (1 + ans * ans))

arcsin = prim(np.arcsin, "arcsin")
"""arcsin x: ȧ = ȧ_x / √((1 - x)(1 + x)); +inf at x = ±1 (as JAX, PyTorch and autograd)."""
arcsin.defvjp(lambda g, ans, x: g / sqrt((1 - x) * (1 + x)))
arcsin.defjvp(lambda t, ans, x: t / sqrt((1 - x) * (1 + x)))

arccos = prim(np.arccos, "arccos")
"""arccos x: ȧ = -ȧ_x / √((1 - x)(1 + x)); -inf at x = ±1."""
arccos.defvjp(lambda g, ans, x: -g / sqrt((1 - x) * (1 + x)))
arccos.defjvp(lambda t, ans, x: -t / sqrt((1 - x) * (1 + x)))

arctan = prim(np.arctan, "arctan")
"""arctan x: ȧ = ȧ_x / (1 + x²)."""
arctan.defvjp(lambda g, ans, x: g / (1 + x * x))
arctan.defjvp(lambda t, ans, x: t / (1 + x * x))


def _sum_of_squares(y, x):
    """x² + y² with its zeros (x = y = 0) replaced by 1, so the derivative there is 0."""
    return _safe_denominator(x * x + y * y)


arctan2 = prim(np.arctan2, "arctan2")
"""arctan2(y, x), the angle of (x, y): ā_y = ā x / (x² + y²), ā_x = -ā y / (x² + y²).
At the origin both are taken as 0, as PyTorch does (autograd gives NaN, 0/0)."""
arctan2.defvjp(lambda g, ans, y, x: g * x / _sum_of_squares(y, x),
               lambda g, ans, y, x: -g * y / _sum_of_squares(y, x))
arctan2.defjvp(lambda t, ans, y, x: t * x / _sum_of_squares(y, x),
               lambda t, ans, y, x: -t * y / _sum_of_squares(y, x))

hypot = prim(np.hypot, "hypot")
"""√(x² + y²): ā_x = ā x / ans, ā_y = ā y / ans. At the origin both are 0, a subgradient
(as ``norm`` at 0; PyTorch and autograd give NaN, 0/0)."""
hypot.defvjp(lambda g, ans, x, y: g * x / _safe_denominator(ans),
             lambda g, ans, x, y: g * y / _safe_denominator(ans))
hypot.defjvp(lambda t, ans, x, y: t * x / _safe_denominator(ans),
             lambda t, ans, x, y: t * y / _safe_denominator(ans))

sinh = prim(np.sinh, "sinh")
"""sinh x: ȧ = ȧ_x cosh x."""
sinh.defvjp(lambda g, ans, x: g * cosh(x))
sinh.defjvp(lambda t, ans, x: t * cosh(x))

cosh = prim(np.cosh, "cosh")
"""cosh x: ȧ = ȧ_x sinh x."""
cosh.defvjp(lambda g, ans, x: g * sinh(x))
cosh.defjvp(lambda t, ans, x: t * sinh(x))

tanh = prim(np.tanh, "tanh")
tanh.defvjp(lambda g, ans, x: g * (1 - ans * ans))
tanh.defjvp(lambda t, ans, x: t * (1 - ans * ans))

arcsinh = prim(np.arcsinh, "arcsinh")
"""arcsinh x: ȧ = ȧ_x / √(x² + 1)."""
arcsinh.defvjp(lambda g, ans, x: g / sqrt(x * x + 1))
arcsinh.defjvp(lambda t, ans, x: t / sqrt(x * x + 1))

arccosh = prim(np.arccosh, "arccosh")
"""arccosh x (x ≥ 1): ȧ = ȧ_x / (√(x - 1) √(x + 1)), accurate near 1; +inf at x = 1."""
arccosh.defvjp(lambda g, ans, x: g / (sqrt(x - 1) * sqrt(x + 1)))
arccosh.defjvp(lambda t, ans, x: t / (sqrt(x - 1) * sqrt(x + 1)))

arctanh = prim(np.arctanh, "arctanh")
"""arctanh x: ȧ = ȧ_x / ((1 - x)(1 + x)); +inf at x = ±1."""
arctanh.defvjp(lambda g, ans, x: g / ((1 - x) * (1 + x)))
arctanh.defjvp(lambda t, ans, x: t / ((1 - x) * (1 + x)))

_TO_RAD = math.pi / 180
_TO_DEG = 180 / math.pi

deg2rad = prim(np.deg2rad, "deg2rad")
"""x π/180 (NumPy's ``deg2rad`` and ``radians``): ȧ = ȧ_x π/180."""
deg2rad.defvjp(lambda g, ans, x: g * _TO_RAD)
deg2rad.defjvp(lambda t, ans, x: t * _TO_RAD)
radians = deg2rad

rad2deg = prim(np.rad2deg, "rad2deg")
"""x 180/π (NumPy's ``rad2deg`` and ``degrees``): ȧ = ȧ_x 180/π."""
rad2deg.defvjp(lambda g, ans, x: g * _TO_DEG)
rad2deg.defjvp(lambda t, ans, x: t * _TO_DEG)
degrees = rad2deg


# ---- sinc and its derivatives ----------------------------------------------------------------
def _float_dtype(x):
    dt = getattr(x, "dtype", None)
    return dt if dt is not None and dt.kind == "f" else np.dtype(np.float64)


def _sinc_derivative_impl(x, n):
    """dⁿ/dxⁿ sin(πx)/(πx) for an int n ≥ 1, accurate near 0 and far from it.

    |x| < ½: the Maclaurin series Σ_k (-1)^k π^{2k} x^{2k-n} / ((2k+1)(2k-n)!) over 2k ≥ n.
    Elsewhere, Leibniz on sin(πx) · (πx)^{-1}: Σ_j C(n,j) π^j sin(πx + jπ/2) · (-1)^{n-j}
    (n-j)! / (π x^{n-j+1}), with sin(πx) from x reduced exactly modulo 2.
    """
    dt = _float_dtype(x)
    x = np.asarray(x, dtype=np.float64)
    n = int(n)
    out = np.empty_like(x)
    small = np.abs(x) < 0.5
    if small.any():
        xs = x[small]
        acc = np.zeros_like(xs)
        for k in range((n + 1) // 2, (n + 1) // 2 + 24):
            c = (-1) ** k * math.pi ** (2 * k) / ((2 * k + 1) * math.factorial(2 * k - n))
            acc += c * xs ** (2 * k - n)
        out[small] = acc
    big = ~small
    if big.any():
        xb = x[big]
        with np.errstate(invalid="ignore"):  # ±inf: NaN, as np.sinc
            r = xb - 2 * np.round(xb / 2)  # exact; sin(πx) = sin(πr)
        s, c = np.sin(math.pi * r), np.cos(math.pi * r)
        phase = (s, c, -s, -c)
        acc = np.zeros_like(xb)
        for j in range(n + 1):
            m = n - j
            acc += (math.comb(n, j) * math.pi ** (j - 1) * (-1) ** m * math.factorial(m)
                    * phase[j % 4] / xb ** (m + 1))
        out[big] = acc
    out = out.astype(dt, copy=False)
    return out[()] if out.ndim == 0 else out


sinc_derivative = prim(_sinc_derivative_impl, "sinc_derivative")
"""``sinc_derivative(x, n)``: the n-th derivative of sinc; ȧ = ȧ_x sinc^{(n+1)}(x)."""
sinc_derivative.defvjp(lambda g, ans, x, n: g * sinc_derivative(x, n + 1), None)
sinc_derivative.defjvp(lambda t, ans, x, n: t * sinc_derivative(x, n + 1), None)

sinc = prim(np.sinc, "sinc")
"""sin(πx)/(πx), 1 at 0 (NumPy's normalised sinc): ȧ = ȧ_x (cos(πx) - sinc x)/x, which is 0
at x = 0; every derivative is exact at and near 0 (a series there), as JAX's (autograd's
sinc'(0) is NaN, PyTorch's sinc''(0) too)."""
sinc.defvjp(lambda g, ans, x: g * sinc_derivative(x, 1))
sinc.defjvp(lambda t, ans, x: t * sinc_derivative(x, 1))


def _logistic_impl(x):
    # 1 / (1 + e^{-x}) keeps full relative precision in both tails; e^{-x} overflowing to
    # inf (x < -709 in float64) correctly gives 0, so that warning is silenced.
    with np.errstate(over="ignore"):
        e = np.exp(np.negative(x))
    if isinstance(e, np.ndarray):
        e += 1
        return np.reciprocal(e, out=e)
    return 1 / (1 + e)


logistic = prim(_logistic_impl, "logistic")
"""The logistic sigmoid σ(x) = 1 / (1 + e^{-x}); σ' = σ(1 - σ). (scipy's ``expit``.)"""
logistic.defvjp(lambda g, ans, x: g * ans * (1 - ans))
logistic.defjvp(lambda t, ans, x: t * ans * (1 - ans))

# ---- kinks: the conventions are documented where they are chosen ------------------------
sign = nondiff(np.sign, "sign")
signbit = nondiff(np.signbit, "signbit")
isfinite = nondiff(np.isfinite, "isfinite")
isnan = nondiff(np.isnan, "isnan")
isinf = nondiff(np.isinf, "isinf")

absolute = prim(np.absolute, "absolute")
"""|x| (also NumPy's ``fabs``); the derivative at 0 is taken as 0 (sign(0) = 0), as in
PyTorch and autograd (JAX's rule gives 1)."""
absolute.defvjp(lambda g, ans, x: g * sign(x))
absolute.defjvp(lambda t, ans, x: t * sign(x))
fabs = absolute

copysign = prim(np.copysign, "copysign")
"""copysign(x, y) = ±|x| with y's sign bit: ā_x = ā sign(x) sign(ans) (0 at x = 0, as
``absolute``); y only picks a sign, so ā_y = 0. Both as PyTorch (autograd has no rule)."""
copysign.defvjp(lambda g, ans, x, y: g * sign(x) * sign(ans), _zero)
copysign.defjvp(lambda t, ans, x, y: t * sign(x) * sign(ans), _zero)


def _tie_share_impl(x, y):
    # True where x wins, False where y wins, ½ at a tie (x and y share the derivative
    # equally). Without ties (the usual case) the boolean mask itself is the share: an
    # eighth of the memory of a float mask, which matters for large activations.
    share = np.greater(x, y)
    tie = np.equal(x, y)
    if tie.any():
        dt = np.result_type(x, y, np.float16)
        share = share.astype(dt) + tie.astype(dt) * dt.type(0.5)
    return share


_tie_share = nondiff(_tie_share_impl, "tie_share")

maximum = prim(np.maximum, "maximum")
"""Elementwise max; at a tie each argument gets half the derivative (JAX's convention)."""
maximum.defvjp(lambda g, ans, x, y: g * _tie_share(x, y),
               lambda g, ans, x, y: g * _tie_share(y, x))
maximum.defjvp(lambda t, ans, x, y: t * _tie_share(x, y),
               lambda t, ans, x, y: t * _tie_share(y, x))

minimum = prim(np.minimum, "minimum")
"""Elementwise min; at a tie each argument gets half the derivative."""
minimum.defvjp(lambda g, ans, x, y: g * _tie_share(y, x),
               lambda g, ans, x, y: g * _tie_share(x, y))
minimum.defjvp(lambda t, ans, x, y: t * _tie_share(y, x),
               lambda t, ans, x, y: t * _tie_share(x, y))


def _nan_share_impl(x, y, wins):
    # x's share in fmax/fmin: 1 where x wins or y alone is NaN (NumPy then returns x), ½ at a
    # tie, 0 elsewhere (y wins, x alone is NaN, or both are NaN).
    share = wins(x, y) | (np.isnan(y) & ~np.isnan(x))
    tie = np.equal(x, y)
    if tie.any():
        dt = np.result_type(x, y, np.float16)
        share = share.astype(dt) + tie.astype(dt) * dt.type(0.5)
    return share


_fmax_share = nondiff(lambda x, y: _nan_share_impl(x, y, np.greater), "fmax_share")
_fmin_share = nondiff(lambda x, y: _nan_share_impl(x, y, np.less), "fmin_share")

fmax = prim(np.fmax, "fmax")
"""Elementwise max ignoring NaN: the derivative goes to the argument NumPy returns (the
non-NaN one when the other is NaN, as PyTorch and autograd); a tie splits it in halves, as
``maximum`` and autograd (PyTorch gives it all to x)."""
fmax.defvjp(lambda g, ans, x, y: g * _fmax_share(x, y),
            lambda g, ans, x, y: g * _fmax_share(y, x))
fmax.defjvp(lambda t, ans, x, y: t * _fmax_share(x, y),
            lambda t, ans, x, y: t * _fmax_share(y, x))

fmin = prim(np.fmin, "fmin")
"""Elementwise min ignoring NaN: the derivative goes to the argument NumPy returns; a tie
splits it in halves."""
fmin.defvjp(lambda g, ans, x, y: g * _fmin_share(x, y),
            lambda g, ans, x, y: g * _fmin_share(y, x))
fmin.defjvp(lambda t, ans, x, y: t * _fmin_share(x, y),
            lambda t, ans, x, y: t * _fmin_share(y, x))

where = prim(np.where, "where")
"""``where(c, x, y)``: ā_x = where(c, ā, 0), ā_y = where(c, 0, ā); ``c`` has no derivative."""
where.defvjp(None,
             lambda g, ans, c, x, y: where(c, g, 0),
             lambda g, ans, c, x, y: where(c, 0, g))
where.defjvp(None,
             lambda t, ans, c, x, y: where(c, t, 0),
             lambda t, ans, c, x, y: where(c, 0, t))


def _clip_impl(x, lo, hi):
    return np.clip(x, lo, hi)


def _within_impl(x, lo, hi):
    # lo <= x <= hi; a bound of None is no bound (np.clip's convention).
    return (True if lo is None else np.greater_equal(x, lo)) & \
        (True if hi is None else np.less_equal(x, hi))


_within = nondiff(_within_impl, "within")

clip = prim(_clip_impl, "clip")
"""``clip(x, lo, hi)``: x passes its derivative where lo <= x <= hi (boundaries included, as
PyTorch's clamp); lo and hi receive it where x is outside them. A bound may be None."""
clip.defvjp(lambda g, ans, x, lo, hi: where(_within(x, lo, hi), g, 0),
            lambda g, ans, x, lo, hi: where(x < lo, g, 0),
            lambda g, ans, x, lo, hi: where(x > hi, g, 0))
clip.defjvp(lambda t, ans, x, lo, hi: where(_within(x, lo, hi), t, 0),
            lambda t, ans, x, lo, hi: where(x < lo, t, 0),
            lambda t, ans, x, lo, hi: where(x > hi, t, 0))

# ---- remainders and the parts of a float -------------------------------------------------
floor_divide = nondiff(np.floor_divide, "floor_divide")
floor = nondiff(np.floor, "floor")
ceil = nondiff(np.ceil, "ceil")
trunc = nondiff(np.trunc, "trunc")
rint = nondiff(np.rint, "rint")


def _fmod_quotient_impl(x, y):
    # The integer q with fmod(x, y) = x - q y, consistent with fmod's own rounding.
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.rint(np.divide(np.subtract(x, np.fmod(x, y)), y))


_fmod_quotient = nondiff(_fmod_quotient_impl, "fmod_quotient")

remainder = prim(np.remainder, "remainder")
"""x mod y with y's sign (NumPy's ``remainder``/``mod``, Python's %) = x - ⌊x/y⌋ y:
ā_x = ā, ā_y = -ā ⌊x/y⌋, away from the jumps at x/y ∈ ℤ (there the same formula, the
right-sided value in x; PyTorch and autograd agree)."""
remainder.defvjp(lambda g, ans, x, y: g,
                 lambda g, ans, x, y: -g * floor_divide(x, y))
remainder.defjvp(lambda t, ans, x, y: t,
                 lambda t, ans, x, y: -t * floor_divide(x, y))
mod = remainder

fmod = prim(np.fmod, "fmod")
"""C's fmod, x's sign: x - trunc(x/y) y: ā_x = ā, ā_y = -ā trunc(x/y), away from the jumps."""
fmod.defvjp(lambda g, ans, x, y: g,
            lambda g, ans, x, y: -g * _fmod_quotient(x, y))
fmod.defjvp(lambda t, ans, x, y: t,
            lambda t, ans, x, y: -t * _fmod_quotient(x, y))


def divmod_(x, y):
    """NumPy's ``divmod``: (⌊x/y⌋, x mod y); the quotient is piecewise constant (a plain
    array), the remainder differentiable (``remainder``)."""
    return floor_divide(x, y), remainder(x, y)


ldexp = prim(np.ldexp, "ldexp")
"""x · 2ⁿ for an integer n: ȧ = ȧ_x 2ⁿ (n is structural: no derivative)."""
ldexp.defvjp(lambda g, ans, x, n: ldexp(g, n), None)
ldexp.defjvp(lambda t, ans, x, n: ldexp(t, n), None)

_frexp_exponent = nondiff(lambda x: np.frexp(x)[1], "frexp_exponent")


def frexp(x):
    """NumPy's ``frexp``: (m, e) with x = m 2^e, ½ ≤ |m| < 1. m = x 2^{-e} is differentiable
    (ȧ_m = ȧ_x 2^{-e}, a composite of ``ldexp``); the integer e is a plain array."""
    e = _frexp_exponent(x)
    return ldexp(x, -e), e


modf_fraction = prim(lambda x: np.modf(x)[0], "modf_fraction")
"""The fractional part x - trunc(x) (0 at ±inf, as NumPy): ȧ = ȧ_x away from the integers."""
modf_fraction.defvjp(lambda g, ans, x: g)
modf_fraction.defjvp(lambda t, ans, x: t)


def modf(x):
    """NumPy's ``modf``: (fractional part, integral part); the fractional part has derivative
    1 (``modf_fraction``), the integral part is piecewise constant (a plain array)."""
    return modf_fraction(x), trunc(x)


# ---- identities on real input --------------------------------------------------------------
positive = prim(np.positive, "positive")
positive.defvjp(lambda g, ans, x: g)
positive.defjvp(lambda t, ans, x: t)

copy = prim(np.copy, "copy")
copy.defvjp(lambda g, ans, x: g)
copy.defjvp(lambda t, ans, x: t)

conjugate = prim(np.conjugate, "conjugate")
"""The complex conjugate (``conj``): the identity on the real arrays chainrule differentiates."""
conjugate.defvjp(lambda g, ans, x: g)
conjugate.defjvp(lambda t, ans, x: t)
conj = conjugate


def _refuse_complex(name, x):
    if np.iscomplexobj(full_unwrap(x)):
        raise TypeError(f"numpy.{name} of a complex traced value: chainrule differentiates "
                        "real arrays only; split the value into real arrays yourself.")


def real(val):
    """NumPy's ``real``: on a real array, the array itself (derivative 1)."""
    if not isinstance(val, Tracer):
        return np.real(val)
    _refuse_complex("real", val)
    return val


def imag(val):
    """NumPy's ``imag``: on a real array, zeros (a plain array: no derivative)."""
    if not isinstance(val, Tracer):
        return np.imag(val)
    _refuse_complex("imag", val)
    return np.zeros_like(full_unwrap(val))


def real_if_close(a, tol=100):
    """NumPy's ``real_if_close``: on a real array, the array itself."""
    if not isinstance(a, Tracer):
        return np.real_if_close(a, tol=tol)
    _refuse_complex("real_if_close", a)
    return a


nan_to_num = prim(lambda x, nan=0.0, posinf=None, neginf=None:
                  np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf), "nan_to_num")
"""x with NaN and ±inf replaced by constants: ȧ = ȧ_x where x is finite, 0 where replaced."""
nan_to_num.defvjp(lambda g, ans, x, **kw: where(isfinite(x), g, 0))
nan_to_num.defjvp(lambda t, ans, x, **kw: where(isfinite(x), t, 0))


nextafter = prim(np.nextafter, "nextafter")
"""x moved one ulp toward y: ∂/∂x = 1 (it is x, to rounding); ∂/∂y = 0 (a step in y)."""
nextafter.defvjp(lambda g, ans, x, y: g,
                 lambda g, ans, x, y: None)
nextafter.defjvp(lambda t, ans, x, y: t,
                 lambda t, ans, x, y: None)

# ---- NumPy's names --------------------------------------------------------------------
for _np_ufunc, _ours in {
    np.add: add, np.subtract: subtract, np.multiply: multiply, np.divide: divide,
    np.negative: negative, np.positive: positive, np.reciprocal: reciprocal, np.power: power,
    np.float_power: float_power, np.square: square, np.sqrt: sqrt, np.cbrt: cbrt,
    np.exp: exp, np.exp2: exp2, np.expm1: expm1, np.log: log, np.log2: log2,
    np.log10: log10, np.log1p: log1p, np.logaddexp: logaddexp, np.logaddexp2: logaddexp2,
    np.sin: sin, np.cos: cos, np.tan: tan, np.arcsin: arcsin, np.arccos: arccos,
    np.arctan: arctan, np.arctan2: arctan2, np.hypot: hypot, np.sinh: sinh, np.cosh: cosh,
    np.tanh: tanh, np.arcsinh: arcsinh, np.arccosh: arccosh, np.arctanh: arctanh,
    np.deg2rad: deg2rad, np.radians: radians, np.rad2deg: rad2deg, np.degrees: degrees,
    np.absolute: absolute, np.fabs: fabs, np.copysign: copysign, np.maximum: maximum,
    np.minimum: minimum, np.fmax: fmax, np.fmin: fmin, np.remainder: remainder,
    np.fmod: fmod, np.divmod: divmod_, np.ldexp: ldexp, np.frexp: frexp, np.modf: modf,
    np.conjugate: conjugate, np.nextafter: nextafter,
}.items():
    dispatch.ufunc(_np_ufunc, _ours)


def _np_where(condition, x=None, y=None):
    if x is None and y is None:
        return np.where(full_unwrap(condition))
    return where(condition, x, y)


def _np_clip(a, a_min=None, a_max=None, out=None, **kw):
    dispatch.no_out("clip", out)
    return clip(a, kw.get("min", a_min), kw.get("max", a_max))


def _np_nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    return nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


dispatch.function(np.where, _np_where)
dispatch.function(np.clip, _np_clip)
dispatch.function(np.copy, copy)
dispatch.function(np.sinc, sinc)
dispatch.function(np.real, real)
dispatch.function(np.imag, imag)
dispatch.function(np.real_if_close, real_if_close)
dispatch.function(np.nan_to_num, _np_nan_to_num)
# No derivative (0 almost everywhere, or not a real-valued function of a real argument):
# computed on the plain values, the result is a plain array.
dispatch.passthrough(
    np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
    np.logical_and, np.logical_or, np.logical_xor, np.logical_not,
    np.isfinite, np.isinf, np.isnan, np.isnat, np.signbit, np.sign, np.heaviside,
    np.floor, np.ceil, np.trunc, np.rint, np.fix, np.floor_divide, np.spacing,
    np.gcd, np.lcm, np.bitwise_and, np.bitwise_or, np.bitwise_xor, np.bitwise_count,
    np.invert, np.left_shift, np.right_shift,
    np.isposinf, np.isneginf, np.isreal, np.iscomplex, np.angle,
)

__all__ = [
    "add", "subtract", "multiply", "divide", "true_divide", "negative", "reciprocal", "power",
    "float_power", "square", "sqrt", "cbrt", "exp", "exp2", "expm1", "log", "log2", "log10",
    "log1p", "logaddexp", "logaddexp2", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
    "arctan2", "hypot", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "deg2rad",
    "radians", "rad2deg", "degrees", "sinc", "sinc_derivative", "logistic", "absolute", "fabs",
    "sign", "signbit", "isfinite", "isnan", "isinf", "copysign", "maximum", "minimum", "fmax",
    "fmin", "where", "clip", "floor_divide", "floor", "ceil", "trunc", "rint", "remainder",
    "mod", "fmod", "divmod_", "ldexp", "frexp", "modf", "modf_fraction", "positive", "copy",
    "conjugate", "conj", "real", "imag", "real_if_close", "nan_to_num",
]
