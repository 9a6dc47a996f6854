"""Elementwise primitives and their rules, one line each.

Notation: ``g`` is the output's adjoint ā, ``t`` an argument's tangent ȧ, ``ans`` the output.
Each VJP rule returns ā_x; each JVP rule returns x's share of ȧ_out. Broadcasting and
dtype are fitted by the machine (:mod:`chainrule.core.unbroadcast`), so ``add``'s rules are ``g``.

Every real floating ufunc of NumPy is here: a primitive with both rules, or marked
non-differentiable (comparisons, ``floor``, ``sign``, ``isnan`` ...: their derivative is 0
almost everywhere, and they return plain arrays). Conventions at kinks and singular points
are stated where they are chosen; the default is JAX's, and a difference from PyTorch or
autograd is named. A rule that returns ``0.0`` says "derivative zero" (a piecewise-constant
argument such as copysign's sign); the machine broadcasts it. NumPy's names are mapped to
these in :mod:`chainrule.numpy.math`, beside the composites built from them (``float_power``,
``divmod``, ``frexp``, ``modf``, ``real`` ...).
"""

from __future__ import annotations

import math

import numpy as np

from ..core import Primitive, document_primitives, full_unwrap

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
add = Primitive(np.add, "add")
add.defvjp(lambda g, ans, x, y: g,
           lambda g, ans, x, y: g)
add.defjvp(lambda t, ans, x, y: t,
           lambda t, ans, x, y: t)

subtract = Primitive(np.subtract, "subtract")
subtract.defvjp(lambda g, ans, x, y: g,
                lambda g, ans, x, y: -g)
subtract.defjvp(lambda t, ans, x, y: t,
                lambda t, ans, x, y: -t)

multiply = Primitive(np.multiply, "multiply")
multiply.defvjp(lambda g, ans, x, y: g * y,
                lambda g, ans, x, y: g * x)
multiply.defjvp(lambda t, ans, x, y: t * y,
                lambda t, ans, x, y: x * t)

divide = Primitive(np.divide, "divide")
divide.defvjp(lambda g, ans, x, y: g / y,
              lambda g, ans, x, y: -g * ans / y)
divide.defjvp(lambda t, ans, x, y: t / y,
              lambda t, ans, x, y: -t * ans / y)
true_divide = divide

negative = Primitive(np.negative, "negative")
negative.defvjp(lambda g, ans, x: -g)
negative.defjvp(lambda t, ans, x: -t)

reciprocal = Primitive(np.reciprocal, "reciprocal")
"""1/x: ȧ = -ȧ_x / x² = -ȧ_x ans²."""
reciprocal.defvjp(lambda g, ans, x: -g * ans * ans)
reciprocal.defjvp(lambda t, ans, x: -t * ans * ans)


def _log_base(x):
    # d(x^y)/dy = x^y log x; 0 where x <= 0 (the limit at x = 0 for y > 0; undefined below).
    return log(where(x > 0, x, 1))


power = Primitive(np.power, "power")
"""x^y: ā_x = ā y x^(y-1), ā_y = ā x^y log x. The y-derivative is taken as 0 where x ≤ 0
(its limit at x = 0 for y > 0; a negative base has a real power only at integer y, where the
y-derivative does not exist): as PyTorch and autograd at 0; they give NaN below 0."""
power.defvjp(lambda g, ans, x, y: g * y * x ** (y - 1),
             lambda g, ans, x, y: g * ans * _log_base(x))
power.defjvp(lambda t, ans, x, y: t * y * x ** (y - 1),
             lambda t, ans, x, y: t * ans * _log_base(x))


square = Primitive(np.square, "square")
square.defvjp(lambda g, ans, x: g * 2 * x)
square.defjvp(lambda t, ans, x: t * 2 * x)

sqrt = Primitive(np.sqrt, "sqrt")
"""√x: ȧ = ȧ_x / (2√x); +inf at x = 0 (as JAX, PyTorch and autograd)."""
sqrt.defvjp(lambda g, ans, x: g * 0.5 / ans)
sqrt.defjvp(lambda t, ans, x: t * 0.5 / ans)

cbrt = Primitive(np.cbrt, "cbrt")
"""∛x: ȧ = ȧ_x / (3 ∛x²); +inf at x = 0 (as JAX and PyTorch)."""
cbrt.defvjp(lambda g, ans, x: g / (3 * ans * ans))
cbrt.defjvp(lambda t, ans, x: t / (3 * ans * ans))

