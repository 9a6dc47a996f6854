"""``norm``: the normal distribution N(loc, scale²)."""

from __future__ import annotations

import math
from typing import Any

from ...numpy import square
from .. import special
from .location_scale import ContinuousDistribution

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


class Normal(ContinuousDistribution):
    """φ(z) = e^{-z²/2}/√(2π); Φ(z) = ndtr(z), log Φ = log_ndtr(z) (accurate in the left
    tail), sf(z) = Φ(-z); entropy ½ log(2πe) + log scale."""

    name = "norm"

    def _logpdf(self, z: Any) -> Any:
        return -0.5 * square(z) - _HALF_LOG_2PI

    def _cdf(self, z: Any) -> Any:
        return special.ndtr(z)

    def _sf(self, z: Any) -> Any:
        return special.ndtr(-z)

    def _logcdf(self, z: Any) -> Any:
        return special.log_ndtr(z)

    def _logsf(self, z: Any) -> Any:
        return special.log_ndtr(-z)

    def _entropy(self) -> Any:
        return 0.5 + _HALF_LOG_2PI


norm = Normal()
