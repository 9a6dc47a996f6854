"""``chainrule.scipy.signal``: N-dimensional convolution and correlation (SciPy not needed).

``convolve(in1, in2, mode, method, axes)`` follows ``scipy.signal.convolve`` (and, with
``axes``, ``scipy.signal.fftconvolve``): the full convolution over ``axes`` (all axes by
default; the other axes broadcast), cut to the mode:

* ``"full"`` — every overlap, length N₁ + N₂ - 1 on each axis;
* ``"same"`` — the centre of the full output with ``in1``'s length (the start is
  ⌊(N₁ + N₂ - 1 - N₁)/2⌋ = ⌊(N₂ - 1)/2⌋, as SciPy);
* ``"valid"`` — only complete overlaps, length |N₁ - N₂| + 1; one input must be at least
  as long as the other on every axis.

Both inputs are differentiable. The primitive is :data:`chainrule.ops.convolution.convolve_full`:
bilinear, and the VJP of a convolution is a correlation, i.e. the convolution of the output's
adjoint with the *flipped* other input, cut to the input's extent. ``method`` is "direct",
"fft" or "auto" (direct for small kernels). ``correlate`` is the convolution with ``in2``
reversed (and conjugated), as SciPy's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import numpy as cnp
from ..core import Tracer, full_unwrap
from ..ops import convolution as _conv

__all__ = ["convolve", "correlate", "fftconvolve"]

_MODES = ("full", "same", "valid")
_METHODS = ("auto", "direct", "fft")


def _arr(x: Any) -> Any:
    return x if isinstance(x, (Tracer, np.ndarray)) else np.asarray(x)


def _axes(axes: Any, ndim: int, name: str) -> tuple[int, ...]:
    if axes is None:
        return tuple(range(ndim))
    axes = (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes)
    out = []
    for ax in axes:
        if not -ndim <= int(ax) < ndim:
            raise ValueError(f"{name}: axis {ax} is out of range for inputs with {ndim} "
                             "dimensions")
        out.append(int(ax) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}: axes {axes} name an axis twice")
    return tuple(sorted(out))


def _check(in1: Any, in2: Any, mode: str, method: str, axes: tuple[int, ...],
           name: str) -> None:
    s1, s2 = np.shape(full_unwrap(in1)), np.shape(full_unwrap(in2))
    if len(s1) != len(s2):
        raise ValueError(f"{name}: in1 and in2 should have the same dimensionality "
                         f"(got shapes {s1} and {s2})")
    if mode not in _MODES:
        raise ValueError(f"{name}: mode must be one of {_MODES}, got {mode!r}")
    if method not in _METHODS:
        raise ValueError(f"{name}: method must be one of {_METHODS}, got {method!r}")
    for i in range(len(s1)):
        if i in axes:
            if s1[i] == 0 or s2[i] == 0:
                raise ValueError(f"{name}: empty input on axis {i} (shapes {s1} and {s2})")
        elif s1[i] != s2[i] and 1 not in (s1[i], s2[i]):
            raise ValueError(f"{name}: axis {i} is not convolved, so in1 and in2 must have "
                             f"the same length there or length 1 (got {s1[i]} and {s2[i]})")
    if mode == "valid":
        ge = all(s1[i] >= s2[i] for i in axes)
        le = all(s1[i] <= s2[i] for i in axes)
        if not (ge or le):
            raise ValueError(f"{name}: for 'valid' mode, one input must be at least as large "
                             f"as the other in every convolved axis (got {s1} and {s2})")


def _cut(full: Any, s1: tuple, s2: tuple, mode: str, axes: tuple[int, ...]) -> Any:
    if mode == "full":
        return full
    shp = np.shape(full_unwrap(full))
    idx = [slice(None)] * len(shp)
    for ax in axes:
        n = s1[ax] if mode == "same" else abs(s1[ax] - s2[ax]) + 1
        start = (shp[ax] - n) // 2
        idx[ax] = slice(start, start + n)
    return full[tuple(idx)]


def _convolve(in1: Any, in2: Any, mode: str, method: str, axes: Any, name: str) -> Any:
    in1, in2 = _arr(in1), _arr(in2)
    ndim = len(np.shape(full_unwrap(in1)))
    ax = _axes(axes, ndim, name)
    _check(in1, in2, mode, method, ax, name)
    s1, s2 = np.shape(full_unwrap(in1)), np.shape(full_unwrap(in2))
    if ndim == 0:
        return in1 * in2
    if method == "auto":
        method = _conv.choose_method(s1, s2, ax)
    full = _conv.convolve_full(in1, in2, axes=ax, method=method)
    return _cut(full, s1, s2, mode, ax)


def _is_pair(axes: Any) -> bool:
    """autograd's spelling: axes=([axes of in1], [axes of in2])."""
    return (isinstance(axes, (tuple, list)) and len(axes) == 2
            and all(isinstance(a, (tuple, list, range)) for a in axes))


