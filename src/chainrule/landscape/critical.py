"""Finding critical points that are not minima: Newton-type steps on ‖∇L‖².

Gradient descent runs away from saddle points, so it cannot find them. Minimising
``½‖g(θ)‖²`` (``g = ∇L``) instead finds *any* critical point near the start, saddles
included (Pennington & Bahri, 2017; Dauphin et al., 2014 used it to count low-index saddles
at low loss). The residual ``g`` has the Jacobian ``H``, and each step tries, in order:

1. the **Newton step** ``δ = -H⁻¹g``, solved by MINRES (Paige & Saunders, 1975), which
   needs only ``v ↦ Hv`` and works for the indefinite, nearly singular ``H`` of a saddle
   (conjugate gradients would need ``H`` positive definite); it is a descent direction of
   ``½‖g‖²`` (``∇½‖g‖² = Hg`` and ``(Hg)·δ = -‖g‖²``), so it is halved until ``‖g‖``
   drops;
2. if no halving helps (near a non-zero local minimum of ``‖g‖``), a **Levenberg-Marquardt
   step** ``δ = -(H² + μI)⁻¹Hg`` by conjugate gradients on ``v ↦ H(Hv) + μv``, with μ
   grown until ``‖g‖`` drops.

Both use Hessian-vector products (``cr.hvp``, forward over reverse); the Hessian is never
formed. The search stops when neither step lowers ``‖g‖``: ``converged`` says whether
``‖g‖ <= tol`` was reached.
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


def _minres(matvec: Callable[[np.ndarray], np.ndarray], b: np.ndarray, iters: int,
            rtol: float = 1e-10) -> np.ndarray:
    """MINRES for the symmetric (possibly indefinite) ``matvec x = b``, from ``x = 0``.

    Lanczos builds an orthonormal basis ``v_k`` with ``A V = V T``; Givens rotations turn
    the tridiagonal ``T`` into upper-triangular form one column at a time, so ``x`` is
    updated by a three-term recurrence in the directions ``w_k`` and ``|φ̄|`` is the
    residual norm ``‖b - Ax‖`` without computing it."""
    x = np.zeros_like(b)
    beta1 = float(np.linalg.norm(b))
    if beta1 == 0.0:
        return x
    v_prev, v, beta = np.zeros_like(b), b / beta1, 0.0
    w_prev2, w_prev = np.zeros_like(b), np.zeros_like(b)
    cs, sn, dbar, eps, phibar = -1.0, 0.0, 0.0, 0.0, beta1
    for _ in range(iters):
        p = matvec(v)
        alpha = float(v @ p)
        p = p - alpha * v - beta * v_prev
        beta_next = float(np.linalg.norm(p))
        eps_prev, delta = eps, cs * dbar + sn * alpha  # the previous rotation on column k
        gbar, eps, dbar = sn * dbar - cs * alpha, sn * beta_next, -cs * beta_next
        gamma = max(float(np.hypot(gbar, beta_next)), 1e-300)
        cs, sn = gbar / gamma, beta_next / gamma
        phi, phibar = cs * phibar, sn * phibar
        w = (v - eps_prev * w_prev2 - delta * w_prev) / gamma
        x += phi * w
        w_prev2, w_prev = w_prev, w
        if abs(phibar) <= rtol * beta1 or beta_next == 0.0:
            break
        v_prev, v, beta = v, p / beta_next, beta_next
    return x


def find_critical_point(loss: Callable, params: Any, *, steps: int = 30,
                        damping: float = 1e-3, cg_iters: int = 40, tol: float = 1e-9,
                        max_retries: int = 8, minres_iters: int = 200,
                        max_halvings: int = 30) -> CriticalSearch:
    """Minimise ½‖∇L‖² from ``params`` by Newton (MINRES) steps with a Levenberg-Marquardt
    fallback, all with Hessian-vector products (see the module documentation); stops after
    ``steps`` accepted steps, when the gradient norm is at most ``tol``, or when neither
    step lowers it."""
    vg = cr.value_and_grad(loss)
    theta, unravel = ravel(params)
    value, g = vg(unravel(theta))
    gv = ravel(g)[0]
    norms = [float(np.linalg.norm(gv))]
    mu = float(damping)

    def try_step(delta: np.ndarray) -> bool:
        nonlocal theta, value, gv
        cand = theta + delta
        c_value, c_g = vg(unravel(cand))
        c_gv = ravel(c_g)[0]
        c_norm = float(np.linalg.norm(c_gv))
        if not (np.isfinite(c_norm) and c_norm < norms[-1]):
            return False
        theta, value, gv = cand, c_value, c_gv
        norms.append(c_norm)
        return True

    for _ in range(steps):
        if norms[-1] <= tol:
            break
        hv, _, _ = hvp_operator(loss, unravel(theta))
        newton = _minres(hv, -gv, minres_iters)
        if any(try_step(0.5 ** k * newton) for k in range(max_halvings)):
            continue
        hg = hv(gv)
        for _ in range(max_retries):
            if try_step(_cg(lambda v, m=mu: hv(hv(v)) + m * v, -hg, cg_iters)):
                mu = max(mu / 3.0, 1e-12)
                break
            mu *= 4.0
        else:  # neither step lowered |g|: a local minimum of |g|², not a critical point
            break
    return CriticalSearch(unravel(theta), float(value), norms, norms[-1] <= tol)
