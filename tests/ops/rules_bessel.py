"""Rule table for :mod:`chainrule.ops.bessel` (merged by test_rules.py).

J of either sign of x, Y for x > 0, below and above x = 25 (where the evaluation switches
from Miller's recurrence to Hankel's expansion); integer orders fixed (no rule), negative
ones included; I and its scaled form for real orders (ive above x = 50 too, where the
asymptotic expansion takes over), ive across 0 only for orders where it is smooth
there. Values against SciPy: tests/scipy/test_special.py.
"""

from __future__ import annotations

import numpy as np

from _harness.specs import SPECIAL_REAL, D, Entry, real_only, spec, unary


def _uniform(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


def _both_signs(lo, hi):
    def draw(rng, shape):
        return rng.choice([-1.0, 1.0], shape) * rng.uniform(lo, hi, shape)
    return draw


def _j_extra():
    return [spec("large", D((3,), _both_signs(26.0, 40.0))),
            spec("small", D((4,), _both_signs(0.05, 1.0)))]


def _y_extra():
    return [spec("large", D((3,), _uniform(26.0, 40.0)))]


def _order_specs(orders, domain):
    return [spec(f"n={n!r}", n, D((4,), domain)) for n in orders] + [
        spec("n=array&3x1", np.array([0, 2, -1, 5]), D((3, 1), domain)),
        spec("n=3,large", 3, D((3,), _uniform(26.0, 40.0)))]


def _v_specs(orders, domain, large):
    return [spec(f"v={v!r}", v, D((4,), domain)) for v in orders] + [
        spec("v=array&3x1", np.array([0.0, 0.5, 2.0, 3.5]), D((3, 1), _uniform(0.3, 5.0))),
        spec("v=1,large", 1.0, D((3,), _uniform(*large)))]


RULES = {
    "j0": Entry(unary(_both_signs(0.3, 20.0)) + _j_extra()),
    "j1": Entry(unary(_both_signs(0.3, 20.0)) + _j_extra()),
    "y0": Entry(unary(_uniform(0.5, 20.0)) + _y_extra()),
    "y1": Entry(unary(_uniform(0.5, 20.0)) + _y_extra()),
    "jn": Entry(_order_specs([0, 1, 2, 5, -3], _both_signs(0.3, 15.0)), static=(0,)),
    "yn": Entry(_order_specs([0, 1, 2, 5, -3], _uniform(1.0, 15.0)), static=(0,)),
    "iv": Entry(_v_specs([0.0, 1.0, 0.5, 2.5, -1.5], _uniform(0.3, 6.0), (8.0, 12.0))
                + [spec("v=2,negative-x", 2.0, D((4,), _both_signs(0.3, 4.0)))],
                static=(0,)),
    "ive": Entry(_v_specs([0.0, 1.0, 0.5, 2.5, -1.5], _uniform(0.3, 6.0), (50.0, 70.0))
                 + [spec("v=3,negative-x", 3.0, D((4,), _both_signs(0.3, 4.0)))],
                 static=(0,)),
}

for _entry in RULES.values():  # real arguments only, like the other special functions
    real_only(_entry, SPECIAL_REAL)
