"""Rule table for :mod:`chainrule.ops.incomplete` (merged by test_rules.py).

The regularized incomplete gamma and beta functions differentiate in x; their shape
parameters are fixed arguments here (no rule: see tests/scipy/test_special.py for the
error), drawn at random and broadcast against x. Both branches of each evaluation (series
and continued fraction, direct and reflected fraction) are reached.
"""

from __future__ import annotations

from _harness.specs import SPECIAL_REAL, D, Entry, K, real_only, spec


def _uniform(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


def _shape(shape, lo, hi):
    return K(lambda rng: rng.uniform(lo, hi, shape))


def _gamma_specs() -> list:
    return [spec("scalar", _shape((), 0.5, 4.0), D((), _uniform(0.3, 6.0))),
            spec("4", _shape((4,), 0.5, 4.0), D((4,), _uniform(0.3, 6.0))),
            spec("3x1&4", _shape((3, 1), 0.5, 4.0), D((4,), _uniform(0.3, 8.0))),
            spec("scalar&3x2", _shape((), 1.5, 3.0), D((3, 2), _uniform(0.3, 8.0))),
            spec("large-a", _shape((3,), 15.0, 40.0), D((3,), _uniform(10.0, 45.0)))]


def _beta_specs() -> list:
    return [spec("scalar", _shape((), 0.8, 4.0), _shape((), 0.8, 4.0),
                 D((), _uniform(0.1, 0.9))),
            spec("4", _shape((4,), 0.8, 4.0), _shape((4,), 0.8, 4.0),
                 D((4,), _uniform(0.05, 0.95))),
            spec("3x1&1x2&3x2", _shape((3, 1), 1.0, 5.0), _shape((1, 2), 1.0, 5.0),
                 D((3, 2), _uniform(0.05, 0.95))),
            spec("scalar&4", 2.5, 1.5, D((4,), _uniform(0.05, 0.95))),
            spec("large", _shape((3,), 15.0, 30.0), _shape((3,), 15.0, 30.0),
                 D((3,), _uniform(0.3, 0.7)))]


RULES = {
    "gammainc": Entry(_gamma_specs(), static=(0,)),
    "gammaincc": Entry(_gamma_specs(), static=(0,)),
    "betainc": Entry(_beta_specs(), static=(0, 1)),
}



for _entry in RULES.values():  # real arguments only, like the other special functions
    real_only(_entry, SPECIAL_REAL)
