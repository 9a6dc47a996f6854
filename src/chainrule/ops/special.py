"""Numerically stable special functions: logsumexp, softmax, log_softmax (and logistic).

All are finite, with finite derivatives, at inputs of ±1e3: they subtract the maximum
before exponentiating, and their rules reuse the (stable) output.
"""

from __future__ import annotations

import numpy as np

from ._util import kept_shape, normalize_axis, prim
from .elementwise import exp, logistic
from .reduce import expand, sum
from .shape import reshape


def _logsumexp_impl(x, axis=None, keepdims=False):
    x = np.asarray(x)
    axes = normalize_axis(axis, x.ndim)
    m = np.maximum.reduce(x, axis=axes, keepdims=True)
    if not np.isfinite(m).all():  # all -inf (or inf, nan) in a slice: shift by 0 there
        m = np.where(np.isfinite(m), m, 0)
    with np.errstate(divide="ignore"):
        out = np.log(np.add.reduce(np.exp(x - m), axis=axes, keepdims=True))
    out += m
    if keepdims:
        return out
    return out.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))


logsumexp = prim(_logsumexp_impl, "logsumexp")
"""log Σ exp(x) over ``axis``: ā_x = ā · softmax(x) = ā · exp(x - ans)."""
logsumexp.defvjp(lambda g, ans, x, axis=None, keepdims=False:
                 expand(g, x, axis) * exp(x - reshape(ans, kept_shape(x.shape, axis))))
logsumexp.defjvp(lambda t, ans, x, axis=None, keepdims=False:
                 sum(t * exp(x - reshape(ans, kept_shape(x.shape, axis))),
                     axis=axis, keepdims=keepdims))


def _softmax_impl(x, axis=-1):
    x = np.asarray(x)
    axes = normalize_axis(axis, x.ndim)
    e = np.exp(x - np.maximum.reduce(x, axis=axes, keepdims=True))
    e /= np.add.reduce(e, axis=axes, keepdims=True)
    return e


softmax = prim(_softmax_impl, "softmax")
"""y = exp(x) / Σ exp(x):  ā_x = y (ā - Σ ā y);  ȧ = y (ȧ_x - Σ ȧ_x y)."""
softmax.defvjp(lambda g, ans, x, axis=-1: ans * (g - sum(g * ans, axis=axis, keepdims=True)))
softmax.defjvp(lambda t, ans, x, axis=-1: ans * (t - sum(t * ans, axis=axis, keepdims=True)))


def _log_softmax_impl(x, axis=-1):
    return x - _logsumexp_impl(x, axis=axis, keepdims=True)


log_softmax = prim(_log_softmax_impl, "log_softmax")
"""y = x - logsumexp(x):  ā_x = ā - exp(y) Σ ā;  ȧ = ȧ_x - Σ exp(y) ȧ_x."""
log_softmax.defvjp(lambda g, ans, x, axis=-1: g - exp(ans) * sum(g, axis=axis, keepdims=True))
log_softmax.defjvp(lambda t, ans, x, axis=-1: t - sum(exp(ans) * t, axis=axis, keepdims=True))

expit = logistic

__all__ = ["logsumexp", "softmax", "log_softmax", "expit", "logistic"]
