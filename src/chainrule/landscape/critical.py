"""Finding critical points that are not minima: Newton-type steps on ‖∇L‖².

Gradient descent runs away from saddle points, so it cannot find them. Minimising
``½‖g(θ)‖²`` (``g = ∇L``) instead finds *any* critical point near the start, saddles
included (Pennington & Bahri, 2017; Dauphin et al., 2014 used it to count low-index saddles
at low loss). The residual ``g`` has the Jacobian ``H``, so a Levenberg-Marquardt step is

    δ = -(H² + μ I)⁻¹ H g,

solved by conjugate gradients with ``v ↦ H(Hv) + μv``: two Hessian-vector products
(``cr.hvp``, forward over reverse) per CG iteration, the Hessian never formed. μ shrinks
after a step that lowers ‖g‖ and grows after one that does not (the step is then retried).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import chainrule as cr

from .curvature import hvp_operator
from .vectors import ravel

__all__ = ["find_critical_point", "CriticalSearch"]


@dataclass
class CriticalSearch:
    """The result of :func:`find_critical_point`: the point reached (``params``), the
    gradient norm after each accepted step (``grad_norms``, the start first), the loss
    there and whether ``‖g‖ <= tol`` was reached."""

    params: Any
    loss: float
    grad_norms: list[float] = field(default_factory=list)
    converged: bool = False


def _cg(matvec: Callable[[np.ndarray], np.ndarray], b: np.ndarray, iters: int,
        rtol: float = 1e-10) -> np.ndarray:
    """Conjugate gradients for the symmetric positive definite ``matvec x = b``."""
    x = np.zeros_like(b)
    r = b.copy()
    p = r.copy()
    rr = r @ r
    stop = (rtol * np.linalg.norm(b)) ** 2
    for _ in range(iters):
        if rr <= stop:
            break
        ap = matvec(p)
        a = rr / (p @ ap)
        x += a * p
        r -= a * ap
        rr_new = r @ r
        p = r + (rr_new / rr) * p
        rr = rr_new
    return x


def find_critical_point(loss: Callable, params: Any, *, steps: int = 30,
                        damping: float = 1e-3, cg_iters: int = 40, tol: float = 1e-9,
                        max_retries: int = 8) -> CriticalSearch:
    """Minimise ½‖∇L‖² from ``params`` by Levenberg-Marquardt steps with Hessian-vector
    products (see the module documentation); stops after ``steps`` accepted steps or when
    the gradient norm is at most ``tol``."""
    vg = cr.value_and_grad(loss)
    theta, unravel = ravel(params)
    value, g = vg(unravel(theta))
    gv = ravel(g)[0]
    norms = [float(np.linalg.norm(gv))]
    mu = float(damping)
    for _ in range(steps):
        if norms[-1] <= tol:
            break
        hv, _, _ = hvp_operator(loss, unravel(theta))
        hg = hv(gv)
        for _ in range(max_retries):
            delta = _cg(lambda v, m=mu: hv(hv(v)) + m * v, -hg, cg_iters)
            cand = theta + delta
            c_value, c_g = vg(unravel(cand))
            c_gv = ravel(c_g)[0]
            c_norm = float(np.linalg.norm(c_gv))
            if np.isfinite(c_norm) and c_norm < norms[-1]:
                theta, value, gv = cand, c_value, c_gv
                norms.append(c_norm)
                mu = max(mu / 3.0, 1e-12)
                break
            mu *= 4.0
        else:  # no step lowered |g|: a local minimum of |g|², not a critical point
            break
    return CriticalSearch(unravel(theta), float(value), norms, norms[-1] <= tol)
