"""The lecture's two-layer MLP written to broadcast over leading parameter axes.

``f(x; W, V) = g(W h(V x))`` with the lecture's layout ``params = {"V": D × M, "W": M × C}``
(the input carries the bias column, so there are no bias vectors), softmax cross-entropy
averaged over the rows. Unlike :func:`chainrule.lecture.cost` (``np.dot``, ``axis=1``),
every operation here broadcasts over leading axes of ``V`` and ``W``: with ``V`` of shape
``(G, D, M)`` and ``W`` of shape ``(G, M, C)`` the cost is an array of ``G`` values, one per
parameter point, in a single NumPy pass. That is what :func:`chainrule.landscape.plane` with
``batched=True`` needs. With unbatched parameters it is a scalar and is differentiable with
chainrule like any other cost (it is written with ``chainrule.numpy``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import chainrule.numpy as cnp
from chainrule import nn

__all__ = ["logits", "cost", "accuracy", "ACTIVATIONS"]

ACTIVATIONS = {"logistic": nn.logistic, "tanh": nn.tanh, "relu": nn.relu}


def logits(params: dict[str, Any], X: Any, activation: str = "logistic") -> Any:
    """``U = h(X V) W``: shape ``(..., N, C)`` for parameters with leading axes ``...``."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"lecture_model: activation must be one of {sorted(ACTIVATIONS)}, got "
                         f"{activation!r}.")
    Z = ACTIVATIONS[activation](cnp.matmul(X, params["V"]))
    return cnp.matmul(Z, params["W"])


def cost(params: dict[str, Any], X: Any, Y: Any, activation: str = "logistic") -> Any:
    """J = mean_n [log Σ_c exp(u_c) - yᵀu], u = W h(V x); one value per leading point.

    The log-sum-exp is shifted by the row maximum (stable at large logits)."""
    U = logits(params, X, activation)
    m = cnp.max(U, axis=-1, keepdims=True)
    lse = cnp.log(cnp.sum(cnp.exp(U - m), axis=-1)) + m[..., 0]
    return cnp.mean(lse - cnp.sum(U * Y, axis=-1), axis=-1)


def accuracy(params: dict[str, Any], X: Any, y: Any, activation: str = "logistic") -> Any:
    """The share of rows whose largest logit is the label ``y`` (integers), per point."""
    U = np.asarray(logits(params, X, activation))
    return np.mean(np.argmax(U, axis=-1) == np.asarray(y), axis=-1)
