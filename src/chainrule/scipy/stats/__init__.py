"""``chainrule.scipy.stats``: differentiable SciPy distributions (SciPy not needed).

``norm``, ``t``, ``gamma``, ``beta``, ``chi2`` (SciPy's signatures: shapes, then ``loc`` and
``scale``; ``pdf logpdf cdf logcdf sf logsf entropy``), ``poisson`` (``pmf logpmf cdf
logcdf sf logsf entropy``, with ``loc``), ``dirichlet`` (``pdf logpdf entropy mean var``)
and ``multivariate_normal`` (``pdf logpdf entropy``). Arguments broadcast as SciPy's;
values are SciPy's (1e-12), outside the support too; every method is a composite of
chainrule primitives and differentiates in its arguments, except the CDFs in the shape
parameters of t, gamma, chi2 and beta (through the incomplete beta and gamma functions,
whose derivatives there have no closed form: an error says so).
"""

from __future__ import annotations

from .beta_distribution import beta
from .dirichlet_distribution import dirichlet
from .gamma_chi2 import chi2, gamma
from .multivariate_normal_distribution import multivariate_normal
from .normal import norm
from .poisson_distribution import poisson
from .student_t import t

__all__ = ["norm", "t", "gamma", "beta", "chi2", "poisson", "dirichlet", "multivariate_normal"]
