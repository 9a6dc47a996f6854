"""The transforms (chainrule.transforms) against closed forms and finite differences."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import Tracer

RNG = np.random.default_rng(1234)


def fd_jacobian(f, x, h=1e-6):
    """Central differences, independent of chainrule: shape f(x).shape + x.shape."""
    x = np.asarray(x, dtype=np.float64)
    cols = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        e = e.reshape(x.shape)
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    out_shape = np.shape(f(x))
    return np.stack(cols, axis=-1).reshape(out_shape + x.shape)


def rel_err(got, want):
    return np.linalg.norm(np.asarray(got) - want) / np.linalg.norm(want)


# ---- a test function with a closed-form gradient and Hessian ------------------------------

A = RNG.standard_normal((4, 4))
a = RNG.standard_normal(4)


def quartic(x):
    """Σ exp(x) + (a·x)³ + xᵀ A x."""
    return np.sum(np.exp(x)) + np.dot(a, x) ** 3 + x @ A @ x


def quartic_grad(x):
    return np.exp(x) + 3 * np.dot(a, x) ** 2 * a + (A + A.T) @ x


def quartic_hessian(x):
    return np.diag(np.exp(x)) + 6 * np.dot(a, x) * np.outer(a, a) + A + A.T


X4 = RNG.standard_normal(4) * 0.5


# ---- higher order --------------------------------------------------------------------------

@pytest.mark.parametrize("x", [-1.3, 0.0, 0.4, 2.0])
def test_third_derivative_of_tanh(x):
    t = np.tanh(x)
    d1 = cr.grad(np.tanh)
    d2 = cr.grad(d1)
    d3 = cr.grad(d2)
    np.testing.assert_allclose(d1(x), 1 - t ** 2, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(d2(x), -2 * t * (1 - t ** 2), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(d3(x), -2 * (1 - t ** 2) * (1 - 3 * t ** 2), rtol=1e-12,
                               atol=1e-15)


def test_fourth_derivative_mixing_modes():
    # d⁴/dx⁴ sin = sin, by rev∘rev∘rev∘rev, and by fwd∘rev∘fwd∘rev
    x = 0.7
    g = cr.grad(cr.grad(cr.grad(cr.grad(np.sin))))
    np.testing.assert_allclose(g(x), np.sin(x), rtol=1e-13)

    def fwd(f):
        return lambda x: cr.jvp(f, (x,), (1.0,))[1]

    np.testing.assert_allclose(fwd(cr.grad(fwd(cr.grad(np.sin))))(x), np.sin(x), rtol=1e-13)


def test_gradient_and_hessian_against_closed_forms():
    np.testing.assert_allclose(cr.grad(quartic)(X4), quartic_grad(X4), rtol=1e-12)
    H = cr.hessian(quartic)(X4)
    assert H.shape == (4, 4)
    np.testing.assert_allclose(H, quartic_hessian(X4), rtol=1e-12, atol=1e-12)


def test_forward_over_reverse_equals_reverse_over_reverse_and_fd():
    want = quartic_hessian(X4)
    for H in (cr.hessian(quartic)(X4), cr.jacrev(cr.jacrev(quartic))(X4),
              cr.jacfwd(cr.jacfwd(quartic))(X4), cr.jacrev(cr.jacfwd(quartic))(X4)):
        np.testing.assert_allclose(H, want, rtol=1e-12, atol=1e-12)
    # and against finite differences of the hand-written gradient
    np.testing.assert_allclose(fd_jacobian(quartic_grad, X4), want, rtol=1e-6, atol=1e-6)


def test_hessian_of_a_matrix_argument_has_shape_x_shape_twice():
    # f(M) = Σ_ij M_ij² M_ji :  H is out of reach by hand in one line, so check it by FD of
    # the closed-form gradient ∂f/∂M_kl = 2 M_kl M_lk + M_lk²
    M = RNG.standard_normal((2, 3))

    def f(M):
        return np.sum(M[:, :2] ** 2 * M[:, :2].T)

    def g(M):
        S = M[:, :2]
        out = np.zeros_like(M)
        out[:, :2] = 2 * S * S.T + (S.T) ** 2
        return out

    np.testing.assert_allclose(cr.grad(f)(M), g(M), rtol=1e-12)
    H = cr.hessian(f)(M)
    assert H.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(H, fd_jacobian(g, M), rtol=1e-6, atol=1e-7)


def _confusion_grad(x):
    # x · d/dy (x + y) at y = 1 ... and at y = x
    inner1 = cr.grad(lambda y: x + y)(1.0)
    inner2 = cr.grad(lambda y: x + y)(x)
    return x * inner1 + x * inner2


def _confusion_jvp(x):
    inner1 = cr.jvp(lambda y: x + y, (1.0,), (1.0,))[1]
    inner2 = cr.jvp(lambda y: x + y, (x,), (1.0,))[1]
    return x * inner1 + x * inner2


@pytest.mark.parametrize("x", [1.0, -2.5])
def test_no_perturbation_confusion(x):
    # d/dx [x · d/dy (x + y)] = d/dx [x · 1] = 1 for each of the two terms (y = 1, y = x):
    # 2 in total, in every combination of modes. The inner derivative must not pick up the
    # outer perturbation of x, even where y is x itself.
    assert cr.grad(_confusion_grad)(x) == 2.0
    assert cr.jvp(_confusion_jvp, (x,), (1.0,))[1] == 2.0
    assert cr.grad(_confusion_jvp)(x) == 2.0
    assert cr.jvp(_confusion_grad, (x,), (1.0,))[1] == 2.0


def test_classic_perturbation_confusion_example():
    # Siskind & Pearlmutter: d/dx (x · (d/dy (x + y))|_{y=1})|_{x=1} = 1
    f = lambda x: x * cr.grad(lambda y: x + y)(1.0)
    assert cr.grad(f)(1.0) == 1.0
    f = lambda x: x * cr.jvp(lambda y: x + y, (1.0,), (1.0,))[1]
    assert cr.jvp(f, (1.0,), (1.0,))[1] == 1.0


def test_derivative_of_an_inner_derivative_closing_over_the_outer_variable():
    # d/dx [ d/dy (x y²) at y=2 ] = d/dx [4x] = 4, in all four mode pairs
    inner_rev = lambda x: cr.grad(lambda y: x * y ** 2)(2.0)
    inner_fwd = lambda x: cr.jvp(lambda y: x * y ** 2, (2.0,), (1.0,))[1]
    for inner in (inner_rev, inner_fwd):
        assert cr.grad(inner)(3.0) == 4.0
        assert cr.jvp(inner, (3.0,), (1.0,))[1] == 4.0
    # an inner output that does not depend on the inner variable, only on the outer one
    assert cr.grad(lambda x: x * cr.grad(lambda y: x ** 2)(1.0))(3.0) == 0.0


def test_hvp_equals_hessian_times_v():
    v = RNG.standard_normal(4)
    (hv,) = cr.hvp(quartic, (X4,), (v,))
    np.testing.assert_allclose(hv, quartic_hessian(X4) @ v, rtol=1e-12)


def test_hvp_with_several_primals():
    # f(x, y) = Σ x² y + sin(x)·y  (x, y of equal shape): blockwise closed form
    x, y = np.array([0.3, -1.2]), np.array([2.0, 0.5])
    u, w = np.array([1.0, -2.0]), np.array([0.5, 3.0])

    def f(x, y):
        return np.sum(x ** 2 * y + np.sin(x) * y)

    hxx = np.diag(2 * y - np.sin(x) * y)
    hxy = np.diag(2 * x + np.cos(x))
    hx, hy = cr.hvp(f, (x, y), (u, w))
    np.testing.assert_allclose(hx, hxx @ u + hxy @ w, rtol=1e-12)
    np.testing.assert_allclose(hy, hxy.T @ u, rtol=1e-12)


def test_hvp_does_not_form_the_hessian():
    # hvp runs f once, whatever the size; so does the Hessian (vmap over the basis).
    calls = []

    @cr.primitive
    def cube(x):
        calls.append(1)
        return x ** 3

    cube.defvjp(lambda g, ans, x: g * 3 * x ** 2)
    cube.defjvp(lambda t, ans, x: t * 3 * x ** 2)
    n = 40
    x = np.linspace(-1, 1, n)
    v = np.cos(np.arange(n))
    (hv,) = cr.hvp(lambda x: np.sum(cube(x)), (x,), (v,))
    np.testing.assert_allclose(hv, 6 * x * v, rtol=1e-12)
    assert len(calls) == 1
    for m in (5, 20):  # the Hessian is one batched pass over the basis, whatever the size
        calls.clear()
        H = cr.hessian(lambda x: np.sum(cube(x)))(x[:m])
        np.testing.assert_allclose(H, np.diag(6 * x[:m]), atol=1e-15)
        assert len(calls) == 1


def test_hessian_with_tuple_argnums_is_nested_tuples():
    # f(a, B) = Σ_k (aᵀB)_k²,  u = aᵀB
    a_, B = np.array([0.5, -1.5]), RNG.standard_normal((2, 3))
    u = a_ @ B
    H = cr.hessian(lambda a, B: np.sum((a @ B) ** 2), argnums=(0, 1))(a_, B)
    assert isinstance(H, tuple) and len(H) == 2
    assert all(isinstance(row, tuple) and len(row) == 2 for row in H)
    haa = 2 * B @ B.T
    # ∂²f/∂a_i∂B_jk = 2(δ_ij u_k + B_ik a_j)
    haB = 2 * (np.einsum("ij,k->ijk", np.eye(2), u) + np.einsum("ik,j->ijk", B, a_))
    # ∂²f/∂B_jk∂B_lm = 2 a_j a_l δ_km
    hBB = 2 * np.einsum("j,l,km->jklm", a_, a_, np.eye(3))
    assert H[0][0].shape == (2, 2) and H[0][1].shape == (2, 2, 3)
    assert H[1][0].shape == (2, 3, 2) and H[1][1].shape == (2, 3, 2, 3)
    np.testing.assert_allclose(H[0][0], haa, rtol=1e-12)
    np.testing.assert_allclose(H[0][1], haB, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(H[1][0], np.moveaxis(haB, 0, -1), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(H[1][1], hBB, rtol=1e-12, atol=1e-14)


# ---- Jacobians -----------------------------------------------------------------------------

def test_jacobian_layout_is_out_shape_plus_in_shape():
    M = RNG.standard_normal((2, 2))
    # d(M M)_ij / dM_kl = δ_ik M_lj + M_ik δ_jl
    want = np.einsum("ik,lj->ijkl", np.eye(2), M) + np.einsum("ik,jl->ijkl", M, np.eye(2))
    for jac in (cr.jacfwd, cr.jacrev, cr.jacobian):
        J = jac(lambda M: M @ M)(M)
        assert J.shape == (2, 2, 2, 2)
        np.testing.assert_allclose(J, want, rtol=1e-12, atol=1e-14)


def test_jacobian_with_tuple_argnums_and_scalar_arguments():
    f = lambda x, y: cnp.array([x * y, x + 2 * y, np.sin(x)])
    for jac in (cr.jacfwd, cr.jacrev):
        jx, jy = jac(f, argnums=(0, 1))(0.5, 2.0)
        np.testing.assert_allclose(jx, [2.0, 1.0, np.cos(0.5)], rtol=1e-14)
        np.testing.assert_allclose(jy, [0.5, 2.0, 0.0], rtol=1e-14)


def test_elementwise_grad():
    x = np.linspace(-2, 2, 7)
    np.testing.assert_allclose(cr.elementwise_grad(np.tanh)(x), 1 - np.tanh(x) ** 2,
                               rtol=1e-14)
    gx, gy = cr.elementwise_grad(lambda x, y: x * y + y, argnums=(0, 1))(x, 2 * x)
    np.testing.assert_allclose(gx, 2 * x)
    np.testing.assert_allclose(gy, x + 1)


# ---- contract details ----------------------------------------------------------------------

def test_argnums_int_tuple_and_negative():
    f = lambda x, y, z: x * y ** 2 * z ** 3
    x, y, z = 2.0, 3.0, 0.5
    gy = cr.grad(f, argnums=1)(x, y, z)
    assert not isinstance(gy, tuple)
    np.testing.assert_allclose(gy, 2 * x * y * z ** 3)
    (gy1,) = cr.grad(f, argnums=(1,))(x, y, z)
    np.testing.assert_allclose(gy1, 2 * x * y * z ** 3)
    gx, gz = cr.grad(f, argnums=(0, 2))(x, y, z)
    np.testing.assert_allclose(gx, y ** 2 * z ** 3)
    np.testing.assert_allclose(gz, 3 * x * y ** 2 * z ** 2)
    np.testing.assert_allclose(cr.grad(f, argnums=-1)(x, y, z), 3 * x * y ** 2 * z ** 2)
    v, (gx, gy) = cr.value_and_grad(f, argnums=(0, 1))(x, y, z)
    np.testing.assert_allclose(v, x * y ** 2 * z ** 3)
    np.testing.assert_allclose(gy, 2 * x * y * z ** 3)


def test_argnums_out_of_range_is_a_type_error():
    with pytest.raises(TypeError, match="argnums"):
        cr.grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)


def test_keyword_arguments_pass_through_undifferentiated():
    f = lambda x, scale=1.0: scale * x ** 2
    np.testing.assert_allclose(cr.grad(f)(3.0, scale=0.5), 3.0)


def test_has_aux_layouts():
    x = np.array([1.0, -2.0])

    def f(x):
        return np.sum(x ** 2), {"double": 2 * x, "norm": np.sqrt(np.sum(x ** 2))}

    g, aux = cr.grad(f, has_aux=True)(x)
    np.testing.assert_allclose(g, 2 * x)
    np.testing.assert_allclose(aux["double"], 2 * x)
    np.testing.assert_allclose(aux["norm"], np.sqrt(5.0))

    (value, aux), g = cr.value_and_grad(f, has_aux=True)(x)
    np.testing.assert_allclose(value, 5.0)
    np.testing.assert_allclose(g, 2 * x)
    np.testing.assert_allclose(aux["double"], 2 * x)

    out, vjp_fn, aux = cr.vjp(lambda x: (x ** 3, x + 1), x, has_aux=True)
    np.testing.assert_allclose(out, x ** 3)
    np.testing.assert_allclose(aux, x + 1)
    (gx,) = vjp_fn(np.array([1.0, 2.0]))
    np.testing.assert_allclose(gx, 3 * x ** 2 * np.array([1.0, 2.0]))

    # aux (and the value) come back as plain values, never tracers
    for leaf in (value, aux, *cr.tree.leaves(cr.grad(f, has_aux=True)(x)[1])):
        assert not isinstance(leaf, Tracer)
        assert isinstance(leaf, (np.ndarray, np.generic))


def test_has_aux_requires_a_pair():
    with pytest.raises(TypeError, match="pair"):
        cr.grad(lambda x: x ** 2, has_aux=True)(1.0)


@pytest.mark.parametrize("shape", [(), (1,), (1, 1), (1, 1, 1)])
def test_scalar_output_of_any_size_one_shape(shape):
    x = np.array([1.0, 2.0, -0.5])
    g = cr.grad(lambda x: np.reshape(np.sum(x ** 3), shape))(x)
    np.testing.assert_allclose(g, 3 * x ** 2)
    v, g = cr.value_and_grad(lambda x: np.reshape(np.sum(x ** 3), shape))(x)
    np.testing.assert_allclose(np.reshape(v, ()), 8.875)  # 1 + 8 - 0.125
    np.testing.assert_allclose(g, 3 * x ** 2)


@pytest.mark.parametrize("const", [3.0, np.float64(3.0), np.array(3.0), np.ones((1, 1))],
                         ids=["float", "np-float64", "0-d", "1x1"])
def test_output_not_depending_on_the_argument_gives_zeros(const):
    x = np.array([[1.0, 2.0]], dtype=np.float32)
    g = cr.grad(lambda x: const)(x)
    assert g.shape == x.shape and g.dtype == np.float32
    assert not g.any()
    _, g = cr.value_and_grad(lambda x: const)(x)
    assert g.shape == x.shape and not g.any()


def test_unused_inputs_get_zeros_of_their_shape_and_dtype():
    x = np.array([1.0, 2.0])
    unused32 = np.ones((2, 3), dtype=np.float32)
    gx, gu = cr.grad(lambda x, u: np.sum(x ** 2), argnums=(0, 1))(x, unused32)
    np.testing.assert_allclose(gx, 2 * x)
    assert isinstance(gu, np.ndarray)
    assert gu.shape == (2, 3) and gu.dtype == np.float32 and not gu.any()
    (gx, gu) = cr.vjp(lambda x, u: x * 2, x, unused32)[1](np.ones(2))
    assert gu.shape == (2, 3) and gu.dtype == np.float32 and not gu.any()
    _, t = cr.jvp(lambda x, u: x * 2, (x, unused32), (np.ones(2), np.ones((2, 3), np.float32)))
    np.testing.assert_allclose(t, [2.0, 2.0])
    J = cr.jacrev(lambda x, u: x * 2, argnums=1)(x, unused32)
    assert J.shape == (2, 2, 3) and not J.any()
    J = cr.jacfwd(lambda x, u: x * 2, argnums=1)(x, unused32)
    assert J.shape == (2, 2, 3) and not J.any()


def test_none_leaf_stays_none():
    p = {"w": np.array([1.0, 2.0]), "b": None, "layers": [None, np.array(3.0)]}
    f = lambda p: np.sum(p["w"] * p["layers"][1])
    g = cr.grad(f)(p)
    assert g["b"] is None and g["layers"][0] is None
    np.testing.assert_allclose(g["w"], [3.0, 3.0])
    np.testing.assert_allclose(g["layers"][1], 3.0)
    H = cr.hessian(f)(p)
    assert H["b"] is None


def test_vjp_fn_may_be_called_many_times():
    x = np.array([0.3, 0.6])
    f = lambda x: cnp.array([x[0] * x[1], np.exp(x[0]), np.sin(x[1])])
    J = np.array([[x[1], x[0]], [np.exp(x[0]), 0.0], [0.0, np.cos(x[1])]])
    out, vjp_fn = cr.vjp(f, x)
    np.testing.assert_allclose(out, [x[0] * x[1], np.exp(x[0]), np.sin(x[1])])
    ct = np.zeros(3)
    rows = []
    for i in range(3):  # reusing one buffer, as a user building a Jacobian by rows would
        ct[:] = 0.0
        ct[i] = 1.0
        rows.append(vjp_fn(ct)[0])
    np.testing.assert_allclose(np.array(rows), J, rtol=1e-14)
    (g,) = vjp_fn(np.array([1.0, -2.0, 0.5]))
    np.testing.assert_allclose(g, np.array([1.0, -2.0, 0.5]) @ J, rtol=1e-14)


def test_vjp_results_do_not_alias_the_cotangent():
    # The VJP of x + b is the cotangent itself: the result must still be the caller's own.
    x = np.array([1.0, 2.0])
    _, vjp_fn = cr.vjp(lambda x: x + 1.0, x)
    ct = np.array([5.0, 7.0])
    (g,) = vjp_fn(ct)
    g *= 10
    np.testing.assert_array_equal(ct, [5.0, 7.0])
    _, vjp_fn = cr.vjp(lambda x: np.reshape(x, (2, 1)), x)
    ct = np.array([[1.0], [2.0]])
    (g,) = vjp_fn(ct)
    ct[:] = 0.0
    np.testing.assert_array_equal(g, [1.0, 2.0])


def test_cotangent_and_tangent_shape_and_dtype_are_checked():
    x = np.array([1.0, 2.0])
    _, vjp_fn = cr.vjp(lambda x: x * 2, x)
    with pytest.raises(ValueError) as e:
        vjp_fn(np.ones(3))
    assert "(3,)" in str(e.value) and "(2,)" in str(e.value)
    with pytest.raises(TypeError) as e:
        vjp_fn(np.ones(2, dtype=np.int64))
    assert "int64" in str(e.value) and "float64" in str(e.value)
    with pytest.raises((TypeError, ValueError)) as e:
        cr.jvp(lambda x: x * 2, (x,), (np.ones((2, 1)),))
    assert "(2, 1)" in str(e.value) and "(2,)" in str(e.value)
    with pytest.raises(TypeError) as e:
        cr.jvp(lambda x: x * 2, (x,), (np.array([True, False]),))
    assert "bool" in str(e.value) and "float64" in str(e.value)
    x32 = x.astype(np.float32)
    with pytest.raises(TypeError) as e:
        cr.jvp(lambda x: x * 2, (x32,), (np.ones(2),))
    assert "float64" in str(e.value) and "float32" in str(e.value)
    _, vjp_fn = cr.vjp(lambda x: x * 2, x32)
    with pytest.raises(TypeError) as e:
        vjp_fn(np.ones(2))
    assert "float64" in str(e.value) and "float32" in str(e.value)
    with pytest.raises(TypeError, match="structure"):
        cr.vjp(lambda x: (x, 2 * x), x)[1](np.ones(2))


def test_float32_stays_float32_in_every_transform():
    x = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    v = np.array([1.0, 0.0, -1.0], dtype=np.float32)
    f = lambda x: np.sum(np.tanh(x) * x * 2.0)  # a Python float constant, as people write
    d = lambda x: (1 - np.tanh(x) ** 2) * x * 2 + np.tanh(x) * 2
    x64 = x.astype(np.float64)
    g = cr.grad(f)(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, d(x64), rtol=1e-5)
    assert cr.value_and_grad(f)(x)[1].dtype == np.float32
    assert cr.elementwise_grad(lambda x: np.tanh(x) * 2.0)(x).dtype == np.float32
    assert cr.vjp(lambda x: x * 3.0, x)[1](v)[0].dtype == np.float32
    _, t = cr.jvp(lambda x: np.tanh(x) * 2.0, (x,), (v,))
    assert t.dtype == np.float32
    assert cr.jacrev(lambda x: x * 2.0)(x).dtype == np.float32
    assert cr.jacfwd(lambda x: x * 2.0)(x).dtype == np.float32
    H = cr.hessian(f)(x)
    assert H.dtype == np.float32
    assert cr.hvp(f, (x,), (v,))[0].dtype == np.float32
    # a float64 constant mixed in (NumPy promotes the value) still gives a float32 gradient
    g = cr.grad(lambda x: np.sum(x * np.ones(3)))(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, np.ones(3))


TRANSFORMS = {
    "grad": lambda f, x: cr.grad(f)(x),
    "value_and_grad": lambda f, x: cr.value_and_grad(f)(x),
    "vjp": lambda f, x: cr.vjp(f, x),
    "jvp": lambda f, x: cr.jvp(f, (x,), (x,)),
    "jacfwd": lambda f, x: cr.jacfwd(f)(x),
    "jacrev": lambda f, x: cr.jacrev(f)(x),
    "hessian": lambda f, x: cr.hessian(f)(x),
    "hvp": lambda f, x: cr.hvp(f, (x,), (x,)),
    "elementwise_grad": lambda f, x: cr.elementwise_grad(f)(x),
}


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
@pytest.mark.parametrize("bad", [3, True, np.int32(2), np.arange(3), np.array([True, False]),
                                 {"w": np.ones(2), "n": 4}],
                         ids=["py-int", "py-bool", "np-int", "int-array", "bool-array",
                              "int-in-pytree"])
def test_integer_and_boolean_arguments_are_a_type_error(name, bad):
    def my_model(x):
        return np.sum(cr.tree.leaves(x)[0] * 1.0)

    with pytest.raises(TypeError) as e:
        TRANSFORMS[name](my_model, bad)
    msg = str(e.value)
    assert f"{name}(my_model)" in msg  # the transform that was called, and the function
    assert "int" in msg or "bool" in msg
    assert "float" in msg  # the fix: pass a floating value


@pytest.mark.parametrize("name", ["grad", "value_and_grad", "jacfwd", "jacrev", "hessian",
                                  "elementwise_grad"])
def test_arguments_not_differentiated_may_be_anything(name):
    transform = getattr(cr, name)

    def f(x, n, flag, label, table, nothing):
        assert n == 3 and flag is True and label == "w" and nothing is None
        return np.sum(x ** n) * table["k"][1]

    x = np.array([1.0, 2.0])
    out = transform(f, argnums=0)(x, 3, True, "w", {"k": [0, 2]}, None)
    g = out[1] if name == "value_and_grad" else out
    want = 6 * x ** 2
    if name in ("jacfwd", "jacrev", "elementwise_grad", "value_and_grad", "grad"):
        np.testing.assert_allclose(g, want)
    else:
        np.testing.assert_allclose(g, np.diag(12 * x))


def test_stop_gradient():
    x = np.array([1.5, -0.5])
    # f = Σ x · sg(x):  df/dx = sg(x) = x
    f = lambda x: np.sum(x * cr.stop_gradient(x))
    np.testing.assert_allclose(cr.grad(f)(x), x)
    np.testing.assert_allclose(cr.jvp(f, (x,), (np.ones(2),))[1], np.sum(x))
    # at every level: d²/dx² [x² sg(x)] = 2 sg(x)
    np.testing.assert_allclose(cr.grad(cr.grad(lambda x: x ** 2 * cr.stop_gradient(x)))(1.5),
                               3.0)
    # pytrees, and plain values pass through
    t = cr.stop_gradient({"a": 1.0, "b": [np.ones(2), None]})
    assert t["b"][1] is None and t["a"] == 1.0
    g = cr.grad(lambda p: np.sum(p["a"] * cr.stop_gradient(p)["a"]))({"a": x})
    np.testing.assert_allclose(g["a"], x)
    # the stopped value converts to a float
    assert cr.grad(lambda x: float(cr.stop_gradient(x)) * x)(2.5) == 2.5


def _mlp_block(w, h):
    return np.tanh(h @ w)


def _mlp_loss(w, x, use_checkpoint):
    block = cr.checkpoint(_mlp_block) if use_checkpoint else _mlp_block
    h = block(w, x)
    h = block(w, h)
    return np.sum(h ** 2)


def _mlp_loss_grad(w, x):
    # by hand: h1 = tanh(x w), h2 = tanh(h1 w), L = Σ h2²
    h1 = np.tanh(x @ w)
    h2 = np.tanh(h1 @ w)
    d2 = 2 * h2 * (1 - h2 ** 2)
    gw = h1.T @ d2
    d1 = (d2 @ w.T) * (1 - h1 ** 2)
    return gw + x.T @ d1


def test_checkpoint_gives_the_same_gradient():
    w = RNG.standard_normal((3, 3)) * 0.7
    x = RNG.standard_normal((4, 3))
    want = _mlp_loss_grad(w, x)
    np.testing.assert_allclose(cr.grad(_mlp_loss)(w, x, False), want, rtol=1e-12)
    np.testing.assert_allclose(cr.grad(_mlp_loss)(w, x, True), want, rtol=1e-12)
    # gradients w.r.t. both arguments of the checkpointed block
    gw, gx = cr.grad(_mlp_loss, argnums=(0, 1))(w, x, True)
    np.testing.assert_allclose(gw, want, rtol=1e-12)
    np.testing.assert_allclose(gx, fd_jacobian(lambda x: _mlp_loss(w, x, False), x),
                               rtol=1e-6, atol=1e-8)


def test_checkpoint_to_second_order():
    w = RNG.standard_normal((2, 2)) * 0.7
    x = RNG.standard_normal((3, 2))
    want = fd_jacobian(lambda w: _mlp_loss_grad(w, x), w)
    for H in (cr.hessian(_mlp_loss)(w, x, True), cr.jacrev(cr.grad(_mlp_loss))(w, x, True)):
        np.testing.assert_allclose(H, want, rtol=1e-6, atol=1e-8)
    s = 0.4
    np.testing.assert_allclose(cr.grad(cr.grad(cr.checkpoint(np.sin)))(s), -np.sin(s))
    np.testing.assert_allclose(cr.jvp(cr.checkpoint(np.sin), (s,), (2.0,))[1], 2 * np.cos(s))


def test_checkpoint_vjp_fn_called_many_times_with_one_buffer():
    x = np.array([0.1, 0.2, 0.3])
    _, vjp_fn = cr.vjp(cr.checkpoint(np.sin), x)
    ct = np.zeros(3)
    rows = []
    for i in range(3):
        ct[:] = 0.0
        ct[i] = 1.0
        rows.append(vjp_fn(ct)[0])
    np.testing.assert_allclose(np.array(rows), np.diag(np.cos(x)), rtol=1e-14)


# ---- user-defined primitives ---------------------------------------------------------------

def _make_scaled_product(log):
    """p(x, y, scale=1) = scale · x² · y, rules written with chainrule (plain) operations."""

    @cr.primitive
    def scaled(x, y, scale=1.0):
        return scale * x * x * y

    def vjp_x(g, ans, x, y, scale=1.0):
        log.append(("vjp_x", scale))
        return g * 2 * scale * x * y

    def vjp_y(g, ans, x, y, scale=1.0):
        log.append(("vjp_y", scale))
        return g * scale * x * x

    def jvp_x(t, ans, x, y, scale=1.0):
        log.append(("jvp_x", scale))
        return t * 2 * scale * x * y

    def jvp_y(t, ans, x, y, scale=1.0):
        log.append(("jvp_y", scale))
        return t * scale * x * x

    scaled.defvjp(vjp_x, vjp_y)
    scaled.defjvp(jvp_x, jvp_y)
    return scaled


def test_user_primitive_in_both_modes_with_kwargs():
    log = []
    p = _make_scaled_product(log)
    x, y = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    f = lambda x, y: np.sum(p(x, y, scale=0.5))
    np.testing.assert_allclose(p(x, y, scale=0.5), 0.5 * x ** 2 * y)  # kwargs reach impl
    np.testing.assert_allclose(cr.value_and_grad(f)(x, y)[0], np.sum(0.5 * x ** 2 * y))
    log.clear()
    gx, gy = cr.grad(f, argnums=(0, 1))(x, y)
    np.testing.assert_allclose(gx, x * y)  # 2 · 0.5 · x y
    np.testing.assert_allclose(gy, 0.5 * x ** 2)
    assert sorted(log) == [("vjp_x", 0.5), ("vjp_y", 0.5)]
    log.clear()
    _, t = cr.jvp(f, (x, y), (np.array([1.0, 0.0]), np.array([0.0, 1.0])))
    np.testing.assert_allclose(t, 1 * 3.0 + 0.5 * 4.0)
    assert sorted(log) == [("jvp_x", 0.5), ("jvp_y", 0.5)]


def test_user_primitive_to_second_order():
    p = _make_scaled_product([])
    x, y = 2.0, 5.0
    f = lambda x, y: p(x, y, scale=3.0)  # 3x²y
    H = cr.hessian(f, argnums=(0, 1))(x, y)
    np.testing.assert_allclose(H[0][0], 6 * y)
    np.testing.assert_allclose(H[0][1], 6 * x)
    np.testing.assert_allclose(H[1][0], 6 * x)
    np.testing.assert_allclose(H[1][1], 0.0)
    np.testing.assert_allclose(cr.grad(cr.grad(f))(x, y), 6 * y)
    np.testing.assert_allclose(cr.jacrev(cr.jacrev(f))(x, y), 6 * y)
    np.testing.assert_allclose(cr.grad(cr.grad(cr.grad(lambda x: f(x, y))))(x), 0.0)


def test_user_primitive_with_a_non_differentiable_argument():
    log = []

    @cr.primitive
    def power(x, n):
        return x ** n

    power.defvjp(lambda g, ans, x, n: log.append("x") or g * n * x ** (n - 1), None)
    power.defjvp(lambda t, ans, x, n: t * n * x ** (n - 1), None)
    np.testing.assert_allclose(cr.grad(lambda x: power(x, 3.0))(2.0), 12.0)
    assert log == ["x"]
    # a traced value in the None position would lose its derivative: refused, not zeroed
    with pytest.raises(TypeError, match="not differentiable"):
        cr.grad(lambda x: power(x, x))(2.0)
    # ... unless the user drops it on purpose
    np.testing.assert_allclose(cr.grad(lambda x: power(x, cr.stop_gradient(x)))(2.0),
                               2.0 * 2.0 ** 1.0)
    np.testing.assert_allclose(cr.jvp(lambda x: power(x, 3.0), (2.0,), (1.0,))[1], 12.0)


def test_primitive_by_call_with_a_name():
    p = cr.primitive(lambda x: np.log1p(x), name="my_log1p")
    p.defvjp(lambda g, ans, x: g / (1 + x))
    p.defjvp(lambda t, ans, x: t / (1 + x))
    assert "my_log1p" in repr(p)
    np.testing.assert_allclose(cr.grad(p)(0.5), 1 / 1.5)
    np.testing.assert_allclose(cr.grad(cr.grad(p))(0.5), -1 / 1.5 ** 2)
    np.testing.assert_allclose(cr.jvp(cr.grad(p), (0.5,), (1.0,))[1], -1 / 1.5 ** 2)
    np.testing.assert_allclose(p(np.array([0.0, 1.0])), np.log1p([0.0, 1.0]))


def test_transforms_keep_the_function_name():
    def loss(w):
        return np.sum(w ** 2)

    assert "loss" in cr.grad(loss).__name__
    assert cr.value_and_grad(loss).__name__ == "loss"
    assert cr.jacrev(loss).__name__ == "loss"


def test_arrays_a_pending_vjp_needs_are_read_only_until_it_is_released():
    c = np.array([3.0, 4.0])
    x = np.array([1.0, 2.0])
    out, back = cr.vjp(lambda x: np.sin(x) * c, x)
    with pytest.raises(ValueError, match="read-only"):
        c[0] = 10.0
    np.testing.assert_allclose(back(np.ones(2))[0], np.cos(x) * c)
    del back
    c[0] = 10.0  # writable again, and the caller's flags are as they were
    x[0] = 5.0
    assert c.flags.writeable and x.flags.writeable


# ---- autograd's spelling argnum= -----------------------------------------------------------

@pytest.mark.parametrize("transform", [cr.grad, cr.value_and_grad, cr.elementwise_grad,
                                       cr.jacfwd, cr.jacrev, cr.jacobian, cr.hessian])
def test_argnum_is_accepted_as_autograds_spelling_of_argnums(transform):
    f = lambda x, y: (x * y ** 2).sum()  # noqa: E731
    x, y = np.array([2.0]), np.array([3.0])
    np.testing.assert_equal(transform(f, argnum=1)(x, y), transform(f, argnums=1)(x, y))
    assert transform(f, argnum=(0, 1))(x, y)[1] is not None


def test_argnum_selects_the_argument_it_names():
    # f = x y²: ∂f/∂y = 2xy = 12 at (2, 3); ∂²f/∂y² = 2x = 4
    assert cr.grad(lambda x, y: x * y * y, argnum=1)(2.0, 3.0) == 12.0
    assert cr.hessian(lambda x, y: x * y * y, argnum=1)(2.0, 3.0) == 4.0


def test_argnum_and_argnums_together_is_an_error():
    with pytest.raises(TypeError, match="not both"):
        cr.grad(lambda x: x, argnum=0, argnums=0)
