"""NumPy's names mapped to chainrule's: the tables behind the dispatch protocols.

Each family module registers what it implements, next to the rules:

* ``ufunc(np.sin, sin)`` — ``np.sin(traced)`` applies chainrule's ``sin``;
* ``function(np.sum, sum_)`` — ``np.sum(traced, ...)`` calls ``sum_`` with NumPy's
  signature (``__array_function__``);
* ``passthrough(np.argmax, ...)`` — no derivative: applied to the plain values, the result
  is a plain array.

``chainrule.numpy`` is built from the same tables, so the explicit namespace and NumPy's
dispatch can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

UFUNCS: dict[Any, Callable[..., Any]] = {}
FUNCTIONS: dict[Any, Callable[..., Any]] = {}
PASSTHROUGH: set[Any] = set()


def ufunc(np_ufunc: Any, impl: Callable[..., Any]) -> None:
    """``np_ufunc(traced, ...)`` (positional arguments only) calls ``impl``."""
    UFUNCS[np_ufunc] = impl


def function(np_func: Any, impl: Callable[..., Any]) -> None:
    """``np_func(traced, ...)`` calls ``impl`` with the same arguments (NumPy's signature)."""
    FUNCTIONS[np_func] = impl


def implements(*np_funcs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: ``np_func(traced, ...)`` for each of ``np_funcs`` (a function and its
    aliases, e.g. ``@implements(np.concatenate, np.concat)``) calls the decorated function."""
    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        for f in np_funcs:
            FUNCTIONS[f] = impl
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
