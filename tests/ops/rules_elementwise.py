"""Rule table for the elementwise ufuncs and the special functions (merged by test_rules.py).

Every primitive of :mod:`chainrule.ops.elementwise`, :mod:`chainrule.ops.special` and
:mod:`chainrule.ops.special` that the base table in ``test_rules.py`` does not already cover,
over the sweep's shapes (unary: scalar, (2,), (4,), (3, 2), (1, 2); binary: equal shapes and
the broadcasting pairs), with inputs drawn inside each function's domain and away from its
kinks and jumps (the conventions there are tested in tests/ops/test_special.py).
"""

from __future__ import annotations

import numpy as np

from _harness.specs import (
    NUMPY_REAL,
    SPECIAL_REAL,
    UNARY_SHAPES,
    D,
    Entry,
    K,
    _fixed,
    apart,
    binary,
    nonzero,
    normal,
    positive,
    spec,
    unary,
)


def uniform(lo, hi):
    """Uniform on (lo, hi): a function's domain (arcsin: (-1, 1), arccosh: (1, ∞) ...)."""
    def draw(rng, shape):
        return rng.uniform(lo, hi, shape)
    draw.__name__ = f"uniform({lo}, {hi})"
    return draw


def off_integers(lo, hi, margin=0.15):
    """Uniform on (lo, hi), at least ``margin`` from every integer (gamma's poles, modf's
    jumps)."""
    def draw(rng, shape):
        k = rng.integers(int(np.floor(lo)), int(np.ceil(hi)), shape)
        return k + rng.uniform(margin, 1 - margin, shape)
    return draw


def _away_from_jumps(x, y, margin=0.05):
    """x/y at least ``margin`` from an integer: remainder and fmod are smooth there."""
    q = np.divide(x, y)
    f = q - np.floor(q)
    return bool(np.all((f > margin) & (f < 1 - margin)))


def _unary(domain=normal, extra=()):
    return Entry(unary(domain) + list(extra))


def _near_zero(rng, shape):
    """0 itself, a tiny value, and both sides of the series/closed-form switch at ½."""
    return np.array([0.0, 1e-9, -0.2, 0.45, -0.55, 0.6])[:shape[0]]


def _sinc_derivatives() -> list:
    out = []
    for n in (1, 2, 3):
        out += [spec(f"n={n},3x2", D((3, 2), uniform(-3, 3)), n),
                spec(f"n={n},scalar", D(()), n),
                spec(f"n={n},near-0", D((6,), _near_zero), n)]
    return out


def _polygammas() -> list:
    # Moderate values only: near a pole ψ⁽ⁿ⁾ is huge and a wrong derivative of size 1 would
    # hide under the tolerance (the values there are checked in tests/ops/test_special.py).
    out = []
    for n in (0, 1, 2, 3):
        out += [spec(f"n={n},3x2", n, D((3, 2), uniform(0.8, 6.0))),
                spec(f"n={n},scalar", n, D((), positive))]
    for n in (0, 1):
        out.append(spec(f"n={n},negative", n, D((4,), off_integers(-4, 0, 0.3))))
    out.append(spec("n-array", K(lambda rng: np.array([0, 1, 2])), D((2, 3), positive)))
    return out


_TAIL = uniform(-45.0, -21.0)  # the normal distribution's left tail (asymptotic series)

