"""Curvature of the landscape from Hessian-vector products: Lanczos, spectra, traces, and
the second-order test at a critical point.

Everything is built on ``cr.hvp`` (forward over reverse), so the Hessian is never formed
unless it is small (``dense_limit`` parameters; the lecture's Iris MLP has 96): one product
costs about two gradient evaluations.

* :func:`lanczos` — the symmetric Lanczos process with full re-orthogonalisation: after
  ``m`` products, the tridiagonal ``T = Qᵀ H Q`` whose eigenvalues (Ritz values) converge
  to the extreme eigenvalues of H first.
* :func:`hessian_eigs` — the ``k`` largest and/or smallest eigenvalues (and eigenvectors,
  as pytrees that :func:`~chainrule.landscape.line` can slice along).
* :func:`hessian_spectrum` — all eigenvalues (dense) for small models, otherwise the
  stochastic Lanczos quadrature density (Ghorbani et al., 2019; Ubaru et al., 2017).
* :func:`hessian_trace` — Hutchinson's estimator tr H = E[vᵀ H v], Rademacher v.
* :func:`classify_critical_point` — gradient norm, index, minimum / saddle / maximum.

The loss is a function of one parameter pytree, ``loss(params) -> scalar``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import chainrule as cr

from .vectors import ravel

__all__ = ["hvp_operator", "lanczos", "hessian_eigs", "hessian_spectrum", "Spectrum",
           "hessian_trace", "TraceEstimate", "classify_critical_point", "CriticalPoint",
           "dense_hessian"]

WHICH = ("largest", "smallest", "both")


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def hvp_operator(loss: Callable, params: Any) -> tuple[Callable[[np.ndarray], np.ndarray],
                                                          int, Callable[[np.ndarray], Any]]:
    """``(matvec, n, unravel)``: ``matvec(v) = H v`` on flat vectors of the ``n`` floating
    parameters, by ``cr.hvp`` at ``params``."""
    theta, unravel = ravel(params)

    def matvec(v: np.ndarray) -> np.ndarray:
        (hv,) = cr.hvp(loss, (params,), (unravel(np.asarray(v, dtype=np.float64)),))
        return ravel(hv)[0]

    return matvec, theta.size, unravel


def dense_hessian(loss: Callable, params: Any) -> np.ndarray:
    """The ``n × n`` Hessian over the flat floating parameters (``cr.hessian`` of the loss
    of the unravelled vector); symmetrised against rounding."""
    theta, unravel = ravel(params)
    H = np.asarray(cr.hessian(lambda t: loss(unravel(t)))(theta), dtype=np.float64)
    return 0.5 * (H + H.T)


def lanczos(matvec: Callable[[np.ndarray], np.ndarray], n: int, iters: int,
            v0: np.ndarray | None = None, rng: int | np.random.Generator | None = 0
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(alpha, beta, Q)``: ``iters`` steps of Lanczos on the symmetric operator ``matvec``.

    ``T = tridiag(beta, alpha, beta)`` (``alpha``: diagonal, ``beta``: off-diagonal) equals
    ``Qᵀ A Q`` for the orthonormal columns ``Q`` (``n × m``). Every new vector is
    re-orthogonalised against all previous ones (twice: Gram-Schmidt "twice is enough"),
    which removes the spurious copies of converged eigenvalues that plain Lanczos makes in
    floating point. If the Krylov space becomes invariant (a ``beta`` below 1e-12 of the
    scale), the process stops early: its Ritz values are then exact eigenvalues.
    """
    m = int(min(iters, n))
    if m < 1:
        raise ValueError(f"lanczos: iters must be at least 1, got {iters!r}.")
    q = _rng(rng).standard_normal(n) if v0 is None else np.asarray(v0, dtype=np.float64)
    q = q / np.linalg.norm(q)
    Q = np.zeros((n, m))
    alpha, beta = np.zeros(m), np.zeros(max(m - 1, 0))
    scale = 0.0
    for j in range(m):
        Q[:, j] = q
        w = np.asarray(matvec(q), dtype=np.float64)
        alpha[j] = q @ w
        for _ in range(2):
            w = w - Q[:, :j + 1] @ (Q[:, :j + 1].T @ w)
        b = float(np.linalg.norm(w))
        scale = max(scale, abs(alpha[j]), b)
        if j == m - 1:
            break
        if b <= 1e-12 * max(scale, 1e-300):
            return alpha[:j + 1], beta[:j], Q[:, :j + 1]
        beta[j] = b
        q = w / b
    return alpha, beta, Q


