"""Rule table for the Bessel primitives of :mod:`chainrule.ops.special` (merged by test_rules.py).

``i0`` and ``i1`` (the modified Bessel functions of order 0 and 1) over the sweep's shapes,
near 0 (i1's rule has the limit ½ there, and 0 itself, and switches to a series below
|x| = 1) and at moderate |x|. Large |x| (i1's asymptotic expansion above 18) is checked in
tests/numpy/test_creation_statistics_polynomial.py: there I₀ ~ 1e7, and the mutation test's
wrong derivative of size 0.1 would hide under the sweep's tolerance. The composites (cov, linspace,
polynomials, histograms ...) are tested there too.
"""

from __future__ import annotations

import numpy as np

from _harness.specs import SPECIAL_REAL, D, Entry, real_only, spec, unary


def _both_signs(lo, hi):
    """|x| uniform on (lo, hi), either sign."""
    def draw(rng, shape):
        return rng.choice([-1.0, 1.0], shape) * rng.uniform(lo, hi, shape)
    return draw


def _near_zero(rng, shape):
    """0 itself, tiny values of both signs, and small ones."""
    return np.array([0.0, 1e-9, -3e-7, 0.05, -0.3, 0.7])[:shape[0]]


def _bessel() -> Entry:
    return Entry(unary() + [
        spec("near-0", D((6,), _near_zero)),
        spec("around-1", D((4,), _both_signs(0.8, 1.2))),
        spec("moderate", D((3, 2), _both_signs(1.5, 5.0))),
    ])


RULES = {
    "i0": real_only(_bessel(), SPECIAL_REAL),
    "i1": real_only(_bessel(), SPECIAL_REAL),
}