RULES: dict[str, Entry] = {
    # arithmetic
    "reciprocal": _unary(nonzero),
    "cbrt": _unary(nonzero),
    # exponentials and logarithms
    "exp2": _unary(),
    "expm1": _unary(extra=[spec("tiny", D((3,), lambda r, s: 1e-9 * r.standard_normal(s)))]),
    "log2": _unary(positive),
    "log10": _unary(positive),
    "log1p": _unary(uniform(-0.6, 2.0)),
    "logaddexp": Entry(binary() + [spec("wide", D((6,), uniform(-40, 40)),
                                        D((6,), uniform(-40, 40)))]),
    "logaddexp2": Entry(binary()),
    # trigonometric and hyperbolic
    "tan": _unary(uniform(-1.2, 1.2)),
    "arcsin": _unary(uniform(-0.9, 0.9)),
    "arccos": _unary(uniform(-0.9, 0.9)),
    "arctan": _unary(),
    "arctan2": Entry(binary(valid=lambda y, x: bool(np.all(np.hypot(y, x) > 0.2)))),
    "hypot": Entry(binary(valid=lambda x, y: bool(np.all(np.hypot(x, y) > 0.2)))),
    "sinh": _unary(),
    "cosh": _unary(),
    "arcsinh": _unary(extra=[spec("large", D((3,), uniform(-1e3, 1e3)))]),
    "arccosh": _unary(uniform(1.2, 4.0)),
    "arctanh": _unary(uniform(-0.9, 0.9)),
    "deg2rad": _unary(),
    "rad2deg": _unary(),
    "sinc": _unary(uniform(-3, 3), extra=[
        spec("near-0", D((6,), _near_zero))]),
    "sinc_derivative": Entry(_sinc_derivatives(), static=(1,)),
    # kinks and jumps, away from them
    "copysign": Entry(binary(nonzero, nonzero)),
    # x only: y's derivative is 0 (the rule returns a symbolic zero); y kept far from x
    "nextafter": Entry([spec(f"{s}", D(s), _fixed(np.full(s, 10.0))) for s in UNARY_SHAPES]),
    "fmax": Entry(binary(valid=apart(0.05))),
    "fmin": Entry(binary(valid=apart(0.05))),
    "remainder": Entry(binary(normal, nonzero, valid=_away_from_jumps)),
    "fmod": Entry(binary(normal, nonzero, valid=_away_from_jumps)),
    "ldexp": Entry([spec("3x2", D((3, 2)), K(lambda rng: rng.integers(-3, 4, (3, 2)))),
                    spec("scalar-exponent", D((4,)), 3),
                    spec("broadcast-exponent", D((3, 1)), np.array([-2, 0, 5])),
                    spec("scalar", D(()), -1)], static=(1,)),
    "modf_fraction": _unary(off_integers(-3, 3, 0.05)),
    "conjugate": _unary(),
    "nan_to_num": Entry(unary() + [spec("kwargs", D((3, 2)), nan=1.0, posinf=2.0,
                                        neginf=-2.0)]),
    # stable logistic family
    "log_expit": _unary(extra=[spec("tails", D((6,), uniform(-40, 40)))]),
    "logit": _unary(uniform(0.05, 0.95)),
    # error function and the normal distribution
    "erf": _unary(),
    "erfc": _unary(extra=[spec("tail", D((3,), uniform(3, 8)))]),
    "erfinv": _unary(uniform(-0.95, 0.95)),
    "erfcinv": _unary(uniform(0.05, 1.95)),
    "ndtr": _unary(),
    "ndtri": _unary(uniform(0.02, 0.98)),
    "log_ndtr": _unary(uniform(-6, 6), extra=[spec("left-tail", D((4,), _TAIL))]),
    "ndtr_ratio": _unary(uniform(-6, 6), extra=[spec("left-tail", D((4,), _TAIL))]),
    "ndtr_ratio_shift": _unary(uniform(-6, 6), extra=[spec("left-tail", D((4,), _TAIL))]),
    # gamma and its logarithmic derivatives
    "gammaln": _unary(uniform(0.2, 8.0), extra=[spec("negative", D((4,), off_integers(-4, 0)))]),
    "gamma": _unary(uniform(0.3, 4.0), extra=[spec("negative", D((4,), off_integers(-4, 0)))]),
    "digamma": _unary(uniform(0.2, 8.0), extra=[
        spec("negative", D((4,), off_integers(-4, 0))),
        spec("near-root", D((3,), uniform(1.3, 1.6)))]),
    "polygamma": Entry(_polygammas(), static=(0,)),
    # x log y and entropy
    "xlogy": Entry(binary(normal, positive) + [
        spec("x-zeros", D((4,), lambda r, s: np.array([0.0, 1.5, 0.0, -0.5])), D((4,), positive))]),
    "xlog1py": Entry(binary(normal, uniform(-0.6, 2.0))),
    "entr": _unary(positive),
}

# Checked on real arguments only (the complex sweep skips them, saying why):
for _name in ("cbrt", "logaddexp", "logaddexp2", "arctan2", "hypot", "deg2rad", "rad2deg",
              "copysign", "nextafter", "remainder", "fmod", "ldexp", "modf_fraction"):
    RULES[_name].real_only = NUMPY_REAL
for _name in ("log_expit", "logit", "erf", "erfc", "erfinv", "erfcinv", "ndtr", "ndtri",
              "log_ndtr", "ndtr_ratio", "ndtr_ratio_shift", "gammaln", "gamma", "digamma",
              "polygamma", "xlogy", "xlog1py", "entr"):
    RULES[_name].real_only = SPECIAL_REAL
RULES["sinc"].real_only = "its derivative (sinc_derivative) is a series in real x"
RULES["sinc_derivative"].real_only = "a series in real x (a complex x is a TypeError)"