# ---- exponentials and logarithms ---------------------------------------------------------
exp = Primitive(np.exp, "exp")
exp.defvjp(lambda g, ans, x: g * ans)
exp.defjvp(lambda t, ans, x: t * ans)

exp2 = Primitive(np.exp2, "exp2")
"""2^x: ȧ = ȧ_x 2^x ln 2."""
exp2.defvjp(lambda g, ans, x: g * ans * _LN2)
exp2.defjvp(lambda t, ans, x: t * ans * _LN2)

expm1 = Primitive(np.expm1, "expm1")
"""e^x - 1: ȧ = ȧ_x e^x (e^x itself, not ans + 1, which loses e^x for x ≪ 0)."""
expm1.defvjp(lambda g, ans, x: g * exp(x))
expm1.defjvp(lambda t, ans, x: t * exp(x))

log = Primitive(np.log, "log")
log.defvjp(lambda g, ans, x: g / x)
log.defjvp(lambda t, ans, x: t / x)

log2 = Primitive(np.log2, "log2")
"""log₂ x: ȧ = ȧ_x / (x ln 2)."""
log2.defvjp(lambda g, ans, x: g / (x * _LN2))
log2.defjvp(lambda t, ans, x: t / (x * _LN2))

log10 = Primitive(np.log10, "log10")
"""log₁₀ x: ȧ = ȧ_x / (x ln 10)."""
log10.defvjp(lambda g, ans, x: g / (x * _LN10))
log10.defjvp(lambda t, ans, x: t / (x * _LN10))

log1p = Primitive(np.log1p, "log1p")
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


logaddexp = Primitive(np.logaddexp, "logaddexp")
"""log(e^x + e^y): ā_x = ā σ(x - y), ā_y = ā σ(y - x) (see ``_logaddexp_share`` at ±inf)."""
logaddexp.defvjp(lambda g, ans, x, y: g * _logaddexp_share(x, y, 1),
                 lambda g, ans, x, y: g * _logaddexp_share(y, x, 1))
logaddexp.defjvp(lambda t, ans, x, y: t * _logaddexp_share(x, y, 1),
                 lambda t, ans, x, y: t * _logaddexp_share(y, x, 1))

logaddexp2 = Primitive(np.logaddexp2, "logaddexp2")
"""log₂(2^x + 2^y): ā_x = ā σ((x - y) ln 2), ā_y = ā σ((y - x) ln 2)."""
logaddexp2.defvjp(lambda g, ans, x, y: g * _logaddexp_share(x, y, _LN2),
                  lambda g, ans, x, y: g * _logaddexp_share(y, x, _LN2))
logaddexp2.defjvp(lambda t, ans, x, y: t * _logaddexp_share(x, y, _LN2),
                  lambda t, ans, x, y: t * _logaddexp_share(y, x, _LN2))

# ---- trigonometric, hyperbolic and their inverses ---------------------------------------
sin = Primitive(np.sin, "sin")
sin.defvjp(lambda g, ans, x: g * cos(x))
sin.defjvp(lambda t, ans, x: t * cos(x))

cos = Primitive(np.cos, "cos")
cos.defvjp(lambda g, ans, x: -g * sin(x))
cos.defjvp(lambda t, ans, x: -t * sin(x))

tan = Primitive(np.tan, "tan")
"""tan x: ȧ = ȧ_x (1 + tan² x), from the output."""
tan.defvjp(lambda g, ans, x: g * (1 + ans * ans))
tan.defjvp(lambda t, ans, x: t * (1 + ans * ans))

arcsin = Primitive(np.arcsin, "arcsin")
"""arcsin x: ȧ = ȧ_x / √((1 - x)(1 + x)); +inf at x = ±1 (as JAX, PyTorch and autograd)."""
arcsin.defvjp(lambda g, ans, x: g / sqrt((1 - x) * (1 + x)))
arcsin.defjvp(lambda t, ans, x: t / sqrt((1 - x) * (1 + x)))

arccos = Primitive(np.arccos, "arccos")
"""arccos x: ȧ = -ȧ_x / √((1 - x)(1 + x)); -inf at x = ±1."""
arccos.defvjp(lambda g, ans, x: -g / sqrt((1 - x) * (1 + x)))
arccos.defjvp(lambda t, ans, x: -t / sqrt((1 - x) * (1 + x)))

arctan = Primitive(np.arctan, "arctan")
"""arctan x: ȧ = ȧ_x / (1 + x²)."""
arctan.defvjp(lambda g, ans, x: g / (1 + x * x))
arctan.defjvp(lambda t, ans, x: t / (1 + x * x))


