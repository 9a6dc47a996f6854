"""Elementwise primitives and their rules, one line each.

Notation: ``d`` is the incoming derivative — the output's adjoint ā in reverse mode, an
argument's tangent ȧ in forward mode — and ``ans`` the output. Nearly every rule here is
*diagonal* (``defdiagonal``): it multiplies ``d`` by ∂out/∂x entry by entry, and that one
function is both the VJP (ā_x = ā ∂out/∂x) and the JVP (x's share of ȧ_out = ȧ_x ∂out/∂x).
Broadcasting and dtype are fitted by the machine (:mod:`chainrule.core.unbroadcast`), so
``add``'s rules are ``d``.

Complex arguments (docs/complex.md): with the cotangent convention of autograd and JAX
(ā = ∂L/∂x - i ∂L/∂y, a plain transpose, no conjugation), a holomorphic f has
ā_z = ā f'(z) and ȧ = ȧ_z f'(z): the real rules serve unchanged (``exp``, ``sin``, ``log``,
``power`` ...). A real-valued function of z (``absolute``, ``angle``, ``real``, ``imag``)
has ȧ = Re(b ż) and ā_z = ā b for one complex factor b; its diagonal rule returns d·b and
the machine keeps the real part of a derivative fitted to a real value. The ufuncs NumPy
defines for real arguments only (``cbrt``, ``hypot``, ``arctan2``, ``logaddexp``, ``copysign``,
the remainders ...) and the orderings (``maximum``, ``clip``: NumPy orders complex numbers
lexicographically) are checked on real arguments only.

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

from ..core import Primitive, Tracer, document_primitives, full_unwrap
from .dtypes import is_complex as _is_complex

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
add.defdiagonal(lambda d, ans, x, y: d,
                lambda d, ans, x, y: d)

subtract = Primitive(np.subtract, "subtract")
subtract.defdiagonal(lambda d, ans, x, y: d,
                     lambda d, ans, x, y: -d)

multiply = Primitive(np.multiply, "multiply")
"""x y: ā_x = ā y, ā_y = ā x; ȧ = ȧ_x y + x ȧ_y."""
multiply.defdiagonal(lambda d, ans, x, y: d * y,
                     lambda d, ans, x, y: d * x)

divide = Primitive(np.divide, "divide")
divide.defdiagonal(lambda d, ans, x, y: d / y,
                   lambda d, ans, x, y: -d * ans / y)
true_divide = divide

negative = Primitive(np.negative, "negative")
negative.defdiagonal(lambda d, ans, x: -d)

reciprocal = Primitive(np.reciprocal, "reciprocal")
"""1/x: ȧ = -ȧ_x / x² = -ȧ_x ans²."""
reciprocal.defdiagonal(lambda d, ans, x: -d * ans * ans)



def _log_base(x):
    # d(x^y)/dy = x^y log x; 0 where x <= 0 (the limit at x = 0 for y > 0; undefined below).
    # A complex base: the principal log (NumPy's power is exp(y log x)), 0 at x = 0.
    if _is_complex(x):
        return log(where(full_unwrap(x) == 0, 1, x))
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


power = Primitive(np.power, "power")
"""x^y: ā_x = ā y x^(y-1) (exactly 0 for a constant y = 0, even at x = 0), ā_y = ā x^y log x.
The y-derivative is taken as 0 where x ≤ 0 (its limit at x = 0 for y > 0; a negative base has
a real power only at integer y, where the y-derivative does not exist): as PyTorch and
autograd at 0; they give NaN below 0."""
power.defdiagonal(_power_slope,
                  lambda d, ans, x, y: d * ans * _log_base(x))


square = Primitive(np.square, "square")
square.defdiagonal(lambda d, ans, x: d * 2 * x)

sqrt = Primitive(np.sqrt, "sqrt")
"""√x: ȧ = ȧ_x / (2√x); +inf at x = 0 (as JAX, PyTorch and autograd)."""
sqrt.defdiagonal(lambda d, ans, x: d * 0.5 / ans)

cbrt = Primitive(np.cbrt, "cbrt")
"""∛x: ȧ = ȧ_x / (3 ∛x²); +inf at x = 0 (as JAX and PyTorch)."""
cbrt.defdiagonal(lambda d, ans, x: d / (3 * ans * ans))

# ---- exponentials and logarithms ---------------------------------------------------------
exp = Primitive(np.exp, "exp")
exp.defdiagonal(lambda d, ans, x: d * ans)

exp2 = Primitive(np.exp2, "exp2")
"""2^x: ȧ = ȧ_x 2^x ln 2."""
exp2.defdiagonal(lambda d, ans, x: d * ans * _LN2)

expm1 = Primitive(np.expm1, "expm1")
"""e^x - 1: ȧ = ȧ_x e^x (e^x itself, not ans + 1, which loses e^x for x ≪ 0)."""
expm1.defdiagonal(lambda d, ans, x: d * exp(x))

log = Primitive(np.log, "log")
log.defdiagonal(lambda d, ans, x: d / x)

log2 = Primitive(np.log2, "log2")
"""log₂ x: ȧ = ȧ_x / (x ln 2)."""
log2.defdiagonal(lambda d, ans, x: d / (x * _LN2))

log10 = Primitive(np.log10, "log10")
"""log₁₀ x: ȧ = ȧ_x / (x ln 10)."""
log10.defdiagonal(lambda d, ans, x: d / (x * _LN10))

log1p = Primitive(np.log1p, "log1p")
"""log(1 + x): ȧ = ȧ_x / (1 + x)."""
log1p.defdiagonal(lambda d, ans, x: d / (1 + x))


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
logaddexp.defdiagonal(lambda d, ans, x, y: d * _logaddexp_share(x, y, 1),
                      lambda d, ans, x, y: d * _logaddexp_share(y, x, 1))

logaddexp2 = Primitive(np.logaddexp2, "logaddexp2")
"""log₂(2^x + 2^y): ā_x = ā σ((x - y) ln 2), ā_y = ā σ((y - x) ln 2)."""
logaddexp2.defdiagonal(lambda d, ans, x, y: d * _logaddexp_share(x, y, _LN2),
                       lambda d, ans, x, y: d * _logaddexp_share(y, x, _LN2))

# ---- trigonometric, hyperbolic and their inverses ---------------------------------------
sin = Primitive(np.sin, "sin")
sin.defdiagonal(lambda d, ans, x: d * cos(x))

cos = Primitive(np.cos, "cos")
cos.defdiagonal(lambda d, ans, x: -d * sin(x))

tan = Primitive(np.tan, "tan")
"""tan x: ȧ = ȧ_x (1 + tan² x), from the output."""
tan.defdiagonal(lambda d, ans, x: d * (1 + ans * ans))

arcsin = Primitive(np.arcsin, "arcsin")
"""arcsin x: ȧ = ȧ_x / √((1 - x)(1 + x)); +inf at x = ±1 (as JAX, PyTorch and autograd)."""
arcsin.defdiagonal(lambda d, ans, x: d / sqrt((1 - x) * (1 + x)))

arccos = Primitive(np.arccos, "arccos")
"""arccos x: ȧ = -ȧ_x / √((1 - x)(1 + x)); -inf at x = ±1."""
arccos.defdiagonal(lambda d, ans, x: -d / sqrt((1 - x) * (1 + x)))

arctan = Primitive(np.arctan, "arctan")
"""arctan x: ȧ = ȧ_x / (1 + x²)."""
arctan.defdiagonal(lambda d, ans, x: d / (1 + x * x))


def _sum_of_squares(y, x):
    """x² + y² with its zeros (x = y = 0) replaced by 1, so the derivative there is 0."""
    return _safe_denominator(x * x + y * y)


arctan2 = Primitive(np.arctan2, "arctan2")
"""arctan2(y, x), the angle of (x, y): ā_y = ā x / (x² + y²), ā_x = -ā y / (x² + y²).
At the origin both are taken as 0, as PyTorch does (autograd gives NaN, 0/0)."""
arctan2.defdiagonal(lambda d, ans, y, x: d * x / _sum_of_squares(y, x),
                    lambda d, ans, y, x: -d * y / _sum_of_squares(y, x))

hypot = Primitive(np.hypot, "hypot")
"""√(x² + y²): ā_x = ā x / ans, ā_y = ā y / ans. At the origin both are 0, a subgradient
(as ``norm`` at 0; PyTorch and autograd give NaN, 0/0)."""
hypot.defdiagonal(lambda d, ans, x, y: d * x / _safe_denominator(ans),
                  lambda d, ans, x, y: d * y / _safe_denominator(ans))

sinh = Primitive(np.sinh, "sinh")
"""sinh x: ȧ = ȧ_x cosh x."""
sinh.defdiagonal(lambda d, ans, x: d * cosh(x))

cosh = Primitive(np.cosh, "cosh")
"""cosh x: ȧ = ȧ_x sinh x."""
cosh.defdiagonal(lambda d, ans, x: d * sinh(x))

tanh = Primitive(np.tanh, "tanh")
tanh.defdiagonal(lambda d, ans, x: d * (1 - ans * ans))

arcsinh = Primitive(np.arcsinh, "arcsinh")
"""arcsinh x: ȧ = ȧ_x / √(x² + 1)."""
arcsinh.defdiagonal(lambda d, ans, x: d / sqrt(x * x + 1))

arccosh = Primitive(np.arccosh, "arccosh")
"""arccosh x (x ≥ 1): ȧ = ȧ_x / (√(x - 1) √(x + 1)), accurate near 1; +inf at x = 1."""
arccosh.defdiagonal(lambda d, ans, x: d / (sqrt(x - 1) * sqrt(x + 1)))

arctanh = Primitive(np.arctanh, "arctanh")
"""arctanh x: ȧ = ȧ_x / ((1 - x)(1 + x)); +inf at x = ±1."""
arctanh.defdiagonal(lambda d, ans, x: d / ((1 - x) * (1 + x)))

_TO_RAD = math.pi / 180
_TO_DEG = 180 / math.pi

deg2rad = Primitive(np.deg2rad, "deg2rad")
"""x π/180 (NumPy's ``deg2rad`` and ``radians``): ȧ = ȧ_x π/180."""
deg2rad.defdiagonal(lambda d, ans, x: d * _TO_RAD)
radians = deg2rad

rad2deg = Primitive(np.rad2deg, "rad2deg")
"""x 180/π (NumPy's ``rad2deg`` and ``degrees``): ȧ = ȧ_x 180/π."""
rad2deg.defdiagonal(lambda d, ans, x: d * _TO_DEG)
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
    if np.iscomplexobj(x):
        raise TypeError("the derivative of numpy.sinc is implemented for real x only (its "
                        "series near 0 is real); differentiate sin(πz)/(πz) written out for "
                        "complex z")
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
sinc_derivative.defdiagonal(lambda d, ans, x, n: d * sinc_derivative(x, n + 1), None)

sinc = Primitive(np.sinc, "sinc")
"""sin(πx)/(πx), 1 at 0 (NumPy's normalised sinc): ȧ = ȧ_x (cos(πx) - sinc x)/x, which is 0
at x = 0; every derivative is exact at and near 0 (a series there), as JAX's (autograd's
sinc'(0) is NaN, PyTorch's sinc''(0) too)."""
sinc.defdiagonal(lambda d, ans, x: d * sinc_derivative(x, 1))


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
logistic.defdiagonal(lambda d, ans, x: d * ans * (1 - ans))

# ---- kinks: the conventions are documented where they are chosen ------------------------
sign = Primitive(np.sign, "sign", nondiff=True)
signbit = Primitive(np.signbit, "signbit", nondiff=True)
isfinite = Primitive(np.isfinite, "isfinite", nondiff=True)
isnan = Primitive(np.isnan, "isnan", nondiff=True)
isinf = Primitive(np.isinf, "isinf", nondiff=True)

absolute = Primitive(np.absolute, "absolute")
"""|x| (also NumPy's ``fabs``); the derivative at 0 is taken as 0 (sign(0) = 0), as in
PyTorch and autograd (JAX's rule gives 1). Complex z: |z|, ȧ = Re(conj(z) ż)/|z|,
ā_z = ā conj(z)/|z| (autograd's and JAX's), 0 at z = 0."""
def _abs_slope(ans, x):
    """∂|x|/∂x: sign(x) on reals; b = conj(z)/|z| on complex z (ȧ = Re(b ż), ā_z = ā b),
    0 at 0 (a subgradient), written with differentiable operations."""
    if _is_complex(x):
        return conjugate(x) / _safe_denominator(ans)
    return sign(x)


absolute.defdiagonal(lambda d, ans, x: d * _abs_slope(ans, x))
fabs = absolute

copysign = Primitive(np.copysign, "copysign")
"""copysign(x, y) = ±|x| with y's sign bit: ā_x = ā sign(x) sign(ans) (0 at x = 0, as
``absolute``); y only picks a sign, so ā_y = 0. Both as PyTorch (autograd has no rule)."""
copysign.defdiagonal(lambda d, ans, x, y: d * sign(x) * sign(ans), _zero)


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
maximum.defdiagonal(lambda d, ans, x, y: d * _tie_share(x, y),
                    lambda d, ans, x, y: d * _tie_share(y, x))

minimum = Primitive(np.minimum, "minimum")
"""Elementwise min; at a tie each argument gets half the derivative."""
minimum.defdiagonal(lambda d, ans, x, y: d * _tie_share(y, x),
                    lambda d, ans, x, y: d * _tie_share(x, y))


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
fmax.defdiagonal(lambda d, ans, x, y: d * _fmax_share(x, y),
                 lambda d, ans, x, y: d * _fmax_share(y, x))

fmin = Primitive(np.fmin, "fmin")
"""Elementwise min ignoring NaN: the derivative goes to the argument NumPy returns; a tie
splits it in halves."""
fmin.defdiagonal(lambda d, ans, x, y: d * _fmin_share(x, y),
                 lambda d, ans, x, y: d * _fmin_share(y, x))

where = Primitive(np.where, "where")
"""``where(c, x, y)``: ā_x = where(c, ā, 0), ā_y = where(c, 0, ā); ``c`` has no derivative."""
where.defdiagonal(None,
                  lambda d, ans, c, x, y: where(c, d, 0),
                  lambda d, ans, c, x, y: where(c, 0, d))


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
clip.defdiagonal(lambda d, ans, x, lo, hi: where(_within(x, lo, hi), d, 0),
                 lambda d, ans, x, lo, hi: where(x < lo, d, 0),
                 lambda d, ans, x, lo, hi: where(x > hi, d, 0))

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
remainder.defdiagonal(lambda d, ans, x, y: d,
                      lambda d, ans, x, y: -d * floor_divide(x, y))
mod = remainder

fmod = Primitive(np.fmod, "fmod")
"""C's fmod, x's sign: x - trunc(x/y) y: ā_x = ā, ā_y = -ā trunc(x/y), away from the jumps."""
fmod.defdiagonal(lambda d, ans, x, y: d,
                 lambda d, ans, x, y: -d * _fmod_quotient(x, y))


ldexp = Primitive(np.ldexp, "ldexp")
"""x · 2ⁿ for an integer n: ȧ = ȧ_x 2ⁿ (n is structural: no derivative)."""
ldexp.deflinear(lambda g, ans, x, n: ldexp(g, n), None)

frexp_exponent = Primitive(lambda x: np.frexp(x)[1], "frexp_exponent", nondiff=True)


modf_fraction = Primitive(lambda x: np.modf(x)[0], "modf_fraction")
"""The fractional part x - trunc(x) (0 at ±inf, as NumPy): ȧ = ȧ_x away from the integers."""
modf_fraction.defdiagonal(lambda d, ans, x: d)


# ---- identities on real input --------------------------------------------------------------
positive = Primitive(np.positive, "positive")
positive.defdiagonal(lambda d, ans, x: d)

copy = Primitive(np.copy, "copy")
copy.defdiagonal(lambda d, ans, x: d)

conjugate = Primitive(np.conjugate, "conjugate")
"""The complex conjugate z̄ (``conj``; the identity on real arrays), real-linear:
ȧ = conj(ȧ_z), ā_z = conj(ā)."""
conjugate.deflinear(lambda g, ans, x: conjugate(g))
conj = conjugate

real_part = Primitive(np.real, "real")
"""Re z (NumPy's ``real``; x itself on real arrays), real-linear: ȧ = Re ȧ_z; ā_z = ā
(a real adjoint, embedded in the complex plane)."""
real_part.deflinear(lambda g, ans, x: g)

imag_part = Primitive(np.imag, "imag")
"""Im z (NumPy's ``imag``; zeros on real arrays), real-linear: ȧ = Im ȧ_z; ā_z = -i ā
(L depends on y = Im z, and ā_z = ∂L/∂x - i ∂L/∂y)."""
imag_part.deflinear(lambda g, ans, x: g * -1j if _is_complex(x) else g * 0.0)


def _angle_impl(z, deg=False):
    return np.angle(z, deg=deg)


def _angle_factor(x, deg):
    """b = -i conj(z)/|z|² = -i/z, so ȧ = Re(b ż) = Im(ż/z) and ā_z = ā b; 0 at z = 0 (as
    ``arctan2`` at the origin). On a real x it is 0: the angle of a real number is
    piecewise constant (0 or π)."""
    if not _is_complex(x):
        return 0.0
    b = conjugate(x) * -1j / _safe_denominator(real_part(x * conjugate(x)))
    return b * _TO_DEG if deg else b


angle = Primitive(_angle_impl, "angle")
"""arg z (NumPy's ``angle``, radians; ``deg=True``: degrees), a real-valued function of z:
ȧ = Im(ȧ_z / z), ā_z = -i ā / z (autograd's and JAX's); 0 at z = 0."""
angle.defdiagonal(lambda d, ans, x, deg=False: d * _angle_factor(x, deg))


nan_to_num = Primitive(lambda x, nan=0.0, posinf=None, neginf=None:
                  np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf), "nan_to_num")
