"""``np.pad``, differentiable: every mode as gathers, blocks and linear maps of primitives."""

from __future__ import annotations

import numpy as np

from ..core import Tracer, broadcast_to, cast
from ..ops.axes import along
from ..ops.index import getitem
from ..ops.linalg import matmul
from ..ops.shape import concatenate_pieces, moveaxis
from .arguments import as_array, traced
from .dispatch import implements
from .math import np_max, np_min
from .statistics import np_mean, np_median

# ---- pad -------------------------------------------------------------------------------------

_PAD_KWARGS = {
    "constant": {"constant_values"}, "empty": set(), "edge": set(), "wrap": set(),
    "linear_ramp": {"end_values"}, "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
    "maximum": {"stat_length"}, "minimum": {"stat_length"}, "mean": {"stat_length"},
    "median": {"stat_length"},
}


def _pairs(value, ndim, what):
    """``value`` as an (ndim, 2) array of (before, after) per axis (NumPy's broadcasting);
    ``what`` is "width" (non-negative integers), "index" (rounded, non-negative) or "value"."""
    if traced(value):
        return broadcast_to(as_array(value), (ndim, 2))
    arr = np.asarray(value)
    if what == "width" and arr.dtype.kind != "i":
        raise TypeError("`pad_width` must be of integral type.")
    if what != "value":
        arr = np.round(arr).astype(np.intp, copy=False)
        if arr.size and arr.min() < 0:
            raise ValueError("index can't contain negative values")
    return np.broadcast_to(arr, (ndim, 2))


def _block(x, ax, width, fill):
    """``fill`` (a scalar, plain or traced) broadcast to x's shape with ``width`` along ax."""
    s = list(x.shape)
    s[ax] = width
    if isinstance(fill, Tracer):
        return broadcast_to(cast(fill, x.dtype) if fill.dtype != x.dtype else fill, tuple(s))
    return np.full(tuple(s), fill, dtype=x.dtype)


def _pad_stat(x, ax, width, length, mode, after):
    """A stat mode's block: the statistic of the ``length`` entries next to that edge (all
    of the axis when None), broadcast to ``width`` along ``ax``."""
    n = x.shape[ax]
    length = n if length is None else min(int(length), n)
    if length == 0:
        raise ValueError("stat_length of 0 yields no value for padding")
    stat = {"maximum": np_max, "minimum": np_min, "mean": np_mean,
            "median": np_median}[mode]
    window = slice(n - length, None) if after else slice(None, length)
    s = list(x.shape)
    s[ax] = width
    return broadcast_to(stat(getitem(x, along(ax, window)), axis=ax, keepdims=True), tuple(s))


@implements(np.pad)
def pad(array, pad_width, mode="constant", **kwargs):
    """``np.pad``, axis by axis as NumPy does (so corners agree).

    constant/empty: blocks of the constant (``constant_values`` may be traced: then the
    padding is differentiable in it; 'empty' pads with zeros); edge/reflect/symmetric/wrap:
    a gather whose positions are ``np.pad`` of the positions; reflect_type='odd': the linear
    map ``np.pad(I)`` applied along the axis; linear_ramp: end + k (edge - end) / width
    (``end_values`` may be traced); maximum/minimum/mean/median: the reduction of the
    ``stat_length`` entries at that edge, with the reductions' tie conventions.
    """
    if not traced(array, *kwargs.values()):
        return np.pad(array, pad_width, mode, **kwargs)
    if callable(mode):
        raise NotImplementedError("np.pad with a callable mode is not differentiable by "
                                  "chainrule; pad with a named mode, or build the array with "
                                  "concatenate/at[...].set")
    if mode not in _PAD_KWARGS:
        raise ValueError(f"mode '{mode}' is not supported")
    unsupported = set(kwargs) - _PAD_KWARGS[mode]
    if unsupported:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {unsupported}")
    x = as_array(array)
    nd = x.ndim
    widths = _pairs(pad_width, nd, "width")
    values = None
    if mode in ("constant", "empty"):
        values = _pairs(kwargs.get("constant_values", 0), nd, "value")
    elif mode == "linear_ramp":
        values = _pairs(kwargs.get("end_values", 0), nd, "value")
    elif kwargs.get("stat_length") is not None:
        values = _pairs(kwargs["stat_length"], nd, "index")
    for ax in range(nd):
        before, after = int(widths[ax][0]), int(widths[ax][1])
        if before == 0 and after == 0:
            continue
        if x.shape[ax] == 0 and mode not in ("constant", "empty"):
            raise ValueError(f"can't extend empty axis {ax} using modes other than 'constant' "
                             "or 'empty'")
        if mode in ("constant", "empty"):
            vals = (0, 0) if mode == "empty" else (values[ax, 0], values[ax, 1])
            x = concatenate_pieces(_block(x, ax, before, vals[0]), x, _block(x, ax, after, vals[1]),
                             axis=ax)
        elif mode in ("edge", "wrap") or (mode in ("reflect", "symmetric") and
                                          kwargs.get("reflect_type", "even") == "even"):
            positions = np.pad(np.arange(x.shape[ax]), (before, after), mode)
            x = getitem(x, along(ax, positions))
        elif mode in ("reflect", "symmetric"):  # odd reflections are linear combinations
            n = x.shape[ax]
            m = np.pad(np.eye(n, dtype=x.dtype), ((before, after), (0, 0)), mode,
                       reflect_type="odd")
            x = moveaxis(matmul(moveaxis(x, ax, -1), m.T), -1, ax)
        elif mode == "linear_ramp":
            x = concatenate_pieces(*_ramps(x, ax, before, after, values[ax, 0], values[ax, 1]),
                             axis=ax)
        else:
            lengths = (None, None) if values is None else (values[ax][0], values[ax][1])
            parts = [_pad_stat(x, ax, before, lengths[0], mode, False)] if before else []
            parts.append(x)
            if after:
                parts.append(_pad_stat(x, ax, after, lengths[1], mode, True))
            x = concatenate_pieces(*parts, axis=ax)
    return x


def _ramps(x, ax, before, after, end_before, end_after):
    """NumPy's linear ramps: linspace(end, edge, width, endpoint=False), the after-ramp
    reversed, computed as k · ((edge - end) / width) + end."""
    n = x.shape[ax]
    shape = [1] * x.ndim
    parts = []
    for width, edge_at, end, is_after in ((before, 0, end_before, False),
                                          (after, n - 1, end_after, True)):
        if width == 0:
            parts.append(None)
            continue
        edge = getitem(x, along(ax, slice(edge_at, edge_at + 1)))
        if not isinstance(end, Tracer):
            end = np.asarray(end, dtype=x.dtype)
        shape[ax] = width
        k = np.arange(width, dtype=x.dtype).reshape(shape)
        if is_after:
            k = k[tuple(slice(None, None, -1) if i == ax else slice(None)
                        for i in range(x.ndim))]
        parts.append(k * ((edge - end) / width) + end)
    return [p for p in (parts[0], x, parts[1]) if p is not None]