def _sum_of_squares(y, x):
    """x² + y² with its zeros (x = y = 0) replaced by 1, so the derivative there is 0."""
    return _safe_denominator(x * x + y * y)


arctan2 = Primitive(np.arctan2, "arctan2")
"""arctan2(y, x), the angle of (x, y): ā_y = ā x / (x² + y²), ā_x = -ā y / (x² + y²).
At the origin both are taken as 0, as PyTorch does (autograd gives NaN, 0/0)."""
arctan2.defvjp(lambda g, ans, y, x: g * x / _sum_of_squares(y, x),
               lambda g, ans, y, x: -g * y / _sum_of_squares(y, x))
arctan2.defjvp(lambda t, ans, y, x: t * x / _sum_of_squares(y, x),
               lambda t, ans, y, x: -t * y / _sum_of_squares(y, x))

hypot = Primitive(np.hypot, "hypot")
"""√(x² + y²): ā_x = ā x / ans, ā_y = ā y / ans. At the origin both are 0, a subgradient
(as ``norm`` at 0; PyTorch and autograd give NaN, 0/0)."""
hypot.defvjp(lambda g, ans, x, y: g * x / _safe_denominator(ans),
             lambda g, ans, x, y: g * y / _safe_denominator(ans))
hypot.defjvp(lambda t, ans, x, y: t * x / _safe_denominator(ans),
             lambda t, ans, x, y: t * y / _safe_denominator(ans))

sinh = Primitive(np.sinh, "sinh")
"""sinh x: ȧ = ȧ_x cosh x."""
sinh.defvjp(lambda g, ans, x: g * cosh(x))
sinh.defjvp(lambda t, ans, x: t * cosh(x))

cosh = Primitive(np.cosh, "cosh")
"""cosh x: ȧ = ȧ_x sinh x."""
cosh.defvjp(lambda g, ans, x: g * sinh(x))
cosh.defjvp(lambda t, ans, x: t * sinh(x))

tanh = Primitive(np.tanh, "tanh")
tanh.defvjp(lambda g, ans, x: g * (1 - ans * ans))
tanh.defjvp(lambda t, ans, x: t * (1 - ans * ans))

arcsinh = Primitive(np.arcsinh, "arcsinh")
"""arcsinh x: ȧ = ȧ_x / √(x² + 1)."""
arcsinh.defvjp(lambda g, ans, x: g / sqrt(x * x + 1))
arcsinh.defjvp(lambda t, ans, x: t / sqrt(x * x + 1))

arccosh = Primitive(np.arccosh, "arccosh")
"""arccosh x (x ≥ 1): ȧ = ȧ_x / (√(x - 1) √(x + 1)), accurate near 1; +inf at x = 1."""
arccosh.defvjp(lambda g, ans, x: g / (sqrt(x - 1) * sqrt(x + 1)))
arccosh.defjvp(lambda t, ans, x: t / (sqrt(x - 1) * sqrt(x + 1)))

arctanh = Primitive(np.arctanh, "arctanh")
"""arctanh x: ȧ = ȧ_x / ((1 - x)(1 + x)); +inf at x = ±1."""
arctanh.defvjp(lambda g, ans, x: g / ((1 - x) * (1 + x)))
arctanh.defjvp(lambda t, ans, x: t / ((1 - x) * (1 + x)))

_TO_RAD = math.pi / 180
_TO_DEG = 180 / math.pi

deg2rad = Primitive(np.deg2rad, "deg2rad")
"""x π/180 (NumPy's ``deg2rad`` and ``radians``): ȧ = ȧ_x π/180."""
deg2rad.defvjp(lambda g, ans, x: g * _TO_RAD)
deg2rad.defjvp(lambda t, ans, x: t * _TO_RAD)
radians = deg2rad

rad2deg = Primitive(np.rad2deg, "rad2deg")
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


sinc_derivative = Primitive(_sinc_derivative_impl, "sinc_derivative")
"""``sinc_derivative(x, n)``: the n-th derivative of sinc; ȧ = ȧ_x sinc^{(n+1)}(x)."""
sinc_derivative.defvjp(lambda g, ans, x, n: g * sinc_derivative(x, n + 1), None)
sinc_derivative.defjvp(lambda t, ans, x, n: t * sinc_derivative(x, n + 1), None)

sinc = Primitive(np.sinc, "sinc")
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


