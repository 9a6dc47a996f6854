"""``chainrule.nn``: neural networks as pure functions of parameter pytrees.

A module holds hyperparameters; its parameters and state are dicts of arrays::

    import chainrule as cr
    from chainrule import nn

    model = nn.MLP([2, 16, 3], activation="relu")
    params, state = model.init(np.random.default_rng(0))
    def loss(params, x, y):
        logits, _ = model.apply(params, state, x)
        return nn.softmax_cross_entropy(logits, y)
    grads = cr.grad(loss)(params, x, y)

Layers: :class:`Linear`, :class:`Activation`, :class:`Sequential`, :class:`MLP`,
:class:`Residual`, :class:`BatchNorm` (+ :func:`dataset_statistics`), :class:`Dropout`.
Activations: :func:`logistic`, :func:`tanh`, :func:`relu`, :func:`leaky_relu`,
:func:`softplus`, :func:`gelu`, :func:`identity`. Losses (from logits, stable, mean over the
batch): :func:`squared_error`, :func:`binary_cross_entropy`, :func:`softmax_cross_entropy`.
Initialisers: :mod:`chainrule.nn.init`. Everything is written with chainrule operations, so
it differentiates in forward and reverse mode, to any order.
"""

from __future__ import annotations

from . import init
from .activations import (
    ACTIVATIONS,
    erf,
    gelu,
    get_activation,
    identity,
    leaky_relu,
    logistic,
    relu,
    sigmoid,
    softplus,
    tanh,
)
from .batchnorm import BatchNorm, dataset_statistics
from .layers import Activation, Dropout, Linear, Residual, Sequential
from .losses import accuracy, binary_cross_entropy, softmax_cross_entropy, squared_error
from .mlp import MLP
from .module import Module, count_params

__all__ = [
    "init", "Module", "Linear", "Activation", "Sequential", "MLP", "Residual", "BatchNorm",
    "dataset_statistics", "Dropout", "count_params",
    "logistic", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "gelu", "identity", "erf",
    "ACTIVATIONS", "get_activation",
    "squared_error", "binary_cross_entropy", "softmax_cross_entropy", "accuracy",
]
