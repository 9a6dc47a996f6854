"""Pytrees: nested containers of arrays that transforms accept and return.

Containers: ``dict`` (insertion order), ``list``, ``tuple``, named tuples, ``None`` (an
empty container: a ``None`` leaf stays ``None``), dataclasses registered with
:func:`register_dataclass`, and classes registered with :func:`register`. Everything else
is a leaf. :func:`ravel` turns a pytree into one flat vector and back (autograd's
``misc.flatten``, JAX's ``ravel_pytree``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy import ndarray

__all__ = ["register", "register_dataclass", "flatten", "unflatten", "tree_map", "leaves",
           "TreeDef", "paths", "ravel"]

_registry: dict[type, tuple[Callable, Callable]] = {}
_field_names: dict[type, tuple[str, ...]] = {}  # registered dataclasses: their children's names


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
    _field_names.pop(cls, None)


def register_dataclass(cls: type | None = None, data_fields: Sequence[str] | None = None,
                       meta_fields: Sequence[str] | None = None) -> Any:
    """Register a dataclass as a container whose children are its data fields.

    Usable as a decorator (``@cr.tree.register_dataclass``) or called on a class. By
    default every field that ``__init__`` takes is a data field (a child: an array, or a
    pytree), except fields declared with ``field(metadata={"static": True})``, which are
    metadata: compared as part of the structure, never differentiated (layer sizes, names).
    ``data_fields``/``meta_fields`` name them explicitly instead (JAX's spelling). Paths and
    gradient-check reports name children by field: ``params.W``, not ``params[0]``.
    """
    def reg(c: type) -> type:
        if not dataclasses.is_dataclass(c):
            raise TypeError(f"register_dataclass({c.__name__}): {c.__name__} is not a "
                            "dataclass; decorate it with @dataclasses.dataclass first, or "
                            "register it with cr.tree.register(cls, flatten, unflatten).")
        init = [f for f in dataclasses.fields(c) if f.init]
        if data_fields is None and meta_fields is None:
            data = tuple(f.name for f in init if not f.metadata.get("static", False))
            meta = tuple(f.name for f in init if f.metadata.get("static", False))
        else:
            meta = tuple(meta_fields or ())
            data = (tuple(data_fields) if data_fields is not None
                    else tuple(f.name for f in init if f.name not in meta))
        unknown = sorted(set(data + meta) - {f.name for f in init})
        if unknown:
            raise ValueError(f"register_dataclass({c.__name__}): {unknown} are not fields "
                             f"that {c.__name__}() takes; its fields are "
                             f"{[f.name for f in init]}.")

        def flatten_dc(x: Any) -> tuple[list, tuple]:
            return [getattr(x, n) for n in data], tuple(getattr(x, n) for n in meta)

        def unflatten_dc(m: tuple, children: list) -> Any:
            return c(**dict(zip(data, children)), **dict(zip(meta, m)))

        register(c, flatten_dc, unflatten_dc)
        _field_names[c] = data
        return c

    return reg if cls is None else reg(cls)


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
    elif t is list or t is tuple:
        for i, c in enumerate(x):
            _paths(c, f"{prefix}[{i}]", out)
    elif x is None:
        return
    elif t in _registry:
        names = _field_names.get(t)
        for i, c in enumerate(_registry[t][0](x)[0]):
            _paths(c, f"{prefix}.{names[i]}" if names else f"{prefix}[{i}]", out)
    elif _is_namedtuple(x):
        for name, c in zip(t._fields, x):
            _paths(c, f"{prefix}.{name}", out)
    else:
        out.append(prefix)


def paths(tree: Any, prefix: str = "") -> list[str]:
    """A readable path per leaf, in leaf order, as Python would index it.

    Dict keys by ``repr``, list and tuple entries by position, named-tuple and registered
    dataclass fields by name; ``prefix`` names the root:

    >>> paths({"W": 0.0, "layers": [1.0, 2.0]})
    ["['W']", "['layers'][0]", "['layers'][1]"]
    >>> paths({"W": 0.0}, "params")
    ["params['W']"]
    """
    out: list[str] = []
    _paths(tree, prefix, out)
    return out


def ravel(tree: Any) -> tuple[Any, Callable[[Any], Any]]:
    """``(flat, unravel)``: every leaf of ``tree`` raveled into one 1-D vector, and its inverse.

    autograd's ``misc.flatten`` and JAX's ``ravel_pytree``. Leaves are concatenated in this
    module's leaf order (dicts in insertion order; autograd and JAX sort dict keys), in
    their common dtype (``np.result_type``); ``unravel(v)`` cuts a vector of ``flat``'s
    size back into the tree, each leaf in its own shape and dtype. Both directions are
    differentiable: they are NumPy operations, which chainrule traces.
    """
    leaves_, td = flatten(tree)
    shapes = [np.shape(x) for x in leaves_]
    dtypes = [x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype for x in leaves_]
    sizes = [int(np.prod(s)) for s in shapes]
    dtype = np.result_type(*dtypes) if dtypes else np.dtype(np.float64)
    if leaves_:
        flat = np.concatenate([np.ravel(x).astype(dtype, copy=False) for x in leaves_])
    else:
        flat = np.zeros(0, dtype)
    total = sum(sizes)

    def unravel(v: Any) -> Any:
        if np.shape(v) != (total,):
            raise ValueError(f"unravel: expected a vector of shape ({total},), the size of the "
                             f"raveled tree, but got shape {np.shape(v)}.")
        out, start = [], 0
        for shape, dt, n in zip(shapes, dtypes, sizes):
            piece = np.reshape(v[start:start + n], shape)
            out.append(piece if piece.dtype == dt else piece.astype(dt))
            start += n
        return unflatten(td, out)

    return flat, unravel
