"""Selection: sorting, taking, choosing. Derivatives flow to the selected entries.

Every function here is a composite of ``getitem`` (a gather; its adjoint scatters ā back,
adding where an entry was selected twice) and ``where``: the indices are computed from the
plain values with NumPy, and carry no derivative. Conventions:

* ``sort`` with ties: the derivative of the k-th output flows to the entry NumPy's *stable*
  argsort puts k-th (the first of equal entries goes first). JAX sorts stably too; autograd
  gathers by NumPy's default (quicksort, unstable) argsort and PyTorch's ``sort`` is
  unstable by default, so which tied entry gets which derivative is theirs to choose.
* ``partition``: the output is ``a[argpartition(a)]``: the k-th entry is NumPy's, and so is
  the set of entries on each side, but their order within a side may differ from
  ``np.partition``'s (both are valid partitions); each entry's derivative goes with it.
* ``unique``: the derivative of a unique value flows to its *first occurrence* (the index
  ``np.unique(..., return_index=True)`` reports); the other copies get none. (PyTorch's
  ``unique`` has no backward and autograd no rule; JAX's sort-based one also reaches the
  first occurrence.)
* ``interp``: piecewise linear; at a breakpoint the slope of the segment to its right is
  used (JAX's choice), at the last breakpoint the one to its left; outside [xp[0], xp[-1]]
  the derivative in x is 0.
* argsort, argmax, argmin, argpartition, searchsorted, nonzero, flatnonzero, argwhere,
  where(cond): indices, passed through as plain arrays.

Each NumPy name is registered with NumPy's signature; applied to plain values it is NumPy's
own function.
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer, broadcast_to, cast, full_unwrap
from . import dispatch
from . import elementwise as _ew
from .index import Distinct, at_set, check_index, getitem, scatter_add
from .shape import (
    along,
    as_array,
    axis_index,
    broadcast_arrays,
    concatenate,
    reshape,
    stack_pieces,
    traced,
)


def _indices(ind):
    """A plain integer index array (a traced value is refused: it has no derivative)."""
    check_index(ind)
    return np.asarray(ind)


def _flat(x):
    return reshape(x, (-1,))


def _flat_or_axis(x, axis):
    """NumPy's ``axis=None`` convention: the raveled array along axis 0; else ``axis``
    normalised."""
    if axis is None:
        return _flat(x), 0
    return x, axis_index(axis, x.ndim)


def take_along_axis(arr, indices, axis=-1):
    """``np.take_along_axis``: out[..., i, ...] = arr[..., indices[..., i, ...], ...] (a
    gather; its adjoint scatter-adds)."""
    if not traced(arr):
        return np.take_along_axis(arr, indices, axis)
    return take_along(arr, indices, axis)


def _along_axis_index(shape, ind, ax):
    """The advanced index picking ``ind`` along axis ``ax`` and every entry elsewhere."""
    idx = []
    for d, n in enumerate(shape):
        if d == ax:
            idx.append(ind)
        else:
            s = [1] * len(shape)
            s[d] = n
            idx.append(np.arange(n).reshape(s))
    return idx


def take_along(arr, indices, axis=-1, distinct=False):
    """``take_along_axis`` on any input; ``distinct=True`` promises that no entry is taken
    twice (a permutation: the adjoint scatters by assignment)."""
    x = as_array(arr)
    ind = _indices(indices)
    if axis is None:
        if ind.ndim != 1:
            raise ValueError("when axis=None, `indices` must have a single dimension.")
    x, ax = _flat_or_axis(x, axis)
    if ind.ndim != x.ndim:
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    idx = _along_axis_index(x.shape, ind, ax)
    return getitem(x, Distinct(idx) if distinct else tuple(idx))


def put_along_axis(arr, indices, values, axis):
    """The out-of-place form of ``np.put_along_axis`` (which writes into ``arr`` and so
    cannot be applied to a traced value): a copy of ``arr`` with the values put along
    ``axis``. Where an index repeats, the last write lands (NumPy's)."""
    x = as_array(arr)
    ind = _indices(indices)
    x, ax = _flat_or_axis(x, axis)
    idx = _along_axis_index(x.shape, ind, ax)
    shape = np.broadcast_shapes(*(i.shape for i in idx))
    return at_set(x, broadcast_to(as_array(values), shape), tuple(idx))


def take(a, indices, axis=None, out=None, mode="raise"):
    """``np.take``: a gather along ``axis`` (of the raveled array for None); mode 'wrap'
    and 'clip' adjust the indices as NumPy does."""
    if not traced(a):
        return np.take(a, indices, axis, out, mode)
    dispatch.no_out("take", out)
    x = as_array(a)
    ind = _indices(indices)
    x, ax = _flat_or_axis(x, axis)
    n = x.shape[ax]
    if mode == "wrap":
        ind = ind % n
    elif mode == "clip":
        ind = np.clip(ind, 0, n - 1)
    elif mode != "raise":
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    return getitem(x, along(ax, ind))


def choose(a, choices, out=None, mode="raise"):
    """``np.choose``: out = choices[a] entry by entry (a gather from the stacked choices)."""
    if not traced(choices):
        return np.choose(a, choices, out=out, mode=mode)
    dispatch.no_out("choose", out)
    ind = _indices(a)
    if isinstance(choices, Tracer):
        cs = choices
    else:
        cs = stack_pieces(*broadcast_arrays(*[as_array(c) for c in choices]), axis=0)
    n = cs.shape[0]
    if mode == "wrap":
        ind = ind % n
    elif mode == "clip":
        ind = np.clip(ind, 0, n - 1)
    elif np.any((ind < 0) | (ind >= n)):
        raise ValueError("invalid entry in choice array")
    shape = np.broadcast_shapes(ind.shape, cs.shape[1:])
    cs = broadcast_to(cs, (n,) + shape)
    grid = np.indices(shape, sparse=True) if shape else ()
    return getitem(cs, Distinct((np.broadcast_to(ind, shape),) + tuple(grid)))


def compress(condition, a, axis=None, out=None):
    """``np.compress``: the slices along ``axis`` where ``condition`` is true."""
    if not traced(a):
        return np.compress(condition, a, axis, out)
    dispatch.no_out("compress", out)
    cond = np.asarray(full_unwrap(condition))
    if cond.ndim != 1:
        raise ValueError("condition must be a 1-d array")
    x = as_array(a)
    x, ax = _flat_or_axis(x, axis)
    keep = np.nonzero(cond)[0]
    if keep.size and keep[-1] >= x.shape[ax]:
        raise IndexError(f"index {keep[-1]} is out of bounds for axis {ax} with size "
                         f"{x.shape[ax]}")
    return getitem(x, Distinct(along(ax, keep)))


def select(condlist, choicelist, default=0):
    """``np.select``: the first choice whose condition holds, else ``default`` (nested
    ``where``: each choice receives the derivative where it is the one selected)."""
    if not traced(choicelist, default):
        return np.select(condlist, choicelist, default)
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(condlist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    conds = [np.asarray(full_unwrap(c)) for c in condlist]
    for i, c in enumerate(conds):
        if c.dtype.type is not np.bool_:
            raise TypeError(f"invalid entry {i} in condlist: should be boolean ndarray")
    out = default if isinstance(default, (int, float)) else as_array(default)  # weak scalar
    for c, choice in zip(conds[::-1], list(choicelist)[::-1]):
        out = _ew.where(c, as_array(choice), out)
    return out


def extract(condition, arr):
    """``np.extract``: the entries of the raveled array where the raveled condition holds."""
    if not traced(arr):
        return np.extract(condition, arr)
    keep = np.nonzero(np.ravel(np.asarray(full_unwrap(condition))))[0]
    return getitem(_flat(as_array(arr)), Distinct((keep,)))


def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """``np.sort``: a gather by the stable argsort (ties: the derivative of the k-th output
    goes to the entry the stable order puts k-th)."""
    if not traced(a):
        return np.sort(a, axis, kind=kind, order=order, stable=stable)
    if order is not None:
        raise ValueError("Cannot specify order when the array has no fields.")
    x = as_array(a)
    if axis is None:
        x = _flat(x)
        axis = -1
    perm = np.argsort(full_unwrap(x), axis=axis, kind="stable")
    return take_along(x, perm, axis, distinct=True)


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """``np.partition`` at the values level: a[argpartition(a)] (see the module's note)."""
    if not traced(a):
        return np.partition(a, kth, axis, kind, order)
    if order is not None:
        raise ValueError("Cannot specify order when the array has no fields.")
    x = as_array(a)
    if axis is None:
        x = _flat(x)
        axis = -1
    perm = np.argpartition(full_unwrap(x), kth, axis=axis, kind=kind)
    return take_along(x, perm, axis, distinct=True)


# ---- unique: the derivative flows to each value's first occurrence --------------------------


def _first_positions(flat, values):
    """For each of ``values`` (drawn from the 1-D ``flat``), the position of its first
    occurrence; the k-th NaN among ``values`` maps to the k-th NaN of ``flat``."""
    u, first = np.unique(flat, return_index=True, equal_nan=False)
    pos = np.searchsorted(u, values)
    out = first[np.minimum(pos, max(u.size - 1, 0))]
    nan = np.isnan(values) if values.dtype.kind == "f" else np.zeros(values.shape, bool)
    if nan.any():
        out[nan] = np.nonzero(np.isnan(flat))[0][:int(nan.sum())]
    return out


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *,
           equal_nan=True, sorted=True):  # noqa: A002 - NumPy's name
    """``np.unique``: the unique values are a gather of each one's first occurrence; the
    indices, inverse and counts are plain arrays."""
    kw = dict(return_index=return_index, return_inverse=return_inverse,
              return_counts=return_counts, axis=axis, equal_nan=equal_nan, sorted=sorted)
    if not traced(ar):
        return np.unique(ar, **kw)
    x = as_array(ar)
    kw["return_index"] = True
    res = np.unique(full_unwrap(x), **kw)
    first = res[1]
    if axis is None:
        values = getitem(_flat(x), Distinct((first,)))
    else:
        values = getitem(x, Distinct(along(axis_index(axis, x.ndim), first)))
    out = (values,) + ((first,) if return_index else ()) + tuple(res[2:])
    return out[0] if len(out) == 1 else out


def _unique_values_of(x, res_values):
    flat = np.ravel(full_unwrap(x))
    return getitem(_flat(x), Distinct((_first_positions(flat, np.asarray(res_values)),)))


def unique_values(x):
    """``np.unique_values``: values gathered from their first occurrences."""
    if not traced(x):
        return np.unique_values(x)
    x = as_array(x)
    return _unique_values_of(x, np.unique_values(full_unwrap(x)))


def _unique_result(np_func):
    def f(x):
        if not traced(x):
            return np_func(x)
        x = as_array(x)
        res = np_func(full_unwrap(x))
        return res._replace(values=_unique_values_of(x, res.values))
    f.__name__ = np_func.__name__
    f.__doc__ = (f"``np.{np_func.__name__}``: the values gathered from their first "
                 "occurrences; the other fields are plain arrays.")
    return f


unique_counts = _unique_result(np.unique_counts)
unique_inverse = _unique_result(np.unique_inverse)
unique_all = _unique_result(np.unique_all)


# ---- counting with weights, interpolation -------------------------------------------------


def bincount(x, /, weights=None, minlength=0):
    """``np.bincount``: with traced ``weights``, the weights summed into bins (a scatter-add;
    the derivative of bin b flows to the weights of the entries equal to b)."""
    if not traced(weights):
        return np.bincount(full_unwrap(x), weights=weights, minlength=minlength)
    ind = _indices(x)
    n = np.bincount(ind, minlength=minlength).shape[0]  # NumPy's checks and length
    w = as_array(weights)
    if w.shape != ind.shape:
        raise ValueError("The weights and list don't have the same length.")
    w = w if w.dtype == np.float64 else cast(w, np.float64)  # NumPy's: bins are doubles
    return scatter_add(w, (ind,), (n,))


def interp(x, xp, fp, left=None, right=None, period=None):
    """``np.interp``: piecewise-linear interpolation, differentiable in x, xp and fp (and
    ``left``/``right``); see the module's note for the breakpoints."""
    if not traced(x, xp, fp, left, right):
        return np.interp(x, xp, fp, left, right, period)
    x, xp, fp = as_array(x), as_array(xp), as_array(fp)
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("Data points must be 1-D sequences")
    if xp.shape[0] != fp.shape[0]:
        raise ValueError("fp and xp are not of the same length")
    if xp.shape[0] == 0:
        raise ValueError("array of sample points is empty")
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        if isinstance(xp, Tracer) or isinstance(period, Tracer):
            raise NotImplementedError("np.interp with period: xp and period must be plain "
                                      "arrays (the sample points are reordered)")
        period = abs(period)
        x = x - period * np.floor(full_unwrap(x) / period)
        xpp = np.asarray(xp) % period
        order = np.argsort(xpp, kind="stable")
        xpp = xpp[order]
        fp = getitem(fp, Distinct((order,)))
        xp = np.concatenate([xpp[-1:] - period, xpp, xpp[:1] + period])
        fp = concatenate([getitem(fp, slice(-1, None)), fp, getitem(fp, slice(None, 1))])
        left = right = None
    xv = np.asarray(full_unwrap(x))
    xpv = np.asarray(full_unwrap(xp))
    n = xpv.shape[0]
    if n == 1:
        y = getitem(fp, np.zeros(xv.shape, np.intp))
    else:
        seg = np.clip(np.searchsorted(xpv, xv, side="right") - 1, 0, n - 2)
        x0, x1 = getitem(xp, seg), getitem(xp, seg + 1)
        f0, f1 = getitem(fp, seg), getitem(fp, seg + 1)
        y = f0 + (x - x0) * ((f1 - f0) / (x1 - x0))
    lo = getitem(fp, 0) if left is None else left
    hi = getitem(fp, -1) if right is None else right
    y = _ew.where(xv > xpv[-1], hi, _ew.where(xv < xpv[0], lo, y))
    return y if y.dtype == np.float64 else cast(y, np.float64)  # NumPy's result is double


# ---- NumPy's names -------------------------------------------------------------------------
for _np_func, _ours in {
    np.take: take, np.take_along_axis: take_along_axis, np.choose: choose,
    np.compress: compress, np.select: select, np.extract: extract, np.sort: sort,
    np.partition: partition, np.unique: unique, np.unique_values: unique_values,
    np.unique_counts: unique_counts, np.unique_inverse: unique_inverse,
    np.unique_all: unique_all, np.bincount: bincount, np.interp: interp,
}.items():
    dispatch.function(_np_func, _ours)
dispatch.passthrough(np.argsort, np.argmax, np.argmin, np.argpartition, np.searchsorted,
                     np.nonzero, np.flatnonzero, np.argwhere, np.lexsort, np.digitize)

__all__ = ["take", "take_along_axis", "take_along", "put_along_axis", "choose", "compress",
           "select", "extract", "sort", "partition", "unique", "unique_values", "unique_counts",
           "unique_inverse", "unique_all", "bincount", "interp"]
