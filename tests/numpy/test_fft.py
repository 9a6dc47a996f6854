"""``chainrule.numpy.fft``: NumPy's values, and derivatives against central differences.

Every transform of numpy.fft, with n/s, axis/axes and each norm: the traced result equals
NumPy's; for real inputs the reverse-mode derivative (a complex cotangent ū = a - i b on the
output, the JAX/autograd convention) and the forward-mode tangent match central
differences of Σ a·Re y + b·Im y; two more differentiate through complex intermediates
(``abs``/``real``/``ifft`` of a complex traced value).
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

H = 1e-6

REAL_IN = [  # (name, shape, kwargs)
    ("fft", (6,), {}),
    ("fft", (5,), {"n": 8, "norm": "ortho"}),
    ("fft", (3, 4), {"axis": 0, "n": 2, "norm": "forward"}),
    ("ifft", (6,), {}),
    ("ifft", (4, 3), {"n": 5, "norm": "ortho"}),
    ("rfft", (6,), {}),
    ("rfft", (7,), {"n": 10, "norm": "forward"}),
    ("rfft", (3, 5), {"axis": 0, "n": 2}),
    ("fft2", (3, 4), {}),
    ("fft2", (2, 3, 4), {"s": (4, 2), "norm": "ortho"}),
    ("ifft2", (3, 4), {"axes": (1, 0)}),
    ("rfft2", (4, 4), {}),
    ("rfft2", (3, 5), {"s": (2, 6), "norm": "forward"}),
    ("fftn", (2, 3, 2), {}),
    ("fftn", (2, 3, 2), {"s": (3, 3), "axes": (0, 2)}),
    ("ifftn", (2, 3, 2), {"axes": (1,), "norm": "forward"}),
    ("rfftn", (2, 3, 4), {}),
    ("rfftn", (2, 3, 4), {"s": (4, 3), "axes": (2, 0), "norm": "ortho"}),
    # real arrays into the inverses of half spectra: real outputs
    ("irfft", (5,), {}),
    ("irfft", (5,), {"n": 9, "norm": "ortho"}),
    ("irfft", (3, 4), {"axis": 0, "n": 6}),
    ("irfft2", (3, 4), {}),
    ("irfft2", (3, 4), {"s": (4, 5), "norm": "forward"}),
    ("irfftn", (2, 3, 3), {}),
    ("irfftn", (2, 3, 3), {"s": (3, 4), "axes": (0, 1)}),
]


def _ids(cases):
    return [f"{n}{list(s)}{kw}" for n, s, kw in cases]


@pytest.mark.parametrize(("name", "shape", "kwargs"), REAL_IN, ids=_ids(REAL_IN))
def test_traced_transforms_equal_numpys(name, shape, kwargs):
    """The value under tracing is numpy.fft's, through chainrule.numpy.fft and numpy.fft."""
    x = np.random.default_rng(0).standard_normal(shape)
    want = getattr(np.fft, name)(x, **kwargs)
    for fn in (getattr(cnp.fft, name), getattr(np.fft, name)):
        out, _ = cr.vjp(lambda x: fn(x, **kwargs), x)
        assert out.dtype == want.dtype and out.shape == want.shape
        np.testing.assert_allclose(out, want, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize(("name", "shape", "kwargs"), REAL_IN, ids=_ids(REAL_IN))
def test_derivatives_of_real_inputs_match_central_differences(name, shape, kwargs):
    """ā_x with ū = a - i b is ∇_x Σ (a·Re y + b·Im y); ẏ is the directional difference."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    fn = getattr(cnp.fft, name)
    y, back = cr.vjp(lambda x: fn(x, **kwargs), x)
    a, b = rng.standard_normal(y.shape), rng.standard_normal(y.shape)

    def loss(w):
        z = getattr(np.fft, name)(w, **kwargs)
        return float(np.sum(a * np.real(z) + b * np.imag(z)))

    want = np.array([(loss(x + H * e.reshape(shape)) - loss(x - H * e.reshape(shape))) / (2 * H)
                     for e in np.eye(x.size)]).reshape(shape)
    (got,) = back(a - 1j * b if np.iscomplexobj(y) else a)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    v = rng.standard_normal(shape)
    _, tangent = cr.jvp(lambda x: fn(x, **kwargs), (x,), (v,))
    fd = (getattr(np.fft, name)(x + H * v, **kwargs)
          - getattr(np.fft, name)(x - H * v, **kwargs)) / (2 * H)
    np.testing.assert_allclose(tangent, fd, rtol=1e-6, atol=1e-8)


def test_plain_values_are_numpys_own():
    """Untraced, every function returns exactly what numpy.fft returns."""
    x = np.random.default_rng(2).standard_normal((4, 6))
    for name in ("fft", "ifft", "rfft", "fft2", "ifft2", "rfft2", "fftn", "ifftn", "rfftn",
                 "irfft", "irfft2", "irfftn", "fftshift", "ifftshift"):
        np.testing.assert_array_equal(getattr(cnp.fft, name)(x), getattr(np.fft, name)(x))
    np.testing.assert_array_equal(cnp.fft.fftfreq(7, 0.1), np.fft.fftfreq(7, 0.1))
    np.testing.assert_array_equal(cnp.fft.rfftfreq(8), np.fft.rfftfreq(8))
    assert cnp.fft.hfft is np.fft.hfft  # no rule yet: NumPy's, refusing traced values


def test_import_spellings():
    """``import chainrule.numpy as np; np.fft.fft`` and ``import chainrule.numpy.fft``."""
    import chainrule.numpy.fft as cfft
    assert cnp.fft is cfft
    assert cnp.fft.fft is cfft.fft


def test_a_round_trip_through_the_half_spectrum_is_the_identity():
    """irfft(rfft(x), n) = x, so its Jacobian is I (both modes), for even and odd n."""
    for n in (6, 7):
        x = np.random.default_rng(n).standard_normal(n)
        f = lambda x, n=n: cnp.fft.irfft(cnp.fft.rfft(x), n)  # noqa: E731
        np.testing.assert_allclose(f(x), x, atol=1e-14)
        np.testing.assert_allclose(cr.jacrev(f)(x), np.eye(n), atol=1e-14)
        np.testing.assert_allclose(cr.jacfwd(f)(x), np.eye(n), atol=1e-14)


def test_a_spectral_filter_differentiates_to_second_order():
    """y = irfft(h · rfft(x)) is a circular convolution with the kernel k = irfft(h), so
    Σ y² = xᵀ CᵀC x has gradient 2 CᵀC x and Hessian 2 CᵀC, C the circulant of k."""
    rng = np.random.default_rng(3)
    n = 8
    x = rng.standard_normal(n)
    h = rng.standard_normal(n // 2 + 1)
    k = np.fft.irfft(h, n)
    C = np.array([[k[(i - j) % n] for j in range(n)] for i in range(n)])

    def energy(x):
        return (cnp.fft.irfft(h * cnp.fft.rfft(x), n) ** 2).sum()

    np.testing.assert_allclose(cr.grad(energy)(x), 2 * C.T @ C @ x, rtol=1e-10)
    np.testing.assert_allclose(cr.hessian(energy)(x), 2 * C.T @ C, rtol=1e-10, atol=1e-12)


def test_fftshift_is_a_roll_and_differentiates():
    """fftshift moves entry 0 to the centre: ā = ifftshift(ā) (the inverse permutation)."""
    x = np.arange(10.0).reshape(2, 5)
    w = np.random.default_rng(4).standard_normal((2, 5))
    for axes in (None, 1, (0,), (1, 0)):
        np.testing.assert_array_equal(cr.vjp(lambda x: cnp.fft.fftshift(x, axes), x)[0],
                                      np.fft.fftshift(x, axes))
        g = cr.grad(lambda x: (cnp.fft.fftshift(x, axes) * w).sum())(x)
        np.testing.assert_array_equal(g, np.fft.ifftshift(w, axes))
        g = cr.grad(lambda x: (cnp.fft.ifftshift(x, axes) * w).sum())(x)
        np.testing.assert_array_equal(g, np.fft.fftshift(w, axes))


def test_fftfreq_differentiates_in_the_sample_spacing():
    """f_k = k / (n d): ∂f_k/∂d = -f_k / d."""
    d = 0.25
    np.testing.assert_allclose(cr.jacfwd(lambda d: cnp.fft.fftfreq(6, d))(d),
                               -np.fft.fftfreq(6, d) / d, rtol=1e-14)
    np.testing.assert_allclose(cr.jacrev(lambda d: cnp.fft.rfftfreq(6, d))(d),
                               -np.fft.rfftfreq(6, d) / d, rtol=1e-14)


def test_errors_name_the_function_and_the_fix():
    x = np.ones(4)
    with pytest.raises(ValueError, match="numpy.fft.fft: invalid norm value 'unit'"):
        cr.grad(lambda x: cnp.fft.irfft(cnp.fft.fft(x, norm="unit")).sum())(x)
    with pytest.raises(ValueError, match="repeated axes"):
        cr.vjp(lambda x: cnp.fft.fftn(x, axes=(0, 0)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="invalid number of data points"):
        cr.vjp(lambda x: cnp.fft.fft(x, n=0), x)
    with pytest.raises(TypeError, match=r"numpy\.fft\.rfft\(\.\.\., out=\.\.\.\) writes in place"):
        cr.vjp(lambda x: cnp.fft.rfft(x, out=np.zeros(3, complex)), x)


def test_parseval_power_spectrum_gradient():
    """Σ |fft x|² = n Σ x² (Parseval): gradient 2 n x."""
    x = np.random.default_rng(5).standard_normal(6)
    g = cr.grad(lambda x: (cnp.abs(cnp.fft.fft(x)) ** 2).sum())(x)
    np.testing.assert_allclose(g, 12 * x, rtol=1e-12)


def test_real_part_of_a_round_trip_through_the_full_spectrum():
    """Re ifft(fft x) = x: the gradient of Σ w·Re(...) is w."""
    x = np.random.default_rng(6).standard_normal(5)
    w = np.arange(5.0)
    g = cr.grad(lambda x: (w * cnp.real(cnp.fft.ifft(cnp.fft.fft(x)))).sum())(x)
    np.testing.assert_allclose(g, w, rtol=1e-12)
