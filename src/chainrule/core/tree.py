"""Pytrees: nested containers of arrays that transforms accept and return.

Containers: ``dict`` (insertion order), ``list``, ``tuple``, named tuples, ``None`` (an
empty container: a ``None`` leaf stays ``None``), and classes registered with
:func:`register`. Everything else is a leaf.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from numpy import ndarray

__all__ = ["register", "flatten", "unflatten", "tree_map", "leaves", "TreeDef", "paths"]

_registry: dict[type, tuple[Callable, Callable]] = {}


class TreeDef(NamedTuple):
    """The shape of a pytree without its leaves."""

    kind: Any  # None for a leaf; the node type otherwise
    meta: Any  # keys, field names or the registered flatten's metadata
    children: tuple


_LEAF = TreeDef(None, None, ())


def register(cls: type, flatten: Callable[[Any], tuple[Iterable, Any]],
             unflatten: Callable[[Any, list], Any]) -> None:
    """Register ``cls`` as a container.

    ``flatten(obj) -> (children, metadata)``; ``unflatten(metadata, children) -> obj``.
    """
    _registry[cls] = (flatten, unflatten)


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _flatten(x: Any, out: list) -> TreeDef:
    t = type(x)
    if t is ndarray:
        out.append(x)
        return _LEAF
    if t is dict:
        keys = tuple(x)
        return TreeDef(dict, keys, tuple([_flatten(x[k], out) for k in keys]))
    if t is list or t is tuple:
        return TreeDef(t, None, tuple([_flatten(c, out) for c in x]))
    if x is None:
        return TreeDef(type(None), None, ())
    if t in _registry:
        children, meta = _registry[t][0](x)
        return TreeDef(t, meta, tuple([_flatten(c, out) for c in children]))
    if _is_namedtuple(x):
        return TreeDef(t, None, tuple([_flatten(c, out) for c in x]))
    out.append(x)
    return _LEAF


def flatten(tree: Any) -> tuple[list, TreeDef]:
    """``(leaves, treedef)`` with leaves in a fixed depth-first order."""
    if type(tree) is ndarray:
        return [tree], _LEAF
    out: list = []
    return out, _flatten(tree, out)


def _unflatten(td: TreeDef, it: Any) -> Any:
    kind = td.kind
    if kind is None:
        return next(it)
    if kind is type(None):
        return None
    children = [_unflatten(c, it) for c in td.children]
    if kind is dict:
        return dict(zip(td.meta, children))
    if kind is list:
        return children
    if kind is tuple:
        return tuple(children)
    if kind in _registry:
        return _registry[kind][1](td.meta, children)
    return kind(*children)  # named tuple


def unflatten(treedef: TreeDef, leaves: Iterable) -> Any:
    """Rebuild a pytree of the shape ``treedef`` from ``leaves``."""
    if treedef is _LEAF:
        (leaf,) = leaves
        return leaf
    return _unflatten(treedef, iter(leaves))


def leaves(tree: Any) -> list:
    return flatten(tree)[0]


def tree_map(f: Callable, tree: Any, *rest: Any) -> Any:
    """Apply ``f`` to each leaf (and the matching leaves of ``rest``, of the same shape)."""
    xs, td = flatten(tree)
    others = [flatten(r)[0] for r in rest]
    return unflatten(td, [f(x, *ys) for x, *ys in zip(xs, *others)])


def _paths(x: Any, prefix: str, out: list) -> None:
    t = type(x)
    if t is dict:
        for k in x:
            _paths(x[k], f"{prefix}[{k!r}]", out)
    elif t is list or t is tuple or _is_namedtuple(x):
        for i, c in enumerate(x):
            _paths(c, f"{prefix}[{i}]", out)
    elif x is None:
        return
    elif t in _registry:
        for i, c in enumerate(_registry[t][0](x)[0]):
            _paths(c, f"{prefix}[{i}]", out)
    else:
        out.append(prefix)


def paths(tree: Any, prefix: str = "") -> list[str]:
    """A readable path per leaf, in leaf order: ``['["W"]', '["b"]']``."""
    out: list[str] = []
    _paths(tree, prefix, out)
    return out
