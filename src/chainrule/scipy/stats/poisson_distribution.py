"""``poisson``: the Poisson distribution with mean ``mu`` (shifted by ``loc``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...numpy import arange, exp, floor, log, reshape, sum, where
from .. import special
from .location_scale import plain_array

__all__ = ["poisson"]


class Poisson:
    """P(K = k) = μ^k e^{-μ}/k! for k = 0, 1, 2 ...: ``pmf(k, mu, loc=0)``, ``logpmf``,
    ``cdf`` = Q(⌊k⌋ + 1, μ) (gammaincc), ``sf`` = P(⌊k⌋ + 1, μ), ``logcdf``, ``logsf``,
    ``entropy(mu)``.

    Differentiable in μ everywhere (∂/∂μ Q(k + 1, μ) = -μ^k e^{-μ}/k!, the incomplete gamma
    function's derivative in x). k is a count: the CDFs are constant in it (derivative 0);
    ``logpmf`` is SciPy's value (-inf at non-integers and below 0) with the derivative of
    the continuous extension k log μ - μ - log Γ(k + 1) in k at the integers (as JAX's).
    The entropy is summed over k up to μ + 40√μ + 40, where the rest is below 1e-300."""

    name = "poisson"

    @staticmethod
    def _shifted(k: Any, mu: Any, loc: Any):
        x = k - loc
        xv, muv = plain_array(x), plain_array(mu)
        bad = ~(muv >= 0) | np.isnan(xv)
        return x, xv, bad

    def logpmf(self, k: Any, mu: Any, loc: Any = 0) -> Any:
        x, xv, bad = self._shifted(k, mu, loc)
        off = (xv < 0) | (xv != np.floor(xv))
        xs = where(off, 0.0, x) if off.any() else x
        value = special.xlogy(xs, mu) - mu - special.gammaln(xs + 1)
        if off.any():
            value = where(off, -np.inf, value)
        return where(bad, np.nan, value) if bad.any() else value

    def pmf(self, k: Any, mu: Any, loc: Any = 0) -> Any:
        return exp(self.logpmf(k, mu, loc))

    def _tail(self, k: Any, mu: Any, loc: Any, upper: bool) -> Any:
        x, xv, bad = self._shifted(k, mu, loc)
        below = xv < 0
        n = floor(where(below, 0.0, x)) + 1  # a plain array: floor has no derivative
        value = special.gammainc(n, mu) if upper else special.gammaincc(n, mu)
        if below.any():
            value = where(below, 1.0 if upper else 0.0, value)
        return where(bad, np.nan, value) if bad.any() else value

    def cdf(self, k: Any, mu: Any, loc: Any = 0) -> Any:
        return self._tail(k, mu, loc, upper=False)

    def sf(self, k: Any, mu: Any, loc: Any = 0) -> Any:
        return self._tail(k, mu, loc, upper=True)

    def logcdf(self, k: Any, mu: Any, loc: Any = 0) -> Any:
        with np.errstate(divide="ignore"):  # log 0 = -inf below the support
            return log(self.cdf(k, mu, loc))

    def logsf(self, k: Any, mu: Any, loc: Any = 0) -> Any:
        with np.errstate(divide="ignore"):
            return log(self.sf(k, mu, loc))

    def entropy(self, mu: Any, loc: Any = 0) -> Any:
        """-Σ_k p_k log p_k, summed over the support's mass."""
        muv = plain_array(mu)
        top = float(np.max(muv + 40 * np.sqrt(muv) + 40)) if muv.size else 0.0
        ks = reshape(arange(0.0, np.ceil(top) + 1), (-1,) + (1,) * muv.ndim)
        logp = special.xlogy(ks, mu) - mu - special.gammaln(ks + 1)
        finite = np.isfinite(plain_array(logp))  # -inf for k > 0 at μ = 0: p = 0 there
        safe = logp if finite.all() else where(finite, logp, 0.0)
        return -sum(exp(logp) * safe, axis=0)

    def __repr__(self) -> str:
        return "<chainrule.scipy.stats.poisson>"


poisson = Poisson()
