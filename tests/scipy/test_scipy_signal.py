"""chainrule.scipy.signal: values against SciPy for every mode, shapes and axes; derivatives
of both inputs against finite differences (forward and reverse, to second order)."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.scipy import signal as cs

ss = pytest.importorskip("scipy.signal")

RNG = np.random.default_rng(11)

SHAPES = [((7,), (3,)), ((3,), (7,)), ((5,), (5,)), ((1,), (4,)), ((4, 5), (2, 3)),
          ((2, 3), (4, 5)), ((3, 3), (3, 1)), ((4, 3, 2), (2, 2, 2)), ((2, 2, 3), (3, 4, 5))]
MODES = ["full", "same", "valid"]


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", ["auto", "direct", "fft"])
def test_convolve_matches_scipy(shapes, mode, method):
    a, b = RNG.standard_normal(shapes[0]), RNG.standard_normal(shapes[1])
    want = ss.convolve(a, b, mode=mode, method=method)
    got = cs.convolve(a, b, mode=mode, method=method)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("mode", MODES)
def test_correlate_matches_scipy(shapes, mode):
    a, b = RNG.standard_normal(shapes[0]), RNG.standard_normal(shapes[1])
    want = ss.correlate(a, b, mode=mode)
    got = cs.correlate(a, b, mode=mode)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shapes,axes", [
    (((3, 6), (1, 3)), 1), (((3, 6), (3, 2)), (1,)), (((3, 6), (1, 3)), (0, 1)),
    (((4, 2, 5), (4, 1, 3)), (0, 2)), (((2, 7), (2, 3)), -1)], ids=str)
def test_convolve_over_axes_matches_scipy_fftconvolve(mode, shapes, axes):
    """Axes not convolved broadcast (equal lengths, or length 1), as fftconvolve's axes."""
    a, b = RNG.standard_normal(shapes[0]), RNG.standard_normal(shapes[1])
    want = ss.fftconvolve(a, b, mode=mode, axes=axes)
    for method in ("direct", "fft"):
        got = cs.convolve(a, b, mode=mode, method=method, axes=axes)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(cs.fftconvolve(a, b, mode=mode, axes=axes), want, atol=1e-12)