def _ritz(alpha: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    T = np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1)
    return np.linalg.eigh(T)


def hessian_eigs(loss: Callable, params: Any, k: int = 1, which: str = "largest", *,
                 iters: int | None = None, seed: int | None = 0,
                 return_vectors: bool = False) -> Any:
    """The ``k`` extreme eigenvalues of the Hessian of ``loss`` at ``params``, by Lanczos
    on ``cr.hvp`` (the Hessian is never formed).

    ``which``: ``"largest"`` (the top ``k``), ``"smallest"`` (the bottom ``k``) or
    ``"both"`` (bottom ``k`` then top ``k``). Values are in ascending order, like
    ``numpy.linalg.eigvalsh(H)[-k:]``, ``[:k]`` and their concatenation.
    ``iters``: Lanczos steps, default ``min(n, max(3k + 30, 60))``; the extreme Ritz values
    converge first, so this is far below n for large models.
    ``return_vectors=True`` also returns the unit eigenvectors (Ritz vectors) as pytrees
    shaped like ``params``, in the same order: directions for :func:`line` or :func:`plane`.
    """
    if which not in WHICH:
        raise ValueError(f"hessian_eigs: which must be one of {WHICH}, got {which!r}.")
    matvec, n, unravel = hvp_operator(loss, params)
    if not 1 <= k <= n:
        raise ValueError(f"hessian_eigs: k must be between 1 and the number of parameters "
                         f"({n}), got {k!r}.")
    m = min(n, max(3 * k + 30, 60)) if iters is None else int(iters)
    alpha, beta, Q = lanczos(matvec, n, m, rng=seed)
    vals, vecs = _ritz(alpha, beta)
    kk = min(k, len(vals))
    if which == "largest":
        idx = np.arange(len(vals) - kk, len(vals))
    elif which == "smallest":
        idx = np.arange(kk)
    else:
        idx = np.unique(np.concatenate([np.arange(kk), np.arange(len(vals) - kk, len(vals))]))
    values = vals[idx]
    if not return_vectors:
        return values
    return values, [unravel(Q @ vecs[:, i]) for i in idx]


@dataclass
class Spectrum:
    """A Hessian spectrum: exact eigenvalues (``method="dense"``) or a stochastic Lanczos
    quadrature estimate (``method="slq"``): ``nodes`` with ``weights`` summing to 1, a
    discrete density whose moments match those of the eigenvalue distribution."""

    method: str
    n: int
    nodes: np.ndarray
    weights: np.ndarray
    eigenvalues: np.ndarray | None = None

    def density(self, grid: Any, width: float | None = None) -> np.ndarray:
        """The spectral density on ``grid``: the nodes broadened by Gaussians of standard
        deviation ``width`` (default 1% of the spectrum's range), integrating to 1."""
        g = np.asarray(grid, dtype=np.float64)
        span = float(np.ptp(self.nodes)) or 1.0
        s = 0.01 * span if width is None else float(width)
        z = (g[:, None] - self.nodes[None, :]) / s
        return (np.exp(-0.5 * z * z) @ self.weights) / (s * np.sqrt(2 * np.pi))

    def fraction_below(self, x: float) -> float:
        """The share of eigenvalues below ``x`` (exact for dense, estimated for SLQ)."""
        return float(np.sum(self.weights[self.nodes < x]))


def hessian_spectrum(loss: Callable, params: Any, *, dense_limit: int = 400, iters: int = 80,
                     probes: int = 8, seed: int | None = 0) -> Spectrum:
    """The eigenvalue distribution of the Hessian of ``loss`` at ``params``.

    With at most ``dense_limit`` floating parameters, the dense Hessian's eigenvalues
    (``numpy.linalg.eigvalsh``). Otherwise stochastic Lanczos quadrature: ``probes``
    Lanczos runs of ``iters`` steps from random unit vectors v; each gives the Gauss
    quadrature nodes θ_i (Ritz values) and weights (first components of T's eigenvectors,
    squared) of the measure vᵀ δ(λ - H) v, whose average over v estimates the density.
    """
    theta, _ = ravel(params)
    n = theta.size
    if n <= dense_limit:
        ev = np.linalg.eigvalsh(dense_hessian(loss, params))
        return Spectrum("dense", n, ev, np.full(n, 1.0 / n), ev)
    matvec, _, _ = hvp_operator(loss, params)
    gen = _rng(seed)
    nodes, weights = [], []
    for _ in range(probes):
        alpha, beta, _ = lanczos(matvec, n, iters, rng=gen)
        vals, vecs = _ritz(alpha, beta)
        nodes.append(vals)
        weights.append(vecs[0, :] ** 2 / probes)
    return Spectrum("slq", n, np.concatenate(nodes), np.concatenate(weights))


