"""Indexing primitives: gathers, scatters and the functional index updates.

``x[idx]`` gathers; its adjoint scatters ā back into zeros of x's shape, *adding* where an
integer index repeats (``x[[0, 0]]`` uses x[0] twice, so it receives ā twice). Basic
indices (ints, slices, None, Ellipsis) and boolean masks never repeat an entry, so they
scatter by assignment, which is much faster than ``np.add.at``; so does an index wrapped in
:class:`Distinct` (a permutation from ``sort``, the diagonal positions of ``diag`` ...).

The primitives behind ``x.at[idx]`` (JAX's out-of-place updates, in
:mod:`chainrule.numpy.indexing`) are here: ``at_set``, ``at_add``, ``at_min``, ``at_max``.
Repeated indices apply every update (``.set``: the last one lands). Conventions:
``.min``/``.max`` split the derivative evenly among the contenders that attain the result
(x's entry and every update equal to it), as JAX does.
"""

from __future__ import annotations

import numpy as np

from ..core import Primitive, Tracer, document_primitives
from . import elementwise as _ew

_BASIC = (int, np.integer, slice, type(None), type(Ellipsis))


class Distinct(tuple):
    """An index tuple whose integer arrays never select an entry twice (a permutation, the
    positions of a diagonal ...): its adjoint scatters by assignment, not ``np.add.at``.
    NumPy indexes with it as with the plain tuple."""

    __slots__ = ()


def never_repeats(idx) -> bool:
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
    if never_repeats(idx):
        out[idx] = g
    else:
        np.add.at(out, idx, g)
    return out


getitem = Primitive(_getitem_impl, "getitem")
"""``x[idx]``: ā_x = scatter_add(ā, idx, x.shape); ȧ = ȧ_x[idx]."""
scatter_add = Primitive(_scatter_add_impl, "scatter_add")
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
    if never_repeats(idx):
        return getitem(g, idx)
    sel = np.zeros(shape, np.int8)[idx].shape
    ids = np.arange(int(np.prod(sel))).reshape(sel)
    order = np.full(shape, -1, ids.dtype)
    order[idx] = ids
    return _ew.where(order[idx] == ids, getitem(g, idx), 0)


at_set = Primitive(_at_set_impl, "at_set")
"""x with x[idx] replaced by v: ā_x = ā with zeros at idx; ā_v = ā[idx] where v's write
landed (with a repeated index, only the last write of that entry does)."""
at_set.defvjp(lambda g, ans, x, v, idx: at_set(g, 0, idx),
              lambda g, ans, x, v, idx: _landed(g, x.shape, idx), None)
at_set.defjvp(lambda t, ans, x, v, idx: at_set(t, 0, idx),
              lambda t, ans, x, v, idx: at_set(np.zeros(ans.shape, t.dtype), t, idx), None)

at_add = Primitive(_at_add_impl, "at_add")
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


_contender_shares = Primitive(_contender_shares_impl, "contender_shares", nondiff=True)


def _extremal_vjp_x(g, ans, x, v, idx):
    return g * _contender_shares(x, v, idx, ans)[0]


def _extremal_vjp_v(g, ans, x, v, idx):
    return getitem(g, idx) * _contender_shares(x, v, idx, ans)[1]


def _extremal_jvp_x(t, ans, x, v, idx):
    return t * _contender_shares(x, v, idx, ans)[0]


def _extremal_jvp_v(t, ans, x, v, idx):
    return scatter_add(t * _contender_shares(x, v, idx, ans)[1], idx, ans.shape)


at_max = Primitive(_at_max_impl, "at_max")
"""x with x[idx] = max(x[idx], v) (repeats: the max of all): ā_x = ā·s_x, ā_v = ā[idx]·s_v,
with s the contenders' shares (1/k among the k contenders equal to the result, JAX's)."""
at_max.defvjp(_extremal_vjp_x, _extremal_vjp_v, None)
at_max.defjvp(_extremal_jvp_x, _extremal_jvp_v, None)

at_min = Primitive(_at_min_impl, "at_min")
"""x with x[idx] = min(x[idx], v): the rules of ``at_max`` with the minimum's contenders."""
at_min.defvjp(_extremal_vjp_x, _extremal_vjp_v, None)
at_min.defjvp(_extremal_jvp_x, _extremal_jvp_v, None)


__all__ = ["getitem", "scatter_add", "at_set", "at_add", "at_min", "at_max", "Distinct",
           "check_index", "never_repeats"]

document_primitives(__name__)
