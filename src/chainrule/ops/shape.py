"""Shapes and joining: primitives that move entries around, and NumPy's functions built on them.

The primitives (``reshape``, ``transpose``, ``swapaxes``, ``moveaxis``, ``expand_dims``,
``squeeze``, ``concatenate``, ``stack``) move adjoints back the way their entries came:
ā of ``reshape`` is ā reshaped to x's shape; ā of ``transpose`` is ā transposed back; ā_i of
``concatenate``/``stack`` is argument i's slice of ā.

Everything else here is a *composite*: a function of those primitives, of ``getitem`` (a
gather, whose adjoint scatters, adding where an entry was used twice) and of
``broadcast_to`` (whose adjoint sums), so it needs no rules of its own and differentiates
to any order. ``tile`` and ``repeat`` by a constant are broadcasts; ``flip`` and ``split``
are slices (``roll`` is a primitive of :mod:`~chainrule.ops.window`); ``insert``, ``delete``,
``pad``'s edge/reflect/symmetric/wrap modes and
``resize`` are gathers whose indices are found by running NumPy's own function on an array
of positions (``np.pad(np.arange(n), ...)`` says where each padded entry comes from).

Each NumPy name is registered with NumPy's signature; applied to plain values it is NumPy's
own function.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..core import Tracer, broadcast_to, full_unwrap, sum_to
from . import dispatch
from . import elementwise as _ew
from ._util import ByArgnum, normalize_axis, prim
from .dtypes import convert
from .index import Distinct, getitem, scatter_add
from .window import np_roll

# ---- helpers shared by the composite families ----------------------------------------------


def traced(*objs: Any) -> bool:
    """Is any argument (or an entry of a list/tuple argument) a traced value?"""
    for o in objs:
        if isinstance(o, Tracer):
            return True
        if (type(o) is list or type(o) is tuple) and traced(*o):
            return True
    return False


def as_array(x: Any) -> Any:
    """A traced value as it is; a (nested) list holding traced values stacked; else an array."""
    if isinstance(x, Tracer):
        return x
    if (type(x) is list or type(x) is tuple) and traced(*x):
        return stack_pieces(*[as_array(e) for e in x], axis=0)
    return np.asarray(x)


def along(axis: int, idx: Any) -> tuple:
    """The index that applies ``idx`` along ``axis`` (a non-negative int) only."""
    return (slice(None),) * axis + (idx,)


def axis_index(axis: Any, ndim: int) -> int:
    """``axis`` (an int, negatives allowed) as a non-negative int; NumPy's AxisError if out."""
    return normalize_axis(int(axis), ndim)[0]


# ---- primitives ------------------------------------------------------------------------------


def _reshape_impl(x, shape):
    return x.reshape(shape) if isinstance(x, (np.ndarray, np.generic)) else np.reshape(x, shape)


reshape = prim(_reshape_impl, "reshape")
"""``reshape(x, shape)``: ā_x = ā reshaped to x's shape; ȧ = ȧ_x reshaped."""
reshape.defvjp(lambda g, ans, x, shape: reshape(g, x.shape), None)
reshape.defjvp(lambda t, ans, x, shape: reshape(t, shape), None)


def _inverse_axes(axes, ndim):
    if axes is None:
        return None
    return tuple(np.argsort([a % ndim for a in axes]))


def _transpose_impl(x, axes=None):
    return np.asarray(x).transpose(axes)


transpose = prim(_transpose_impl, "transpose")
"""``transpose(x, axes)``: ā_x = ā transposed by the inverse permutation."""
transpose.defvjp(lambda g, ans, x, axes=None: transpose(g, _inverse_axes(axes, x.ndim)))
transpose.defjvp(lambda t, ans, x, axes=None: transpose(t, axes))


def _swapaxes_impl(x, a, b):
    return np.asarray(x).swapaxes(a, b)


swapaxes = prim(_swapaxes_impl, "swapaxes")
"""``swapaxes(x, a, b)``: its own inverse, so ā_x = swapaxes(ā, a, b)."""
swapaxes.defvjp(lambda g, ans, x, a, b: swapaxes(g, a, b), None, None)
swapaxes.defjvp(lambda t, ans, x, a, b: swapaxes(t, a, b), None, None)

