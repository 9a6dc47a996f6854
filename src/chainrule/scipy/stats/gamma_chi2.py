"""``gamma`` (shape a) and ``chi2`` (df degrees of freedom: gamma with a = df/2, scale 2)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import special
from .location_scale import ContinuousDistribution

_LOG2 = math.log(2.0)


class Gamma(ContinuousDistribution):
    """f(z) = z^{a-1} e^{-z}/Γ(a) on z ≥ 0; F = P(a, z) (gammainc), sf = Q(a, z)
    (gammaincc); entropy a + log Γ(a) + (1 - a) ψ(a). The CDFs differentiate in x, loc and
    scale, not in a (an error); the density and entropy in a too."""

    name = "gamma"
    shapes = ("a",)
    lower = 0.0
    inside = 1.0

    def _valid(self, a: np.ndarray) -> np.ndarray:
        return a > 0

    def _logpdf(self, z: Any, a: Any) -> Any:
        return special.xlogy(a - 1, z) - z - special.gammaln(a)

    def _cdf(self, z: Any, a: Any) -> Any:
        return special.gammainc(a, z)

    def _sf(self, z: Any, a: Any) -> Any:
        return special.gammaincc(a, z)

    def _entropy(self, a: Any) -> Any:
        return a + special.gammaln(a) + (1 - a) * special.digamma(a)


class ChiSquared(ContinuousDistribution):
    """χ²_ν = Gamma(ν/2, scale 2): f(z) = (z/2)^{ν/2-1} e^{-z/2}/(2 Γ(ν/2)), F = P(ν/2, z/2)."""

    name = "chi2"
    shapes = ("df",)
    lower = 0.0
    inside = 1.0

    def _valid(self, df: np.ndarray) -> np.ndarray:
        return df > 0

    def _logpdf(self, z: Any, df: Any) -> Any:
        k = 0.5 * df
        return special.xlogy(k - 1, 0.5 * z) - 0.5 * z - special.gammaln(k) - _LOG2

    def _cdf(self, z: Any, df: Any) -> Any:
        return special.gammainc(0.5 * df, 0.5 * z)

    def _sf(self, z: Any, df: Any) -> Any:
        return special.gammaincc(0.5 * df, 0.5 * z)

    def _entropy(self, df: Any) -> Any:
        k = 0.5 * df
        return k + _LOG2 + special.gammaln(k) + (1 - k) * special.digamma(k)


gamma = Gamma()
chi2 = ChiSquared()
