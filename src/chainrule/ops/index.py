"""Indexing and the functional index update ``x.at[idx].set(v)``.

``x[idx]`` gathers; its adjoint scatters ā back into zeros of x's shape, *adding* where an
integer index repeats (``x[[0, 0]]`` uses x[0] twice, so it receives ā twice). Basic
indices (ints, slices, None, Ellipsis) and boolean masks never repeat an entry, so they
scatter by assignment, which is much faster than ``np.add.at``.
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer
from ._util import prim
from .elementwise import where
from .shape import reshape

_BASIC = (int, np.integer, slice, type(None), type(Ellipsis))


def _no_repeats(idx) -> bool:
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
        return reshape(g, x.shape)
    return scatter_add(g, idx, x.shape)


getitem.defvjp(_getitem_vjp, None)
getitem.defjvp(lambda t, ans, x, idx: getitem(t, idx), None)
scatter_add.defvjp(lambda g, ans, t, idx, shape: getitem(g, idx), None, None)
scatter_add.defjvp(lambda t, ans, u, idx, shape: scatter_add(t, idx, shape), None, None)


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
    return where(order[idx] == ids, getitem(g, idx), 0)


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

    def get(self):
        return getitem(self.x, self.idx)


class IndexHelper:
    """The object behind ``x.at``: ``x.at[idx].set(v)``, ``.add(v)``, ``.get()``."""

    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x

    def __getitem__(self, idx):
        check_index(idx)
        return _IndexUpdate(self.x, idx)


__all__ = ["getitem", "scatter_add", "at_set", "at_add", "IndexHelper"]
