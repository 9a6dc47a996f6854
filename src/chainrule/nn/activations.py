"""Activations: functions on arrays (plain or traced), differentiable to any order.

Their derivatives are the lecture's table, obtained from chainrule's primitives:

==========  =====================  ==============================================
name        h(q)                   h'(q)
==========  =====================  ==============================================
logistic    1 / (1 + e^{-q})       σ(q)(1 - σ(q))       (primitive ``expit``)
tanh        tanh q                 1 - tanh²q           (primitive ``tanh``)
relu        max(q, 0)              0 for q ≤ 0, 1 for q > 0   (its own primitive)
leaky_relu  q if q > 0 else a·q    1 for q > 0, a for q ≤ 0   (a ``where``)
softplus    log(1 + e^q)           σ(q)                 (primitive ``logaddexp``)
gelu        q Φ(q)                 Φ(q) + q φ(q)        (an ``erf`` primitive)
identity    q                      1
==========  =====================  ==============================================

``relu`` is a primitive of its own, not ``maximum(q, 0)``: ``maximum`` splits the derivative
at a tie (½ at q = 0, JAX's convention for ``maximum``) while the lecture's table, PyTorch's
``relu`` and JAX's ``nn.relu`` all give relu'(0) = 0. Its rules multiply by the plain mask
``q > 0``, so the second derivative is 0 (almost everywhere), as it should be.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import numpy as cnp
from ..scipy import special as _special
from ..transforms import primitive

__all__ = ["logistic", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "gelu", "identity",
           "erf", "ACTIVATIONS", "get_activation"]


def logistic(x: Any) -> Any:
    """σ(x) = 1 / (1 + e^{-x}), accurate in both tails; σ' = σ(1 - σ)."""
    return _special.expit(x)


sigmoid = logistic


def tanh(x: Any) -> Any:
    """tanh x; tanh' = 1 - tanh²."""
    return cnp.tanh(x)


def _relu_impl(x):
    return np.maximum(x, 0)


relu = primitive(_relu_impl, name="relu")
"""max(x, 0); relu'(x) = 1 for x > 0 and 0 for x ≤ 0 (so relu'(0) = 0, the lecture's table)."""
relu.defvjp(lambda g, ans, x: g * (x > 0))
relu.defjvp(lambda t, ans, x: t * (x > 0))


def leaky_relu(x: Any, slope: float = 0.01) -> Any:
    """x for x > 0, slope·x otherwise; the derivative at 0 is ``slope`` (PyTorch's)."""
    return cnp.where(x > 0, x, slope * x)


def softplus(x: Any, beta: float = 1.0) -> Any:
    """log(1 + e^{βx}) / β, computed as logaddexp(βx, 0)/β (no overflow); derivative σ(βx)."""
    if beta == 1:
        return cnp.logaddexp(x, 0.0)
    return cnp.logaddexp(beta * x, 0.0) / beta


# The error function, erf'(x) = 2/√π · e^{-x²}: the primitive of chainrule.scipy.special.
erf = _special.erf

_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def gelu(x: Any, approximate: bool | str = False) -> Any:
    """x Φ(x) = ½ x (1 + erf(x/√2)) (Hendrycks & Gimpel); derivative Φ(x) + x φ(x).

    ``approximate="tanh"`` (or True) is the tanh form ½ x (1 + tanh(√(2/π)(x + 0.044715 x³)))
    of PyTorch's ``approximate='tanh'``.
    """
    if approximate in (False, None, "none"):
        return 0.5 * x * (1.0 + erf(x * _SQRT_HALF))
    if approximate in (True, "tanh"):
        return 0.5 * x * (1.0 + cnp.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * (x * x * x))))
    raise ValueError(f"gelu: approximate must be False/'none' or True/'tanh', got "
                     f"{approximate!r}.")


def identity(x: Any) -> Any:
    """x (the output activation of a regression)."""
    return x


ACTIVATIONS: dict[str, Callable[..., Any]] = {
    "logistic": logistic, "sigmoid": logistic, "tanh": tanh, "relu": relu,
    "leaky_relu": leaky_relu, "softplus": softplus, "gelu": gelu, "identity": identity,
    "linear": identity,
}


def get_activation(fn_or_name: str | Callable[..., Any]) -> Callable[..., Any]:
    """The activation function named ``fn_or_name`` (see :data:`ACTIVATIONS`), or the
    callable itself."""
    if callable(fn_or_name):
        return fn_or_name
    if isinstance(fn_or_name, str):
        fn = ACTIVATIONS.get(fn_or_name.lower())
        if fn is not None:
            return fn
    raise ValueError(f"unknown activation {fn_or_name!r}; use a function or one of "
                     f"{sorted(ACTIVATIONS)}.")
