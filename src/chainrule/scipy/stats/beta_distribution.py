"""``beta``: the beta distribution on [loc, loc + scale]."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import special
from .location_scale import ContinuousDistribution


class Beta(ContinuousDistribution):
    """f(z) = z^{a-1}(1 - z)^{b-1}/B(a, b) on [0, 1]; F = I_z(a, b), sf = I_{1-z}(b, a)
    (accurate in the right tail); entropy log B(a, b) - (a - 1) ψ(a) - (b - 1) ψ(b) +
    (a + b - 2) ψ(a + b). The CDFs differentiate in x, loc, scale, not in a and b (an
    error); the density and entropy in a and b too."""

    name = "beta"
    shapes = ("a", "b")
    lower = 0.0
    upper = 1.0
    inside = 0.5

    def _valid(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (a > 0) & (b > 0)

    def _logpdf(self, z: Any, a: Any, b: Any) -> Any:
        return special.xlogy(a - 1, z) + special.xlog1py(b - 1, -z) - special.betaln(a, b)

    def _cdf(self, z: Any, a: Any, b: Any) -> Any:
        return special.betainc(a, b, z)

    def _sf(self, z: Any, a: Any, b: Any) -> Any:
        return special.betainc(b, a, 1 - z)

    def _entropy(self, a: Any, b: Any) -> Any:
        return (special.betaln(a, b) - (a - 1) * special.digamma(a)
                - (b - 1) * special.digamma(b) + (a + b - 2) * special.digamma(a + b))


beta = Beta()