logistic = Primitive(_logistic_impl, "logistic")
"""The logistic sigmoid σ(x) = 1 / (1 + e^{-x}); σ' = σ(1 - σ). (scipy's ``expit``.)"""
logistic.defvjp(lambda g, ans, x: g * ans * (1 - ans))
logistic.defjvp(lambda t, ans, x: t * ans * (1 - ans))

# ---- kinks: the conventions are documented where they are chosen ------------------------
sign = Primitive(np.sign, "sign", nondiff=True)
signbit = Primitive(np.signbit, "signbit", nondiff=True)
isfinite = Primitive(np.isfinite, "isfinite", nondiff=True)
isnan = Primitive(np.isnan, "isnan", nondiff=True)
isinf = Primitive(np.isinf, "isinf", nondiff=True)

absolute = Primitive(np.absolute, "absolute")
"""|x| (also NumPy's ``fabs``); the derivative at 0 is taken as 0 (sign(0) = 0), as in
PyTorch and autograd (JAX's rule gives 1)."""
absolute.defvjp(lambda g, ans, x: g * sign(x))
absolute.defjvp(lambda t, ans, x: t * sign(x))
fabs = absolute

copysign = Primitive(np.copysign, "copysign")
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


_tie_share = Primitive(_tie_share_impl, "tie_share", nondiff=True)

maximum = Primitive(np.maximum, "maximum")
"""Elementwise max; at a tie each argument gets half the derivative (JAX's convention)."""
maximum.defvjp(lambda g, ans, x, y: g * _tie_share(x, y),
               lambda g, ans, x, y: g * _tie_share(y, x))
maximum.defjvp(lambda t, ans, x, y: t * _tie_share(x, y),
               lambda t, ans, x, y: t * _tie_share(y, x))

minimum = Primitive(np.minimum, "minimum")
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


_fmax_share = Primitive(lambda x, y: _nan_share_impl(x, y, np.greater), "fmax_share",
                        nondiff=True)
_fmin_share = Primitive(lambda x, y: _nan_share_impl(x, y, np.less), "fmin_share",
                        nondiff=True)

fmax = Primitive(np.fmax, "fmax")
"""Elementwise max ignoring NaN: the derivative goes to the argument NumPy returns (the
non-NaN one when the other is NaN, as PyTorch and autograd); a tie splits it in halves, as
``maximum`` and autograd (PyTorch gives it all to x)."""
fmax.defvjp(lambda g, ans, x, y: g * _fmax_share(x, y),
            lambda g, ans, x, y: g * _fmax_share(y, x))
fmax.defjvp(lambda t, ans, x, y: t * _fmax_share(x, y),
            lambda t, ans, x, y: t * _fmax_share(y, x))

fmin = Primitive(np.fmin, "fmin")
"""Elementwise min ignoring NaN: the derivative goes to the argument NumPy returns; a tie
splits it in halves."""
fmin.defvjp(lambda g, ans, x, y: g * _fmin_share(x, y),
            lambda g, ans, x, y: g * _fmin_share(y, x))
fmin.defjvp(lambda t, ans, x, y: t * _fmin_share(x, y),
            lambda t, ans, x, y: t * _fmin_share(y, x))

where = Primitive(np.where, "where")
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


_within = Primitive(_within_impl, "within", nondiff=True)

clip = Primitive(_clip_impl, "clip")
"""``clip(x, lo, hi)``: x passes its derivative where lo <= x <= hi (boundaries included, as
PyTorch's clamp); lo and hi receive it where x is outside them. A bound may be None."""
clip.defvjp(lambda g, ans, x, lo, hi: where(_within(x, lo, hi), g, 0),
            lambda g, ans, x, lo, hi: where(x < lo, g, 0),
            lambda g, ans, x, lo, hi: where(x > hi, g, 0))
clip.defjvp(lambda t, ans, x, lo, hi: where(_within(x, lo, hi), t, 0),
            lambda t, ans, x, lo, hi: where(x < lo, t, 0),
            lambda t, ans, x, lo, hi: where(x > hi, t, 0))

# ---- remainders and the parts of a float -------------------------------------------------
floor_divide = Primitive(np.floor_divide, "floor_divide", nondiff=True)
floor = Primitive(np.floor, "floor", nondiff=True)
ceil = Primitive(np.ceil, "ceil", nondiff=True)
trunc = Primitive(np.trunc, "trunc", nondiff=True)
rint = Primitive(np.rint, "rint", nondiff=True)


def _fmod_quotient_impl(x, y):
    # The integer q with fmod(x, y) = x - q y, consistent with fmod's own rounding.
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.rint(np.divide(np.subtract(x, np.fmod(x, y)), y))


