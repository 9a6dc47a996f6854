"""``dirichlet``: the Dirichlet distribution with concentration ``alpha`` (K components)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...numpy import concatenate, exp, reshape, sum
from .. import special
from .location_scale import plain_array

__all__ = ["dirichlet"]


def _log_beta(alpha: Any) -> Any:
    """log B(α) = Σ log Γ(α_i) - log Γ(Σ α_i)."""
    return sum(special.gammaln(alpha)) - special.gammaln(sum(alpha))


class Dirichlet:
    """f(x) = Π x_i^{α_i - 1}/B(α) on the simplex, SciPy's layout: ``x`` has the K
    components along its *first* axis (or K - 1 of them, the last being 1 - Σ), ``alpha``
    is a vector of K; the result has x.shape[1:]. ``pdf``, ``logpdf``, ``entropy``,
    ``mean``, ``var``; differentiable in x and α (digamma)."""

    name = "dirichlet"

    @staticmethod
    def _check(x: Any, alpha: Any):
        av = plain_array(alpha)
        if av.ndim != 1 or av.size < 2:
            raise ValueError("dirichlet: alpha must be a vector of at least 2 entries, got "
                             f"shape {av.shape}")
        if np.any(av <= 0):
            raise ValueError("dirichlet: every entry of alpha must be > 0")
        xv = plain_array(x)
        if xv.ndim == 0 or xv.shape[0] not in (av.size, av.size - 1):
            raise ValueError(f"dirichlet: x must have {av.size} (or {av.size - 1}) entries "
                             f"along its first axis (the components), got shape {xv.shape}")
        if xv.shape[0] == av.size - 1:
            last = 1 - sum(x, axis=0, keepdims=True)
            x = concatenate([x, last], axis=0)
            xv = plain_array(x)
        if np.any(xv < 0) or np.any(xv > 1):
            raise ValueError("dirichlet: every component of x must be in [0, 1]")
        if np.any(np.abs(xv.sum(axis=0) - 1) > 1e-9):
            raise ValueError("dirichlet: the components of x must sum to 1 along axis 0")
        return x, reshape(alpha, (av.size,) + (1,) * (xv.ndim - 1))

    def logpdf(self, x: Any, alpha: Any) -> Any:
        x, a = self._check(x, alpha)
        return sum(special.xlogy(a - 1, x), axis=0) - _log_beta(alpha)

    def pdf(self, x: Any, alpha: Any) -> Any:
        return exp(self.logpdf(x, alpha))

    def entropy(self, alpha: Any) -> Any:
        """log B(α) + (α₀ - K) ψ(α₀) - Σ (α_i - 1) ψ(α_i), α₀ = Σ α_i."""
        k = plain_array(alpha).size
        a0 = sum(alpha)
        return (_log_beta(alpha) + (a0 - k) * special.digamma(a0)
                - sum((alpha - 1) * special.digamma(alpha)))

    def mean(self, alpha: Any) -> Any:
        return alpha / sum(alpha)

    def var(self, alpha: Any) -> Any:
        a0 = sum(alpha)
        m = alpha / a0
        return m * (1 - m) / (a0 + 1)

    def __repr__(self) -> str:
        return "<chainrule.scipy.stats.dirichlet>"


dirichlet = Dirichlet()
