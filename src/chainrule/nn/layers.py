"""Layers and containers: Linear, Activation, Sequential, Residual, Dropout.

All follow :mod:`chainrule.nn.module`'s protocol: ``init(rng) -> (params, state)`` and
``apply(params, state, x, train=False, rng=None) -> (y, state)``, pure functions of pytrees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import numpy as cnp
from . import init as _init
from .activations import get_activation
from .module import Module, as_rng

__all__ = ["Linear", "Activation", "Sequential", "Residual", "Dropout"]

_EMPTY: dict = {}  # read only: the params/state of a child that has none


def _shape(x: Any) -> tuple[int, ...]:
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


class Linear(Module):
    """y = x @ W + b, with ``W`` of shape ``(in_features, out_features)`` and ``b`` of shape
    ``(out_features,)`` (our layout: the transpose of PyTorch's weight).

    ``weight_init``: an initialiser (:mod:`chainrule.nn.init`), default PyTorch's
    U(-1/√in, 1/√in). ``bias_init``: default ``None`` means PyTorch's U(-1/√in, 1/√in) when
    the weights use PyTorch's default too, and zeros otherwise (Glorot's and He's papers use
    zero biases); the initialiser receives the layer's fans, so ``torch_linear_default`` or
    ``he_normal`` behave as for the weight. ``bias=False`` leaves ``b`` out (the lecture's
    model puts the bias into the input as a column of ones).
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 weight_init: Callable[..., Any] = _init.torch_linear_default,
                 bias_init: Callable[..., Any] | None = None, dtype: Any = np.float64):
        for name, v in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
                raise ValueError(f"Linear: {name} must be a positive int, got {v!r}.")
        if weight_init is None:
            weight_init = _init.torch_linear_default
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.bias = bool(bias)
        self.weight_init = weight_init
        self.bias_init = bias_init
        self.dtype = np.dtype(dtype)

    def init(self, rng: Any) -> tuple[dict, dict]:
        rng = as_rng(rng, "Linear.init")
        fi, fo = self.in_features, self.out_features
        params = {"W": _init.apply_initializer(self.weight_init, rng, (fi, fo), self.dtype)}
        if self.bias:
            binit = self.bias_init
            if binit is None:
                binit = (_init.torch_linear_default
                         if _init.is_torch_linear_default(self.weight_init) else _init.zeros)
            params["b"] = _init.apply_initializer(binit, rng, (fo,), self.dtype,
                                                  fan_in=fi, fan_out=fo)
        return params, {}

    def apply(self, params: Any, state: Any, x: Any, train: bool = False,
              rng: Any = None) -> tuple[Any, Any]:
        y = cnp.matmul(x, params["W"])
        if self.bias:
            y = y + params["b"]
        return y, (_EMPTY if state is None else state)

    def __repr__(self) -> str:
        extra = "" if self.bias else ", bias=False"
        return f"Linear({self.in_features}, {self.out_features}{extra})"


class Activation(Module):
    """An activation as a layer: ``Activation("relu")``, ``Activation("leaky_relu",
    slope=0.2)`` (keyword arguments go to the function), or ``Activation(any_function)``.
    Names: logistic (sigmoid), tanh, relu, leaky_relu, softplus, gelu, identity."""

    def __init__(self, fn_or_name: str | Callable[..., Any], **kwargs: Any):
        self.fn = get_activation(fn_or_name)
        self.name = fn_or_name if isinstance(fn_or_name, str) else getattr(
            fn_or_name, "__name__", type(fn_or_name).__name__)
        self.kwargs = kwargs

    def apply(self, params: Any, state: Any, x: Any, train: bool = False,
              rng: Any = None) -> tuple[Any, Any]:
        y = self.fn(x, **self.kwargs) if self.kwargs else self.fn(x)
        return y, (_EMPTY if state is None else state)

    def __repr__(self) -> str:
        kw = "".join(f", {k}={v!r}" for k, v in self.kwargs.items())
        return f"Activation({self.name!r}{kw})"


