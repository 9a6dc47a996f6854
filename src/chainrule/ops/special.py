"""Numerically stable special functions: logsumexp, softmax, log_softmax, log_expit, logit.

All are finite, with finite derivatives, at inputs of ±1e3: they subtract the maximum
before exponentiating, and their rules reuse the (stable) output.

Infinite entries get the limits: in a slice whose maximum is +inf the +inf entries share
the weight equally (softmax [inf, 1] = [1, 0], logsumexp = inf), and an entry at -inf has
no weight. A slice of all -inf — where softmax is 0/0 — is given *no* weight too: logsumexp
is -inf with derivative 0, softmax is 0 and log_softmax -inf there, with finite derivatives
and no warning. (SciPy and PyTorch return NaN for that softmax and for a softmax with +inf
entries, and PyTorch NaN for the derivative of logsumexp of all -inf.)
"""

from __future__ import annotations

import numpy as np

from ..core import full_unwrap
from ._util import kept_shape, normalize_axis, prim, shape
from .elementwise import exp, logistic
from .reduce import expand, sum
from .shape import reshape


def _shifted(x, axes):
    """``x`` minus its maximum over ``axes``, and the sum of exp of that over ``axes``
    (keepdims). Slices with +inf: their +inf entries become 0, the rest -inf (the limit);
    slices of all -inf stay -inf (exp gives 0: no weight, a sum of 0)."""
    m = np.maximum.reduce(x, axis=axes, keepdims=True)
    if np.isfinite(m).all():
        z = x - m
    else:
        with np.errstate(invalid="ignore"):
            z = x - np.where(np.isfinite(m), m, 0)
        top = np.isposinf(m)
        if top.any():
            inf_entry = np.where(np.isposinf(x), x.dtype.type(0), x.dtype.type(-np.inf))
            z = np.where(top, inf_entry, z)
    s = np.add.reduce(np.exp(z), axis=axes, keepdims=True)
    return z, m, s


def _logsumexp_impl(x, axis=None, keepdims=False):
    x = np.asarray(x)
    axes = normalize_axis(axis, x.ndim)
    z, m, s = _shifted(x, axes)
    with np.errstate(divide="ignore"):  # log 0 = -inf for an all -inf slice
        out = np.log(s)
    if np.isfinite(m).all():
        out = out + m
    else:  # ±inf where the maximum is ±inf
        out = np.where(np.isinf(m), m, out + np.where(np.isfinite(m), m, 0))
    if keepdims:
        return out
    return out.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))


def _softmax_impl(x, axis=-1):
    x = np.asarray(x)
    axes = normalize_axis(axis, x.ndim)
    z, m, s = _shifted(x, axes)
    e = np.exp(z)
    if not s.all():  # an all -inf slice: 0 / 0, taken as 0
        s = np.where(s == 0, 1, s)
    e /= s
    return e


def _log_softmax_impl(x, axis=-1):
    x = np.asarray(x)
    axes = normalize_axis(axis, x.ndim)
    z, m, s = _shifted(x, axes)
    if not s.all():  # an all -inf slice: -inf
        s = np.where(s == 0, 1, s)
    return z - np.log(s)


softmax = prim(_softmax_impl, "softmax")
"""y = exp(x) / Σ exp(x):  ā_x = y (ā - Σ ā y);  ȧ = y (ȧ_x - Σ ȧ_x y)."""
softmax.defvjp(lambda g, ans, x, axis=-1: ans * (g - sum(g * ans, axis=axis, keepdims=True)))
softmax.defjvp(lambda t, ans, x, axis=-1: ans * (t - sum(t * ans, axis=axis, keepdims=True)))

log_softmax = prim(_log_softmax_impl, "log_softmax")
"""y = x - logsumexp(x):  ā_x = ā - exp(y) Σ ā;  ȧ = ȧ_x - Σ exp(y) ȧ_x."""
log_softmax.defvjp(lambda g, ans, x, axis=-1: g - exp(ans) * sum(g, axis=axis, keepdims=True))
log_softmax.defjvp(lambda t, ans, x, axis=-1: t - sum(exp(ans) * t, axis=axis, keepdims=True))


def _lse_weights(x, ans, axis):
    """∂ logsumexp(x)/∂x = softmax(x): exp(x - ans) from the output where it is finite (one
    exp, no second reduction); through ``softmax``, with its limits, where it is ±inf."""
    if np.isfinite(full_unwrap(ans)).all():
        return exp(x - reshape(ans, kept_shape(shape(x), axis)))
    return softmax(x, axis=axis)


logsumexp = prim(_logsumexp_impl, "logsumexp")
"""log Σ exp(x) over ``axis``: ā_x = ā · softmax(x) = ā · exp(x - ans); 0 for entries at
-inf, also in a slice of all -inf (see the module's note)."""
logsumexp.defvjp(lambda g, ans, x, axis=None, keepdims=False:
                 expand(g, x, axis) * _lse_weights(x, ans, axis))
logsumexp.defjvp(lambda t, ans, x, axis=None, keepdims=False:
                 sum(t * _lse_weights(x, ans, axis), axis=axis, keepdims=keepdims))


def _log_expit_impl(x):
    # log σ(x) = -log(1 + e^{-x}) = -logaddexp(0, -x): NumPy's logaddexp is the stable
    # log1p(exp(-|d|)) form, exact in both tails (≈ x for x ≪ 0, ≈ -e^{-x} for x ≫ 0).
    return np.negative(np.logaddexp(0, np.negative(x)))


log_expit = prim(_log_expit_impl, "log_expit")
"""log σ(x), stable in both tails: ȧ = ȧ_x (1 - σ(x)) = ȧ_x σ(-x)."""
log_expit.defvjp(lambda g, ans, x: g * logistic(-x))
log_expit.defjvp(lambda t, ans, x: t * logistic(-x))


def _logit_impl(p):
    # log(p / (1 - p)); near ½ as log1p((2p - 1)/(1 - p)), exact there. -inf at 0, inf at 1,
    # NaN outside [0, 1], silently (SciPy's values).
    p = np.asarray(p)
    if p.dtype.kind != "f":
        p = p.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        far = np.log(p / (1 - p))
        near = np.log1p((2 * p - 1) / (1 - p))
    out = np.where(np.abs(p - 0.5) < 0.25, near, far)
    return out[()] if out.ndim == 0 else out


logit = prim(_logit_impl, "logit")
"""log(p / (1 - p)), the inverse of σ: ȧ = ȧ_p / (p (1 - p)) (±inf at 0 and 1)."""
logit.defvjp(lambda g, ans, p: g / (p * (1 - p)))
logit.defjvp(lambda t, ans, p: t / (p * (1 - p)))

expit = logistic

__all__ = ["logsumexp", "softmax", "log_softmax", "expit", "logistic", "log_expit", "logit"]
