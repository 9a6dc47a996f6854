"""Elementwise primitives and their rules, one line each.

Notation: ``g`` is the output's adjoint ā, ``t`` an argument's tangent ȧ, ``ans`` the output.
Each VJP rule returns ā_x; each JVP rule returns x's share of ȧ_out. Broadcasting and
dtype are fitted by the machine (:mod:`chainrule.core.fit`), so ``add``'s rules are ``g``.
"""

from __future__ import annotations

import numpy as np

from ..core import full_unwrap
from . import dispatch
from ._util import nondiff, prim

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

negative = prim(np.negative, "negative")
negative.defvjp(lambda g, ans, x: -g)
negative.defjvp(lambda t, ans, x: -t)


def _log_base(x):
    # d(x^y)/dy = x^y log x; 0 where x <= 0 (the limit at x = 0 for y > 0; undefined below).
    return log(where(x > 0, x, 1))


power = prim(np.power, "power")
power.defvjp(lambda g, ans, x, y: g * y * x ** (y - 1),
             lambda g, ans, x, y: g * ans * _log_base(x))
power.defjvp(lambda t, ans, x, y: t * y * x ** (y - 1),
             lambda t, ans, x, y: t * ans * _log_base(x))

square = prim(np.square, "square")
square.defvjp(lambda g, ans, x: g * 2 * x)
square.defjvp(lambda t, ans, x: t * 2 * x)

sqrt = prim(np.sqrt, "sqrt")
sqrt.defvjp(lambda g, ans, x: g * 0.5 / ans)
sqrt.defjvp(lambda t, ans, x: t * 0.5 / ans)

# ---- exponentials, logarithms, trigonometric and hyperbolic -----------------------------
exp = prim(np.exp, "exp")
exp.defvjp(lambda g, ans, x: g * ans)
exp.defjvp(lambda t, ans, x: t * ans)

log = prim(np.log, "log")
log.defvjp(lambda g, ans, x: g / x)
log.defjvp(lambda t, ans, x: t / x)

sin = prim(np.sin, "sin")
sin.defvjp(lambda g, ans, x: g * cos(x))
sin.defjvp(lambda t, ans, x: t * cos(x))

cos = prim(np.cos, "cos")
cos.defvjp(lambda g, ans, x: -g * sin(x))
cos.defjvp(lambda t, ans, x: -t * sin(x))

tanh = prim(np.tanh, "tanh")
tanh.defvjp(lambda g, ans, x: g * (1 - ans * ans))
tanh.defjvp(lambda t, ans, x: t * (1 - ans * ans))


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

absolute = prim(np.absolute, "absolute")
"""|x|; the derivative at 0 is taken as 0 (sign(0) = 0), as in JAX, PyTorch and autograd."""
absolute.defvjp(lambda g, ans, x: g * sign(x))
absolute.defjvp(lambda t, ans, x: t * sign(x))


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

positive = prim(np.positive, "positive")
positive.defvjp(lambda g, ans, x: g)
positive.defjvp(lambda t, ans, x: t)

copy = prim(np.copy, "copy")
copy.defvjp(lambda g, ans, x: g)
copy.defjvp(lambda t, ans, x: t)

# ---- no derivative: pass through and return plain arrays --------------------------------
floor_divide = nondiff(np.floor_divide, "floor_divide")
floor = nondiff(np.floor, "floor")
ceil = nondiff(np.ceil, "ceil")

# ---- NumPy's names --------------------------------------------------------------------
for _np_ufunc, _ours in {
    np.add: add, np.subtract: subtract, np.multiply: multiply, np.divide: divide,
    np.negative: negative, np.positive: positive, np.power: power, np.square: square,
    np.sqrt: sqrt, np.exp: exp, np.log: log, np.sin: sin, np.cos: cos, np.tanh: tanh,
    np.absolute: absolute, np.maximum: maximum, np.minimum: minimum,
}.items():
    dispatch.ufunc(_np_ufunc, _ours)


def _np_where(condition, x=None, y=None):
    if x is None and y is None:
        return np.where(full_unwrap(condition))
    return where(condition, x, y)


def _np_clip(a, a_min=None, a_max=None, out=None, **kw):
    dispatch.no_out("clip", out)
    return clip(a, kw.get("min", a_min), kw.get("max", a_max))


dispatch.function(np.where, _np_where)
dispatch.function(np.clip, _np_clip)
dispatch.function(np.copy, copy)
dispatch.passthrough(
    np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
    np.logical_and, np.logical_or, np.logical_xor, np.logical_not,
    np.isfinite, np.isinf, np.isnan, np.signbit, np.sign, np.floor, np.ceil, np.trunc,
    np.rint, np.floor_divide,
)

__all__ = [
    "add", "subtract", "multiply", "divide", "negative", "power", "square", "sqrt", "exp",
    "log", "sin", "cos", "tanh", "logistic", "absolute", "sign", "maximum", "minimum",
    "where", "clip", "positive", "copy", "floor_divide", "floor", "ceil",
]
