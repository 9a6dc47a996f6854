"""Continuation by Gaussian smoothing (Mobahi, 2016; the lecture's "continuation methods").

The smoothed loss ``L_σ(θ) = E_ε[L(θ + σε)]``, ε ~ N(0, I), is the loss convolved with a
Gaussian: a large σ blurs away small basins (for large enough σ it can become convex), and
σ → 0 gives the loss back. Continuation minimises ``L_σ`` for a decreasing sequence of σ,
each stage starting where the previous one ended: a good initialisation for the next, harder
problem.

The expectation is estimated with ``samples`` fixed draws of ε (the same for every θ, drawn
from ``seed``), so the estimate is a smooth, deterministic function of θ and its gradient is
the reparameterised estimator ``∇L_σ(θ) ≈ (1/S) Σ_s ∇L(θ + σ ε_s)`` — which is exactly what
``cr.grad`` of :func:`smoothed` computes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp

from .vectors import axpy, is_float_leaf, normal_like

__all__ = ["smoothed", "continuation", "ContinuationPath"]


def smoothed(loss: Callable, sigma: float, samples: int = 32, seed: int = 0, *,
             batched: bool = False) -> Callable:
    """``L_σ``: a function of the parameters, the mean of ``loss(θ + σ ε_s)`` over
    ``samples`` fixed standard-normal draws ε_s (fixed by ``seed``; drawn, in the shape of
    the parameters, on each call from the same seed). ``sigma = 0`` is ``loss`` itself.

    ``batched=True``: one call of ``loss`` with every floating leaf stacked along a leading
    sample axis (a loss written to broadcast, as for ``plane(..., batched=True)``), which
    must return ``samples`` values; the default calls ``loss`` once per sample."""
    if sigma < 0 or samples < 1:
        raise ValueError(f"smoothed: sigma must be >= 0 and samples >= 1, got sigma={sigma!r}, "
                         f"samples={samples!r}.")
    if sigma == 0:
        return loss

    def loss_batched(params: Any) -> Any:
        gen = np.random.default_rng(seed)

        def leaf(x: Any) -> Any:
            if not is_float_leaf(x):
                return x
            return x + sigma * gen.standard_normal((samples,) + tuple(np.shape(x)))

        values = loss(cr.tree.tree_map(leaf, params))
        if np.shape(values) != (samples,):
            raise ValueError(f"smoothed(batched=True): the loss returned shape "
                             f"{np.shape(values)} for {samples} stacked samples; it must "
                             "return one value per sample (or pass batched=False).")
        return cnp.mean(values)

    if batched:
        return loss_batched

    def loss_sigma(params: Any) -> Any:
        gen = np.random.default_rng(seed)
        total: Any = 0.0
        for _ in range(samples):
            total = total + loss(axpy(params, sigma, normal_like(params, gen)))
        return total / samples

    return loss_sigma


@dataclass
class ContinuationPath:
    """One entry per stage: its σ, the parameters at its end, and ``L_σ`` and ``L`` there."""

    sigmas: list[float]
    points: list[Any]
    smoothed_losses: list[float]
    losses: list[float]


def continuation(loss: Callable, params: Any, sigmas: Sequence[float], *, steps: int = 50,
                 lr: float = 0.1, samples: int = 32, seed: int = 0,
                 batched: bool = False) -> ContinuationPath:
    """Gradient descent (``steps`` steps of ``lr``) on ``L_σ`` for each σ in ``sigmas``
    (largest first; end with 0 for the loss itself), each stage from the previous end."""
    out = ContinuationPath([], [], [], [])
    theta = params
    for s in sigmas:
        ls = smoothed(loss, float(s), samples, seed, batched=batched)
        vg = cr.value_and_grad(ls)
        for _ in range(steps):
            _, g = vg(theta)
            theta = axpy(theta, -lr, g)
        out.sigmas.append(float(s))
        out.points.append(theta)
        out.smoothed_losses.append(float(ls(theta)))
        out.losses.append(float(loss(theta)))
    return out
