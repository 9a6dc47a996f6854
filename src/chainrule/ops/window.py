"""Index maps that shift or window an array: ``roll`` and sliding windows, as primitives.

* ``roll(x, shift, axis)`` — one primitive (not slices joined): a permutation, so its
  transpose is its inverse, ``roll`` by ``-shift``.
* ``sliding_window(x, window_shape, axis)`` — NumPy's ``sliding_window_view`` (a read-only
  view, copied by nothing); its transpose ``window_sum`` adds every window back where it
  came from (a scatter-add of overlapping windows), and the transpose of ``window_sum`` is
  ``sliding_window`` again, so every order of derivative is available.
"""

from __future__ import annotations

from itertools import product
from typing import Any

import numpy as np

from ..core import Primitive, document_primitives, full_unwrap

__all__ = ["roll", "sliding_window", "window_sum"]


# ---- roll -----------------------------------------------------------------------------------

def _roll_impl(x, shift, axis):
    return np.roll(x, shift, axis)


roll = Primitive(_roll_impl, "roll")
"""Entries shifted cyclically by ``shift`` along ``axis`` (NumPy's ``roll``; ``axis=None``
rolls the flattened array). A permutation: ā_x = roll(ā, -shift, axis), ȧ = roll(ẋ)."""
roll.deflinear(lambda g, ans, x, shift, axis: roll(g, _negated(shift), axis), None, None)


def _negated(shift: Any) -> Any:
    return tuple(-int(s) for s in shift) if isinstance(shift, tuple) else -int(shift)


# ---- sliding windows ------------------------------------------------------------------------

def _window_axes(ndim: int, window_shape: tuple[int, ...], axis: Any) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    return tuple(int(a) % ndim for a in ((axis,) if np.ndim(axis) == 0 else axis))


def _sliding_impl(x, window_shape, axis):
    return np.lib.stride_tricks.sliding_window_view(x, window_shape, axis)


def _window_sum_impl(g, shape, window_shape, axis):
    """Σ over windows: every window of ``g`` (the trailing axes) added back at its place."""
    out = np.zeros(shape, dtype=g.dtype)
    axes = _window_axes(len(shape), window_shape, axis)
    for offsets in product(*(range(w) for w in window_shape)):
        place = [slice(None)] * len(shape)
        for ax, k in zip(axes, offsets, strict=True):
            base = place[ax]
            start = (base.start or 0) + k
            count = g.shape[ax]
            place[ax] = slice(start, start + count)
        out[tuple(place)] += g[(Ellipsis, *offsets)]
    return out


sliding_window = Primitive(_sliding_impl, "sliding_window")
"""NumPy's ``sliding_window_view(x, window_shape, axis)``: y[..., k] = x[... + k] (windows on
trailing axes). Linear: ā_x = window_sum(ā) (each window added back, overlaps summed);
ȧ = sliding_window(ẋ)."""
sliding_window.deflinear(
    lambda g, ans, x, window_shape, axis: window_sum(g, np.shape(full_unwrap(x)),
                                                      window_shape, axis),
    None, None)

window_sum = Primitive(_window_sum_impl, "window_sum")
"""The transpose of ``sliding_window``: out[... + k] += g[..., k] for every window offset k.
Linear: ā_g = sliding_window(ā), ȧ = window_sum(ġ)."""
window_sum.deflinear(
    lambda g, ans, gw, shape, window_shape, axis: sliding_window(g, window_shape, axis),
    None, None, None)


document_primitives(__name__)
