"""Axis arguments and shape queries, shared by the primitives and the NumPy layer.

``normalize_axis`` and ``kept_shape`` are on the hot path of every reduction's rule, so
they are cached; ``ndim`` and ``shape`` read a value's attributes without NumPy's dispatch
(which a traced value would go through).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["normalize_axis", "axis_index", "kept_shape", "reduction_size", "along", "ndim",
           "shape"]

_axis_cache: dict = {}


def normalize_axis(axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, int or tuple, negatives allowed) as a sorted tuple of non-negative ints."""
    key = (axis if not isinstance(axis, list) else tuple(axis), ndim)
    out = _axis_cache.get(key)
    if out is None:
        out = _normalize_axis(key[0], ndim)
        if len(_axis_cache) < 4096:
            _axis_cache[key] = out
    return out


def _normalize_axis(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (int, np.integer)):
        axis = (axis,)
    out = []
    for a in axis:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise np.exceptions.AxisError(a, ndim)
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(out))


def axis_index(axis: Any, ndim: int) -> int:
    """``axis`` (an int, negatives allowed) as a non-negative int; NumPy's AxisError if out."""
    return normalize_axis(int(axis), ndim)[0]


_kept_cache: dict = {}


def kept_shape(shape: tuple[int, ...], axis: Any) -> tuple[int, ...]:
    """The shape of a reduction over ``axis`` with ``keepdims=True``."""
    key = (shape, axis if not isinstance(axis, list) else tuple(axis))
    out = _kept_cache.get(key)
    if out is None:
        axes = normalize_axis(axis, len(shape))
        out = tuple(1 if i in axes else n for i, n in enumerate(shape))
        if len(_kept_cache) < 4096:
            _kept_cache[key] = out
    return out


def reduction_size(x: Any, axis: Any) -> int:
    """How many entries each slice of a reduction of ``x`` over ``axis`` has."""
    s = shape(x)
    n = 1
    for a, k in zip(s, kept_shape(s, axis)):
        if k == 1:
            n *= a
    return n


def along(axis: int, idx: Any) -> tuple:
    """The index that applies ``idx`` along ``axis`` (a non-negative int) only."""
    return (slice(None),) * axis + (idx,)


def ndim(x: Any) -> int:
    """``x.ndim`` without NumPy's dispatch (which a traced value would go through)."""
    n = getattr(x, "ndim", None)
    return np.ndim(x) if n is None else n


def shape(x: Any) -> tuple[int, ...]:
    """``x.shape`` without NumPy's dispatch."""
    s = getattr(x, "shape", None)
    return np.shape(x) if s is None else s
