"""Parameter pytrees as vectors: the arithmetic every landscape tool needs.

A *direction* in parameter space is a pytree with the structure and shapes of the
parameters. Only floating leaves move; integer leaves (a batch-norm ``count``) and ``None``
ride along unchanged, taken from the base point. :func:`ravel` turns the floating leaves
into one flat float64 vector (and back), so Lanczos, PCA and Newton steps work on plain
``numpy`` vectors while the loss still sees the user's pytree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import chainrule as cr

__all__ = ["is_float_leaf", "ravel", "axpy", "combine", "scale", "dot", "norm", "zeros_like",
           "normal_like", "stack_points"]


def is_float_leaf(x: Any) -> bool:
    """Whether a leaf is a floating array or number (the leaves a direction moves)."""
    dt = getattr(x, "dtype", None)
    if dt is None:
        return isinstance(x, float)
    return np.issubdtype(dt, np.floating)


def ravel(tree: Any) -> tuple[np.ndarray, Callable[[np.ndarray], Any]]:
    """``(vector, unravel)``: the floating leaves of ``tree`` concatenated (float64), and the
    inverse map ``unravel(vector) -> pytree`` (non-floating leaves are ``tree``'s own).

    ``unravel`` slices and reshapes its argument, so it also accepts a traced vector: the
    loss of ``unravel(θ)`` can be differentiated with respect to the flat ``θ``.
    """
    leaves, td = cr.tree.flatten(tree)
    slots = []
    start = 0
    for i, leaf in enumerate(leaves):
        if is_float_leaf(leaf):
            shape = np.shape(leaf)
            size = int(np.prod(shape, dtype=np.int64))
            dtype = getattr(leaf, "dtype", np.dtype(np.float64))
            slots.append((i, start, size, shape, dtype))
            start += size
    vec = np.zeros(start)
    for i, lo, size, _, _ in slots:
        vec[lo:lo + size] = np.ravel(leaves[i])

    def unravel(v: Any) -> Any:
        if np.shape(v) != (start,):
            raise ValueError(f"unravel: expected a vector of shape ({start},) (the parameters' "
                             f"floating entries), got shape {np.shape(v)}.")
        out = list(leaves)
        plain = isinstance(v, np.ndarray)
        for i, lo, size, shape, dtype in slots:
            piece = v[lo:lo + size].reshape(shape)
            out[i] = piece.astype(dtype, copy=True) if plain else piece
        return cr.tree.unflatten(td, out)

    return vec, unravel


def _map_float(f: Callable[..., Any], base: Any, *rest: Any) -> Any:
    return cr.tree.tree_map(lambda x, *ys: f(x, *ys) if is_float_leaf(x) else x, base, *rest)


def axpy(base: Any, alpha: float, d: Any) -> Any:
    """``base + alpha · d`` leaf by leaf (floating leaves; the others are ``base``'s)."""
    return _map_float(lambda x, y: x + alpha * y, base, d)


def combine(base: Any, coeffs: Any, directions: list[Any]) -> Any:
    """``base + Σ_k c_k · d_k`` for many points at once: ``coeffs`` has shape ``(G, K)``;
    every floating leaf gets a leading axis of length ``G`` (the grid axis)."""
    c = np.asarray(coeffs, dtype=np.float64)
    if c.ndim != 2 or c.shape[1] != len(directions):
        raise ValueError(f"combine: coeffs must have shape (G, {len(directions)}), got "
                         f"{c.shape}.")

    def leaf(x: Any, *ds: Any) -> Any:
        x = np.asarray(x)
        out = np.broadcast_to(x, (c.shape[0],) + x.shape).astype(x.dtype, copy=True)
        for k, d in enumerate(ds):
            out += c[:, k].reshape((-1,) + (1,) * x.ndim) * np.asarray(d)
        return out

    return _map_float(leaf, base, *directions)


def scale(d: Any, s: float) -> Any:
    """``s · d``."""
    return _map_float(lambda x: s * x, d)


def dot(a: Any, b: Any) -> float:
    """Σ over floating leaves of ⟨a, b⟩."""
    return float(sum(np.vdot(np.asarray(x), np.asarray(y))
                     for x, y in zip(cr.tree.leaves(a), cr.tree.leaves(b)) if is_float_leaf(x)))


def norm(d: Any) -> float:
    """The Euclidean norm of all floating leaves together."""
    return float(np.sqrt(dot(d, d)))


def zeros_like(tree: Any) -> Any:
    """Zeros in every floating leaf."""
    return _map_float(lambda x: np.zeros_like(np.asarray(x)), tree)


def normal_like(tree: Any, rng: np.random.Generator) -> Any:
    """Standard-normal entries in every floating leaf (drawn in leaf order)."""
    return _map_float(lambda x: rng.standard_normal(np.shape(x)).astype(
        getattr(x, "dtype", np.float64)), tree)


def stack_points(points: list[Any]) -> np.ndarray:
    """The points (pytrees of one structure) as the rows of a matrix."""
    return np.stack([ravel(p)[0] for p in points])
