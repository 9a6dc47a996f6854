"""Small helpers shared by the rule tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import ByArgnum, Primitive, Tracer, full_unwrap

__all__ = ["ByArgnum", "prim", "nondiff", "kept_shape", "normalize_axis", "ndim", "shape",
           "plain"]


def prim(impl: Callable[..., Any], name: str) -> Primitive:
    return Primitive(impl, name)


def nondiff(impl: Callable[..., Any], name: str) -> Primitive:
    """A primitive with no derivative: computes on plain values, returns plain arrays."""
    return Primitive(impl, name, nondiff=True)


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


def ndim(x: Any) -> int:
    """``x.ndim`` without NumPy's dispatch (which a traced value would go through)."""
    n = getattr(x, "ndim", None)
    return np.ndim(x) if n is None else n


def shape(x: Any) -> tuple[int, ...]:
    """``x.shape`` without NumPy's dispatch."""
    s = getattr(x, "shape", None)
    return np.shape(x) if s is None else s


def plain(x: Any) -> Any:
    """``x`` with every traced value replaced by its plain value (in lists and tuples too)."""
    if isinstance(x, Tracer):
        return full_unwrap(x)
    if type(x) is list or type(x) is tuple:
        return type(x)(plain(i) for i in x)
    return x
