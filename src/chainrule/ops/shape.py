"""Shape primitives: they move entries around, so their rules move adjoints back.

ā of ``reshape`` is ā reshaped to x's shape; ā of ``transpose`` is ā transposed back;
ā_i of ``concatenate``/``stack`` is argument i's slice of ā.
"""

from __future__ import annotations

import numpy as np

from ..core import broadcast_to, sum_to
from . import dispatch
from ._util import ByArgnum, normalize_axis, prim


def _reshape_impl(x, shape):
    return x.reshape(shape) if isinstance(x, (np.ndarray, np.generic)) else np.reshape(x, shape)


reshape = prim(_reshape_impl, "reshape")
reshape.defvjp(lambda g, ans, x, shape: reshape(g, x.shape), None)
reshape.defjvp(lambda t, ans, x, shape: reshape(t, shape), None)


def _inverse_axes(axes, ndim):
    if axes is None:
        return None
    return tuple(np.argsort([a % ndim for a in axes]))


def _transpose_impl(x, axes=None):
    return np.asarray(x).transpose(axes)


transpose = prim(_transpose_impl, "transpose")
transpose.defvjp(lambda g, ans, x, axes=None: transpose(g, _inverse_axes(axes, x.ndim)))
transpose.defjvp(lambda t, ans, x, axes=None: transpose(t, axes))

def _swapaxes_impl(x, a, b):
    return np.asarray(x).swapaxes(a, b)


swapaxes = prim(_swapaxes_impl, "swapaxes")
swapaxes.defvjp(lambda g, ans, x, a, b: swapaxes(g, a, b), None, None)
swapaxes.defjvp(lambda t, ans, x, a, b: swapaxes(t, a, b), None, None)

moveaxis = prim(np.moveaxis, "moveaxis")
moveaxis.defvjp(lambda g, ans, x, src, dst: moveaxis(g, dst, src), None, None)
moveaxis.defjvp(lambda t, ans, x, src, dst: moveaxis(t, src, dst), None, None)

def _expand_dims_impl(x, axis):
    x = np.asarray(x)
    axes = normalize_axis(axis, x.ndim + (len(axis) if isinstance(axis, (tuple, list)) else 1))
    it = iter(x.shape)
    return x.reshape(tuple(1 if i in axes else next(it) for i in range(x.ndim + len(axes))))


expand_dims = prim(_expand_dims_impl, "expand_dims")
expand_dims.defvjp(lambda g, ans, x, axis: reshape(g, x.shape), None)
expand_dims.defjvp(lambda t, ans, x, axis: expand_dims(t, axis), None)


def _squeeze_impl(x, axis=None):
    return np.asarray(x).squeeze(axis)


squeeze = prim(_squeeze_impl, "squeeze")
squeeze.defvjp(lambda g, ans, x, axis=None: reshape(g, x.shape))
squeeze.defjvp(lambda t, ans, x, axis=None: squeeze(t, axis))


def ravel(x):
    return reshape(x, (-1,))


def _concatenate_impl(*xs, axis=0):
    return np.concatenate(xs, axis=axis)


def _piece(i, g, xs, axis):
    start = 0
    for x in xs[:i]:
        start += x.shape[axis] if hasattr(x, "shape") else 1
    stop = start + xs[i].shape[axis]
    ax = axis % g.ndim
    return g[(slice(None),) * ax + (slice(start, stop),)]


_concatenate = prim(_concatenate_impl, "concatenate")
_concatenate.vjps = ByArgnum(lambda i, g, ans, *xs, axis=0: _piece(i, g, xs, axis))
_concatenate.jvps = ByArgnum(
    lambda i, t, ans, *xs, axis=0: _concatenate(
        *[t if j == i else np.zeros(np.shape(x), t.dtype) for j, x in enumerate(xs)], axis=axis))


def concatenate(arrays, axis=0):
    """Join ``arrays`` along ``axis``; ā_i is the i-th slice of ā."""
    return _concatenate(*arrays, axis=axis)


def _stack_impl(*xs, axis=0):
    return np.stack(xs, axis=axis)


def _take_slot(i, g, axis):
    ax = axis % g.ndim
    return g[(slice(None),) * ax + (i,)]


_stack = prim(_stack_impl, "stack")
_stack.vjps = ByArgnum(lambda i, g, ans, *xs, axis=0: _take_slot(i, g, axis))
_stack.jvps = ByArgnum(
    lambda i, t, ans, *xs, axis=0: _stack(
        *[broadcast_to(t, np.shape(xs[i])) if j == i else np.zeros(np.shape(x), t.dtype)
          for j, x in enumerate(xs)], axis=axis))


def stack(arrays, axis=0):
    """Stack ``arrays`` along a new ``axis``; ā_i is the i-th slot of ā."""
    return _stack(*arrays, axis=axis)


# ---- NumPy's names -----------------------------------------------------------------------
def _np_transpose(a, axes=None):
    return transpose(a, None if axes is None else tuple(axes))


def _np_reshape(a, shape=None, order="C", **kw):
    if shape is None:
        shape = kw.get("newshape")
    return reshape(a, shape)


def _np_squeeze(a, axis=None):
    return squeeze(a, axis)


for _np_func, _ours in {
    np.reshape: _np_reshape, np.transpose: _np_transpose, np.expand_dims: expand_dims,
    np.squeeze: _np_squeeze, np.ravel: ravel, np.swapaxes: swapaxes, np.moveaxis: moveaxis,
    np.broadcast_to: broadcast_to, np.concatenate: concatenate, np.stack: stack,
}.items():
    dispatch.function(_np_func, _ours)
dispatch.passthrough(np.shape, np.ndim, np.size)

__all__ = ["reshape", "transpose", "swapaxes", "moveaxis", "expand_dims", "squeeze", "ravel",
           "concatenate", "stack", "broadcast_to", "sum_to"]