moveaxis = prim(np.moveaxis, "moveaxis")
"""``moveaxis(x, src, dst)``: ā_x = moveaxis(ā, dst, src)."""
moveaxis.defvjp(lambda g, ans, x, src, dst: moveaxis(g, dst, src), None, None)
moveaxis.defjvp(lambda t, ans, x, src, dst: moveaxis(t, src, dst), None, None)


def _expand_dims_impl(x, axis):
    x = np.asarray(x)
    axes = normalize_axis(axis, x.ndim + (len(axis) if isinstance(axis, (tuple, list)) else 1))
    it = iter(x.shape)
    return x.reshape(tuple(1 if i in axes else next(it) for i in range(x.ndim + len(axes))))


expand_dims = prim(_expand_dims_impl, "expand_dims")
"""``expand_dims(x, axis)``: ā_x = ā reshaped to x's shape."""
expand_dims.defvjp(lambda g, ans, x, axis: reshape(g, x.shape), None)
expand_dims.defjvp(lambda t, ans, x, axis: expand_dims(t, axis), None)


def _squeeze_impl(x, axis=None):
    return np.asarray(x).squeeze(axis)


squeeze = prim(_squeeze_impl, "squeeze")
"""``squeeze(x, axis)``: ā_x = ā reshaped to x's shape."""
squeeze.defvjp(lambda g, ans, x, axis=None: reshape(g, x.shape))
squeeze.defjvp(lambda t, ans, x, axis=None: squeeze(t, axis))


def _concatenate_impl(*xs, axis=0):
    return np.concatenate(xs, axis=axis)


def _piece(i, g, xs, axis):
    start = 0
    for x in xs[:i]:
        start += x.shape[axis] if hasattr(x, "shape") else 1
    stop = start + xs[i].shape[axis]
    ax = axis % g.ndim
    return g[(slice(None),) * ax + (slice(start, stop),)]


concatenate_pieces = prim(_concatenate_impl, "concatenate")
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


stack_pieces = prim(_stack_impl, "stack")
"""``stack(*xs, axis)``: ā_i is the i-th slot of ā along the new axis."""
stack_pieces.vjps = ByArgnum(lambda i, g, ans, *xs, axis=0: _take_slot(i, g, axis))
stack_pieces.jvps = ByArgnum(
    lambda i, t, ans, *xs, axis=0: stack_pieces(
        *[broadcast_to(t, np.shape(xs[i])) if j == i else np.zeros(np.shape(x), t.dtype)
          for j, x in enumerate(xs)], axis=axis))


# ---- NumPy's shape functions (NumPy's signatures) ------------------------------------------


def _order_is_fortran(x: Any, order: str) -> bool:
    if order in ("C", None):
        return False
    if order == "F":
        return True
    if order == "A":
        flags = np.asarray(full_unwrap(x)).flags
        return bool(flags.f_contiguous and not flags.c_contiguous)
    raise ValueError(f"order must be one of 'C', 'F', 'A' (or 'K' for ravel), not {order!r}")


def np_reshape(a, /, shape, order="C", *, copy=None):
    """``np.reshape``; ``order='F'`` reshapes the transpose (x.reshape(s, 'F') is
    (xᵀ.reshape(reversed s))ᵀ)."""
    if not traced(a):
        return np.reshape(a, shape, order=order, copy=copy)
    x = as_array(a)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if _order_is_fortran(x, order):
        return transpose(reshape(transpose(x), shape[::-1]))
    return reshape(x, shape)


def ravel(a, order="C"):
    """``np.ravel``: x reshaped to one axis, in ``order`` (for 'K', memory order)."""
    if not traced(a):
        return np.ravel(a, order=order)
    x = as_array(a)
    if order == "K":
        v = np.asarray(full_unwrap(x))
        if v.flags.c_contiguous:
            return reshape(x, (-1,))
        pos = np.empty_like(v, dtype=np.intp)  # the same memory layout as x
        pos[...] = np.arange(v.size).reshape(v.shape)
        return getitem(reshape(x, (-1,)), Distinct((np.ravel(pos, order="K"),)))
    if _order_is_fortran(x, order):
        return reshape(transpose(x), (-1,))
    return reshape(x, (-1,))


