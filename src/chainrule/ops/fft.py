"""The discrete Fourier transforms as primitives: three linear maps and their transposes.

Every transform of :mod:`numpy.fft` is one of

* ``fft_c2c(x, axes, s, out, norm, inverse)`` — x resized to lengths ``s`` along ``axes``
  (cropped, or padded with zeros), the n-dimensional DFT (its inverse for ``inverse``) in
  NumPy's ``norm`` scaling, then the result resized to lengths ``out``;
* ``fft_r2c(x, axes, s, norm)`` — ``numpy.fft.rfftn``: a real x, its half spectrum
  (the last axis keeps s[-1]//2 + 1 entries);
* ``fft_c2r(z, axes, s, norm)`` — ``numpy.fft.irfftn``: a half spectrum, the real signal
  of the Hermitian spectrum it stands for (the imaginary parts of the self-conjugate entries
  are ignored).

All three are linear, so their JVPs are the primitives applied to the tangent
(``deflinear``). Their VJPs are transposes (the convention of JAX and autograd for complex
values: the cotangent of a linear map A is Aᵀ ā, not Aᴴ ā, and the cotangent of a real
argument is the real part). The DFT matrix is symmetric, so:

* c2c: Aᵀ = resize(s → x) · DFT · resize(out → s): ``fft_c2c(ā, axes, s, x's lengths, norm,
  inverse)``, the same norm and direction;
* r2c: A = keep-half · DFT · resize, so Aᵀ ā = Re[resize(DFT(ā padded with zeros))] =
  ``fft_c2c(ā, axes, s, x's lengths, norm, False)`` (its real part for the real x);
* c2r: y_k = c/n·[Re z₀ + 2 Σ Re(z_j e^{2πijk/n}) + Re(z_{n/2} (-1)^k)], so
  ā_{z_j} = w_j · ifft(ā)_j with the Hermitian weight w = 1 for the self-conjugate entries
  (0 and n/2), 2 for the others, 0 past the half spectrum: ``fft_c2c(ā, axes, s, z's
  lengths, norm, True) · w``. It is real at the self-conjugate entries, as it must be.

Each transpose is again one of the three, so every order of derivative is available.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Primitive, Tracer, document_primitives, full_unwrap

__all__ = ["fft_c2c", "fft_r2c", "fft_c2r", "resize_axes"]


def resize_axes(x: np.ndarray, axes: tuple[int, ...], lengths: tuple[int, ...]) -> np.ndarray:
    """``x`` cropped, or padded with zeros at the end, to ``lengths`` along ``axes``."""
    crop = [slice(None)] * x.ndim
    pad = [(0, 0)] * x.ndim
    cropped = padded = False
    for ax, n in zip(axes, lengths, strict=True):
        have = x.shape[ax]
        if n < have:
            crop[ax] = slice(0, n)
            cropped = True
        elif n > have:
            pad[ax] = (0, n - have)
            padded = True
    if cropped:
        x = x[tuple(crop)]
    if padded:
        x = np.pad(x, pad)
    return x


def _lengths(x: Any, axes: tuple[int, ...]) -> tuple[int, ...]:
    shape = np.shape(full_unwrap(x))
    return tuple(shape[a] for a in axes)


def _real_part_for(g: Any, x: Any) -> Any:
    """The cotangent of a real ``x`` is the real part of a complex one. Traced cotangents
    (higher order) are fitted to x's dtype by the machine, which takes the real part."""
    if isinstance(g, Tracer) or np.iscomplexobj(full_unwrap(x)):
        return g
    return np.real(g)


# ---- complex to complex ---------------------------------------------------------------------

def _c2c_impl(x, axes, s, out, norm, inverse):
    f = np.fft.ifftn if inverse else np.fft.fftn
    return resize_axes(f(x, s=s, axes=axes, norm=norm), axes, out)


fft_c2c = Primitive(_c2c_impl, "fft_c2c")
"""y = resize_out(DFTₛ(resize_s(x))) along ``axes`` (the inverse DFT for ``inverse``), in
NumPy's ``norm`` scaling. Linear; the DFT matrix is symmetric, so
ā_x = resize_x(DFTₛ(resize_s(ā))) (transpose convention: Aᵀ ā) and ȧ = fft_c2c(ẋ)."""
fft_c2c.deflinear(
    lambda g, ans, x, axes, s, out, norm, inverse: _real_part_for(
        fft_c2c(g, axes, s, _lengths(x, axes), norm, inverse), x),
    None, None, None, None, None)


# ---- real to half spectrum ------------------------------------------------------------------

def _r2c_impl(x, axes, s, norm):
    return np.fft.rfftn(x, s=s, axes=axes, norm=norm)


fft_r2c = Primitive(_r2c_impl, "fft_r2c")
"""``numpy.fft.rfftn``: the half spectrum of a real x (last of ``axes`` keeps s[-1]//2 + 1).
Linear: ā_x = Re resize_x(DFTₛ(ā padded with zeros to s)), ȧ = fft_r2c(ẋ)."""
fft_r2c.deflinear(
    lambda g, ans, x, axes, s, norm: _real_part_for(
        fft_c2c(g, axes, s, _lengths(x, axes), norm, False), x),
    None, None, None)


# ---- half spectrum to real ------------------------------------------------------------------

def hermitian_weight(half: int, n: int, have: int, dtype: Any) -> np.ndarray:
    """w_j for j < ``have``: how many entries of the full length-``n`` spectrum entry j of
    the half spectrum (``half`` = n//2 + 1 entries) stands for: 1 at j = 0 and j = n/2
    (self-conjugate), 2 between, 0 past the half spectrum (those are cropped away)."""
    w = np.zeros(have, dtype=dtype)
    w[:min(half, have)] = 2
    w[0] = 1
    if n % 2 == 0 and n // 2 < have:
        w[n // 2] = 1
    return w


def _c2r_impl(z, axes, s, norm):
    return np.fft.irfftn(z, s=s, axes=axes, norm=norm)


def _c2r_vjp(g, ans, z, axes, s, norm):
    zv = full_unwrap(z)
    lengths = _lengths(zv, axes)
    n = s[-1]
    w = hermitian_weight(n // 2 + 1, n, lengths[-1], np.real(zv).dtype)
    w = w.reshape(w.shape + (1,) * (zv.ndim - 1 - axes[-1]))
    return _real_part_for(fft_c2c(g, axes, s, lengths, norm, True) * w, z)


fft_c2r = Primitive(_c2r_impl, "fft_c2r")
"""``numpy.fft.irfftn``: the real signal of length s of the Hermitian spectrum z stands for.
Linear (over the reals): ā_z = w · resize_z(IDFTₛ(ā)), with the Hermitian weight w (1 at the
self-conjugate entries 0 and n/2, 2 between; see the module's note), ȧ = fft_c2r(ż)."""
fft_c2r.deflinear(_c2r_vjp, None, None, None)


document_primitives(__name__)
