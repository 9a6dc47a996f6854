"""``chainrule.numpy.fft``: :mod:`numpy.fft`, differentiable (``np.fft.fft`` after
``import chainrule.numpy as np``).

Each transform has NumPy's signature (``n``/``s``, ``axis``/``axes``, ``norm``) and is one
of the three linear primitives of :mod:`chainrule.ops.fft` (complex to complex, real to half
spectrum, half spectrum to real), whose VJPs are transposes: the JAX/autograd convention for
complex values (see ``docs/complex.md``). ``fftshift``/``ifftshift`` are ``roll``;
``fftfreq``/``rfftfreq`` are NumPy's (differentiable in the sample spacing ``d``). Applied
to plain values every function is NumPy's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..core import Tracer
from ..ops.fft import fft_c2c, fft_c2r, fft_r2c
from ..ops.window import roll
from .dispatch import implements, no_out

__all__ = ["fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "rfft2", "irfft2", "fftn",
           "ifftn", "rfftn", "irfftn", "fftshift", "ifftshift", "fftfreq", "rfftfreq"]

_NORMS = (None, "backward", "ortho", "forward")


def _norm(norm: Any, name: str) -> str:
    if norm not in _NORMS:
        raise ValueError(f'numpy.fft.{name}: invalid norm value {norm!r}; should be "backward", '
                         '"ortho" or "forward"')
    return "backward" if norm is None else norm


def _axes_and_lengths(x: Any, s: Any, axes: Any, name: str,
                      half_input: bool = False) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """NumPy's rules for ``s`` and ``axes``: both default to the last len(s) axes (all axes
    when neither is given); every length defaults to the axis length, and for the inverse
    of a half spectrum (``half_input``) the last to 2 (m - 1)."""
    nd = x.ndim
    if axes is None:
        axes = range(nd) if s is None else range(nd - len(s), nd)
    axes = tuple(int(a) for a in axes)
    for a in axes:
        if not -nd <= a < nd:
            raise np.exceptions.AxisError(a, nd)
    axes = tuple(a % nd for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"numpy.fft.{name} of a traced value: repeated axes {axes} (each "
                         "axis transformed more than once) are not supported; transform "
                         "each axis once, calling the function again for a repeat")
    if s is None:
        s = [x.shape[a] for a in axes]
        if half_input and axes:
            s[-1] = 2 * (s[-1] - 1)
    elif len(s) != len(axes):
        raise ValueError(f"numpy.fft.{name}: shape and axes have different lengths")
    s = tuple(int(n) for n in s)
    for n in s:
        if n < 1:
            raise ValueError(f"numpy.fft.{name}: invalid number of data points ({n}) "
                             "specified")
    return axes, s


def _one_axis(n: Any, axis: int) -> tuple[Sequence[int] | None, tuple[int]]:
    return (None if n is None else (n,)), (axis,)


def _c2c(a, s, axes, norm, name, inverse):
    axes, s = _axes_and_lengths(a, s, axes, name)
    return fft_c2c(a, axes, s, s, _norm(norm, name), inverse)


def _r2c(a, s, axes, norm, name):
    if np.iscomplexobj(a._value):
        raise TypeError(f"numpy.fft.{name} takes a real array; a complex one was given "
                        "(use numpy.fft.fftn for complex input)")
    axes, s = _axes_and_lengths(a, s, axes, name)
    return fft_r2c(a, axes, s, _norm(norm, name))


def _c2r(a, s, axes, norm, name):
    axes, s = _axes_and_lengths(a, s, axes, name, half_input=True)
    return fft_c2r(a, axes, s, _norm(norm, name))


def _traced(a: Any) -> bool:
    return isinstance(a, Tracer)


@implements(np.fft.fft)
def fft(a, n=None, axis=-1, norm=None, out=None):
    """``numpy.fft.fft``: the 1-d DFT along ``axis`` (cropped or zero-padded to ``n``)."""
    if not _traced(a):
        return np.fft.fft(a, n, axis, norm, out)
    no_out("fft.fft", out)
    return _c2c(a, *_one_axis(n, axis), norm, "fft", False)


@implements(np.fft.ifft)
def ifft(a, n=None, axis=-1, norm=None, out=None):
    """``numpy.fft.ifft``: the 1-d inverse DFT along ``axis``."""
    if not _traced(a):
        return np.fft.ifft(a, n, axis, norm, out)
    no_out("fft.ifft", out)
    return _c2c(a, *_one_axis(n, axis), norm, "ifft", True)


@implements(np.fft.rfft)
def rfft(a, n=None, axis=-1, norm=None, out=None):
    """``numpy.fft.rfft``: the half spectrum (n//2 + 1 entries) of a real signal."""
    if not _traced(a):
        return np.fft.rfft(a, n, axis, norm, out)
    no_out("fft.rfft", out)
    return _r2c(a, *_one_axis(n, axis), norm, "rfft")


@implements(np.fft.irfft)
def irfft(a, n=None, axis=-1, norm=None, out=None):
    """``numpy.fft.irfft``: the real signal of length n (default 2(m - 1)) of a half spectrum."""
    if not _traced(a):
        return np.fft.irfft(a, n, axis, norm, out)
    no_out("fft.irfft", out)
    return _c2r(a, *_one_axis(n, axis), norm, "irfft")


@implements(np.fft.fftn)
def fftn(a, s=None, axes=None, norm=None, out=None):
    """``numpy.fft.fftn``: the n-d DFT over ``axes`` (sizes ``s``)."""
    if not _traced(a):
        return np.fft.fftn(a, s, axes, norm, out)
    no_out("fft.fftn", out)
    return _c2c(a, s, axes, norm, "fftn", False)


@implements(np.fft.ifftn)
def ifftn(a, s=None, axes=None, norm=None, out=None):
    """``numpy.fft.ifftn``: the n-d inverse DFT over ``axes``."""
    if not _traced(a):
        return np.fft.ifftn(a, s, axes, norm, out)
    no_out("fft.ifftn", out)
    return _c2c(a, s, axes, norm, "ifftn", True)


@implements(np.fft.rfftn)
def rfftn(a, s=None, axes=None, norm=None, out=None):
    """``numpy.fft.rfftn``: the n-d DFT of a real array, half spectrum on the last axis."""
    if not _traced(a):
        return np.fft.rfftn(a, s, axes, norm, out)
    no_out("fft.rfftn", out)
    return _r2c(a, s, axes, norm, "rfftn")


@implements(np.fft.irfftn)
def irfftn(a, s=None, axes=None, norm=None, out=None):
    """``numpy.fft.irfftn``: the real array of an n-d half spectrum."""
    if not _traced(a):
        return np.fft.irfftn(a, s, axes, norm, out)
    no_out("fft.irfftn", out)
    return _c2r(a, s, axes, norm, "irfftn")


@implements(np.fft.fft2)
def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """``numpy.fft.fft2``: fftn over the last two axes."""
    if not _traced(a):
        return np.fft.fft2(a, s, axes, norm, out)
    no_out("fft.fft2", out)
    return _c2c(a, s, axes, norm, "fft2", False)


@implements(np.fft.ifft2)
def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """``numpy.fft.ifft2``: ifftn over the last two axes."""
    if not _traced(a):
        return np.fft.ifft2(a, s, axes, norm, out)
    no_out("fft.ifft2", out)
    return _c2c(a, s, axes, norm, "ifft2", True)


@implements(np.fft.rfft2)
def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """``numpy.fft.rfft2``: rfftn over the last two axes."""
    if not _traced(a):
        return np.fft.rfft2(a, s, axes, norm, out)
    no_out("fft.rfft2", out)
    return _r2c(a, s, axes, norm, "rfft2")


@implements(np.fft.irfft2)
def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    """``numpy.fft.irfft2``: irfftn over the last two axes."""
    if not _traced(a):
        return np.fft.irfft2(a, s, axes, norm, out)
    no_out("fft.irfft2", out)
    return _c2r(a, s, axes, norm, "irfft2")


def _shift_axes(x: Any, axes: Any) -> tuple[int, ...]:
    if axes is None:
        return tuple(range(x.ndim))
    return (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes)


@implements(np.fft.fftshift)
def fftshift(x, axes=None):
    """``numpy.fft.fftshift``: the zero frequency moved to the centre (a roll by n//2)."""
    if not _traced(x):
        return np.fft.fftshift(x, axes)
    axes = _shift_axes(x, axes)
    return roll(x, tuple(x.shape[a] // 2 for a in axes), axes)


@implements(np.fft.ifftshift)
def ifftshift(x, axes=None):
    """``numpy.fft.ifftshift``: fftshift undone (a roll by -(n//2))."""
    if not _traced(x):
        return np.fft.ifftshift(x, axes)
    axes = _shift_axes(x, axes)
    return roll(x, tuple(-(x.shape[a] // 2) for a in axes), axes)


def fftfreq(n, d=1.0, device=None):
    """``numpy.fft.fftfreq``: the sample frequencies k / (n d); a traced ``d`` differentiates."""
    if _traced(d):
        return np.fft.fftfreq(n, 1.0, device=device) / d
    return np.fft.fftfreq(n, d, device=device)


def rfftfreq(n, d=1.0, device=None):
    """``numpy.fft.rfftfreq``: the non-negative sample frequencies of rfft, k / (n d)."""
    if _traced(d):
        return np.fft.rfftfreq(n, 1.0, device=device) / d
    return np.fft.rfftfreq(n, d, device=device)


def __getattr__(name: str) -> Any:
    return getattr(np.fft, name)
