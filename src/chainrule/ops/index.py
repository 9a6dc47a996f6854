"""Indexing and the functional index update ``x.at[idx].set(v)``.

``x[idx]`` gathers; its adjoint scatters ā back into zeros of x's shape, *adding* where an
integer index repeats (``x[[0, 0]]`` uses x[0] twice, so it receives ā twice). Basic
indices (ints, slices, None, Ellipsis) and boolean masks never repeat an entry, so they
scatter by assignment, which is much faster than ``np.add.at``; so does an index wrapped in
:class:`Distinct` (a permutation from ``sort``, the diagonal positions of ``diag`` ...).

``x.at[idx]`` has JAX's out-of-place updates: ``.set``, ``.add``, ``.multiply``, ``.divide``,
``.min``, ``.max``, ``.get``. Repeated indices apply every update (``.set``: the last one
lands). Conventions: ``.min``/``.max`` split the derivative evenly among the contenders
that attain the result (x's entry and every update equal to it), as JAX does.
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer, broadcast_to
from . import elementwise as _ew
from ._util import nondiff, prim

_BASIC = (int, np.integer, slice, type(None), type(Ellipsis))


class Distinct(tuple):
    """An index tuple whose integer arrays never select an entry twice (a permutation, the
    positions of a diagonal ...): its adjoint scatters by assignment, not ``np.add.at``.
    NumPy indexes with it as with the plain tuple."""

    __slots__ = ()


def _no_repeats(idx) -> bool:
    if type(idx) is Distinct:
        return True
    items = idx if isinstance(idx, tuple) else (idx,)
    for i in items:
        if isinstance(i, _BASIC):
            continue
        if isinstance(i, np.ndarray) and i.dtype == bool:
            continue
        return False
    return True


def check_index(idx) -> None:
    """Refuse a traced value used as an index (it would silently lose its derivative)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    for i in items:
        if isinstance(i, Tracer):
            raise TypeError(
                "an index of a traced array is itself a traced (differentiable) value; "
                "indices must be integers, slices or boolean masks. If the index is data, "
                "compute it outside the differentiated function, or drop its derivative with "
                "chainrule.stop_gradient(i).astype(int).")


def _getitem_impl(x, idx):
    return x[idx]


def _scatter_add_impl(g, idx, shape):
    dtype = g.dtype if isinstance(g, (np.ndarray, np.generic)) else np.result_type(g)
    out = np.zeros(shape, dtype=dtype)
    if _no_repeats(idx):
        out[idx] = g
    else:
        np.add.at(out, idx, g)
    return out


getitem = prim(_getitem_impl, "getitem")
"""``x[idx]``: ā_x = scatter_add(ā, idx, x.shape); ȧ = ȧ_x[idx]."""
scatter_add = prim(_scatter_add_impl, "scatter_add")
"""Zeros of ``shape`` with ``g`` added at ``idx``: the adjoint of ``getitem``."""

def _adds_or_drops_unit_axes(idx, shape) -> bool:
    """Is ``x[idx]`` just ``x`` reshaped (``x[:, None]``, ``x[..., 0]`` on a unit axis)?"""
    items = idx if isinstance(idx, tuple) else (idx,)
    if sum(1 for i in items if i is not None) > len(shape):
        return False
    if any(i is Ellipsis for i in items):
        return False
    axis = 0
    for i in items:
        if i is None:
            continue
        if isinstance(i, slice):
            if i != slice(None):
                return False
        elif isinstance(i, (int, np.integer)) and not isinstance(i, bool):
            if shape[axis] != 1:
                return False
        else:
            return False
        axis += 1
    return True


def _getitem_vjp(g, ans, x, idx):
    if _adds_or_drops_unit_axes(idx, x.shape):
        return g.reshape(x.shape)
    return scatter_add(g, idx, x.shape)


getitem.deflinear(_getitem_vjp, None)
scatter_add.deflinear(lambda g, ans, t, idx, shape: getitem(g, idx), None, None)


def _at_set_impl(x, v, idx):
    out = np.array(x, copy=True, dtype=np.result_type(x, v))
    out[idx] = v
    return out


def _at_add_impl(x, v, idx):
    out = np.array(x, copy=True, dtype=np.result_type(x, v))
    np.add.at(out, idx, v)
    return out


def _landed(g, shape, idx):
    """ā[idx] where v's write in x.at[idx].set(v) landed, 0 elsewhere: where an index
    repeats, only one write (NumPy's, the last) survives, so only it has a derivative."""
    if _no_repeats(idx):
        return getitem(g, idx)
    sel = np.zeros(shape, np.int8)[idx].shape
    ids = np.arange(int(np.prod(sel))).reshape(sel)
    order = np.full(shape, -1, ids.dtype)
    order[idx] = ids
    return _ew.where(order[idx] == ids, getitem(g, idx), 0)