_fmod_quotient = Primitive(_fmod_quotient_impl, "fmod_quotient", nondiff=True)

remainder = Primitive(np.remainder, "remainder")
"""x mod y with y's sign (NumPy's ``remainder``/``mod``, Python's %) = x - ⌊x/y⌋ y:
ā_x = ā, ā_y = -ā ⌊x/y⌋, away from the jumps at x/y ∈ ℤ (there the same formula, the
right-sided value in x; PyTorch and autograd agree)."""
remainder.defvjp(lambda g, ans, x, y: g,
                 lambda g, ans, x, y: -g * floor_divide(x, y))
remainder.defjvp(lambda t, ans, x, y: t,
                 lambda t, ans, x, y: -t * floor_divide(x, y))
mod = remainder

fmod = Primitive(np.fmod, "fmod")
"""C's fmod, x's sign: x - trunc(x/y) y: ā_x = ā, ā_y = -ā trunc(x/y), away from the jumps."""
fmod.defvjp(lambda g, ans, x, y: g,
            lambda g, ans, x, y: -g * _fmod_quotient(x, y))
fmod.defjvp(lambda t, ans, x, y: t,
            lambda t, ans, x, y: -t * _fmod_quotient(x, y))


ldexp = Primitive(np.ldexp, "ldexp")
"""x · 2ⁿ for an integer n: ȧ = ȧ_x 2ⁿ (n is structural: no derivative)."""
ldexp.defvjp(lambda g, ans, x, n: ldexp(g, n), None)
ldexp.defjvp(lambda t, ans, x, n: ldexp(t, n), None)

frexp_exponent = Primitive(lambda x: np.frexp(x)[1], "frexp_exponent", nondiff=True)


modf_fraction = Primitive(lambda x: np.modf(x)[0], "modf_fraction")
"""The fractional part x - trunc(x) (0 at ±inf, as NumPy): ȧ = ȧ_x away from the integers."""
modf_fraction.defvjp(lambda g, ans, x: g)
modf_fraction.defjvp(lambda t, ans, x: t)


# ---- identities on real input --------------------------------------------------------------
positive = Primitive(np.positive, "positive")
positive.defvjp(lambda g, ans, x: g)
positive.defjvp(lambda t, ans, x: t)

copy = Primitive(np.copy, "copy")
copy.defvjp(lambda g, ans, x: g)
copy.defjvp(lambda t, ans, x: t)

conjugate = Primitive(np.conjugate, "conjugate")
"""The complex conjugate (``conj``): the identity on the real arrays chainrule differentiates."""
conjugate.defvjp(lambda g, ans, x: g)
conjugate.defjvp(lambda t, ans, x: t)
conj = conjugate


nan_to_num = Primitive(lambda x, nan=0.0, posinf=None, neginf=None:
                  np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf), "nan_to_num")
"""x with NaN and ±inf replaced by constants: ȧ = ȧ_x where x is finite, 0 where replaced."""
nan_to_num.defvjp(lambda g, ans, x, **kw: where(isfinite(x), g, 0))
nan_to_num.defjvp(lambda t, ans, x, **kw: where(isfinite(x), t, 0))


nextafter = Primitive(np.nextafter, "nextafter")
"""x moved one ulp toward y: ∂/∂x = 1 (it is x, to rounding); ∂/∂y = 0 (a step in y)."""
nextafter.defvjp(lambda g, ans, x, y: g,
                 lambda g, ans, x, y: None)
nextafter.defjvp(lambda t, ans, x, y: t,
                 lambda t, ans, x, y: None)

__all__ = [
    "add", "subtract", "multiply", "divide", "true_divide", "negative", "reciprocal", "power",
    "square", "sqrt", "cbrt", "exp", "exp2", "expm1", "log", "log2", "log10",
    "log1p", "logaddexp", "logaddexp2", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
    "arctan2", "hypot", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "deg2rad",
    "radians", "rad2deg", "degrees", "sinc", "sinc_derivative", "logistic", "absolute", "fabs",
    "sign", "signbit", "isfinite", "isnan", "isinf", "copysign", "maximum", "minimum", "fmax",
    "fmin", "where", "clip", "floor_divide", "floor", "ceil", "trunc", "rint", "remainder",
    "mod", "fmod", "ldexp", "frexp_exponent", "modf_fraction", "positive", "copy",
    "conjugate", "conj", "nan_to_num", "nextafter",
]

document_primitives(__name__)