"""x with NaN and ±inf replaced by constants: ȧ = ȧ_x where x is finite, 0 where replaced."""
nan_to_num.defdiagonal(lambda d, ans, x, **kw: where(isfinite(x), d, 0))


nextafter = Primitive(np.nextafter, "nextafter")
"""x moved one ulp toward y: ∂/∂x = 1 (it is x, to rounding); ∂/∂y = 0 (a step in y)."""
nextafter.defdiagonal(lambda d, ans, x, y: d,
                      lambda d, ans, x, y: None)

__all__ = [
    "add", "subtract", "multiply", "divide", "true_divide", "negative", "reciprocal", "power",
    "square", "sqrt", "cbrt", "exp", "exp2", "expm1", "log", "log2", "log10",
    "log1p", "logaddexp", "logaddexp2", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
    "arctan2", "hypot", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "deg2rad",
    "radians", "rad2deg", "degrees", "sinc", "sinc_derivative", "logistic", "absolute", "fabs",
    "sign", "signbit", "isfinite", "isnan", "isinf", "copysign", "maximum", "minimum", "fmax",
    "fmin", "where", "clip", "floor_divide", "floor", "ceil", "trunc", "rint", "remainder",
    "mod", "fmod", "ldexp", "frexp_exponent", "modf_fraction", "positive", "copy",
    "conjugate", "conj", "nan_to_num", "real_part", "imag_part", "angle",
]

document_primitives(__name__)
