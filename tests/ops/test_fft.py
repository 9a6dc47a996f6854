"""The Fourier primitives' rules against central differences, complex arguments included.

The registry sweep (test_rules.py) checks real arguments and real results; the DFTs have
complex ones, so here each rule is checked on its own, in both parts:

* the JVP against central differences of the primitive in a real and in an imaginary
  direction (ż = v and ż = i v);
* the VJP against the gradient of the real loss L(z) = Re Σ ū·P(z) by central differences,
  in the transpose convention of JAX and autograd: ā_z = ∂L/∂Re z - i ∂L/∂Im z (for a real
  argument: ∂L/∂z, a real array);
* the dot-product identity Re Σ ū·(J v) = Re Σ (Jᵀ ū)·v, exact up to rounding;
* through the transforms (``cr.vjp``, ``cr.jvp``, ``cr.hessian``) where the arguments are
  real, which is what the engine differentiates today.

Complex arguments to the transforms (``cr.grad`` of a function of a complex array) need
chainrule's complex support; the raw rules are checked here without it.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.ops.fft import fft_c2c, fft_c2r, fft_r2c, hermitian_weight

H = 1e-6

C2C = [  # (label, shape, axes, s, out, norm, inverse)
    ("5", (5,), (0,), (5,), (5,), "backward", False),
    ("5,n=8,inverse", (5,), (0,), (8,), (8,), "backward", True),
    ("6,n=4,ortho", (6,), (0,), (4,), (4,), "ortho", False),
    ("3x4,s=(2,6),out=(3,4),forward", (3, 4), (0, 1), (2, 6), (3, 4), "forward", False),
    ("2x3x2,axes=(2,0),inverse,ortho", (2, 3, 2), (2, 0), (3, 2), (2, 2), "ortho", True),
    ("4x3,axis=1,out=(5,)", (4, 3), (1,), (3,), (5,), "backward", False),
]
R2C = [  # (label, shape, axes, s, norm)
    ("6", (6,), (0,), (6,), "backward"),
    ("5,n=8,ortho", (5,), (0,), (8,), "ortho"),
    ("7,n=4,forward", (7,), (0,), (4,), "forward"),
    ("3x4,axes=(0,1),s=(4,5)", (3, 4), (0, 1), (4, 5), "backward"),
    ("3x4,axes=(1,0)", (3, 4), (1, 0), (4, 3), "ortho"),
]
C2R = [  # (label, shape, axes, s, norm)
    ("5,n=8", (5,), (0,), (8,), "backward"),
    ("5,n=9,ortho", (5,), (0,), (9,), "ortho"),
    ("4,n=4(cropped),forward", (4,), (0,), (4,), "forward"),
    ("4,n=12(padded)", (4,), (0,), (12,), "backward"),
    ("3x4,axes=(0,1),s=(3,6)", (3, 4), (0, 1), (3, 6), "backward"),
    ("3x4,axes=(1,0),s=(5,2)", (3, 4), (1, 0), (5, 2), "ortho"),
]


def _cases():
    out = []
    for label, shape, axes, s, o, norm, inv in C2C:
        out.append(pytest.param(fft_c2c, shape, (axes, s, o, norm, inv), True, id=f"c2c[{label}]"))
        out.append(pytest.param(fft_c2c, shape, (axes, s, o, norm, inv), False,
                                id=f"c2c-real-arg[{label}]"))
    for label, shape, axes, s, norm in R2C:
        out.append(pytest.param(fft_r2c, shape, (axes, s, norm), False, id=f"r2c[{label}]"))
    for label, shape, axes, s, norm in C2R:
        out.append(pytest.param(fft_c2r, shape, (axes, s, norm), True, id=f"c2r[{label}]"))
    return out


CASES = _cases()


def _draw(rng, shape, complex_):
    x = rng.standard_normal(shape)
    return x + 1j * rng.standard_normal(shape) if complex_ else x


def _directions(rng, shape, complex_):
    """A real direction, and for a complex argument an imaginary one too."""
    v = rng.standard_normal(shape)
    return [v, 1j * rng.standard_normal(shape)] if complex_ else [v]


def _gradient_fd(f, z, complex_):
    """∂L/∂Re z - i ∂L/∂Im z of a real scalar function by central differences."""
    g = np.zeros(z.shape, dtype=complex if complex_ else float)
    for idx in np.ndindex(z.shape):
        e = np.zeros(z.shape)
        e[idx] = 1.0
        g[idx] = (f(z + H * e) - f(z - H * e)) / (2 * H)
        if complex_:
            g[idx] -= 1j * (f(z + 1j * H * e) - f(z - 1j * H * e)) / (2 * H)
    return g


@pytest.mark.parametrize(("prim", "shape", "static", "complex_"), CASES)
def test_jvp_is_the_central_difference_in_real_and_imaginary_directions(prim, shape, static,
                                                                         complex_):
    """ȧ = (P(z + h v) - P(z - h v)) / 2h for v real and v imaginary."""
    rng = np.random.default_rng(1)
    z = _draw(rng, shape, complex_)
    ans = prim(z, *static)
    for v in _directions(rng, shape, complex_):
        fd = (prim(z + H * v, *static) - prim(z - H * v, *static)) / (2 * H)
        got = prim.jvps[0](v, ans, z, *static)
        np.testing.assert_allclose(got, fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(("prim", "shape", "static", "complex_"), CASES)
def test_vjp_is_the_transpose_convention_gradient(prim, shape, static, complex_):
    """ā_z = ∂L/∂Re z - i ∂L/∂Im z for L(z) = Re Σ ū·P(z) (JAX's and autograd's convention;
    a real argument gets the real gradient)."""
    rng = np.random.default_rng(2)
    z = _draw(rng, shape, complex_)
    ans = prim(z, *static)
    u = _draw(rng, ans.shape, np.iscomplexobj(ans))
    got = prim.vjps[0](u, ans, z, *static)
    want = _gradient_fd(lambda w: float(np.real(np.sum(u * prim(w, *static)))), z, complex_)
    assert np.iscomplexobj(got) == complex_ or np.allclose(np.imag(got), 0)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(("prim", "shape", "static", "complex_"), CASES)
def test_dot_product_identity(prim, shape, static, complex_):
    """Re Σ ū·(J v) = Re Σ (Jᵀ ū)·v, to rounding."""
    rng = np.random.default_rng(3)
    z = _draw(rng, shape, complex_)
    ans = prim(z, *static)
    u = _draw(rng, ans.shape, np.iscomplexobj(ans))
    v = _draw(rng, shape, complex_)
    lhs = np.real(np.sum(u * prim.jvps[0](v, ans, z, *static)))
    rhs = np.real(np.sum(prim.vjps[0](u, ans, z, *static) * v))
    assert lhs == pytest.approx(rhs, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("prim", "shape", "static", "complex_"),
                         [c for c in CASES if not c.values[3]])
def test_vjp_through_the_transform_of_a_real_argument(prim, shape, static, complex_):
    """cr.vjp of a real x with a complex cotangent ū = a - i b is the gradient of
    Σ a·Re P(x) + b·Im P(x) (central differences), a real array."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape)
    out, back = cr.vjp(lambda x: prim(x, *static), x)
    a, b = rng.standard_normal(out.shape), rng.standard_normal(out.shape)
    (got,) = back(a - 1j * b)
    want = _gradient_fd(lambda w: float(np.sum(a * np.real(prim(w, *static))
                                               + b * np.imag(prim(w, *static)))), x, False)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    v = rng.standard_normal(shape)
    _, tangent = cr.jvp(lambda x: prim(x, *static), (x,), (v,))
    np.testing.assert_allclose(tangent, prim(v, *static), rtol=1e-12, atol=1e-12)  # linear


