"""Batch normalization (Ioffe & Szegedy, 2015), functional, and the lecture's test-time
statistics from the whole training set.

``BatchNorm(C)`` normalises each of the ``C`` features (the last axis; every other axis is
batch) and then scales and shifts: ``y = γ (x - μ) / √(σ² + eps) + β``.

* ``train=True``: μ and σ² are the batch mean and the *biased* batch variance, computed with
  chainrule operations, so the gradient flows through them (every output depends on every
  example of the batch: the Jacobian is dense across samples). The running estimates in the
  state are updated PyTorch's way: ``running = (1 - momentum) · running + momentum · batch``,
  with the *unbiased* batch variance (× n/(n - 1)); ``momentum=None`` keeps a cumulative
  average instead, ``count`` counts the batches.
* ``train=False``: μ and σ² are the state's — the running averages, or, after
  :func:`dataset_statistics`, the statistics of the whole training set (the lecture's rule).

Parameters ``{"gamma": ones(C), "beta": zeros(C)}``; state ``{"mean": zeros(C),
"var": ones(C), "count": 0}``. Defaults follow PyTorch: momentum 0.1, eps 1e-5.
"""

from __future__ import annotations

import contextvars
import math
from typing import Any

import numpy as np

from .. import numpy as cnp
from ..core.batching import is_batched
from ..transforms import stop_gradient
from .module import Module

__all__ = ["BatchNorm", "dataset_statistics"]

# The collector of dataset_statistics while it runs; None otherwise (normal evaluation).
_COLLECTOR: contextvars.ContextVar[Any] = contextvars.ContextVar("chainrule_bn_collector",
                                                                 default=None)


def _batch_axes(shape: tuple[int, ...], who: str) -> tuple[tuple[int, ...], int]:
    if len(shape) < 1:
        raise ValueError(f"{who}: the input needs a feature axis (shape (N, C)), got a scalar.")
    return tuple(range(len(shape) - 1)), math.prod(shape[:-1])


def _normalise(x: Any, mean: Any, var: Any, params: Any, eps: float) -> Any:
    scale = params["gamma"] / cnp.sqrt(var + eps)
    return (x - mean) * scale + params["beta"]


class BatchNorm(Module):
    """Batch normalization over the last axis (see the module documentation).

    ``num_features``: C; ``momentum``: weight of the new batch in the running estimates
    (PyTorch's convention: 0.1), or ``None`` for a cumulative average; ``eps``: added to the
    variance; ``dtype`` of the parameters and statistics.
    """

    def __init__(self, num_features: int, momentum: float | None = 0.1, eps: float = 1e-5,
                 dtype: Any = np.float64):
        if not isinstance(num_features, (int, np.integer)) or num_features < 1:
            raise ValueError(f"BatchNorm: num_features must be a positive int, got "
                             f"{num_features!r}.")
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"BatchNorm: momentum must be in [0, 1] or None, got {momentum!r}.")
        if not eps >= 0:
            raise ValueError(f"BatchNorm: eps must be >= 0, got {eps!r}.")
        self.num_features = int(num_features)
        self.momentum = momentum
        self.eps = float(eps)
        self.dtype = np.dtype(dtype)

    def init(self, rng: Any = None) -> tuple[dict, dict]:
        c, dt = self.num_features, self.dtype
        params = {"gamma": np.ones(c, dt), "beta": np.zeros(c, dt)}
        state = {"mean": np.zeros(c, dt), "var": np.ones(c, dt),
                 "count": np.zeros((), np.int64)}
        return params, state

    def _check(self, x: Any) -> tuple[tuple[int, ...], int]:
        shape = tuple(x.shape) if hasattr(x, "shape") else np.shape(x)
        axes, n = _batch_axes(shape, "BatchNorm")
        if shape[-1] != self.num_features:
            raise ValueError(f"BatchNorm({self.num_features}): the input's last axis has "
                             f"{shape[-1]} features (shape {shape}).")
        return axes, n

    def apply(self, params: Any, state: Any, x: Any, train: bool = False,
              rng: Any = None) -> tuple[Any, Any]:
        axes, n = self._check(x)
        if not train:
            collector = _COLLECTOR.get()
            if collector is not None:
                return collector.handle(self, params, state, x, axes)
            return _normalise(x, state["mean"], state["var"], params, self.eps), state
        if is_batched(x):
            raise ValueError(
                "BatchNorm(train=True) under vmap: training-mode batch norm couples the "
                "examples of a batch (they share its mean and variance) and updates one set "
                "of running statistics, while vmap runs the function once per mapped example, "
                "so there is no batch to take statistics over and no single state to update. "
                "For per-example gradients of a batch-norm model use train=False (running "
                "statistics: examples are independent), or take the batch statistics outside "
                "the mapped function.")
        if n < 2:
            raise ValueError(f"BatchNorm(train=True): a batch of {n} example has no variance; "
                             "use at least 2 examples per batch (or train=False).")
        # the batch statistics are recorded operations: the gradient flows through them
        mean = cnp.mean(x, axis=axes)
        xc = x - mean
        var = cnp.mean(xc * xc, axis=axes)  # biased: the batch's own variance
        y = xc * (params["gamma"] / cnp.sqrt(var + self.eps)) + params["beta"]
        return y, self._updated(state, np.asarray(stop_gradient(mean)),
                                np.asarray(stop_gradient(var)), n)

    def _updated(self, state: Any, mean: np.ndarray, var: np.ndarray, n: int) -> dict:
        count = np.asarray(state["count"]) + 1
        m = 1.0 / float(count) if self.momentum is None else self.momentum
        unbiased = var * (n / (n - 1))
        old_mean = np.asarray(stop_gradient(state["mean"]))
        old_var = np.asarray(stop_gradient(state["var"]))
        dt = old_mean.dtype
        return {"mean": ((1 - m) * old_mean + m * mean).astype(dt, copy=False),
                "var": ((1 - m) * old_var + m * unbiased).astype(dt, copy=False),
                "count": np.array(count, dtype=np.int64)}

    def __repr__(self) -> str:
        return (f"BatchNorm({self.num_features}, momentum={self.momentum}, "
                f"eps={self.eps})")


