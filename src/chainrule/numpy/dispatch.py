"""NumPy's names mapped to chainrule's: the tables behind the dispatch protocols.

Every NumPy function chainrule implements is registered, next to its definition in
``chainrule.numpy``'s rooms, with one decorator:

* ``@implements(np.sum)`` — ``np.sum(traced, ...)`` calls the decorated function with
  NumPy's signature (``__array_function__``); for a ufunc (``@implements(np.sin)``, or
  ``implements(np.sin)(sin)`` for a primitive) ``np.sin(traced)`` applies it
  (``__array_ufunc__``, positional arguments only);
* ``passthrough(np.argmax, ...)`` — no derivative: applied to the plain values, the result
  is a plain array.

``chainrule.numpy`` is built from the same tables, so the explicit namespace and NumPy's
dispatch can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])

UFUNCS: dict[Any, Callable[..., Any]] = {}
FUNCTIONS: dict[Any, Callable[..., Any]] = {}
PASSTHROUGH: set[Any] = set()


def implements(*np_funcs: Any) -> Callable[[F], F]:
    """Decorator: ``np_func(traced, ...)`` for each of ``np_funcs`` (a function and its
    aliases, e.g. ``@implements(np.concatenate, np.concat)``) calls the decorated function;
    a ufunc among them is routed through ``__array_ufunc__``."""
    def register(impl: F) -> F:
        for f in np_funcs:
            (UFUNCS if isinstance(f, np.ufunc) else FUNCTIONS)[f] = impl
        return impl
    return register


def passthrough(*np_funcs: Any) -> None:
    """Functions and ufuncs without a derivative: computed on plain values."""
    PASSTHROUGH.update(np_funcs)


def no_out(name: str, out: Any) -> None:
    """Refuse NumPy's ``out=`` argument for a traced computation."""
    if out is not None:
        raise TypeError(f"numpy.{name}(..., out=...) writes in place, which would change a "
                        "traced value; drop out= and use the returned array.")
