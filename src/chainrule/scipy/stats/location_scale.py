"""The machinery of SciPy's univariate continuous distributions, differentiable.

A distribution is standardized: its subclass gives the log density, CDF, survival function
(and their logs) and entropy of z = (x - loc)/scale for the shape parameters; this base
applies ``loc`` and ``scale`` (pdf(x) = f(z)/scale, cdf(x) = F(z), entropy + log scale),
parses arguments as SciPy does (shapes by position or keyword, ``loc``/``scale`` by
keyword or after the shapes), broadcasts them together, and returns SciPy's values outside
the support (pdf 0, logpdf -inf, cdf 0 or 1) and for invalid parameters (NaN).

Outside the support the standardized function is evaluated at a point inside it (the
"double where"), so the derivative there is 0, never NaN. Everything is a composite of
chainrule primitives: each method differentiates in x, loc and scale, and in the shape
parameters wherever the primitives do (the CDFs of t, gamma, chi2 and beta go through the
incomplete beta and gamma functions, whose derivatives in their shape parameters raise).
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import numpy as np

from ...core import full_unwrap
from ...numpy import exp, log, log1p, where

__all__ = ["ContinuousDistribution", "plain_array"]


def plain_array(x: Any) -> np.ndarray:
    """The plain float64 values of x (for masks and checks; never differentiated)."""
    return np.asarray(full_unwrap(x), dtype=np.float64)


def _quiet(bad: np.ndarray) -> Any:
    """Silence NumPy's warnings where invalid parameters are computed on (the result there
    is NaN, as SciPy's, without a warning)."""
    return np.errstate(invalid="ignore", divide="ignore") if bad.any() else nullcontext()


def _log_of(p: Any, q: Any) -> Any:
    """log p for a probability p with complement q = 1 - p (each accurate where small):
    log p where p ≤ ½, log1p(-q) where p is near 1."""
    with np.errstate(divide="ignore"):
        near_one = plain_array(p) > 0.5
        if not near_one.any():
            return log(p)
        if near_one.all():
            return log1p(-q)
        return where(near_one, log1p(-q), log(where(near_one, 0.5, p)))


