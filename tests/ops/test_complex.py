"""Complex numbers: the convention (against HIPS autograd and hand-derived values), the
complex parts, holomorphic=True, and the decompositions whose complex vectors have a free
phase (checked through phase-invariant functions, which the registry sweep cannot do on
the packed primitives themselves)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
import chainrule.scipy.special as csp
from _harness.complexcheck import check_complex_first_order, check_complex_second_order
from _harness.rulecheck import Case

Z = 3.0 + 4.0j


# ---- the convention, by hand ------------------------------------------------------------------

def test_grad_of_a_real_function_is_df_dx_minus_i_df_dy():
    """f = |z|² = x² + y²: ∂f/∂x - i ∂f/∂y = 2x - 2iy = 2 z̄ (JAX's 6-8j at 3+4i)."""
    assert cr.grad(lambda z: cnp.abs(z) ** 2)(Z) == pytest.approx(6 - 8j)


@pytest.mark.parametrize("f, want", [
    (lambda z: cnp.real(z), 1.0),              # ∂x/∂x - i ∂x/∂y = 1
    (lambda z: cnp.imag(z), -1j),              # -i ∂y/∂y
    (lambda z: cnp.abs(z), np.conj(Z) / 5),    # (x - iy)/|z|
    (lambda z: cnp.angle(z), -1j / Z),         # ∂θ/∂x = -y/r², ∂θ/∂y = x/r²
    (lambda z: cnp.real(cnp.conj(z) * z), 2 * np.conj(Z)),
    (lambda z: cnp.real(cnp.exp(z)), np.exp(Z)),   # Re f of a holomorphic f: f'(z)
], ids=["real", "imag", "abs", "angle", "z-conj-z", "re-exp"])
def test_the_gradients_of_the_complex_parts(f, want):
    assert cr.grad(f)(Z) == pytest.approx(want, rel=1e-14)


def test_a_real_input_through_complex_intermediates_gets_a_real_gradient():
    """L(x) = Re((1+2i) x)² + Im((1+2i) x)² = 5x², so dL/dx = 10x, and the gradient is
    real (the real part of the complex cotangent), as the input."""
    def f(x):
        w = x * (1 + 2j)
        return cnp.sum(cnp.real(w) ** 2 + cnp.imag(w) ** 2)
    x = np.array([0.5, -2.0])
    g = cr.grad(f)(x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, 10 * x)


def test_holomorphic_grad_is_the_complex_derivative():
    """grad(sin, holomorphic=True)(z) = cos z; jacfwd and jacrev give diag(cos z)."""
    z = np.array([0.3 + 0.4j, -1.0 + 0.2j])
    assert cr.grad(cnp.sin, holomorphic=True)(z[0]) == pytest.approx(np.cos(z[0]))
    for jac in (cr.jacfwd, cr.jacrev):
        np.testing.assert_allclose(jac(cnp.sin, holomorphic=True)(z), np.diag(np.cos(z)))


@pytest.mark.parametrize("call, match", [
    (lambda: cr.grad(cnp.sin)(Z), "holomorphic=True"),
    (lambda: cr.grad(cnp.abs, holomorphic=True)(Z), "complex output"),
    (lambda: cr.grad(cnp.sin, holomorphic=True)(1.0), "complex inputs"),
    (lambda: cr.jacfwd(cnp.sin)(np.array([Z])), "holomorphic=True"),
    (lambda: cr.jacrev(cnp.sin)(np.array([Z])), "holomorphic=True"),
], ids=["complex-output", "holomorphic-real-output", "holomorphic-real-input", "jacfwd",
        "jacrev"])
def test_the_holomorphic_rules_are_jaxs(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def test_abs_and_angle_at_zero_have_derivative_zero():
    """|z| and arg z are not differentiable at 0: the subgradient 0 (no NaN), both modes."""
    for f in (cnp.abs, cnp.angle):
        assert cr.grad(f)(0j) == 0
        assert cr.jvp(f, (0j,), (1 + 1j,))[1] == 0


def test_the_special_functions_refuse_complex_arguments():
    """erf, gamma ... are computed for real arguments: a complex one is a TypeError, never
    a silently dropped imaginary part."""
    with pytest.raises(TypeError, match="real arguments"):
        csp.erf(np.array([0.3 + 0.2j]))
    with pytest.raises(TypeError, match="real arguments"):
        cr.grad(lambda z: cnp.real(csp.gammaln(z)))(1.5 + 0.5j)


# ---- against HIPS autograd ---------------------------------------------------------------------

def _pair(name):
    """The same function written against chainrule.numpy and autograd.numpy."""
    anp = pytest.importorskip("autograd.numpy")
    out = []
    for np_ in (cnp, anp):
        out.append({
            "abs2-sum": lambda z, np_=np_: np_.sum(np_.abs(z) ** 2),
            "angle": lambda z, np_=np_: np_.sum(np_.angle(z) * np_.arange(3.0)),
            "exp-log": lambda z, np_=np_: np_.real(np_.sum(np_.exp(z) * np_.log(z))),
            "sqrt-sin": lambda z, np_=np_: np_.imag(np_.sum(np_.sqrt(z) * np_.sin(z))),
            "conj-prod": lambda z, np_=np_: np_.real(np_.prod(np_.conj(z) + z ** 2)),
            "norm": lambda z, np_=np_: np_.linalg.norm(z),
            "var": lambda z, np_=np_: np_.var(z),
            "inv": lambda z, np_=np_: np_.abs(np_.sum(np_.linalg.inv(np_.outer(z, z)
                                                                    + np_.eye(3)))),
            "det": lambda z, np_=np_: np_.real(np_.linalg.det(np_.outer(z, np_.conj(z))
                                                              + 2 * np_.eye(3))),
            "solve": lambda z, np_=np_: np_.sum(np_.abs(np_.linalg.solve(
                np_.outer(z, z) + 3 * np_.eye(3), z)) ** 2),
            "matmul-real": lambda z, np_=np_: np_.real(np_.dot(z, np_.dot(
                np_.reshape(np_.arange(9.0), (3, 3)), z))),
        }[name])
    return out


@pytest.mark.parametrize("name", ["abs2-sum", "angle", "exp-log", "sqrt-sin", "conj-prod",
                                  "norm", "var", "inv", "det", "solve", "matmul-real"])
def test_gradients_of_complex_inputs_agree_with_autograd(name):
    """The convention is autograd's: the gradients agree to 1e-12 relative."""
    autograd = pytest.importorskip("autograd")
    ours, theirs = _pair(name)
    z = np.array([0.7 + 0.2j, -0.4 + 1.1j, 1.3 - 0.6j])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = autograd.grad(theirs)(z)
    np.testing.assert_allclose(cr.grad(ours)(z), want, rtol=1e-12)


def test_astype_agrees_with_autograd():
    """x.astype(complex) and z.astype(float) (Re, with ComplexWarning) as autograd."""
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    x = np.array([0.5, -1.5])
    f = lambda np_, v: np_.sum(np_.abs(v.astype(complex) * (1 + 2j)) ** 2)
    np.testing.assert_allclose(cr.grad(lambda v: f(cnp, v))(x),
                               autograd.grad(lambda v: f(anp, v))(x), rtol=1e-12)
    z = np.array([1.0 + 2.0j, -0.5 + 3.0j])
    h = lambda np_, v: np_.sum(v.astype(float) ** 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_allclose(cr.grad(lambda v: h(cnp, v))(z),
                                   autograd.grad(lambda v: h(anp, v))(z), rtol=1e-12)


# ---- decompositions with a free phase: phase-invariant functions -----------------------------

def _hermitian(rng, n, batch=()):
    a = rng.standard_normal(batch + (n, n)) + 1j * rng.standard_normal(batch + (n, n))
    return (a + np.swapaxes(a.conj(), -1, -2)) / 2 + np.diag(np.arange(n) * 2.0)


def _general(rng, shape):
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape) + \
        np.eye(*shape[-2:]) * 2


def _eigh_function(a):
    """V diag(sin w) Vᴴ: phase-invariant (the matrix function sin of the Hermitian A)."""
    w, v = cnp.linalg.eigh(a)
    return cnp.matmul(v * cnp.sin(w)[..., None, :], cnp.conj(cnp.swapaxes(v, -1, -2)))


def _svd_function(a):
    """U diag(s + s²) Vᴴ and |U|²: invariant under u_i, v_i -> e^{iθ} u_i, e^{iθ} v_i."""
    u, s, vh = cnp.linalg.svd(a, full_matrices=False)
    return cnp.concatenate([cnp.ravel(cnp.matmul(u * (s + s * s)[..., None, :], vh)),
                            cnp.ravel(cnp.abs(u) ** 2), cnp.ravel(s)])


def _eig_function(a):
    """V diag(w²) V⁻¹ (= A², phase-invariant), Σ_j |V_ij|⁴ and the eigenvalues."""
    w, v = cnp.linalg.eig(a)
    return cnp.concatenate([cnp.ravel(cnp.matmul(v * (w * w)[..., None, :], cnp.linalg.inv(v))),
                            cnp.ravel(cnp.sum(cnp.abs(v) ** 4, axis=-2)), cnp.ravel(w)])


def _cases():
    rng = np.random.default_rng(2026)
    out = []
    for n, batch in ((1, ()), (3, ()), (3, (2,))):
        a = _hermitian(rng, n, batch)
        out.append(Case("eigh", f"V sin(w) Vᴴ,{n}x{n},batch{batch}", _eigh_function, [a], (0,)))
        out.append(Case("eigvalsh", f"{n}x{n},batch{batch}", cnp.linalg.eigvalsh, [a], (0,)))
        out.append(Case("eigh", f"UPLO=U,{n}x{n}", lambda x: _eigh_function(
            cnp.conj(cnp.swapaxes(x, -1, -2))), [a], (0,)))
    for shape in ((3, 3), (4, 2), (2, 4), (2, 3, 2)):
        a = _general(rng, shape)
        out.append(Case("svd", f"phase-invariant,{shape}", _svd_function, [a], (0,)))
        out.append(Case("svdvals", f"{shape}", cnp.linalg.svd, [a], (0,),
                        {"compute_uv": False}))
    out.append(Case("svd", "real-input", _svd_function, [rng.standard_normal((3, 2))], (0,)))
    for shape in ((3, 3), (2, 2, 2)):
        a = _general(rng, shape)
        out.append(Case("eig", f"phase-invariant,{shape}", _eig_function, [a], (0,)))
    out.append(Case("eig", "real-matrix,complex-eigenvalues", _eig_function,
                    [np.array([[0.5, -2.0, 0.1], [1.5, 0.3, 0.2], [0.1, 0.4, 2.0]])], (0,)))
    out.append(Case("eigvals", "real-eigenvalues", cnp.linalg.eigvals,
                    [np.array([[2.0, 0.3], [0.1, -1.0]])], (0,)))
    for ord_ in (None, "fro", "nuc", 2, 1, -np.inf):
        out.append(Case("norm", f"matrix,ord={ord_}", lambda x, o=ord_: cnp.linalg.norm(x, o),
                        [_general(rng, (3, 3))], (0,)))
    for ord_ in (None, 1, 3, np.inf):
        out.append(Case("norm", f"vector,ord={ord_}", lambda x, o=ord_: cnp.linalg.norm(x, o),
                        [_general(rng, (3, 3))[0]], (0,)))
    return out


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_decompositions_of_complex_matrices_first_order(case):
    check_complex_first_order(case)


@pytest.mark.parametrize("case", [c for c in CASES if "batch(2,)" not in c.label],
                         ids=[c.id for c in CASES if "batch(2,)" not in c.label])
def test_decompositions_of_complex_matrices_second_order(case):
    check_complex_second_order(case)


def test_eigvals_of_a_real_matrix_match_the_trace_identity():
    """Σ w_i² = tr(A²), so ∇_A Re Σ w² = 2 Aᵀ, through complex eigenvalues too."""
    a = np.array([[0.5, -2.0, 0.1], [1.5, 0.3, 0.2], [0.1, 0.4, 2.0]])
    assert np.iscomplexobj(np.linalg.eigvals(a))
    g = cr.grad(lambda x: cnp.real(cnp.sum(cnp.linalg.eigvals(x) ** 2)))(a)
    np.testing.assert_allclose(g, 2 * a.T, rtol=1e-12)
