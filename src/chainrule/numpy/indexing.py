"""NumPy's indexing routines, differentiable: take, take_along_axis, put_along_axis, choose,
compress, select, extract, where; and ``x.at[idx]``, JAX's out-of-place index updates.

Each is a composite of ``getitem`` (a gather; its adjoint scatters ā back, adding where an
entry was selected twice), ``where`` and the update primitives of :mod:`chainrule.ops.index`;
the indices are computed from the plain values with NumPy and carry no derivative.
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer, broadcast_to, full_unwrap
from ..ops import elementwise as _ew
from ..ops.axes import along, axis_index
from ..ops.index import (
    Distinct,
    at_add,
    at_max,
    at_min,
    at_set,
    check_index,
    getitem,
    never_repeats,
)
from ..ops.shape import reshape, stack_pieces
from .arguments import as_array, traced
from .dispatch import implements, no_out
from .manipulation import broadcast_arrays


def plain_indices(ind):
    """A plain integer index array (a traced value is refused: it has no derivative)."""
    check_index(ind)
    return np.asarray(ind)


def flattened(x):
    return reshape(x, (-1,))


def _flat_or_axis(x, axis):
    """NumPy's ``axis=None`` convention: the raveled array along axis 0; else ``axis``
    normalised."""
    if axis is None:
        return flattened(x), 0
    return x, axis_index(axis, x.ndim)


@implements(np.take_along_axis)
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
    ind = plain_indices(indices)
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
    ind = plain_indices(indices)
    x, ax = _flat_or_axis(x, axis)
    idx = _along_axis_index(x.shape, ind, ax)
    shape = np.broadcast_shapes(*(i.shape for i in idx))
    return at_set(x, broadcast_to(as_array(values), shape), tuple(idx))


@implements(np.take)
def take(a, indices, axis=None, out=None, mode="raise"):
    """``np.take``: a gather along ``axis`` (of the raveled array for None); mode 'wrap'
    and 'clip' adjust the indices as NumPy does."""
    if not traced(a):
        return np.take(a, indices, axis, out, mode)
    no_out("take", out)
    x = as_array(a)
    ind = plain_indices(indices)
    x, ax = _flat_or_axis(x, axis)
    n = x.shape[ax]
    if mode == "wrap":
        ind = ind % n
    elif mode == "clip":
        ind = np.clip(ind, 0, n - 1)
    elif mode != "raise":
        raise ValueError(f"clipmode must be one of 'clip', 'raise', or 'wrap' (got {mode!r})")
    return getitem(x, along(ax, ind))


@implements(np.choose)
def choose(a, choices, out=None, mode="raise"):
    """``np.choose``: out = choices[a] entry by entry (a gather from the stacked choices)."""
    if not traced(choices):
        return np.choose(a, choices, out=out, mode=mode)
    no_out("choose", out)
    ind = plain_indices(a)
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


@implements(np.compress)
def compress(condition, a, axis=None, out=None):
    """``np.compress``: the slices along ``axis`` where ``condition`` is true."""
    if not traced(a):
        return np.compress(condition, a, axis, out)
    no_out("compress", out)
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


@implements(np.select)
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


@implements(np.extract)
def extract(condition, arr):
    """``np.extract``: the entries of the raveled array where the raveled condition holds."""
    if not traced(arr):
        return np.extract(condition, arr)
    keep = np.nonzero(np.ravel(np.asarray(full_unwrap(condition))))[0]
    return getitem(flattened(as_array(arr)), Distinct((keep,)))


@implements(np.where)
def _np_where(condition, x=None, y=None, /):
    if x is None and y is None:
        return np.where(full_unwrap(condition))
    return _ew.where(condition, x, y)


# ---- x.at[idx]: out-of-place index updates (JAX's spelling) ----------------------------------


def _update_rounds(shape, idx):
    """The updates of ``x.at[idx]`` split into rounds in which no entry is hit twice:
    ``(x[idx].shape, [(update positions, flat targets), ...])``, the k-th hit of every entry
    in round k (in NumPy's order); None when no entry is hit twice."""
    if never_repeats(idx):
        return None
    targets = np.arange(int(np.prod(shape))).reshape(shape)[idx]
    flat = targets.ravel()
    order = np.argsort(flat, kind="stable")
    ranked = flat[order]
    first = np.ones(ranked.size, bool)
    first[1:] = ranked[1:] != ranked[:-1]
    starts = np.maximum.accumulate(np.where(first, np.arange(ranked.size), 0))
    rank = np.empty(ranked.size, np.intp)
    rank[order] = np.arange(ranked.size) - starts
    if rank.size == 0 or rank.max() == 0:
        return None
    rounds = []
    for r in range(int(rank.max()) + 1):
        pos = np.nonzero(rank == r)[0]
        rounds.append((Distinct((pos,)), Distinct((flat[pos],))))
    return targets.shape, rounds


def _apply_update(x, v, idx, op):
    """x with x[idx] replaced by op(x[idx], v), one round of distinct targets at a time (so
    repeated indices apply op repeatedly, in NumPy's order): composites of getitem and
    at_set, exact to any order."""
    rounds = _update_rounds(x.shape, idx)
    if rounds is None:
        return at_set(x, op(getitem(x, idx), v), idx)
    sel, parts = rounds
    flat = x.reshape(-1)
    vals = broadcast_to(v if isinstance(v, Tracer) else np.asarray(v), sel).reshape(-1)
    for pos, tgt in parts:
        flat = at_set(flat, op(getitem(flat, tgt), getitem(vals, pos)), tgt)
    return flat.reshape(x.shape)


class _IndexUpdate:
    """``x.at[idx]``: out-of-place updates, the JAX spelling."""

    __slots__ = ("x", "idx")

    def __init__(self, x, idx):
        self.x = x
        self.idx = idx

    def set(self, v):
        """A copy of x with ``x[idx] = v``."""
        return at_set(self.x, v, self.idx)

    def add(self, v):
        """A copy of x with ``v`` added at ``idx`` (repeated indices add repeatedly)."""
        return at_add(self.x, v, self.idx)

    def multiply(self, v):
        """A copy of x with x[idx] multiplied by ``v`` (repeated indices multiply
        repeatedly); exact where x or v is 0."""
        return _apply_update(self.x, v, self.idx, _ew.multiply)

    mul = multiply

    def divide(self, v):
        """A copy of x with x[idx] divided by ``v`` (repeated indices divide repeatedly)."""
        return _apply_update(self.x, v, self.idx, _ew.divide)

    def min(self, v):
        """A copy of x with x[idx] = minimum(x[idx], v); at a tie the derivative is split
        evenly among x's entry and the updates equal to the result (JAX's convention)."""
        return at_min(self.x, v, self.idx)

    def max(self, v):
        """A copy of x with x[idx] = maximum(x[idx], v); ties split as in ``min``."""
        return at_max(self.x, v, self.idx)

    def get(self):
        """``x[idx]``."""
        return getitem(self.x, self.idx)


class IndexHelper:
    """The object behind ``x.at``: ``x.at[idx].set(v)``, ``.add``, ``.multiply``, ``.divide``,
    ``.min``, ``.max``, ``.get()``."""

    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x

    def __getitem__(self, idx):
        check_index(idx)
        return _IndexUpdate(self.x, idx)
