"""The multilayer-perceptron builder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .activations import get_activation, identity
from .batchnorm import BatchNorm
from .layers import Activation, Dropout, Linear, Residual, Sequential

__all__ = ["MLP"]


class MLP(Sequential):
    """A multilayer perceptron ``sizes[0] → sizes[1] → … → sizes[-1]``.

    The layers are grouped so that switching batch norm or skip connections on or off keeps
    the parameter layout (and, from one seed, the initial weights)::

        "0":   Linear(sizes[0], sizes[1])                       (the stem)
        "i":   [BatchNorm(sizes[i])] → activation → [Dropout] → Linear(sizes[i], sizes[i+1])
               for i = 1 … L-1, wrapped in Residual when ``residual`` and the widths agree
        "L":   Activation(out_activation)                       (only if not identity)

    Laid end to end this is the usual Linear → [BN] → act → [Dropout] → Linear → … → Linear
    (batch norm on ``W x`` before the activation, as in the lecture's ReLU(γ BN(Wx) + β)),
    and a residual block is the lecture's x + W act(…x) (a pre-activation block).
    ``zero_init_residual=True`` zeroes each residual block's Linear, so every block starts
    as the identity. ``bias=False`` drops every Linear's bias (the lecture's model, whose
    input carries a column of ones). ``weight_init``/``bias_init``: as :class:`Linear`
    (``None`` = PyTorch's default).

    The lecture's Iris model is ``MLP([3, 16, 3], activation="logistic", bias=False,
    weight_init=nn.init.normal(0.01))`` with ``softmax_cross_entropy`` on its output.
    """

    def __init__(self, sizes: Sequence[int], activation: str | Callable[..., Any] = "relu",
                 out_activation: str | Callable[..., Any] = "identity", batchnorm: bool = False,
                 residual: bool = False, dropout: float = 0.0,
                 weight_init: Callable[..., Any] | None = None,
                 bias_init: Callable[..., Any] | None = None, dtype: Any = np.float64, *,
                 bias: bool = True, zero_init_residual: bool = False):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"MLP: sizes must list at least an input and an output size, all "
                             f"positive, got {sizes!r}.")
        get_activation(activation)
        get_activation(out_activation)

        def linear(i: int) -> Linear:
            return Linear(sizes[i], sizes[i + 1], bias=bias, weight_init=weight_init,
                          bias_init=bias_init, dtype=dtype)

        layers: list[Any] = [linear(0)]
        for i in range(1, len(sizes) - 1):
            block: list[Any] = []
            if batchnorm:
                block.append(BatchNorm(sizes[i], dtype=dtype))
            block.append(Activation(activation))
            if dropout:
                block.append(Dropout(dropout))
            block.append(linear(i))
            seq = Sequential(*block)
            if residual and sizes[i] == sizes[i + 1]:
                layers.append(Residual(seq, zero_init=zero_init_residual))
            else:
                layers.append(seq)
        if get_activation(out_activation) is not identity:
            layers.append(Activation(out_activation))
        super().__init__(*layers)
        self.sizes = sizes
