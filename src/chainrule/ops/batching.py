"""Batching rules: how each primitive family maps over a leading batch axis (``vmap``).

A rule ``rule(vals, batched, **kw)`` gets the arguments with the batched ones carrying the
batch axis first (physical shape ``(B,) + logical shape``) and returns the result with the
batch axis first; see :mod:`chainrule.core.batching`. The families share four patterns:

* **elementwise** (every ufunc, ``where``, ``clip`` ...): align each batched argument's
  logical shape to the broadcast rank by unit axes after the batch axis — ``(B, 1, …, s)``
  — so NumPy's right-aligned broadcasting never meets the batch axis; then apply once.
* **axis-shifting** (reductions, transpose, reshape, expand_dims ...): the same primitive
  with its logical axes ``a`` moved to ``a + 1``.
* **leading-axis native** (matmul, inv, det, cholesky, eigh, svd, qr): NumPy already maps
  these over leading axes; only ranks are aligned.
* everything else is mapped by a loop over the batch (correct for any primitive, one call
  per example, with a one-time warning): :func:`loop`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import batching as _batching
from ..core.primitive import Primitive
from ..core.unbroadcast import broadcast_to, cast, sum_to
from . import elementwise as ew
from . import index, linalg, reduce, shape, special
from .axes import ndim as _ndim
from .axes import shape as _shape

__all__ = ["loop", "elementwise_rule", "logical_ndim"]


def logical_ndim(v: Any, is_batched: bool) -> int:
    """The rank the mapped function sees: the physical rank less the batch axis."""
    return _ndim(v) - 1 if is_batched else _ndim(v)


def _align(v: Any, rank: int) -> Any:
    """A batched ``v`` of logical rank ``r`` as ``(B,) + (1,)*(rank - r) + logical shape``."""
    s = _shape(v)
    k = rank - (len(s) - 1)
    return shape.reshape(v, (s[0],) + (1,) * k + s[1:]) if k > 0 else v


def _unbatched_front(v: Any, rank: int) -> Any:
    """An unbatched ``v`` as ``(1,)*(rank + 1 - ndim) + shape`` (a unit batch axis first)."""
    s = _shape(v)
    return shape.reshape(v, (1,) * (rank + 1 - len(s)) + s)


# ---- the loop: any primitive ----------------------------------------------------------------

def loop(prim: Primitive, vals: list, batched: list, kwargs: dict, size: int) -> Any:
    """Map ``prim`` by calling it once per example and stacking the results on axis 0."""
    outs = []
    for b in range(size):
        args = [v[b] if is_b else v for v, is_b in zip(vals, batched)]
        outs.append(prim(*args, **kwargs) if kwargs else prim(*args))
    if type(outs[0]) is tuple or type(outs[0]) is list:
        return type(outs[0])(shape.stack_pieces(*parts, axis=0) for parts in zip(*outs))
    return shape.stack_pieces(*outs, axis=0)


_batching.set_loop_fallback(loop)


# ---- elementwise ----------------------------------------------------------------------------

def elementwise_rule(prim: Primitive):
    """The batching rule of a broadcasting elementwise primitive (see the module doc)."""
    def rule(vals, batched, **kwargs):
        rank = max(logical_ndim(v, b) for v, b in zip(vals, batched))
        args = [_align(v, rank) if b else v for v, b in zip(vals, batched)]
        return prim(*args, **kwargs) if kwargs else prim(*args)
    return rule


_ELEMENTWISE = [p for p in vars(ew).values()
                if isinstance(p, Primitive) and isinstance(p.impl, np.ufunc)]
_ELEMENTWISE += [ew.where, ew.clip, ew.logistic, ew.modf_fraction, ew.sinc_derivative,
                 ew._tie_share, ew._within, ew._fmax_share, ew._fmin_share,
                 ew._fmod_quotient, ew.frexp_exponent, ew.nan_to_num, ew.real_part, ew.imag_part,
                 ew.angle]
for _p in _ELEMENTWISE:
    _p.defbatch(elementwise_rule(_p))


cast.defbatch(lambda vals, batched: cast(vals[0], vals[1]))


# ---- axis-shifting --------------------------------------------------------------------------

def _shift(axis: Any, ndim: int) -> Any:
    """Logical axis (or axes) of a rank-``ndim`` value as physical ones (after the batch)."""
    if axis is None:
        return tuple(range(1, ndim + 1))
    if isinstance(axis, (tuple, list)):
        return tuple(int(a) % ndim + 1 for a in axis) if ndim else tuple(axis)
    return int(axis) % ndim + 1 if ndim else axis


def _reduction_rule(prim: Primitive):
    def rule(vals, batched, axis=None, keepdims=False):
        x = vals[0]
        if len(vals) > 1:
            axis = vals[1]
        if len(vals) > 2:
            keepdims = vals[2]
        nd = _ndim(x) - 1
        if nd == 0:  # a reduction of a 0-d value over all (no) axes is the value itself
            return prim(x, axis=(), keepdims=keepdims)
        return prim(x, axis=_shift(axis, nd), keepdims=keepdims)
    return rule


for _p in (reduce.sum, reduce.max, reduce.min, reduce.prod):
    _p.defbatch(_reduction_rule(_p))


def _extremum_share_rule(vals, batched, axis=None):
    x, ans = vals[0], vals[1]
    if len(vals) > 2:
        axis = vals[2]
    if not batched[1]:
        ans = broadcast_to(ans, (_shape(x)[0],) + _shape(ans))
    if not batched[0]:
        x = broadcast_to(x, (_shape(ans)[0],) + _shape(x))
    return reduce._extremum_share(x, ans, _shift(axis, _ndim(x) - 1))


reduce._extremum_share.defbatch(_extremum_share_rule)


def _reshape_rule(vals, batched):
    x, new = vals
    new = (new,) if isinstance(new, (int, np.integer)) else tuple(new)
    return shape.reshape(x, (_shape(x)[0],) + new)


def _transpose_rule(vals, batched, axes=None):
    x = vals[0]
    if len(vals) > 1:
        axes = vals[1]
    nd = _ndim(x) - 1
    perm = tuple(range(nd, 0, -1)) if axes is None else tuple(int(a) % nd + 1 for a in axes)
    return shape.transpose(x, (0,) + perm)


def _swapaxes_rule(vals, batched):
    x, a, b = vals
    nd = _ndim(x) - 1
    return shape.swapaxes(x, _shift(a, nd), _shift(b, nd))


def _moveaxis_rule(vals, batched):
    x, src, dst = vals
    nd = _ndim(x) - 1
    return shape.moveaxis(x, _shift(src, nd), _shift(dst, nd))


def _expand_dims_rule(vals, batched):
    x, axis = vals
    k = len(axis) if isinstance(axis, (tuple, list)) else 1
    return shape.expand_dims(x, _shift(axis, _ndim(x) - 1 + k))


def _squeeze_rule(vals, batched, axis=None):
    x = vals[0]
    if len(vals) > 1:
        axis = vals[1]
    s = _shape(x)
    if axis is None:
        axis = tuple(i for i, n in enumerate(s[1:]) if n == 1)
    return shape.squeeze(x, _shift(axis, len(s) - 1) if axis != () else ())


def _sum_to_rule(vals, batched):
    x, target = vals
    s = _shape(x)
    lead = len(s) - 1 - len(target)
    if lead > 0:  # the leading logical axes first: sum_to itself would sum the batch axis
        x = reduce.sum(x, axis=tuple(range(1, lead + 1)))
    return sum_to(x, (s[0],) + tuple(target))


def _broadcast_to_rule(vals, batched):
    x, target = vals
    x = _align(x, len(target))
    return broadcast_to(x, (_shape(x)[0],) + tuple(target))


shape.reshape.defbatch(_reshape_rule)
shape.transpose.defbatch(_transpose_rule)
shape.swapaxes.defbatch(_swapaxes_rule)
shape.moveaxis.defbatch(_moveaxis_rule)
shape.expand_dims.defbatch(_expand_dims_rule)
shape.squeeze.defbatch(_squeeze_rule)
sum_to.defbatch(_sum_to_rule)
broadcast_to.defbatch(_broadcast_to_rule)


def _pieces_rule(prim: Primitive):
    """concatenate/stack: unbatched pieces are broadcast along the batch axis first."""
    def rule(vals, batched, axis=0):
        size = next(_shape(v)[0] for v, b in zip(vals, batched) if b)
        pieces = [v if b else broadcast_to(v, (size,) + _shape(v))
                  for v, b in zip(vals, batched)]
        nd = _ndim(pieces[0]) - 1 + (1 if prim is shape.stack_pieces else 0)
        return prim(*pieces, axis=_shift(axis, nd))
    return rule


shape.concatenate_pieces.defbatch(_pieces_rule(shape.concatenate_pieces))
shape.stack_pieces.defbatch(_pieces_rule(shape.stack_pieces))


# ---- indexing -------------------------------------------------------------------------------

def _is_advanced(i: Any) -> bool:
    return not (i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer)))


def _batched_index(idx: Any) -> tuple | None:
    """``(slice(None),) + idx``, or None where that would move the batch axis (advanced
    indices separated by a slice, an ellipsis or a new axis go to the front in NumPy)."""
    items = idx if isinstance(idx, tuple) else (idx,)
    adv = [k for k, i in enumerate(items) if _is_advanced(i)]
    if len(adv) > 1 and adv[-1] - adv[0] != len(adv) - 1:
        return None
    return (slice(None),) + items


def _getitem_rule(vals, batched):
    x, idx = vals
    full = _batched_index(idx) if batched[0] and not batched[1] else None
    if full is None:
        return loop(index.getitem, vals, batched, {}, _shape(vals[0] if batched[0] else idx)[0])
    return index.getitem(x, full)


def _scatter_add_rule(vals, batched):
    g, idx, target = vals
    full = _batched_index(idx) if batched[0] and not batched[1] else None
    if full is None:
        return loop(index.scatter_add, vals, batched, {}, _shape(g if batched[0] else idx)[0])
    return index.scatter_add(g, full, (_shape(g)[0],) + tuple(target))


index.getitem.defbatch(_getitem_rule)
index.scatter_add.defbatch(_scatter_add_rule)


# ---- linear algebra: NumPy maps over leading axes -------------------------------------------

def _matmul_rule(vals, batched):
    a, b = vals
    la, lb = logical_ndim(a, batched[0]), logical_ndim(b, batched[1])
    # One GEMM instead of B small products where a shared matrix meets a batched operand:
    # the batch axis joins the rows (a batched on the left) or the columns (on the right).
    if lb == 2 and not batched[1] and la >= 1:  # (B, ..., k) @ (k, m)
        sa = _shape(a)
        rows = shape.reshape(a, (-1, sa[-1]))
        return shape.reshape(linalg.matmul(rows, b), sa[:-1] + (_shape(b)[1],))
    if la == 2 and not batched[0] and lb == 1:  # (n, k) @ (B, k) -> (B, k) @ (k, n)
        return linalg.matmul(b, shape.transpose(a, (1, 0)))
    rank = max(la, lb, 2)
    # 1-d operands become matrices (a row on the left, a column on the right), as in NumPy
    if la == 1:
        a = shape.expand_dims(a, -2)
    if lb == 1:
        b = shape.expand_dims(b, -1)
    a = _align(a, rank) if batched[0] else _unbatched_front(a, rank)
    b = _align(b, rank) if batched[1] else _unbatched_front(b, rank)
    out = linalg.matmul(a, b)
    if lb == 1:
        out = shape.squeeze(out, -1)
    if la == 1:
        out = shape.squeeze(out, -1 if lb == 1 else -2)
    return out


linalg.matmul.defbatch(_matmul_rule)


def _leading_native(prim: Primitive):
    def rule(vals, batched, **kwargs):
        if len(vals) != 1:
            return loop(prim, vals, batched, kwargs, _shape(vals[batched.index(True)])[0])
        return prim(*vals, **kwargs) if kwargs else prim(*vals)
    return rule


for _p in (linalg.inv, linalg.det, linalg.cholesky, linalg.logabsdet, linalg.eigh_packed):
    _p.defbatch(_leading_native(_p))


# ---- special functions ----------------------------------------------------------------------

for _p in (special.log_expit, special.logit, special.erf, special.erfc, special.erfinv,
           special.erfcinv, special.ndtr, special.ndtri, special.ndtr_ratio,
           special.ndtr_ratio_shift, special.log_ndtr, special.gammaln, special.gamma,
           special.digamma, special.polygamma, special.xlogy, special.xlog1py, special.entr,
           special.i0, special.i1):
    _p.defbatch(elementwise_rule(_p))

special.logsumexp.defbatch(_reduction_rule(special.logsumexp))


def _along_axis_rule(prim: Primitive):
    """softmax/log_softmax along one logical axis (default the last)."""
    def rule(vals, batched, axis=-1):
        x = vals[0]
        if len(vals) > 1:
            axis = vals[1]
        return prim(x, axis=_shift(axis, _ndim(x) - 1))
    return rule


special.softmax.defbatch(_along_axis_rule(special.softmax))
special.log_softmax.defbatch(_along_axis_rule(special.log_softmax))
