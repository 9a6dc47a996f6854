"""Shapes and joining: the primitives that move entries around.

``reshape``, ``transpose``, ``swapaxes``, ``moveaxis``, ``expand_dims``, ``squeeze``,
``concatenate`` and ``stack`` (variadic: one argument per piece) move adjoints back the way
their entries came: ā of ``reshape`` is ā reshaped to x's shape; ā of ``transpose`` is ā
transposed back; ā_i of ``concatenate``/``stack`` is argument i's slice of ā. NumPy's shape
functions (``np.reshape``, ``np.split``, ``np.tile``, ``np.pad`` ...) are composed from these
in :mod:`chainrule.numpy.manipulation` and its neighbours.
"""

from __future__ import annotations

import numpy as np

from ..core import ByArgnum, Primitive, broadcast_to, document_primitives
from .axes import normalize_axis


def _reshape_impl(x, shape):
    return x.reshape(shape) if isinstance(x, (np.ndarray, np.generic)) else np.reshape(x, shape)


reshape = Primitive(_reshape_impl, "reshape")
"""``reshape(x, shape)``: ā_x = ā reshaped to x's shape; ȧ = ȧ_x reshaped."""
reshape.deflinear(lambda g, ans, x, shape: reshape(g, x.shape), None)


def _inverse_axes(axes, ndim):
    if axes is None:
        return None
    return tuple(np.argsort([a % ndim for a in axes]))


def _transpose_impl(x, axes=None):
    return np.asarray(x).transpose(axes)


transpose = Primitive(_transpose_impl, "transpose")
"""``transpose(x, axes)``: ā_x = ā transposed by the inverse permutation."""
transpose.deflinear(lambda g, ans, x, axes=None: transpose(g, _inverse_axes(axes, x.ndim)))


def _swapaxes_impl(x, a, b):
    return np.asarray(x).swapaxes(a, b)


swapaxes = Primitive(_swapaxes_impl, "swapaxes")
"""``swapaxes(x, a, b)``: its own inverse, so ā_x = swapaxes(ā, a, b)."""
swapaxes.deflinear(lambda g, ans, x, a, b: swapaxes(g, a, b), None, None)

moveaxis = Primitive(np.moveaxis, "moveaxis")
"""``moveaxis(x, src, dst)``: ā_x = moveaxis(ā, dst, src)."""
moveaxis.deflinear(lambda g, ans, x, src, dst: moveaxis(g, dst, src), None, None)


def _expand_dims_impl(x, axis):
    x = np.asarray(x)
    axes = normalize_axis(axis, x.ndim + (len(axis) if isinstance(axis, (tuple, list)) else 1))
    it = iter(x.shape)
    return x.reshape(tuple(1 if i in axes else next(it) for i in range(x.ndim + len(axes))))


expand_dims = Primitive(_expand_dims_impl, "expand_dims")
"""``expand_dims(x, axis)``: ā_x = ā reshaped to x's shape."""
expand_dims.deflinear(lambda g, ans, x, axis: reshape(g, x.shape), None)


def _squeeze_impl(x, axis=None):
    return np.asarray(x).squeeze(axis)


squeeze = Primitive(_squeeze_impl, "squeeze")
"""``squeeze(x, axis)``: ā_x = ā reshaped to x's shape."""
squeeze.deflinear(lambda g, ans, x, axis=None: reshape(g, x.shape))


def _concatenate_impl(*xs, axis=0):
    return np.concatenate(xs, axis=axis)


def _piece(i, g, xs, axis):
    start = 0
    for x in xs[:i]:
        start += x.shape[axis] if hasattr(x, "shape") else 1
    stop = start + xs[i].shape[axis]
    ax = axis % g.ndim
    return g[(slice(None),) * ax + (slice(start, stop),)]


concatenate_pieces = Primitive(_concatenate_impl, "concatenate")
"""``concatenate(*xs, axis)``: ā_i is argument i's slice of ā; ȧ joins ȧ_i with zeros."""
concatenate_pieces.vjps = ByArgnum(lambda i, g, ans, *xs, axis=0: _piece(i, g, xs, axis))
concatenate_pieces.jvps = ByArgnum(
    lambda i, t, ans, *xs, axis=0: concatenate_pieces(
        *[t if j == i else np.zeros(np.shape(x), t.dtype) for j, x in enumerate(xs)], axis=axis))


def _stack_impl(*xs, axis=0):
    return np.stack(xs, axis=axis)


def _take_slot(i, g, axis):
    ax = axis % g.ndim
    return g[(slice(None),) * ax + (i,)]


stack_pieces = Primitive(_stack_impl, "stack")
"""``stack(*xs, axis)``: ā_i is the i-th slot of ā along the new axis."""
stack_pieces.vjps = ByArgnum(lambda i, g, ans, *xs, axis=0: _take_slot(i, g, axis))
stack_pieces.jvps = ByArgnum(
    lambda i, t, ans, *xs, axis=0: stack_pieces(
        *[broadcast_to(t, np.shape(xs[i])) if j == i else np.zeros(np.shape(x), t.dtype)
          for j, x in enumerate(xs)], axis=axis))


__all__ = ["reshape", "transpose", "swapaxes", "moveaxis", "expand_dims", "squeeze",
           "concatenate_pieces", "stack_pieces"]

document_primitives(__name__)