def np_transpose(a, axes=None):
    if not traced(a):
        return np.transpose(a, axes)
    return transpose(as_array(a), None if axes is None else tuple(axes))


def np_swapaxes(a, axis1, axis2):
    if not traced(a):
        return np.swapaxes(a, axis1, axis2)
    return swapaxes(as_array(a), axis1, axis2)


def np_moveaxis(a, source, destination):
    if not traced(a):
        return np.moveaxis(a, source, destination)
    return moveaxis(as_array(a), source, destination)


def rollaxis(a, axis, start=0):
    """``np.rollaxis``: ``axis`` moved to before ``start`` (a transpose)."""
    if not traced(a):
        return np.rollaxis(a, axis, start)
    x = as_array(a)
    n = x.ndim
    axis = axis_index(axis, n)
    if start < 0:
        start += n
    if not 0 <= start < n + 1:
        raise np.exceptions.AxisError(f"'start' arg requires {-n} <= start < {n + 1}, but "
                                      f"{start} was passed in")
    if axis < start:
        start -= 1
    if axis == start:
        return x
    axes = list(range(n))
    axes.remove(axis)
    axes.insert(start, axis)
    return transpose(x, tuple(axes))


def np_expand_dims(a, axis):
    if not traced(a):
        return np.expand_dims(a, axis)
    return expand_dims(as_array(a), tuple(axis) if isinstance(axis, list) else axis)


def np_squeeze(a, axis=None):
    if not traced(a):
        return np.squeeze(a, axis)
    return squeeze(as_array(a), axis)


def np_broadcast_to(array, shape, subok=False):
    if not traced(array):
        return np.broadcast_to(array, shape, subok=subok)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return broadcast_to(as_array(array), shape)


def broadcast_arrays(*args, subok=False):
    """``np.broadcast_arrays``: every argument broadcast to the common shape (a tuple)."""
    if not traced(*args):
        return np.broadcast_arrays(*args, subok=subok)
    xs = [as_array(a) for a in args]
    shape = np.broadcast_shapes(*(np.shape(x) if not isinstance(x, Tracer) else x.shape
                                  for x in xs))
    return tuple(broadcast_to(x, shape) for x in xs)


def _atleast(x, n):
    x = as_array(x)
    s = x.shape
    if len(s) >= n:
        return x
    if n == 1:
        return reshape(x, (1,))
    if n == 2:
        return reshape(x, (1,) * (2 - len(s)) + s)
    # atleast_3d: () -> (1, 1, 1), (N,) -> (1, N, 1), (M, N) -> (M, N, 1)
    return reshape(x, {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}[len(s)])


def _atleast_nd(np_func, n):
    def atleast(*arys):
        if not traced(*arys):
            return np_func(*arys)
        out = tuple(_atleast(a, n) for a in arys)
        return out[0] if len(out) == 1 else out
    atleast.__name__ = np_func.__name__
    atleast.__doc__ = f"``np.{np_func.__name__}``: views with at least {n} dimensions."
    return atleast


atleast_1d = _atleast_nd(np.atleast_1d, 1)
atleast_2d = _atleast_nd(np.atleast_2d, 2)
atleast_3d = _atleast_nd(np.atleast_3d, 3)


def _astype(x, dtype):
    """x converted to ``dtype``: a floating cast keeps the derivative; others would lose it."""
    return convert(x, dtype, "conversion", keep_derivative=True)


def _arrays(arrays) -> list:
    if isinstance(arrays, Tracer):  # NumPy iterates over the first axis
        return [getitem(arrays, i) for i in range(len(arrays))]
    return [as_array(a) for a in arrays]