at_set = prim(_at_set_impl, "at_set")
"""x with x[idx] replaced by v: ā_x = ā with zeros at idx; ā_v = ā[idx] where v's write
landed (with a repeated index, only the last write of that entry does)."""
at_set.defvjp(lambda g, ans, x, v, idx: at_set(g, 0, idx),
              lambda g, ans, x, v, idx: _landed(g, x.shape, idx), None)
at_set.defjvp(lambda t, ans, x, v, idx: at_set(t, 0, idx),
              lambda t, ans, x, v, idx: at_set(np.zeros(ans.shape, t.dtype), t, idx), None)

at_add = prim(_at_add_impl, "at_add")
"""x with v added at idx (repeats add): ā_x = ā; ā_v = ā[idx]."""
at_add.defvjp(lambda g, ans, x, v, idx: g,
              lambda g, ans, x, v, idx: getitem(g, idx), None)
at_add.defjvp(lambda t, ans, x, v, idx: t,
              lambda t, ans, x, v, idx: at_add(np.zeros(ans.shape, t.dtype), t, idx), None)


def _at_max_impl(x, v, idx):
    out = np.array(x, copy=True, dtype=np.result_type(x, v))
    np.maximum.at(out, idx, v)
    return out


def _at_min_impl(x, v, idx):
    out = np.array(x, copy=True, dtype=np.result_type(x, v))
    np.minimum.at(out, idx, v)
    return out


def _contender_shares_impl(x, v, idx, ans):
    """JAX's split of the derivative of x.at[idx].max(v) (or .min): at each updated entry,
    every contender equal to the result (x's entry, and each update aimed there) gets 1/k of
    it, k the number of such contenders; an entry no update aims at keeps all of it.
    Returns (share of x: x's shape, share of each update: x[idx]'s shape)."""
    ans = np.asarray(ans)
    dt = ans.dtype
    x = np.asarray(x)
    target = ans[idx]
    won = np.equal(np.broadcast_to(v, target.shape), target)
    kept = np.equal(x, ans)
    hit = np.zeros(ans.shape, np.bool_)
    hit[idx] = True
    count = kept.astype(dt)
    np.add.at(count, idx, won.astype(dt))
    count = np.maximum(count, 1)  # a NaN result has no contender equal to it
    share_x = np.where(hit, kept / count, 1).astype(dt, copy=False)
    share_v = (won / count[idx]).astype(dt, copy=False)
    return share_x, share_v


_contender_shares = nondiff(_contender_shares_impl, "contender_shares")


def _extremal_vjp_x(g, ans, x, v, idx):
    return g * _contender_shares(x, v, idx, ans)[0]


def _extremal_vjp_v(g, ans, x, v, idx):
    return getitem(g, idx) * _contender_shares(x, v, idx, ans)[1]


def _extremal_jvp_x(t, ans, x, v, idx):
    return t * _contender_shares(x, v, idx, ans)[0]


def _extremal_jvp_v(t, ans, x, v, idx):
    return scatter_add(t * _contender_shares(x, v, idx, ans)[1], idx, ans.shape)


at_max = prim(_at_max_impl, "at_max")
"""x with x[idx] = max(x[idx], v) (repeats: the max of all): ā_x = ā·s_x, ā_v = ā[idx]·s_v,
with s the contenders' shares (1/k among the k contenders equal to the result, JAX's)."""
at_max.defvjp(_extremal_vjp_x, _extremal_vjp_v, None)
at_max.defjvp(_extremal_jvp_x, _extremal_jvp_v, None)

at_min = prim(_at_min_impl, "at_min")
"""x with x[idx] = min(x[idx], v): the rules of ``at_max`` with the minimum's contenders."""
at_min.defvjp(_extremal_vjp_x, _extremal_vjp_v, None)
at_min.defjvp(_extremal_jvp_x, _extremal_jvp_v, None)


def _update_rounds(shape, idx):
    """The updates of ``x.at[idx]`` split into rounds in which no entry is hit twice:
    ``(x[idx].shape, [(update positions, flat targets), ...])``, the k-th hit of every entry
    in round k (in NumPy's order); None when no entry is hit twice."""
    if _no_repeats(idx):
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


__all__ = ["getitem", "scatter_add", "at_set", "at_add", "at_min", "at_max", "IndexHelper",
           "Distinct", "check_index"]
