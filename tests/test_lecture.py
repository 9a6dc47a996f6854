"""The lecture's worked examples as acceptance tests (chainrule.lecture, ../shared/seed)."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule import lecture as L


def rel_err(got, want):
    """Norm-wise relative error."""
    return np.linalg.norm(np.asarray(got, np.float64) - want) / np.linalg.norm(want)


# ---- the two-layer MLP: autodiff of the plain-NumPy cost equals the hand derivation -------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mlp_gradient_equals_hand_derivation(seed):
    X, Y, W, V = L.make_data(seed=seed)
    dW, dV = cr.grad(L.cost, argnums=(2, 3))(X, Y, W, V)
    hW, hV = L.gradients(X, Y, W, V)
    assert dW.shape == W.shape == (16, 3) and dV.shape == V.shape == (3, 16)
    assert rel_err(dW, hW) < 1e-12
    assert rel_err(dV, hV) < 1e-12


def test_mlp_value_and_gradient_and_fd():
    X, Y, W, V = L.make_data(N=30, seed=3)
    value, (dW, dV) = cr.value_and_grad(L.cost, argnums=(2, 3))(X, Y, W, V)
    # the cost written out directly: mean over n of logsumexp(u_n) - y_nᵀ u_n
    U = L.logistic(X @ V) @ W
    m = U.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(U - m).sum(axis=1, keepdims=True)))[:, 0]
    np.testing.assert_allclose(value, np.mean(lse - np.sum(U * Y, axis=1)), rtol=1e-13)
    # and one entry of each gradient by central differences of the cost itself
    h = 1e-6
    for P, dP, k in ((W, dW, 2), (V, dV, 3)):
        idx = (1, 2)
        up, down = P.copy(), P.copy()
        up[idx] += h
        down[idx] -= h
        args_up = [X, Y, W, V]
        args_down = [X, Y, W, V]
        args_up[k], args_down[k] = up, down
        fd = (L.cost(*args_up) - L.cost(*args_down)) / (2 * h)
        np.testing.assert_allclose(dP[idx], fd, rtol=1e-6, atol=1e-10)


def test_mlp_gradient_in_float32():
    X, Y, W, V = L.make_data(seed=0, dtype=np.float32)
    dW, dV = cr.grad(L.cost, argnums=(2, 3))(X, Y, W, V)
    assert dW.dtype == np.float32 and dV.dtype == np.float32
    # the hand derivation in float64 on the same (float32-representable) data
    hW, hV = L.gradients(*(a.astype(np.float64) for a in (X, Y, W, V)))
    assert rel_err(dW, hW) < 1e-5
    assert rel_err(dV, hV) < 1e-5


def test_gradient_descent_step_decreases_the_cost():
    # the lecture's GD loop, a few steps with lr 0.1, using chainrule's gradient
    X, Y, W, V = L.make_data(seed=4)
    W, V = W * 0.01, V * 0.01  # the lecture's initialisation scale
    grad = cr.grad(L.cost, argnums=(2, 3))
    costs = [L.cost(X, Y, W, V)]
    for _ in range(5):
        dW, dV = grad(X, Y, W, V)
        W, V = W - 0.1 * dW, V - 0.1 * dV
        costs.append(L.cost(X, Y, W, V))
    assert np.all(np.diff(costs) < 0)


def test_mlp_hessian_by_forward_over_reverse_and_reverse_over_reverse():
    # H of the cost in V, checked against finite differences of the hand gradient
    X, Y, W, V = L.make_data(N=12, D=2, M=3, C=2, seed=5)
    H = cr.hessian(L.cost, argnums=3)(X, Y, W, V)
    assert H.shape == V.shape + V.shape
    h = 1e-6
    fd = np.zeros(V.shape + V.shape)
    for idx in np.ndindex(*V.shape):
        up, down = V.copy(), V.copy()
        up[idx] += h
        down[idx] -= h
        fd[(...,) + idx] = (L.gradients(X, Y, W, up)[1] - L.gradients(X, Y, W, down)[1]) / (2 * h)
    np.testing.assert_allclose(H, fd, rtol=1e-5, atol=1e-8)
    H_rr = cr.jacrev(cr.jacrev(L.cost, argnums=3), argnums=3)(X, Y, W, V)
    np.testing.assert_allclose(H_rr, fd, rtol=1e-5, atol=1e-8)


# ---- y1 = sin(w1 x + w0), y2 = cos(w1 x + w0): the forward and reverse tables -----------

POINTS = [(0.3, -0.7, 1.9), (-1.0, 2.0, 0.25), (0.0, 0.5, -3.0)]


@pytest.mark.parametrize("w0,w1,x", POINTS)
def test_forward_mode_table(w0, w1, x):
    a, t, _ = L.sincos_tables(w0, w1, x)
    a5 = w1 * x + w0
    # the hand table against the lecture's closed forms
    np.testing.assert_allclose(t["a6"], x * np.cos(a5), rtol=1e-15)
    np.testing.assert_allclose(t["a7"], -x * np.sin(a5), rtol=1e-15)
    # one forward pass seeded at w1 gives both ∂y1/∂w1 and ∂y2/∂w1
    (y1, y2), (t1, t2) = cr.jvp(L.sincos, (w0, w1, x), (0.0, 1.0, 0.0))
    np.testing.assert_allclose((y1, y2), (a["a6"], a["a7"]), rtol=1e-15)
    np.testing.assert_allclose(t1, x * np.cos(a5), rtol=1e-14)
    np.testing.assert_allclose(t2, -x * np.sin(a5), rtol=1e-14)
    np.testing.assert_allclose((t1, t2), (t["a6"], t["a7"]), rtol=1e-14)
    # seeded at w0 and at x
    _, (t1, t2) = cr.jvp(L.sincos, (w0, w1, x), (1.0, 0.0, 0.0))
    np.testing.assert_allclose((t1, t2), (np.cos(a5), -np.sin(a5)), rtol=1e-14)
    _, (t1, t2) = cr.jvp(L.sincos, (w0, w1, x), (0.0, 0.0, 1.0))
    np.testing.assert_allclose((t1, t2), (w1 * np.cos(a5), -w1 * np.sin(a5)), rtol=1e-14)


@pytest.mark.parametrize("w0,w1,x", POINTS)
def test_reverse_mode_table(w0, w1, x):
    _, _, b = L.sincos_tables(w0, w1, x)
    a5 = w1 * x + w0
    # the hand table: ā1 = ā5 = -sin(a5), ā2 = x ā5, ā3 = w1 ā5
    np.testing.assert_allclose(b["a5"], -np.sin(a5), rtol=1e-15)
    np.testing.assert_allclose(b["a4"], b["a5"])
    # one backward pass seeded at y2 (ā7 = 1, ā6 = 0) gives every adjoint
    (y1, y2), vjp_fn = cr.vjp(L.sincos, w0, w1, x)
    g0, g1, gx = vjp_fn((0.0, 1.0))
    np.testing.assert_allclose(g0, -np.sin(a5), rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(g1, -x * np.sin(a5), rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(gx, -w1 * np.sin(a5), rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose((g0, g1, gx), (b["a1"], b["a2"], b["a3"]), rtol=1e-14,
                               atol=1e-16)
    # the intermediate adjoints ā5 and ā4 = ā5 (differentiating from a5 and from a4)
    (g5,) = cr.vjp(lambda a5: (np.sin(a5), np.cos(a5)), a5)[1]((0.0, 1.0))
    np.testing.assert_allclose(g5, b["a5"], rtol=1e-14, atol=1e-16)
    (g4,) = cr.vjp(lambda a4: L.sincos(w0, 1.0, a4), w1 * x)[1]((0.0, 1.0))
    np.testing.assert_allclose(g4, b["a4"], rtol=1e-14, atol=1e-16)
    # seeded at y1 instead: ā5 = cos(a5)
    g0, g1, gx = vjp_fn((1.0, 0.0))
    np.testing.assert_allclose((g0, g1, gx), np.array([1.0, x, w1]) * np.cos(a5), rtol=1e-14)


def test_sincos_on_arrays_of_points():
    w0, w1, x = (np.array(c) for c in zip(*POINTS, strict=True))
    a5 = w1 * x + w0
    _, (t1, t2) = cr.jvp(L.sincos, (w0, w1, x), (np.zeros(3), np.ones(3), np.zeros(3)))
    np.testing.assert_allclose(t1, x * np.cos(a5), rtol=1e-14)
    np.testing.assert_allclose(t2, -x * np.sin(a5), rtol=1e-14)
    J = cr.jacrev(L.sincos, argnums=1)(w0, w1, x)
    np.testing.assert_allclose(J[1], np.diag(-x * np.sin(a5)), rtol=1e-14, atol=1e-16)


# ---- the Jacobian of f(x, y) = [x², y², 2xy] --------------------------------------------

def jac_closed_form(x, y):
    return np.array([[2 * x, 0.0], [0.0, 2 * y], [2 * y, 2 * x]])


def f_cnp(w):
    x, y = w[0], w[1]
    return cnp.array([x ** 2, y ** 2, 2 * x * y])


def f_concatenate(w):
    x, y = w[0:1], w[1:2]
    return np.concatenate([x ** 2, y ** 2, 2 * x * y])


def f_stack(w):
    x, y = w[0], w[1]
    return np.stack([x ** 2, y ** 2, 2 * x * y])


@pytest.mark.parametrize("f", [f_cnp, f_concatenate, f_stack])
@pytest.mark.parametrize("jac", [cr.jacfwd, cr.jacrev])
@pytest.mark.parametrize("x,y", [(3.0, 5.0), (-0.5, 2.0)])
def test_jacobian_of_the_lecture_example(f, jac, x, y):
    J = jac(f)(np.array([x, y]))
    assert J.shape == (3, 2)
    np.testing.assert_allclose(J, jac_closed_form(x, y), rtol=1e-15)


@pytest.mark.parametrize("jac", [cr.jacfwd, cr.jacrev])
def test_jacobian_of_the_lecture_example_with_two_arguments(jac):
    x, y = 3.0, 5.0
    jx, jy = jac(lambda x, y: cnp.array([x ** 2, y ** 2, 2 * x * y]), argnums=(0, 1))(x, y)
    np.testing.assert_allclose(np.stack([jx, jy], axis=1), jac_closed_form(x, y))
    jx, jy = jac(lambda x, y: np.stack([x ** 2, y ** 2, 2 * x * y]), argnums=(0, 1))(x, y)
    np.testing.assert_allclose(np.stack([jx, jy], axis=1), jac_closed_form(x, y))


def test_gradient_of_x2_plus_y2():
    # the lecture's ∇_{[x,y]} (x² + y²) = [2x, 2y]
    w = np.array([1.5, -4.0])
    np.testing.assert_allclose(cr.grad(lambda w: np.sum(w ** 2))(w), 2 * w)
