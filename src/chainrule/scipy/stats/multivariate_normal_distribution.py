"""``multivariate_normal``: the normal distribution N(mean, cov) in d dimensions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...numpy import diag as _diag
from ...numpy import exp, eye, linalg, newaxis, sum, swapaxes
from .location_scale import plain_array

__all__ = ["multivariate_normal"]

_LOG_2PI = math.log(2 * math.pi)


class MultivariateNormal:
    """log f(x) = -½ (d log 2π + log det Σ + (x - μ)ᵀ Σ⁻¹ (x - μ)) with SciPy's layout:
    ``x`` of shape (..., d) (a vector of n points when d = 1), ``mean`` a d-vector (zeros
    by default), ``cov`` a d×d matrix, a vector (its diagonal) or a number (times the
    identity); the result squeezed as SciPy's (a number for one point). ``pdf``,
    ``logpdf``, ``entropy`` = ½ log det(2πe Σ). Differentiable in x, mean and cov (through
    the Cholesky-free ``solve`` and ``slogdet``). SciPy's ``cdf`` integrates numerically
    (Genz's method) and has no chainrule counterpart: calling it raises."""

    name = "multivariate_normal"

    @staticmethod
    def _params(mean: Any, cov: Any):
        cv = plain_array(cov)
        if mean is None:
            d = 1 if cv.ndim == 0 else cv.shape[0]
            mean = np.zeros(d)
        mv = plain_array(mean)
        if mv.ndim > 1:
            raise ValueError(f"multivariate_normal: mean must be a vector, got shape {mv.shape}")
        d = mv.size if mv.ndim == 1 else (1 if cv.ndim == 0 else cv.shape[0])
        if mv.ndim == 0:
            mean = mean * np.ones(d)
        if cv.ndim == 0:
            cov = cov * eye(d)
        elif cv.ndim == 1:
            cov = _diag(cov)
        cv = plain_array(cov)
        if cv.shape != (d, d):
            raise ValueError(f"multivariate_normal: cov must be {d}x{d} for a mean of "
                             f"{d} entries, got shape {cv.shape}")
        return mean, cov, d

    @staticmethod
    def _points(x: Any, d: int):
        xv = plain_array(x)
        if xv.ndim == 0:
            x = x * np.ones(1)
        elif xv.ndim == 1:
            x = x[:, newaxis] if d == 1 else x[newaxis, :]
        return x

    def logpdf(self, x: Any, mean: Any = None, cov: Any = 1) -> Any:
        mean, cov, d = self._params(mean, cov)
        x = self._points(x, d)
        diff = x - mean  # (..., d)
        flat = diff.reshape((-1, d))
        sol = linalg.solve(cov, swapaxes(flat, 0, 1))  # Σ⁻¹ (x - μ), (d, n)
        maha = sum(swapaxes(flat, 0, 1) * sol, axis=0).reshape(plain_array(diff).shape[:-1])
        _, logdet = linalg.slogdet(cov)
        out = -0.5 * (d * _LOG_2PI + logdet + maha)
        shape = plain_array(out).shape
        if any(n == 1 for n in shape):
            out = out.reshape(tuple(n for n in shape if n != 1))
        return out

    def pdf(self, x: Any, mean: Any = None, cov: Any = 1) -> Any:
        return exp(self.logpdf(x, mean, cov))

    def entropy(self, mean: Any = None, cov: Any = 1) -> Any:
        _, cov, d = self._params(mean, cov)
        _, logdet = linalg.slogdet(cov)
        return 0.5 * (d * (1 + _LOG_2PI) + logdet)

    def cdf(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "chainrule.scipy.stats.multivariate_normal.cdf: SciPy integrates the density "
            "numerically (Genz's quasi-Monte Carlo method); chainrule has no differentiable "
            "counterpart. For d = 1 use chainrule.scipy.stats.norm.cdf; otherwise compute "
            "it with scipy.stats on plain values (no derivative).")

    logcdf = cdf

    def __repr__(self) -> str:
        return "<chainrule.scipy.stats.multivariate_normal>"


multivariate_normal = MultivariateNormal()
