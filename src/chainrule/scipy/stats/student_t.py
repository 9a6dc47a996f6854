"""``t``: Student's t distribution with ``df`` degrees of freedom."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...numpy import exp, log, log1p, sign, square, where
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
        """(L, s) with P(T < -|z|) = L where s = sign z < 0 and P(T > z) = L where s > 0:
        the tail from whichever form is accurate, each branch seeing only arguments in its
        own domain (the double where)."""
        zv, dfv = plain_array(z), plain_array(df)
        zero = zv == 0
        # at z = 0 the centre's I_y(½, ν/2) has an infinite slope in y = z²/(ν + z²) times
        # dy/dz = 0 (NaN): there L is ½ - z f(0), the exact value and derivative, and the
        # incomplete beta function sees z = 1 instead
        zs = where(zero, 1.0, z) if zero.any() else z
        z2 = square(zs)
        centre = (zv * zv < dfv) & ~zero
        zc = where(centre, z2, 0.25 * df)
        zt = where(centre, df, z2)
        mid = 0.5 - 0.5 * special.betainc(0.5, 0.5 * df, zc / (df + zc))
        far = 0.5 * special.betainc(0.5 * df, 0.5, df / (df + zt))
        low = where(centre, mid, far)
        if not zero.any():
            return low, sign(z)
        f0 = exp(self._logpdf(0.0 * z, df))
        return where(zero, 0.5 - z * f0, low), where(zero, 1.0, sign(z))

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