class Sequential(Module):
    """Modules applied in order. Parameters and state are ``{"0": ..., "1": ...}``, one
    entry per module (``{}`` for a module without any); a missing entry is read as ``{}``,
    so a checkpoint that dropped empty dicts still loads. ``rng`` is handed to every child
    in turn (each Dropout draws a fresh mask from the same generator)."""

    def __init__(self, *modules: Module):
        if len(modules) == 1 and isinstance(modules[0], (list, tuple)):
            modules = tuple(modules[0])
        for i, m in enumerate(modules):
            if not (hasattr(m, "init") and hasattr(m, "apply")):
                raise TypeError(f"Sequential: item {i} ({type(m).__name__}) is not a module "
                                "(it needs init(rng) and apply(params, state, x, ...)); wrap a "
                                "function as nn.Activation(fn).")
        self.layers = list(modules)
        self._keys = [str(i) for i in range(len(self.layers))]

    def init(self, rng: Any) -> tuple[dict, dict]:
        rng = as_rng(rng, f"{type(self).__name__}.init")
        params, state = {}, {}
        for k, m in zip(self._keys, self.layers):
            params[k], state[k] = m.init(rng)
        return params, state

    def apply(self, params: Any, state: Any, x: Any, train: bool = False,
              rng: Any = None) -> tuple[Any, Any]:
        params = _EMPTY if params is None else params
        state = _EMPTY if state is None else state
        if rng is not None and not isinstance(rng, np.random.Generator):
            rng = as_rng(rng, f"{type(self).__name__}.apply")  # one generator for all layers
        new_state = {}
        for k, m in zip(self._keys, self.layers):
            x, new_state[k] = m.apply(params.get(k, _EMPTY), state.get(k, _EMPTY), x,
                                      train, rng)
        return x, new_state

    def children(self) -> list[Module]:
        return list(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = "".join(f"\n  ({k}): " + repr(m).replace("\n", "\n  ")
                        for k, m in zip(self._keys, self.layers))
        return f"{type(self).__name__}({inner}\n)"


def _zero_last_linear(module: Module, params: Any) -> tuple[Any, bool]:
    """``params`` with the last Linear of ``module`` (searched depth first from the end)
    set to zero; and whether one was found."""
    if isinstance(module, Linear):
        return {k: np.zeros_like(v) for k, v in params.items()}, True
    if isinstance(module, Residual):
        return _zero_last_linear(module.branch, params)
    if isinstance(module, Sequential):
        params = dict(params)
        for k, m in reversed(list(zip(module._keys, module.layers))):
            new, found = _zero_last_linear(m, params.get(k, {}))
            if found:
                params[k] = new
                return params, True
    return params, False


class Residual(Module):
    """A skip connection: y = x + branch(x); the branch must keep x's shape.

    The parameters and state are the branch's own (a Residual adds none). ``zero_init=True``
    zeroes the branch's last Linear at ``init`` (weights and bias), so the block starts as
    the identity — the trick that lets very deep residual networks train from the start.
    """

    def __init__(self, branch: Module, zero_init: bool = False):
        if not (hasattr(branch, "init") and hasattr(branch, "apply")):
            raise TypeError(f"Residual: the branch must be a module, got "
                            f"{type(branch).__name__}.")
        self.branch = branch
        self.zero_init = bool(zero_init)

    def init(self, rng: Any) -> tuple[Any, Any]:
        params, state = self.branch.init(as_rng(rng, "Residual.init"))
        if self.zero_init:
            params, found = _zero_last_linear(self.branch, params)
            if not found:
                raise ValueError("Residual(zero_init=True): the branch has no Linear layer to "
                                 "zero.")
        return params, state

    def apply(self, params: Any, state: Any, x: Any, train: bool = False,
              rng: Any = None) -> tuple[Any, Any]:
        y, state = self.branch.apply(params, state, x, train, rng)
        if _shape(y) != _shape(x):
            raise ValueError(f"Residual: the branch maps shape {_shape(x)} to {_shape(y)}; a "
                             "skip connection needs the same shape in and out.")
        return x + y, state

    def children(self) -> list[Module]:
        return [self.branch]

    def __repr__(self) -> str:
        z = ", zero_init=True" if self.zero_init else ""
        return f"Residual({repr(self.branch)}{z})"


class Dropout(Module):
    """Inverted dropout: in training, each entry is kept with probability 1 - rate and scaled
    by 1/(1 - rate) (so the expected output is x); in evaluation it is the identity.

    Training needs ``rng`` (a ``numpy.random.Generator``) in ``apply``: the mask is drawn
    from it, so a run is reproducible from its seed. The mask is a constant: the gradient is
    ``mask / (1 - rate)``.
    """

    def __init__(self, rate: float):
        if not (isinstance(rate, (int, float, np.floating)) and 0.0 <= rate < 1.0):
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate!r}.")
        self.rate = float(rate)

    def apply(self, params: Any, state: Any, x: Any, train: bool = False,
              rng: Any = None) -> tuple[Any, Any]:
        state = _EMPTY if state is None else state
        if not train or self.rate == 0.0:
            return x, state
        if rng is None:
            raise ValueError("Dropout.apply(train=True) needs a random generator: pass "
                             "rng=np.random.default_rng(seed) to apply (or train=False).")
        rng = as_rng(rng, "Dropout.apply")
        dtype = getattr(x, "dtype", np.dtype(np.float64))
        dtype = dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)
        keep = rng.random(_shape(x)) >= self.rate
        scale = keep.astype(dtype) * dtype.type(1.0 / (1.0 - self.rate))
        return x * scale, state

    def __repr__(self) -> str:
        return f"Dropout({self.rate})"
