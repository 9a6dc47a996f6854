"""Special functions (erf, gammaln, digamma, ...) with their rules, without SciPy."""

from __future__ import annotations
