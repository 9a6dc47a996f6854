"""Rule table for :mod:`chainrule.ops.gamma_beta` (merged by test_rules.py).

rgamma on both sides of 0, away from its poles' neighbourhood where the rule switches to the
limit; beta and betaln in both arguments over the sweep's broadcasting pairs. Values against
SciPy: tests/scipy/test_special.py.
"""

from __future__ import annotations

from _harness.specs import SPECIAL_REAL, D, Entry, binary, real_only, spec, unary


def _uniform(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


def _off_integers(rng, shape):
    """Negative non-integers, at least 0.2 from the poles of Γ."""
    return -rng.integers(0, 4, shape) - rng.uniform(0.2, 0.8, shape)


RULES = {
    "rgamma": Entry(unary(_uniform(0.3, 4.0)) + [spec("negative", D((4,), _off_integers))]),
    "beta": Entry(binary(_uniform(0.5, 4.0), _uniform(0.5, 4.0))
                  + [spec("large", D((3,), _uniform(12.0, 30.0)), D((3,), _uniform(0.5, 20.0)))]),
    "betaln": Entry(binary(_uniform(0.5, 4.0), _uniform(0.5, 4.0))
                    + [spec("large", D((3,), _uniform(12.0, 30.0)),
                            D((3,), _uniform(0.5, 20.0)))]),
}



for _entry in RULES.values():  # real arguments only, like the other special functions
    real_only(_entry, SPECIAL_REAL)