class ContinuousDistribution:
    """A univariate continuous distribution with SciPy's method signatures:
    ``pdf(x, *shapes, loc=0, scale=1)``, ``logpdf``, ``cdf``, ``logcdf``, ``sf``, ``logsf``
    and ``entropy(*shapes, loc=0, scale=1)``."""

    name = "distribution"
    shapes: tuple[str, ...] = ()
    lower = -np.inf  # the support of the standardized distribution
    upper = np.inf
    inside = 0.0  # a point inside it (the stand-in outside the support)

    # ---- what a subclass defines (standardized: z, shapes) ----
    def _logpdf(self, z: Any, *shapes: Any) -> Any:
        raise NotImplementedError

    def _cdf(self, z: Any, *shapes: Any) -> Any:
        raise NotImplementedError

    def _sf(self, z: Any, *shapes: Any) -> Any:
        return 1 - self._cdf(z, *shapes)

    def _logcdf(self, z: Any, *shapes: Any) -> Any:
        return _log_of(self._cdf(z, *shapes), self._sf(z, *shapes))

    def _logsf(self, z: Any, *shapes: Any) -> Any:
        return _log_of(self._sf(z, *shapes), self._cdf(z, *shapes))

    def _entropy(self, *shapes: Any) -> Any:
        raise NotImplementedError

    def _valid(self, *shapes: np.ndarray) -> np.ndarray:
        """Where the (plain) shape parameters are valid."""
        return np.ones(np.broadcast_shapes(*(np.shape(s) for s in shapes)), bool)

    # ---- argument parsing ----
    def _parse(self, method: str, args: tuple, kwargs: dict) -> tuple[tuple, Any, Any]:
        names = self.shapes
        args = list(args)
        shapes = []
        for i, n in enumerate(names):
            if args:
                if n in kwargs:
                    raise TypeError(f"{self.name}.{method}() got multiple values for {n!r}")
                shapes.append(args.pop(0))
            elif n in kwargs:
                shapes.append(kwargs.pop(n))
            else:
                missing = ", ".join(repr(m) for m in names[i:])
                raise TypeError(f"{self.name}.{method}() missing the shape parameter(s) "
                                f"{missing}: call it as {self.name}.{method}(x, "
                                f"{', '.join(names)}, loc=0, scale=1)")
        for n, default in (("loc", 0.0), ("scale", 1.0)):
            if args:
                if n in kwargs:
                    raise TypeError(f"{self.name}.{method}() got multiple values for {n!r}")
                kwargs[n] = args.pop(0)
            kwargs.setdefault(n, default)
        loc, scale = kwargs.pop("loc"), kwargs.pop("scale")
        if args or kwargs:
            extra = list(kwargs) or [f"{len(args)} extra positional argument(s)"]
            raise TypeError(f"{self.name}.{method}() got unexpected arguments {extra}; its "
                            f"parameters are ({', '.join(names + ('loc', 'scale'))})")
        return tuple(shapes), loc, scale

    def _standardize(self, method: str, x: Any, args: tuple, kwargs: dict):
        shapes, loc, scale = self._parse(method, args, kwargs)
        z = (x - loc) / scale
        zv = plain_array(z)
        shape_vals = [plain_array(s) for s in shapes]
        bad = ~(self._valid(*shape_vals) & (plain_array(scale) > 0)) | np.isnan(zv)
        below, above = zv < self.lower, zv > self.upper
        inner = ~(below | above | bad)
        zs = z if inner.all() else where(inner, z, self.inside)
        return zs, shapes, scale, below, above, bad

    @staticmethod
    def _finish(value: Any, below: np.ndarray, above: np.ndarray, bad: np.ndarray,
                low: float, high: float) -> Any:
        if below.any() or above.any():
            value = where(below, low, where(above, high, value))
        if bad.any():
            value = where(bad, np.nan, value)
        return value

    # ---- SciPy's methods ----
    def logpdf(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        """log f(x) = log f₀((x - loc)/scale) - log scale; -inf outside the support."""
        z, shapes, scale, below, above, bad = self._standardize("logpdf", x, args, kwargs)
        with _quiet(bad):
            value = self._logpdf(z, *shapes) - log(scale)
        return self._finish(value, below, above, bad, -np.inf, -np.inf)

    def pdf(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        """f(x) = exp(logpdf(x)); 0 outside the support."""
        return exp(self.logpdf(x, *args, **kwargs))

    def cdf(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        """F(x) = P(X ≤ x)."""
        z, shapes, _, below, above, bad = self._standardize("cdf", x, args, kwargs)
        with _quiet(bad):
            value = self._cdf(z, *shapes)
        return self._finish(value, below, above, bad, 0.0, 1.0)

    def sf(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        """1 - F(x), accurate in the right tail."""
        z, shapes, _, below, above, bad = self._standardize("sf", x, args, kwargs)
        with _quiet(bad):
            value = self._sf(z, *shapes)
        return self._finish(value, below, above, bad, 1.0, 0.0)

    def logcdf(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        """log F(x)."""
        z, shapes, _, below, above, bad = self._standardize("logcdf", x, args, kwargs)
        with _quiet(bad):
            value = self._logcdf(z, *shapes)
        return self._finish(value, below, above, bad, -np.inf, 0.0)

    def logsf(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        """log(1 - F(x))."""
        z, shapes, _, below, above, bad = self._standardize("logsf", x, args, kwargs)
        with _quiet(bad):
            value = self._logsf(z, *shapes)
        return self._finish(value, below, above, bad, 0.0, -np.inf)

    def entropy(self, *args: Any, **kwargs: Any) -> Any:
        """The differential entropy -∫ f log f = h₀(shapes) + log scale."""
        shapes, _, scale = self._parse("entropy", args, kwargs)
        bad = ~(self._valid(*(plain_array(s) for s in shapes)) & (plain_array(scale) > 0))
        with _quiet(bad):
            value = self._entropy(*shapes) + log(scale)
        return where(bad, np.nan, value) if bad.any() else value

    def __repr__(self) -> str:
        return f"<chainrule.scipy.stats.{self.name}>"
