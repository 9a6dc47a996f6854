"""The N-dimensional full convolution, the primitive under ``scipy.signal.convolve``.

``convolve_full(a, v, axes=..., method=...)`` convolves over ``axes`` and broadcasts over
the other axes (where both have the same length, or one has length 1):

    y[n] = Σ_k a[n - k] v[k]          (n, k multi-indices over ``axes``; length N_a + N_v - 1)

It is bilinear, so each JVP is the convolution with the tangent in that place, and each
VJP is the transpose: a *correlation* of the adjoint with the other operand, i.e. the full
convolution with the other operand flipped along ``axes``, cut to the operand's extent:

    ā_a = (ȳ * flip(v))[N_v - 1 : N_v - 1 + N_a],   ā_v = (ȳ * flip(a))[N_a - 1 : N_a - 1 + N_v]

(no conjugation: the transpose, as for every linear primitive). ``method`` is "direct"
(a sum of shifted products over the smaller operand's entries: exact up to rounding) or
"fft" (``numpy.fft`` over the padded size: O(N log N), with rounding near machine epsilon
relative to the largest output); the rules pass it on.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from ..core import Primitive, document_primitives, full_unwrap
from .index import getitem

__all__ = ["convolve_full", "choose_method"]


def choose_method(a_shape, v_shape, axes) -> str:
    """SciPy's "auto", simplified: direct when the smaller operand has at most 64 entries
    over ``axes`` (or the output is small), else FFT."""
    small = min(math.prod(a_shape[i] for i in axes), math.prod(v_shape[i] for i in axes))
    out = math.prod(a_shape[i] + v_shape[i] - 1 for i in axes)
    return "direct" if small <= 64 or out * small <= 1 << 16 else "fft"


def _direct(a, v, axes):
    if math.prod(a.shape[i] for i in axes) < math.prod(v.shape[i] for i in axes):
        a, v = v, a   # loop over the smaller operand's entries
    other = np.broadcast_shapes(*[tuple(1 if i in axes else n for i, n in enumerate(x.shape))
                                  for x in (a, v)])
    shape = tuple(a.shape[i] + v.shape[i] - 1 if i in axes else other[i]
                  for i in range(a.ndim))
    out = np.zeros(shape, dtype=np.result_type(a, v))
    for k in itertools.product(*[range(v.shape[i]) for i in axes]):
        where = [slice(None)] * a.ndim
        entry = [slice(None)] * a.ndim
        for ax, ki in zip(axes, k):
            where[ax] = slice(ki, ki + a.shape[ax])
            entry[ax] = slice(ki, ki + 1)
        out[tuple(where)] += a * v[tuple(entry)]
    return out


def _fft(a, v, axes):
    sizes = [a.shape[i] + v.shape[i] - 1 for i in axes]
    complex_ = np.iscomplexobj(a) or np.iscomplexobj(v)
    if complex_:
        return np.fft.ifftn(np.fft.fftn(a, sizes, axes) * np.fft.fftn(v, sizes, axes),
                            sizes, axes)
    fast = [int(n) for n in sizes]
    out = np.fft.irfftn(np.fft.rfftn(a, fast, axes) * np.fft.rfftn(v, fast, axes), fast, axes)
    return out.astype(np.result_type(a, v, np.float16), copy=False)


def _convolve_impl(a, v, axes, method="direct"):
    a, v = np.asarray(a), np.asarray(v)
    if method == "fft":
        return _fft(a, v, axes)
    return _direct(a, v, axes)


def _flip(x, axes):
    idx = [slice(None)] * len(full_unwrap(x).shape)
    for ax in axes:
        idx[ax] = slice(None, None, -1)
    return getitem(x, tuple(idx))


def _correlate_cut(g, other, operand, axes, method):
    """(ȳ * flip(other)) cut to ``operand``'s extent along ``axes``: the transpose."""
    full = convolve_full(g, _flip(other, axes), axes=axes, method=method)
    shp_o, shp_x = full_unwrap(other).shape, full_unwrap(operand).shape
    idx = [slice(None)] * len(shp_x)
    for ax in axes:
        idx[ax] = slice(shp_o[ax] - 1, shp_o[ax] - 1 + shp_x[ax])
    return getitem(full, tuple(idx))


convolve_full = Primitive(_convolve_impl, "convolve_full")
"""The full N-d convolution y[n] = Σ_k a[n-k] v[k] over ``axes`` (broadcast elsewhere):
ȧ = ȧ_a * v + a * ȧ_v; ā_a = (ȳ * flip(v))[N_v-1 : N_v-1+N_a] (a correlation), and
symmetrically for v."""
convolve_full.deflinear(
    lambda g, ans, a, v, axes, method="direct": _correlate_cut(g, v, a, axes, method),
    lambda g, ans, a, v, axes, method="direct": _correlate_cut(g, a, v, axes, method))

document_primitives(__name__)