def _general(in1: Any, in2: Any, axes: Any, dot_axes: Any, mode: str, method: str) -> Any:
    """autograd's generalized convolution: convolve ``axes[0]`` of in1 with ``axes[1]`` of
    in2 pairwise, contract ``dot_axes[0]`` with ``dot_axes[1]`` (a tensordot), and keep the
    other axes as an outer product. The result's axes: in1's others, in2's others, then the
    convolved ones. Computed as one broadcast convolution and a sum over the dot axes."""
    in1, in2 = _arr(in1), _arr(in2)
    s1, s2 = np.shape(full_unwrap(in1)), np.shape(full_unwrap(in2))
    if axes is None:
        axes = (range(len(s1)), range(len(s2)))
    if dot_axes is None:
        dot_axes = ((), ())
    conv1, conv2 = ([int(a) % len(s) for a in ax] for ax, s in zip(axes, (s1, s2)))
    dot1, dot2 = ([int(a) % len(s) for a in ax] for ax, s in zip(dot_axes, (s1, s2)))
    if len(conv1) != len(conv2) or len(dot1) != len(dot2):
        raise ValueError(f"convolve: axes {axes} and dot_axes {dot_axes} must pair the axes "
                         "of in1 with as many axes of in2")
    for a, b in zip(dot1, dot2):
        if s1[a] != s2[b]:
            raise ValueError(f"convolve: dot axis {a} of in1 has length {s1[a]} but dot axis "
                             f"{b} of in2 has length {s2[b]}")
    if mode not in _MODES:
        raise ValueError(f"convolve: mode must be one of {_MODES}, got {mode!r}")
    rest1 = [i for i in range(len(s1)) if i not in conv1 + dot1]
    rest2 = [i for i in range(len(s2)) if i not in conv2 + dot2]
    # in1 -> [rest1, 1 … (for rest2), dot, conv]; in2 -> [1 … (for rest1), rest2, dot, conv]
    a = cnp.transpose(in1, rest1 + dot1 + conv1)
    a = cnp.reshape(a, tuple(s1[i] for i in rest1) + (1,) * len(rest2)
                    + tuple(s1[i] for i in dot1 + conv1))
    b = cnp.transpose(in2, rest2 + dot2 + conv2)
    b = cnp.reshape(b, (1,) * len(rest1) + tuple(s2[i] for i in rest2 + dot2 + conv2))
    n_keep, n_dot, n_conv = len(rest1) + len(rest2), len(dot1), len(conv1)
    conv_axes = tuple(range(n_keep + n_dot, n_keep + n_dot + n_conv))
    sa, sb = np.shape(full_unwrap(a)), np.shape(full_unwrap(b))
    _check(a, b, mode, method, conv_axes, "convolve")
    if method == "auto":
        method = _conv.choose_method(sa, sb, conv_axes)
    out = _conv.convolve_full(a, b, axes=conv_axes, method=method) if n_conv else a * b
    out = _cut(out, sa, sb, mode, conv_axes)
    if n_dot:
        out = cnp.sum(out, axis=tuple(range(n_keep, n_keep + n_dot)))
    return out


def convolve(in1: Any, in2: Any, mode: str = "full", method: str = "auto",
             axes: Any = None, dot_axes: Any = None) -> Any:
    """The N-d convolution of ``in1`` and ``in2`` over ``axes`` (default all), cut to ``mode``
    ("full", "same" or "valid"); differentiable in both. ``axes`` is fftconvolve's argument
    (scipy.signal.convolve itself convolves over every axis).

    HIPS autograd's generalization is accepted too: ``axes=([axes of in1], [axes of in2])``
    and ``dot_axes=([…], […])`` (axes contracted as in a tensordot, e.g. the channels of a
    convolutional layer); the result has in1's remaining axes, in2's remaining axes, then
    the convolved axes, as autograd's ``convolve``."""
    if dot_axes is not None or _is_pair(axes):
        return _general(in1, in2, axes, dot_axes, mode, method)
    return _convolve(in1, in2, mode, method, axes, "convolve")


def fftconvolve(in1: Any, in2: Any, mode: str = "full", axes: Any = None) -> Any:
    """``convolve`` by FFT (SciPy's fftconvolve)."""
    return _convolve(in1, in2, mode, "fft", axes, "fftconvolve")


def correlate(in1: Any, in2: Any, mode: str = "full", method: str = "auto") -> Any:
    """The N-d cross-correlation z[k] = Σ_l in1[l + k] conj(in2[l]): the convolution of in1
    with in2 reversed on every axis and conjugated, cut to ``mode`` as SciPy's correlate."""
    in1, in2 = _arr(in1), _arr(in2)
    ndim = len(np.shape(full_unwrap(in1)))
    flipped = in2[(slice(None, None, -1),) * ndim] if ndim else in2
    if np.iscomplexobj(full_unwrap(flipped)):
        flipped = cnp.conj(flipped)
    return _convolve(in1, flipped, mode, method, None, "correlate")
