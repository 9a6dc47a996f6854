"""NumPy's array manipulation routines, composed from the shape primitives.

Composites of chainrule operations (no rules of their own, correct to any order because
their parts are), registered under NumPy's names with NumPy's signatures; applied to plain
values each is NumPy's own function. They are functions of the primitives of
:mod:`chainrule.ops.shape`, of ``getitem`` (a gather, whose adjoint scatters, adding where
an entry was used twice) and of ``broadcast_to`` (whose adjoint sums). ``tile`` and
``repeat`` by a constant are broadcasts; ``flip``, ``split``, ``roll`` are slices;
``insert``, ``delete`` and ``resize`` are gathers whose indices are found by running NumPy's
own function on an array of positions. Conventions:

* ``trim_zeros`` — at the values level: the slice is found on the values and the kept
  entries pass their derivative (an entry that is exactly 0 at the edge is dropped).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..core import Tracer, broadcast_to, full_unwrap, plain
from ..ops import window as _window
from ..ops.axes import along, axis_index, normalize_axis
from ..ops.dtypes import convert
from ..ops.index import Distinct, getitem
from ..ops.shape import (
    concatenate_pieces,
    expand_dims,
    moveaxis,
    reshape,
    squeeze,
    stack_pieces,
    swapaxes,
    transpose,
)
from .arguments import as_array, traced
from .dispatch import implements, no_out

_range = builtins.range


def _order_is_fortran(x: Any, order: str) -> bool:
    if order in ("C", None):
        return False
    if order == "F":
        return True
    if order == "A":
        flags = np.asarray(full_unwrap(x)).flags
        return bool(flags.f_contiguous and not flags.c_contiguous)
    raise ValueError(f"order must be one of 'C', 'F', 'A' (or 'K' for ravel), not {order!r}")


@implements(np.reshape)
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


@implements(np.ravel)
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


@implements(np.transpose)
def np_transpose(a, axes=None):
    if not traced(a):
        return np.transpose(a, axes)
    return transpose(as_array(a), None if axes is None else tuple(axes))


@implements(np.swapaxes)
def np_swapaxes(a, axis1, axis2):
    if not traced(a):
        return np.swapaxes(a, axis1, axis2)
    return swapaxes(as_array(a), axis1, axis2)


@implements(np.moveaxis)
def np_moveaxis(a, source, destination):
    if not traced(a):
        return np.moveaxis(a, source, destination)
    return moveaxis(as_array(a), source, destination)


@implements(np.rollaxis)
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


@implements(np.expand_dims)
def np_expand_dims(a, axis):
    if not traced(a):
        return np.expand_dims(a, axis)
    return expand_dims(as_array(a), tuple(axis) if isinstance(axis, list) else axis)


@implements(np.squeeze)
def np_squeeze(a, axis=None):
    if not traced(a):
        return np.squeeze(a, axis)
    return squeeze(as_array(a), axis)


@implements(np.broadcast_to)
def np_broadcast_to(array, shape, subok=False):
    if not traced(array):
        return np.broadcast_to(array, shape, subok=subok)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return broadcast_to(as_array(array), shape)


@implements(np.broadcast_arrays)
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


atleast_1d = implements(np.atleast_1d)(_atleast_nd(np.atleast_1d, 1))
atleast_2d = implements(np.atleast_2d)(_atleast_nd(np.atleast_2d, 2))
atleast_3d = implements(np.atleast_3d)(_atleast_nd(np.atleast_3d, 3))


def _astype(x, dtype):
    """x converted to ``dtype``: a floating cast keeps the derivative; others would lose it."""
    return convert(x, dtype, "conversion", keep_derivative=True)


def _arrays(arrays) -> list:
    if isinstance(arrays, Tracer):  # NumPy iterates over the first axis
        return [getitem(arrays, i) for i in range(len(arrays))]
    return [as_array(a) for a in arrays]


@implements(np.concatenate, np.concat)
def concatenate(arrays, /, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """``np.concatenate``: join along ``axis`` (None: ravel first); ā_i is the i-th slice."""
    no_out("concatenate", out)
    xs = _arrays(arrays)
    if not traced(*xs):
        return np.concatenate(xs, axis=axis, dtype=dtype, casting=casting)
    if axis is None:
        xs = [reshape(x, (-1,)) for x in xs]
        axis = 0
    if dtype is not None:
        xs = [_astype(x, dtype) for x in xs]
    return concatenate_pieces(*xs, axis=axis)


@implements(np.stack)
def stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """``np.stack``: join along a new ``axis``; ā_i is the i-th slot."""
    no_out("stack", out)
    xs = _arrays(arrays)
    if not traced(*xs):
        return np.stack(xs, axis=axis, dtype=dtype, casting=casting)
    if dtype is not None:
        xs = [_astype(x, dtype) for x in xs]
    return stack_pieces(*xs, axis=axis)


@implements(np.hstack)
def hstack(tup, *, dtype=None, casting="same_kind"):
    """``np.hstack``: along axis 1 (axis 0 for 1-D arrays)."""
    if not traced(tup):
        return np.hstack(tup, dtype=dtype, casting=casting)
    xs = [_atleast(x, 1) for x in _arrays(tup)]
    return concatenate(xs, 0 if xs and xs[0].ndim == 1 else 1, dtype=dtype, casting=casting)


@implements(np.vstack, np.row_stack)
def vstack(tup, *, dtype=None, casting="same_kind"):
    """``np.vstack`` (and the deprecated ``np.row_stack``): along axis 0 of 2-D views."""
    if not traced(tup):
        return np.vstack(tup, dtype=dtype, casting=casting)
    return concatenate([_atleast(x, 2) for x in _arrays(tup)], 0, dtype=dtype,
                       casting=casting)


@implements(np.dstack)
def dstack(tup):
    """``np.dstack``: along axis 2 of 3-D views."""
    if not traced(tup):
        return np.dstack(tup)
    return concatenate([_atleast(x, 3) for x in _arrays(tup)], 2)


@implements(np.column_stack)
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


@implements(np.array_split)
def array_split(ary, indices_or_sections, axis=0):
    """``np.array_split``: a list of slices along ``axis`` (sizes may differ by one)."""
    if not traced(ary):
        return np.array_split(ary, indices_or_sections, axis)
    x = as_array(ary)
    ax = axis_index(axis, x.ndim)
    pts = _split_points(x.shape[ax], indices_or_sections)
    return [getitem(x, along(ax, slice(int(a), int(b)))) for a, b in zip(pts[:-1], pts[1:])]


@implements(np.split)
def split(ary, indices_or_sections, axis=0):
    """``np.split``: like ``array_split``, but sections must divide the axis evenly."""
    if not traced(ary):
        return np.split(ary, indices_or_sections, axis)
    x = as_array(ary)
    if isinstance(indices_or_sections, (int, np.integer)):
        if x.shape[axis_index(axis, x.ndim)] % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
    return array_split(x, indices_or_sections, axis)


@implements(np.hsplit)
def hsplit(ary, indices_or_sections):
    """``np.hsplit``: split along axis 1 (axis 0 for 1-D arrays)."""
    if not traced(ary):
        return np.hsplit(ary, indices_or_sections)
    x = as_array(ary)
    if x.ndim == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(x, indices_or_sections, 1 if x.ndim > 1 else 0)


@implements(np.vsplit)
def vsplit(ary, indices_or_sections):
    """``np.vsplit``: split along axis 0 (2-D and up)."""
    if not traced(ary):
        return np.vsplit(ary, indices_or_sections)
    x = as_array(ary)
    if x.ndim < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(x, indices_or_sections, 0)


@implements(np.dsplit)
def dsplit(ary, indices_or_sections):
    """``np.dsplit``: split along axis 2 (3-D and up)."""
    if not traced(ary):
        return np.dsplit(ary, indices_or_sections)
    x = as_array(ary)
    if x.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(x, indices_or_sections, 2)


@implements(np.unstack)
def unstack(x, /, *, axis=0):
    """``np.unstack``: the slices along ``axis``, as a tuple."""
    if not traced(x):
        return np.unstack(x, axis=axis)
    x = as_array(x)
    if x.ndim == 0:
        raise ValueError("Input array must be at least 1-d.")
    ax = axis_index(axis, x.ndim)
    return tuple(getitem(x, along(ax, i)) for i in range(x.shape[ax]))


@implements(np.tile)
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


@implements(np.repeat)
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


@implements(np.flip)
def flip(m, axis=None):
    """``np.flip``: reversed along ``axis`` (all axes for None)."""
    if not traced(m):
        return np.flip(m, axis)
    x = as_array(m)
    axes = normalize_axis(axis, x.ndim)
    return getitem(x, tuple(slice(None, None, -1) if i in axes else slice(None)
                            for i in range(x.ndim)))


@implements(np.fliplr)
def fliplr(m):
    """``np.fliplr``: reversed along axis 1."""
    if not traced(m):
        return np.fliplr(m)
    x = as_array(m)
    if x.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(x, 1)


@implements(np.flipud)
def flipud(m):
    """``np.flipud``: reversed along axis 0."""
    if not traced(m):
        return np.flipud(m)
    x = as_array(m)
    if x.ndim < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(x, 0)


@implements(np.roll)
def roll(a, shift, axis=None):
    """``np.roll``: one ``roll`` primitive (:mod:`chainrule.ops.window`) with the shift and
    axes as plain integers."""
    if not traced(a):
        return np.roll(a, shift, axis)
    a = as_array(a)
    shift = full_unwrap(shift)
    if axis is None:
        return _window.roll(a, int(np.sum(shift)), None)
    if isinstance(shift, (int, np.integer)) and isinstance(axis, (int, np.integer)):
        return _window.roll(a, int(shift), int(axis))
    pairs = np.broadcast(shift, axis)
    if pairs.nd > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    total: dict[int, int] = {}
    for sh, ax in pairs:
        ax = int(ax)
        if not -a.ndim <= ax < a.ndim:
            raise np.exceptions.AxisError(ax, a.ndim)
        total[ax % a.ndim] = total.get(ax % a.ndim, 0) + int(sh)
    return _window.roll(a, tuple(total.values()), tuple(total))


@implements(np.lib.stride_tricks.sliding_window_view)
def sliding_window_view(x, window_shape, axis=None, *, subok=False, writeable=False):
    """``numpy.lib.stride_tricks.sliding_window_view``: the windows of ``x`` as trailing
    axes (read-only; ``writeable=True`` is refused for a traced value)."""
    if not isinstance(x, Tracer):
        return np.lib.stride_tricks.sliding_window_view(x, window_shape, axis, subok=subok,
                                                        writeable=writeable)
    if writeable:
        raise TypeError("sliding_window_view(..., writeable=True) of a traced value: writing "
                        "into the windows would change a traced value; leave writeable=False")
    window_shape = ((int(window_shape),) if np.ndim(window_shape) == 0
                    else tuple(int(w) for w in window_shape))
    if axis is not None:
        axis = int(axis) if np.ndim(axis) == 0 else tuple(int(a) for a in axis)
    return _window.sliding_window(x, window_shape, axis)



@implements(np.rot90)
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


# ---- inserting, deleting, resizing, blocks -------------------------------------------------


@implements(np.append)
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


@implements(np.delete)
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


@implements(np.insert)
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


@implements(np.resize)
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


@implements(np.block)
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


@implements(np.trim_zeros)
def trim_zeros(filt, trim="fb", axis=None):
    """``np.trim_zeros`` at the values level: the leading/trailing zeros are found on the
    values; the kept entries pass their derivative through."""
    if not traced(filt):
        return np.trim_zeros(filt, trim, axis)
    x = as_array(filt)
    v = full_unwrap(x)
    trim = trim.lower()
    if trim not in {"fb", "bf", "f", "b"}:
        raise ValueError(f"unexpected character(s) in `trim`: {trim!r}")
    axes = tuple(_range(v.ndim)) if axis is None else normalize_axis(axis, v.ndim)
    if not axes:
        return x
    nz = np.argwhere(v)
    if nz.size == 0:
        start = stop = [0] * v.ndim
    else:
        start = list(nz.min(axis=0)) if "f" in trim else [None] * v.ndim
        stop = list(nz.max(axis=0) + 1) if "b" in trim else [None] * v.ndim
    sl = tuple(slice(start[a], stop[a]) if a in axes else slice(None) for a in _range(v.ndim))
    return getitem(x, sl[0] if len(sl) == 1 else sl)


# ---- shape queries: the traced value's own shape (logical under vmap, without its batch axis)

@implements(np.shape)
def shape_of(a):
    """``np.shape``: a traced value's shape as the mapped function sees it."""
    return tuple(a.shape) if isinstance(a, Tracer) else np.shape(plain(a))


@implements(np.ndim)
def ndim_of(a):
    """``np.ndim``."""
    return a.ndim if isinstance(a, Tracer) else np.ndim(plain(a))


@implements(np.size)
def size_of(a, axis=None):
    """``np.size``."""
    if isinstance(a, Tracer):
        return a.size if axis is None else a.shape[axis]
    return np.size(plain(a), axis)