def test_convolve_of_complex_inputs_matches_scipy():
    a = RNG.standard_normal((5, 4)) + 1j * RNG.standard_normal((5, 4))
    b = RNG.standard_normal((2, 3)) + 1j * RNG.standard_normal((2, 3))
    for method in ("direct", "fft"):
        np.testing.assert_allclose(cs.convolve(a, b, method=method), ss.convolve(a, b),
                                   atol=1e-12)
    np.testing.assert_allclose(cs.correlate(a, b, "same"), ss.correlate(a, b, "same"),
                               atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", ["direct", "fft"])
def test_convolve_derivatives_in_both_inputs_match_finite_differences(mode, method):
    a, b = RNG.standard_normal((4, 3)), RNG.standard_normal((2, 2))
    cr.check_grads(lambda a, b: cs.convolve(a, b, mode=mode, method=method), (a, b), order=2)


@pytest.mark.parametrize("mode", MODES)
def test_convolve_derivatives_over_axes_with_broadcasting_match_finite_differences(mode):
    a, b = RNG.standard_normal((3, 5)), RNG.standard_normal((1, 2))
    cr.check_grads(lambda a, b: cs.convolve(a, b, mode=mode, axes=1), (a, b))
    cr.check_grads(lambda a, b: cs.correlate(a, b, mode=mode), (a, b))


def test_the_vjp_of_a_convolution_is_a_correlation_with_the_kernel():
    """y = a * v (full): ā = correlate(ȳ, v, 'valid'), the adjoint slid along the kernel."""
    a, v, ybar = RNG.standard_normal(6), RNG.standard_normal(3), RNG.standard_normal(8)
    _, pull = cr.vjp(lambda a: cs.convolve(a, v), a)
    np.testing.assert_allclose(pull(ybar)[0], np.correlate(ybar, v, "valid"), rtol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("lengths", [(7, 3), (3, 7), (4, 4)])
def test_numpy_convolve_agrees_with_signal_convolve_in_1d(mode, lengths):
    """cnp.convolve is NumPy's 1-D convolve: full and valid equal SciPy's; 'same' has
    max(M, N) entries in NumPy and len(in1) in SciPy, which coincide when in1 is the longer."""
    a, v = RNG.standard_normal(lengths[0]), RNG.standard_normal(lengths[1])
    ours, numpy_ = cnp.convolve(a, v, mode), np.convolve(a, v, mode)
    np.testing.assert_allclose(ours, numpy_, rtol=1e-12)
    if mode != "same" or lengths[0] >= lengths[1]:
        np.testing.assert_allclose(cs.convolve(a, v, mode), numpy_, rtol=1e-12, atol=1e-14)
        ga = cr.grad(lambda a: cnp.sum(cnp.sin(cnp.convolve(a, v, mode))))(a)
        gb = cr.grad(lambda a: cnp.sum(cnp.sin(cs.convolve(a, v, mode))))(a)
        np.testing.assert_allclose(ga, gb, rtol=1e-12, atol=1e-14)


def test_numpy_correlate_agrees_with_signal_correlate_in_1d():
    a, v = RNG.standard_normal(7), RNG.standard_normal(3)
    for mode in MODES:
        np.testing.assert_allclose(cs.correlate(a, v, mode), cnp.correlate(a, v, mode),
                                   rtol=1e-12, atol=1e-14)


def test_convolve_errors_name_the_problem():
    with pytest.raises(ValueError, match="same dimensionality"):
        cs.convolve(np.ones(3), np.ones((2, 2)))
    with pytest.raises(ValueError, match="mode must be one of"):
        cs.convolve(np.ones(3), np.ones(2), mode="middle")
    with pytest.raises(ValueError, match="at least as large"):
        cs.convolve(np.ones((3, 2)), np.ones((2, 3)), mode="valid")
    with pytest.raises(ValueError, match="axis 0 is not convolved"):
        cs.convolve(np.ones((3, 4)), np.ones((2, 2)), axes=1)


# ---- HIPS autograd's generalized convolve (axes pairs, dot_axes) ---------------------------

CONV_LAYER = {"axes": ([2, 3], [2, 3]), "dot_axes": ([1], [0])}
"""A convolutional layer: images (batch, channels, H, W) with filters (channels, filters,
h, w), the channels contracted: out (batch, filters, H', W')."""


@pytest.mark.parametrize("mode", ["valid", "full"])
@pytest.mark.parametrize("swapped", [False, True])
def test_autograd_style_convolve_matches_autograd(mode, swapped):
    agsig = pytest.importorskip("autograd.scipy.signal")
    x, w = RNG.standard_normal((2, 3, 6, 5)), RNG.standard_normal((3, 4, 3, 2))
    kw = dict(CONV_LAYER)
    if swapped:   # the kernel first: its other axes come first in the result
        x, w, kw["dot_axes"] = w, x, ([0], [1])
    want = agsig.convolve(x, w, mode=mode, **kw)
    got = cs.convolve(x, w, mode=mode, **kw)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)


def test_autograd_style_convolve_gradients_match_autograd():
    autograd = pytest.importorskip("autograd")
    agsig = pytest.importorskip("autograd.scipy.signal")
    x, w = RNG.standard_normal((2, 3, 6, 5)), RNG.standard_normal((3, 4, 3, 2))

    def loss(sig, np_):
        return lambda x, w: np_.sum(np_.tanh(sig.convolve(x, w, mode="valid", **CONV_LAYER)))

    want = autograd.grad(loss(agsig, autograd.numpy), (0, 1))(x, w)
    got = cr.grad(loss(cs, cnp), (0, 1))(x, w)
    for g, h in zip(got, want):
        np.testing.assert_allclose(g, h, rtol=1e-11, atol=1e-13)


def test_autograd_style_convolve_derivatives_match_finite_differences():
    x, w = RNG.standard_normal((2, 2, 4, 3)), RNG.standard_normal((2, 2, 2, 2))
    cr.check_grads(lambda x, w: cs.convolve(x, w, mode="valid", **CONV_LAYER), (x, w))


def test_autograd_style_convolve_with_mismatched_dot_axes_names_the_lengths():
    with pytest.raises(ValueError, match="dot axis 1 of in1 has length 3"):
        cs.convolve(np.ones((2, 3, 4)), np.ones((2, 2)), axes=([2], [1]), dot_axes=([1], [0]))
