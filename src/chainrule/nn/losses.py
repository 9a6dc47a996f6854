"""Losses, computed stably from the model's raw outputs (logits), averaged over the batch.

The batch is the first axis; each loss sums over the other axes of one example and takes
the mean over the batch (``reduction="mean"``; ``"sum"`` and ``"none"`` — one value per
example — are there too). With ``N`` examples, the lecture's simplifications hold exactly:

* ``squared_error(ŷ, y)``  = (1/N) Σ_n ½‖y⁽ⁿ⁾ - ŷ⁽ⁿ⁾‖²,          ∂/∂ŷ = (ŷ - y)/N;
* ``binary_cross_entropy(u, y)`` = (1/N) Σ y log(1+e^{-u}) + (1-y) log(1+e^{u}),
  ∂/∂u = (σ(u) - y)/N;
* ``softmax_cross_entropy(u, y)`` = (1/N) Σ_n -y⁽ⁿ⁾ᵀu⁽ⁿ⁾ + log Σ_c e^{u_c⁽ⁿ⁾},
  ∂/∂u = (softmax(u) - y)/N (for label rows that sum to 1).

None of them exponentiates an unshifted logit: they are finite, with finite gradients, at
logits of ±1e3 (``logaddexp`` and ``logsumexp`` shift by the maximum).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import numpy as cnp
from ..scipy import special as _special
from ..transforms import stop_gradient

__all__ = ["squared_error", "binary_cross_entropy", "softmax_cross_entropy", "accuracy"]


def _shape(x: Any) -> tuple[int, ...]:
    return tuple(np.shape(x)) if not hasattr(x, "shape") else tuple(x.shape)


def _float_dtype(x: Any) -> np.dtype:
    dt = getattr(x, "dtype", None)
    dt = np.result_type(x) if dt is None else np.dtype(dt)
    return dt if np.issubdtype(dt, np.floating) else np.dtype(np.float64)


def _targets(name: str, pred: Any, y: Any) -> Any:
    """``y`` as an array of ``pred``'s shape; ``(N,)`` targets for ``(N, 1)`` predictions
    are reshaped (the usual single-output layout). Any other mismatch is an error: silent
    broadcasting of (N, 1) against (N,) would make an N × N loss."""
    ps = _shape(pred)
    if not hasattr(y, "shape"):
        y = np.asarray(y)
    ys = tuple(y.shape)
    if ys == ps:
        return y
    if len(ps) == 2 and ps[1] == 1 and ys == (ps[0],):
        return y.reshape(ps)
    raise ValueError(f"{name}: targets of shape {ys} do not match predictions of shape {ps}; "
                     "give targets of the predictions' shape.")


def _reduce(name: str, per_entry: Any, ndim: int, reduction: str) -> Any:
    per_example = per_entry if ndim <= 1 else cnp.sum(per_entry, axis=tuple(range(1, ndim)))
    if reduction == "mean":
        return cnp.mean(per_example)
    if reduction == "sum":
        return cnp.sum(per_example)
    if reduction == "none":
        return per_example
    raise ValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}.")


def squared_error(pred: Any, y: Any, reduction: str = "mean") -> Any:
    """The lecture's regression loss ½‖y - ŷ‖² per example, averaged over the batch.

    ``pred`` and ``y``: shape ``(N,)`` or ``(N, K)`` (``(N,)`` targets for ``(N, 1)``
    predictions are accepted). The gradient with respect to ``pred`` is (ŷ - y)/N.
    """
    y = _targets("squared_error", pred, y)
    d = pred - y
    return _reduce("squared_error", 0.5 * (d * d), len(_shape(pred)), reduction)


def binary_cross_entropy(logits: Any, y: Any, reduction: str = "mean") -> Any:
    """Binary cross-entropy of labels ``y`` ∈ [0, 1] and logits ``u`` (σ(u) = P(y = 1)).

    Per entry ``log(1 + e^u) - y u`` = y log(1 + e^{-u}) + (1 - y) log(1 + e^u) (the lecture's
    form), evaluated as ``logaddexp(u, 0) - y u``: stable for any |u|. Entries of one example
    are summed (multi-label), examples averaged; the gradient is (σ(u) - y)/N.
    """
    y = _targets("binary_cross_entropy", logits, y)
    if not np.issubdtype(y.dtype, np.floating):  # integer or boolean labels
        y = np.asarray(y).astype(_float_dtype(logits))
    per = cnp.logaddexp(logits, 0.0) - y * logits
    return _reduce("binary_cross_entropy", per, len(_shape(logits)), reduction)


def _one_hot_targets(logits: Any, y: Any) -> Any:
    ls = _shape(logits)
    if hasattr(y, "dtype") and not isinstance(y, np.ndarray):  # a traced target: probabilities
        if tuple(y.shape) != ls:
            raise ValueError(f"softmax_cross_entropy: targets of shape {tuple(y.shape)} do not "
                             f"match logits of shape {ls}.")
        return y
    y = np.asarray(y)
    if np.issubdtype(y.dtype, np.integer) or np.issubdtype(y.dtype, np.bool_):
        if y.shape == ls[:-1]:
            c = ls[-1]
            if y.size and (y.min() < 0 or y.max() >= c):
                raise ValueError(f"softmax_cross_entropy: integer labels must lie in "
                                 f"[0, {c}), got values in [{y.min()}, {y.max()}].")
            return np.eye(c, dtype=_float_dtype(logits))[y]
        if y.shape != ls:
            raise ValueError(f"softmax_cross_entropy: integer labels of shape {y.shape} fit "
                             f"neither logits {ls} (one-hot) nor {ls[:-1]} (class indices).")
        return y.astype(_float_dtype(logits))
    if y.shape != ls:
        raise ValueError(f"softmax_cross_entropy: targets of shape {y.shape} do not match "
                         f"logits of shape {ls}; give one-hot rows of that shape or integer "
                         f"labels of shape {ls[:-1]}.")
    return y


def softmax_cross_entropy(logits: Any, y: Any, reduction: str = "mean") -> Any:
    """Softmax cross-entropy over the last axis: per example ``logsumexp(u) - yᵀu``.

    ``logits``: ``(N, C)``; ``y``: one-hot (or probability) rows ``(N, C)``, or integer class
    labels ``(N,)``. The gradient with respect to the logits is (softmax(u) - y)/N.
    """
    ls = _shape(logits)
    if len(ls) < 1:
        raise ValueError("softmax_cross_entropy: logits need a class axis (shape (N, C)).")
    t = _one_hot_targets(logits, y)
    per = _special.logsumexp(logits, axis=-1) - cnp.sum(t * logits, axis=-1)
    return _reduce("softmax_cross_entropy", per, len(ls) - 1, reduction)


def accuracy(logits: Any, y: Any) -> float:
    """The share of examples whose largest logit is the label's (``y``: labels or one-hot
    rows). For one output column, a logit > 0 means class 1. Not differentiable."""
    u = np.asarray(stop_gradient(logits))
    t = np.asarray(stop_gradient(y))
    if u.ndim == 2 and u.shape[1] == 1:
        u = u[:, 0]
    if u.ndim == 1:
        pred = (u > 0).astype(int)
        t = t.reshape(-1)
    else:
        pred = np.argmax(u, axis=-1)
        if t.shape == u.shape:
            t = np.argmax(t, axis=-1)
    return float(np.mean(pred == t))