def concatenate(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """``np.concatenate``: join along ``axis`` (None: ravel first); ā_i is the i-th slice."""
    dispatch.no_out("concatenate", out)
    xs = _arrays(arrays)
    if not traced(*xs):
        return np.concatenate(xs, axis=axis, dtype=dtype, casting=casting)
    if axis is None:
        xs = [reshape(x, (-1,)) for x in xs]
        axis = 0
    if dtype is not None:
        xs = [_astype(x, dtype) for x in xs]
    return concatenate_pieces(*xs, axis=axis)


def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """``np.stack``: join along a new ``axis``; ā_i is the i-th slot."""
    dispatch.no_out("stack", out)
    xs = _arrays(arrays)
    if not traced(*xs):
        return np.stack(xs, axis=axis, dtype=dtype, casting=casting)
    if dtype is not None:
        xs = [_astype(x, dtype) for x in xs]
    return stack_pieces(*xs, axis=axis)


def hstack(tup, *, dtype=None, casting="same_kind"):
    """``np.hstack``: along axis 1 (axis 0 for 1-D arrays)."""
    if not traced(tup):
        return np.hstack(tup, dtype=dtype, casting=casting)
    xs = [_atleast(x, 1) for x in _arrays(tup)]
    return concatenate(xs, 0 if xs and xs[0].ndim == 1 else 1, dtype=dtype, casting=casting)


def vstack(tup, *, dtype=None, casting="same_kind"):
    """``np.vstack`` (and the deprecated ``np.row_stack``): along axis 0 of 2-D views."""
    if not traced(tup):
        return np.vstack(tup, dtype=dtype, casting=casting)
    return concatenate([_atleast(x, 2) for x in _arrays(tup)], 0, dtype=dtype,
                       casting=casting)


def dstack(tup):
    """``np.dstack``: along axis 2 of 3-D views."""
    if not traced(tup):
        return np.dstack(tup)
    return concatenate([_atleast(x, 3) for x in _arrays(tup)], 2)


def column_stack(tup):
    """``np.column_stack``: 1-D arrays become columns, then join along axis 1."""
    if not traced(tup):
        return np.column_stack(tup)
    cols = []
    for x in _arrays(tup):
        cols.append(reshape(x, (-1, 1)) if x.ndim < 2 else x)
    return concatenate(cols, 1)


def _split_points(n, indices_or_sections):
    try:
        points = [int(i) for i in indices_or_sections]
        return [0] + points + [n]
    except TypeError:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.") from None
        each, extras = divmod(n, sections)
        sizes = [0] + extras * [each + 1] + (sections - extras) * [each]
        return list(np.cumsum(sizes))


def array_split(ary, indices_or_sections, axis=0):
    """``np.array_split``: a list of slices along ``axis`` (sizes may differ by one)."""
    if not traced(ary):
        return np.array_split(ary, indices_or_sections, axis)
    x = as_array(ary)
    ax = axis_index(axis, x.ndim)
    pts = _split_points(x.shape[ax], indices_or_sections)
    return [getitem(x, along(ax, slice(int(a), int(b)))) for a, b in zip(pts[:-1], pts[1:])]


def split(ary, indices_or_sections, axis=0):
    """``np.split``: like ``array_split``, but sections must divide the axis evenly."""
    if not traced(ary):
        return np.split(ary, indices_or_sections, axis)
    x = as_array(ary)
    if isinstance(indices_or_sections, (int, np.integer)):
        if x.shape[axis_index(axis, x.ndim)] % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
    return array_split(x, indices_or_sections, axis)


def hsplit(ary, indices_or_sections):
    """``np.hsplit``: split along axis 1 (axis 0 for 1-D arrays)."""
    if not traced(ary):
        return np.hsplit(ary, indices_or_sections)
    x = as_array(ary)
    if x.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(x, indices_or_sections, 1 if x.ndim > 1 else 0)


def vsplit(ary, indices_or_sections):
    """``np.vsplit``: split along axis 0 (2-D and up)."""
    if not traced(ary):
        return np.vsplit(ary, indices_or_sections)
    x = as_array(ary)
    if x.ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(x, indices_or_sections, 0)


def dsplit(ary, indices_or_sections):
    """``np.dsplit``: split along axis 2 (3-D and up)."""
    if not traced(ary):
        return np.dsplit(ary, indices_or_sections)
    x = as_array(ary)
    if x.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(x, indices_or_sections, 2)


def unstack(x, /, *, axis=0):
    """``np.unstack``: the slices along ``axis``, as a tuple."""
    if not traced(x):
        return np.unstack(x, axis=axis)
    x = as_array(x)
    if x.ndim == 0:
        raise ValueError("Input array must be at least 1-d.")
    ax = axis_index(axis, x.ndim)
    return tuple(getitem(x, along(ax, i)) for i in range(x.shape[ax]))


def tile(A, reps):
    """``np.tile``: A repeated ``reps`` times along each axis, as a broadcast (ā sums)."""
    if not traced(A):
        return np.tile(A, reps)
    x = as_array(A)
    tup = tuple(int(r) for r in reps) if isinstance(reps, Iterable) else (int(reps),)
    if x.ndim < len(tup):
        x = reshape(x, (1,) * (len(tup) - x.ndim) + x.shape)
    tup = (1,) * (x.ndim - len(tup)) + tup
    if all(r == 1 for r in tup):
        return x
    s = x.shape
    spread = tuple(k for r, n in zip(tup, s) for k in (1, n))
    wide = tuple(k for r, n in zip(tup, s) for k in (r, n))
    return reshape(broadcast_to(reshape(x, spread), wide), tuple(r * n for r, n in zip(tup, s)))


def repeat(a, repeats, axis=None):
    """``np.repeat``: each entry repeated; a constant count is a broadcast, counts per entry
    a gather (ā sums the copies either way)."""
    if not traced(a):
        return np.repeat(a, repeats, axis)
    x = as_array(a)
    if axis is None:
        x = reshape(x, (-1,))
        axis = 0
    ax = axis_index(axis, x.ndim)
    n = x.shape[ax]
    reps = np.asarray(full_unwrap(repeats))
    positions = np.repeat(np.arange(n), reps)  # NumPy's checks (negative counts, lengths)
    if reps.size == 1:
        k = int(reps.reshape(()))
        s = x.shape
        lifted = reshape(x, s[:ax + 1] + (1,) + s[ax + 1:])
        return reshape(broadcast_to(lifted, s[:ax + 1] + (k,) + s[ax + 1:]),
                       s[:ax] + (n * k,) + s[ax + 1:])
    return getitem(x, along(ax, positions))


def flip(m, axis=None):
    """``np.flip``: reversed along ``axis`` (all axes for None)."""
    if not traced(m):
        return np.flip(m, axis)
    x = as_array(m)
    axes = normalize_axis(axis, x.ndim)
    return getitem(x, tuple(slice(None, None, -1) if i in axes else slice(None)
                            for i in range(x.ndim)))


def fliplr(m):
    """``np.fliplr``: reversed along axis 1."""
    if not traced(m):
        return np.fliplr(m)
    x = as_array(m)
    if x.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(x, 1)


def flipud(m):
    """``np.flipud``: reversed along axis 0."""
    if not traced(m):
        return np.flipud(m)
    x = as_array(m)
    if x.ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(x, 0)


def roll(a, shift, axis=None):
    """``np.roll``: one primitive (:func:`chainrule.ops.window.roll`)."""
    return np_roll(as_array(a) if traced(a) else a, shift, axis)


def rot90(m, k=1, axes=(0, 1)):
    """``np.rot90``: a rotation in the plane ``axes`` (flips and a transpose)."""
    if not traced(m):
        return np.rot90(m, k, axes)
    x = as_array(m)
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == x.ndim:
        raise ValueError("Axes must be different.")
    if not (-x.ndim <= axes[0] < x.ndim and -x.ndim <= axes[1] < x.ndim):
        raise ValueError(f"Axes={axes} out of range for array of ndim={x.ndim}.")
    k %= 4
    if k == 0:
        return x
    if k == 2:
        return flip(flip(x, axes[0]), axes[1])
    perm = list(range(x.ndim))
    perm[axes[0]], perm[axes[1]] = perm[axes[1]], perm[axes[0]]
    if k == 1:
        return transpose(flip(x, axes[1]), tuple(perm))
    return flip(transpose(x, tuple(perm)), axes[1])


# ---- diagonals, triangles ------------------------------------------------------------------


def _diagonal_positions(rows, cols, k):
    """Row and column indices of the k-th diagonal of a rows × cols matrix."""
    n = max(0, min(rows, cols - k) if k >= 0 else min(rows + k, cols))
    i = np.arange(n)
    return (i, i + k) if k >= 0 else (i - k, i)


def diag(v, k=0):
    """``np.diag``: a 1-D v on the k-th diagonal of a square matrix (a scatter), or the k-th
    diagonal of a 2-D v (a gather)."""
    if not traced(v):
        return np.diag(v, k)
    x = as_array(v)
    k = int(k)
    if x.ndim == 1:
        n = x.shape[0] + abs(k)
        rows, cols = _diagonal_positions(n, n, k)
        return scatter_add(x, Distinct((rows, cols)), (n, n))
    if x.ndim == 2:
        return getitem(x, Distinct(_diagonal_positions(x.shape[0], x.shape[1], k)))
    raise ValueError("Input must be 1- or 2-d.")


def diagflat(v, k=0):
    """``np.diagflat``: the flattened input on the k-th diagonal."""
    if not traced(v):
        return np.diagflat(v, k)
    return diag(reshape(as_array(v), (-1,)), k)


def tril(m, k=0):
    """``np.tril``: zeros above the k-th diagonal (of the last two axes)."""
    if not traced(m):
        return np.tril(m, k)
    x = as_array(m)
    mask = np.tri(*x.shape[-2:], k=k, dtype=bool)
    return _ew.where(mask, x, 0)


def triu(m, k=0):
    """``np.triu``: zeros below the k-th diagonal (of the last two axes)."""
    if not traced(m):
        return np.triu(m, k)
    x = as_array(m)
    mask = np.tri(*x.shape[-2:], k=k - 1, dtype=bool)
    return _ew.where(mask, 0, x)


# ---- inserting, deleting, resizing, blocks -------------------------------------------------


def append(arr, values, axis=None):
    """``np.append``: a concatenation (of the raveled arrays when ``axis`` is None)."""
    if not traced(arr, values):
        return np.append(arr, values, axis)
    x, v = as_array(arr), as_array(values)
    if axis is None:
        x = reshape(x, (-1,)) if x.ndim != 1 else x
        v = reshape(v, (-1,))
        axis = x.ndim - 1
    return concatenate_pieces(x, v, axis=axis)


def delete(arr, obj, axis=None):
    """``np.delete``: a gather of the entries that stay."""
    if not traced(arr):
        return np.delete(arr, obj, axis)
    x = as_array(arr)
    if axis is None:
        x = reshape(x, (-1,)) if x.ndim != 1 else x
        axis = x.ndim - 1
    ax = axis_index(axis, x.ndim)
    keep = np.delete(np.arange(x.shape[ax]), full_unwrap(obj))
    return getitem(x, Distinct(along(ax, keep)))


def insert(arr, obj, values, axis=None):
    """``np.insert``: a gather from [x, values]; where each entry comes from is
    ``np.insert`` run on their positions (so NumPy's broadcasting rules hold exactly)."""
    if not traced(arr, values):
        return np.insert(arr, obj, values, axis)
    x = as_array(arr)
    v = as_array(values)
    if isinstance(v, Tracer):
        if x.dtype.kind != "f":
            raise TypeError(f"np.insert casts values to the array's dtype {x.dtype}, which "
                            "would lose their derivative; insert into a floating array")
        v = _astype(v, x.dtype)
    else:
        v = v.astype(x.dtype)
    xsize = int(np.prod(x.shape))
    base = np.arange(xsize).reshape(x.shape)
    vpos = xsize + np.arange(int(np.prod(v.shape))).reshape(v.shape)
    where = np.insert(base, full_unwrap(obj), vpos, axis)
    return getitem(concatenate_pieces(reshape(x, (-1,)), reshape(v, (-1,)), axis=0), where)


def resize(a, new_shape):
    """``np.resize``: the raveled input repeated cyclically to fill ``new_shape``."""
    if not traced(a):
        return np.resize(a, new_shape)
    x = reshape(as_array(a), (-1,))
    shape = (int(new_shape),) if isinstance(new_shape, (int, np.integer)) else \
        tuple(int(n) for n in new_shape)
    if any(n < 0 for n in shape):
        raise ValueError("all elements of `new_shape` must be non-negative")
    size = int(np.prod(shape))
    n = x.shape[0]
    if n == 0 or size == 0:
        return np.zeros(shape, dtype=x.dtype)
    flat = getitem(x, slice(0, size)) if size <= n else getitem(x, np.arange(size) % n)
    return reshape(flat, shape)


def _block_depth(arrays, where=()) -> tuple[int, list]:
    if type(arrays) is tuple:
        raise TypeError(f"{where or 'arrays'} is a tuple. Only lists can be used to arrange "
                        "blocks, and np.block does not allow implicit conversion from tuple "
                        "to ndarray.")
    if type(arrays) is list:
        if not arrays:
            raise ValueError(f"List at {list(where) or 'arrays'} cannot be empty")
        depths = [_block_depth(a, where + (i,)) for i, a in enumerate(arrays)]
        first = depths[0][0]
        for i, (d, _) in enumerate(depths):
            if d != first:
                raise ValueError("List depths are mismatched. First element was at depth "
                                 f"{first + 1}, but there is an element at depth {d + 1} "
                                 f"({list(where + (i,))})")
        return first + 1, [n for _, ns in depths for n in ns]
    return 0, [np.ndim(arrays) if not isinstance(arrays, Tracer) else arrays.ndim]


def block(arrays):
    """``np.block``: nested lists joined innermost along the last axis, outward along
    earlier axes, after giving every block the result's number of dimensions."""
    if not traced(arrays):
        return np.block(arrays)
    depth, ndims = _block_depth(arrays)
    nd = max(depth, *ndims)

    def build(a, d):
        if d == depth:
            x = as_array(a)
            return x if x.ndim == nd else reshape(x, (1,) * (nd - x.ndim) + x.shape)
        return concatenate([build(e, d + 1) for e in a], axis=-(depth - d))
    return build(arrays, 0)


def meshgrid(*xi, copy=True, sparse=False, indexing="xy"):
    """``np.meshgrid``: the coordinate vectors reshaped and broadcast (a tuple)."""
    if not traced(*xi):
        return np.meshgrid(*xi, copy=copy, sparse=sparse, indexing=indexing)
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    n = len(xi)
    ones = (1,) * n
    out = [reshape(as_array(x), ones[:i] + (-1,) + ones[i + 1:]) for i, x in enumerate(xi)]
    if indexing == "xy" and n > 1:
        out[0] = reshape(out[0], (1, -1) + ones[2:])
        out[1] = reshape(out[1], (-1, 1) + ones[2:])
    if not sparse:
        out = list(broadcast_arrays(*out))
    return tuple(out)


# ---- NumPy's names -------------------------------------------------------------------------
for _np_func, _ours in {
    np.reshape: np_reshape, np.ravel: ravel, np.transpose: np_transpose,  # = np.permute_dims
    np.swapaxes: np_swapaxes, np.moveaxis: np_moveaxis, np.rollaxis: rollaxis,
    np.expand_dims: np_expand_dims, np.squeeze: np_squeeze, np.broadcast_to: np_broadcast_to,
    np.broadcast_arrays: broadcast_arrays, np.atleast_1d: atleast_1d,
    np.atleast_2d: atleast_2d, np.atleast_3d: atleast_3d, np.concatenate: concatenate,
    np.stack: stack, np.hstack: hstack, np.vstack: vstack, np.row_stack: vstack,
    np.dstack: dstack, np.column_stack: column_stack, np.split: split,
    np.array_split: array_split, np.hsplit: hsplit, np.vsplit: vsplit, np.dsplit: dsplit,
    np.unstack: unstack, np.tile: tile, np.repeat: repeat, np.flip: flip, np.fliplr: fliplr,
    np.flipud: flipud, np.roll: roll, np.rot90: rot90, np.diag: diag,
    np.diagflat: diagflat, np.tril: tril, np.triu: triu, np.append: append,
    np.delete: delete, np.insert: insert, np.resize: resize, np.block: block,
    np.meshgrid: meshgrid,
}.items():
    dispatch.function(_np_func, _ours)
if hasattr(np, "concat") and np.concat is not np.concatenate:  # pragma: no cover
    dispatch.function(np.concat, concatenate)
dispatch.passthrough(np.shape, np.ndim, np.size)

__all__ = ["reshape", "transpose", "swapaxes", "moveaxis", "expand_dims", "squeeze", "ravel",
           "concatenate", "stack", "broadcast_to", "sum_to", "traced", "as_array",
           "rollaxis", "atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack", "dstack",
           "column_stack", "split", "array_split", "hsplit", "vsplit", "dsplit", "unstack",
           "tile", "repeat", "broadcast_arrays", "flip", "fliplr", "flipud", "roll", "rot90",
           "diag", "diagflat", "tril", "triu", "append", "delete", "insert", "resize",
           "block", "meshgrid"]
