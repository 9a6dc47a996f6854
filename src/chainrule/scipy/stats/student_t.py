"""``t``: Student's t distribution with ``df`` degrees of freedom."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...numpy import log, log1p, sign, square, where
from .. import special
from .location_scale import ContinuousDistribution, plain_array


class StudentT(ContinuousDistribution):
    """log f(z) = log Γ((ν+1)/2) - log Γ(ν/2) - ½ log(νπ) - (ν+1)/2 log1p(z²/ν).

    The CDF through the incomplete beta function: the tail P(T > |z|) = ½ I_{ν/(ν+z²)}(ν/2,
    ½) where z² ≥ ν (accurate when small) and the centre P(0 < T < |z|) = ½ I_{z²/(ν+z²)}(½,
    ν/2) where z² < ν. Differentiable in x, loc, scale; the CDFs not in df (the incomplete
    beta function's shape parameters: an error), the density and entropy in df too."""

    name = "t"
    shapes = ("df",)

    def _valid(self, df: np.ndarray) -> np.ndarray:
        return df > 0

    def _logpdf(self, z: Any, df: Any) -> Any:
        return (special.gammaln(0.5 * (df + 1)) - special.gammaln(0.5 * df)
                - 0.5 * log(df * math.pi) - 0.5 * (df + 1) * log1p(square(z) / df))

    def _tails(self, z: Any, df: Any):
        """(P(T < -|z|), sign z) with the tail from whichever form is accurate."""
        z2 = square(z)
        zv, dfv = plain_array(z), plain_array(df)
        centre = zv * zv < dfv
        # each branch sees only arguments inside its own domain (the double where)
        zc = where(centre, z2, 0.25 * df)
        zt = where(centre, df, z2)
        mid = 0.5 - 0.5 * special.betainc(0.5, 0.5 * df, zc / (df + zc))
        far = 0.5 * special.betainc(0.5 * df, 0.5, df / (df + zt))
        return where(centre, mid, far), sign(z)

    def _cdf(self, z: Any, df: Any) -> Any:
        low, s = self._tails(z, df)
        return where(s < 0, low, 1 - low)

    def _sf(self, z: Any, df: Any) -> Any:
        low, s = self._tails(z, df)
        return where(s > 0, low, 1 - low)

    def _entropy(self, df: Any) -> Any:
        half = 0.5 * (df + 1)
        return (half * (special.digamma(half) - special.digamma(0.5 * df))
                + 0.5 * log(df) + special.betaln(0.5 * df, 0.5))


t = StudentT()
