"""The module protocol: a module holds hyperparameters only; parameters and state are pytrees.

Every module (layer or container) has two methods::

    params, state = module.init(rng)
    y, state = module.apply(params, state, x, train=False, rng=None)

``init`` draws the parameters from ``rng`` (a ``numpy.random.Generator``; an int seed is
accepted too) and returns the initial state (``{}`` for modules without one). ``apply`` is a
pure function of its arguments: it never changes ``params`` or ``state`` in place, and it
returns the new state (BatchNorm's running statistics) next to the output. ``train``
switches BatchNorm to batch statistics and turns Dropout on; ``rng`` is the generator Dropout
draws its mask from. So every chainrule transform composes with a model::

    def loss(params, state, x, y):
        out, state = model.apply(params, state, x, train=True, rng=rng)
        return nn.softmax_cross_entropy(out, y), state
    (value, state), grads = cr.value_and_grad(loss, has_aux=True)(params, state, x, y)

Parameters are dicts of NumPy arrays: ``Linear`` has ``{"W": (in, out), "b": (out,)}``,
containers nest their children's under ``"0"``, ``"1"``, ...
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import tree as _tree

__all__ = ["Module", "count_params", "as_rng"]


def as_rng(rng: Any, who: str) -> np.random.Generator:
    """``rng`` as a Generator (an int seed is turned into one); anything else is an error."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"{who}: rng must be a numpy.random.Generator (or an int seed), got "
                    f"{type(rng).__name__}; pass np.random.default_rng(seed).")


class Module:
    """Base class of layers and containers (see the module documentation).

    Subclasses implement ``init(rng) -> (params, state)`` and
    ``apply(params, state, x, train=False, rng=None) -> (y, state)``. Calling a module is
    ``apply``.
    """

    def init(self, rng: Any) -> tuple[dict, dict]:
        return {}, {}

    def apply(self, params: Any, state: Any, x: Any, train: bool = False,
              rng: Any = None) -> tuple[Any, Any]:
        raise NotImplementedError(f"{type(self).__name__}.apply")

    def __call__(self, params: Any, state: Any, x: Any, train: bool = False,
                 rng: Any = None) -> tuple[Any, Any]:
        return self.apply(params, state, x, train=train, rng=rng)

    def children(self) -> list[Module]:
        """The sub-modules, in the order of their parameter keys (none for a layer)."""
        return []

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def count_params(params: Any) -> int:
    """The number of scalar parameters in a pytree of arrays."""
    return int(sum(int(np.size(leaf)) for leaf in _tree.leaves(params)))