# ---- the lecture's test-time statistics -----------------------------------------------------

def _plain(x: Any) -> np.ndarray:
    return np.asarray(stop_gradient(x), dtype=np.float64)


class _Whole:
    """Every BatchNorm takes the mean and variance of all its inputs (the whole data set at
    once) and normalises with them, so the layers above see their final inputs."""

    def __init__(self, ddof: int):
        self.ddof = ddof

    def handle(self, bn: BatchNorm, params: Any, state: Any, x: Any, axes: tuple) -> Any:
        v = _plain(x)
        n = math.prod(v.shape[:-1])
        if n - self.ddof < 1:
            raise ValueError(f"dataset_statistics: {n} example(s) are too few (ddof="
                             f"{self.ddof}).")
        mean = v.mean(axis=axes)
        var = ((v - mean) ** 2).sum(axis=axes) / (n - self.ddof)
        new = dict(state)
        new["mean"] = mean.astype(bn.dtype)
        new["var"] = var.astype(bn.dtype)
        return _normalise(x, new["mean"], new["var"], params, bn.eps), new


class _Count:
    """Counts the BatchNorm calls of one forward pass."""

    def __init__(self) -> None:
        self.calls = 0

    def handle(self, bn: BatchNorm, params: Any, state: Any, x: Any, axes: tuple) -> Any:
        self.calls += 1
        return _normalise(x, state["mean"], state["var"], params, bn.eps), state


class _StopForward(Exception):
    pass


class _Accumulate:
    """Accumulates the statistics of the ``target``-th BatchNorm call over minibatches
    (Chan et al.'s pairwise update of count, mean and sum of squared deviations). The
    calls before it use the statistics already in the state; on the final batch the target
    returns its finished statistics in its state, otherwise the pass stops there."""

    def __init__(self, target: int, ddof: int):
        self.target, self.ddof = target, ddof
        self.n, self.mean, self.m2 = 0, None, None
        self.final = False
        self.calls = 0

    def handle(self, bn: BatchNorm, params: Any, state: Any, x: Any, axes: tuple) -> Any:
        k = self.calls
        self.calls += 1
        if k != self.target:
            return _normalise(x, state["mean"], state["var"], params, bn.eps), state
        v = _plain(x)
        nb = math.prod(v.shape[:-1])
        mb = v.mean(axis=axes)
        m2b = ((v - mb) ** 2).sum(axis=axes)
        if self.n == 0:
            self.n, self.mean, self.m2 = nb, mb, m2b
        elif nb:
            n = self.n + nb
            delta = mb - self.mean
            self.mean = self.mean + delta * (nb / n)
            self.m2 = self.m2 + m2b + delta * delta * (self.n * nb / n)
            self.n = n
        if not self.final:
            raise _StopForward
        if self.n - self.ddof < 1:
            raise ValueError(f"dataset_statistics: {self.n} example(s) are too few (ddof="
                             f"{self.ddof}).")
        new = dict(state)
        new["mean"] = self.mean.astype(bn.dtype)
        new["var"] = (self.m2 / (self.n - self.ddof)).astype(bn.dtype)
        return _normalise(x, new["mean"], new["var"], params, bn.eps), new


def _run(module: Any, params: Any, state: Any, x: Any, collector: Any) -> Any:
    token = _COLLECTOR.set(collector)
    try:
        return module.apply(params, state, x, train=False)
    finally:
        _COLLECTOR.reset(token)


def dataset_statistics(module: Any, params: Any, state: Any, X: Any,
                       batch_size: int | None = None, ddof: int = 0) -> Any:
    """The lecture's test-time rule: every BatchNorm's mean and variance over the whole
    training set ``X``; returns ``state`` with them in place of the running estimates.

    The statistics of a BatchNorm are those of its input when the network runs in
    evaluation mode with the *final* statistics of the BatchNorms below it, so afterwards
    ``module.apply(params, state, X, train=False)`` equals ``train=True`` on the whole of
    ``X`` as one batch. ``ddof=0`` (default) is the population (biased) variance, the
    variance that normalisation over the whole set uses; ``ddof=1`` the unbiased one.

    ``batch_size=None``: one forward pass over all of ``X``. With a ``batch_size`` the
    passes go over minibatches of ``X`` (less memory) and give the same statistics (up to
    rounding): one pass for each BatchNorm, since a layer's statistics depend on those
    below it; each pass stops at its BatchNorm. Dropout is off (evaluation mode). ``count``
    is left as it is.
    """
    n = len(X)
    if n == 0:
        raise ValueError("dataset_statistics: X is empty.")
    if batch_size is None or batch_size >= n:
        _, new_state = _run(module, params, state, X, _Whole(ddof))
        return new_state
    if batch_size < 1:
        raise ValueError(f"dataset_statistics: batch_size must be >= 1, got {batch_size!r}.")
    counter = _Count()
    _run(module, params, state, X[:batch_size], counter)
    starts = list(range(0, n, batch_size))
    for target in range(counter.calls):
        acc = _Accumulate(target, ddof)
        for i, s in enumerate(starts):
            acc.calls = 0
            acc.final = i == len(starts) - 1
            try:
                _, out_state = _run(module, params, state, X[s:s + batch_size], acc)
            except _StopForward:
                continue
        state = out_state
    return state