@dataclass
class TraceEstimate:
    """Hutchinson's estimate of tr H: the mean of vᵀ H v over ``samples`` probes, and its
    standard error (the sample standard deviation / √samples)."""

    value: float
    stderr: float
    samples: int
    draws: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))


def hessian_trace(loss: Callable, params: Any, samples: int = 100, *,
                  seed: int | None = 0) -> TraceEstimate:
    """Hutchinson (1990): tr H = E[vᵀ H v] for v with independent ±1 entries (Rademacher,
    the minimum-variance choice among i.i.d. probes), one ``cr.hvp`` per sample."""
    if samples < 2:
        raise ValueError(f"hessian_trace: samples must be at least 2 (for a standard error), "
                         f"got {samples!r}.")
    matvec, n, _ = hvp_operator(loss, params)
    gen = _rng(seed)
    draws = np.empty(samples)
    for i in range(samples):
        v = gen.choice((-1.0, 1.0), size=n)
        draws[i] = v @ matvec(v)
    return TraceEstimate(float(draws.mean()), float(draws.std(ddof=1) / np.sqrt(samples)),
                         samples, draws)


@dataclass
class CriticalPoint:
    """The second-order test at a point.

    ``kind``: ``"minimum"`` (no eigenvalue below ``-eig_tol``), ``"maximum"`` (none above
    ``eig_tol``), ``"saddle"`` (both signs), ``"flat"`` (all within ``eig_tol``), or
    ``"not critical"`` when ``grad_norm > grad_tol`` (the curvature is still reported).
    ``index``: the fraction of eigenvalues below ``-eig_tol`` (Dauphin et al.'s index);
    ``n_zero``: eigenvalues within the tolerance (a degenerate point when > 0: the
    second-order test cannot see along those directions).
    """

    kind: str
    grad_norm: float
    index: float
    n_negative: int
    n_zero: int
    n: int
    min_eig: float
    max_eig: float
    eig_tol: float
    grad_tol: float
    method: str

    def __str__(self) -> str:
        return (f"{self.kind}: |grad| = {self.grad_norm:.2e} (tol {self.grad_tol:.0e}), "
                f"index = {self.index:.3f} ({self.n_negative} of {self.n} eigenvalues < "
                f"-{self.eig_tol:.1e}, {self.n_zero} within it), λ in [{self.min_eig:.3e}, "
                f"{self.max_eig:.3e}] ({self.method})")


def classify_critical_point(loss: Callable, params: Any, *, grad_tol: float = 1e-6,
                            eig_tol: float | None = None, dense_limit: int = 400,
                            seed: int | None = 0) -> CriticalPoint:
    """Gradient norm, index and type of the point ``params`` of ``loss``.

    ``eig_tol`` (default ``1e-6 · max|λ|``, at least 1e-12) decides which eigenvalues count
    as zero. Small models use the dense spectrum; larger ones the SLQ estimate (the index
    is then estimated) with the extreme eigenvalues from Lanczos.
    """
    value, g = cr.value_and_grad(loss)(params)
    gnorm = float(np.linalg.norm(ravel(g)[0]))
    spec = hessian_spectrum(loss, params, dense_limit=dense_limit, seed=seed)
    if spec.method == "dense":
        lo, hi = float(spec.nodes[0]), float(spec.nodes[-1])
    else:
        both = hessian_eigs(loss, params, k=1, which="both", seed=seed)
        lo, hi = float(both[0]), float(both[-1])
    tol = max(1e-6 * max(abs(lo), abs(hi)), 1e-12) if eig_tol is None else float(eig_tol)
    neg = spec.fraction_below(-tol)
    pos = 1.0 - spec.fraction_below(tol + 1e-300) if spec.method == "slq" else float(
        np.mean(spec.nodes > tol))
    n_neg = int(round(neg * spec.n))
    n_pos = int(round(pos * spec.n))
    if gnorm > grad_tol:
        kind = "not critical"
    elif n_neg and n_pos:
        kind = "saddle"
    elif n_neg:
        kind = "maximum"
    elif n_pos:
        kind = "minimum"
    else:
        kind = "flat"
    return CriticalPoint(kind, gnorm, neg, n_neg, spec.n - n_neg - n_pos, spec.n, lo, hi, tol,
                         grad_tol, spec.method)