def test_the_hessian_of_a_circular_autocorrelation_is_exact():
    """irfft(rfft(x)²) is the circular self-convolution x ⊛ x, and Σ_k (x ⊛ x)_k = (Σ x)²,
    whose Hessian is 2 everywhere: reverse over reverse and forward over reverse."""
    def f(x):
        return fft_c2r(fft_r2c(x, (0,), (6,), "backward") ** 2, (0,), (6,), "backward").sum()
    x = np.random.default_rng(5).standard_normal(6)
    assert f(x) == pytest.approx(x.sum() ** 2)
    np.testing.assert_allclose(cr.hessian(f)(x), np.full((6, 6), 2.0), rtol=1e-12)
    np.testing.assert_allclose(cr.jacfwd(cr.grad(f))(x), np.full((6, 6), 2.0), rtol=1e-12)


def test_the_hermitian_weight_counts_each_entry_of_the_full_spectrum():
    """n = 8: entries 0 and 4 are self-conjugate (weight 1), 1..3 stand for two (2); a
    spectrum of 7 kept entries has 5..6 cropped (0). n = 7: only entry 0 is self-conjugate."""
    np.testing.assert_array_equal(hermitian_weight(5, 8, 7, float), [1, 2, 2, 2, 1, 0, 0])
    np.testing.assert_array_equal(hermitian_weight(4, 7, 4, float), [1, 2, 2, 2])
    np.testing.assert_array_equal(hermitian_weight(3, 4, 2, float), [1, 2])


def test_a_wrong_rule_is_caught_by_these_checks():
    """The checks can fail: a VJP that forgets the Hermitian weight (Aᵀ taken as a plain
    inverse transform) disagrees with central differences."""
    rng = np.random.default_rng(6)
    z = _draw(rng, (5,), True)
    static = ((0,), (8,), "backward")
    ans = fft_c2r(z, *static)
    u = rng.standard_normal(ans.shape)
    wrong = fft_c2c(u, (0,), (8,), (5,), "backward", True)
    want = _gradient_fd(lambda w: float(np.sum(u * fft_c2r(w, *static))), z, True)
    assert not np.allclose(wrong, want, rtol=1e-6, atol=1e-8)
