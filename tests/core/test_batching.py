"""vmap: the batch level, its composition with the differentiation levels, and its errors."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

rng = np.random.default_rng(0)
X = rng.standard_normal((5, 3))
A = rng.standard_normal((4, 3))
W = rng.standard_normal((3, 2))
Y = rng.standard_normal((5, 2))


def g(x):
    return cnp.sum(cnp.sin(x) * x ** 2)


def loss(W, x, y):
    return cnp.sum((cnp.tanh(x @ W) - y) ** 2)


def test_vmap_maps_each_row_like_a_loop():
    f = lambda x: cnp.tanh(A @ x)  # noqa: E731
    np.testing.assert_allclose(cr.vmap(f)(X), np.stack([f(x) for x in X]), rtol=1e-15)


def test_per_example_gradients_equal_the_loop():
    pe = cr.vmap(cr.grad(loss), in_axes=(None, 0, 0))(W, X, Y)
    want = np.stack([cr.grad(loss)(W, x, y) for x, y in zip(X, Y)])
    assert pe.shape == (5, 3, 2)
    np.testing.assert_allclose(pe, want, rtol=1e-12)


def test_grad_of_vmap_is_the_gradient_of_the_summed_map():
    # d/dX Σ_i g(X_i) = [g'(X_i)]_i
    got = cr.grad(lambda X: cnp.sum(cr.vmap(g)(X)))(X)
    np.testing.assert_allclose(got, np.stack([cr.grad(g)(x) for x in X]), rtol=1e-12)


def test_jacfwd_of_vmap_is_block_diagonal():
    f = lambda x: cnp.tanh(A @ x)  # noqa: E731
    J = cr.jacfwd(cr.vmap(f))(X)  # (5, 4, 5, 3): row i depends on X_i only
    for i in range(5):
        for j in range(5):
            want = cr.jacrev(f)(X[i]) if i == j else np.zeros((4, 3))
            np.testing.assert_allclose(J[i, :, j, :], want, rtol=1e-12, atol=1e-15)


def test_nested_vmap_maps_both_axes():
    T = rng.standard_normal((2, 5, 3))
    got = cr.vmap(cr.vmap(g))(T)
    np.testing.assert_allclose(got, [[g(x) for x in row] for row in T], rtol=1e-14)


def test_in_axes_out_axes_and_axis_size():
    got = cr.vmap(lambda x: cnp.sin(x), in_axes=1, out_axes=1)(X.T)  # map over columns
    np.testing.assert_allclose(got, np.sin(X.T), rtol=1e-15)
    params = {"W": W, "b": np.ones(2)}
    per = cr.vmap(lambda p, x: cnp.tanh(x @ p["W"] + p["b"]),
                  in_axes=({"W": None, "b": None}, 0))(params, X)
    np.testing.assert_allclose(per, np.tanh(X @ W + 1), rtol=1e-14)
    copies = cr.vmap(lambda w: w * 2.0, in_axes=None, axis_size=4)(np.ones(2))
    assert copies.shape == (4, 2)


def test_an_output_independent_of_the_batch_is_broadcast():
    got = cr.vmap(lambda x: (cnp.sum(x), np.float64(7.0)))(X)
    assert got[1].shape == (5,) and (got[1] == 7.0).all()


def test_no_perturbation_confusion_with_vmap_in_the_stack():
    # d/dx [x · d/dy (x + y)] = 2 per example (see test_transforms), batched over x
    def inner(x):
        return x * cr.grad(lambda y: x + y)(1.0) + x * cr.grad(lambda y: x + y)(x)
    xs = np.array([1.0, -2.5, 0.5])
    np.testing.assert_array_equal(cr.vmap(cr.grad(inner))(xs), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(cr.vmap(lambda x: cr.jvp(inner, (x,), (1.0,))[1])(xs),
                                  [2.0, 2.0, 2.0])


def test_a_primitive_without_a_batching_rule_is_looped_with_a_warning():
    calls = []

    @cr.primitive
    def twice(x):
        calls.append(np.shape(x))
        return 2 * x

    twice.defvjp(lambda g, ans, x: 2 * g)
    with pytest.warns(RuntimeWarning, match="'twice' has no batching rule"):
        got = cr.vmap(twice)(X)
    np.testing.assert_array_equal(got, 2 * X)
    assert calls == [(3,)] * 5  # one call per example
    calls.clear()
    twice.defbatch(lambda vals, batched: twice(vals[0]))  # elementwise: the whole batch at once
    np.testing.assert_array_equal(cr.vmap(twice)(X), 2 * X)
    assert calls == [(5, 3)]


def test_vmap_errors_name_the_problem():
    with pytest.raises(ValueError, match="different sizes"):
        cr.vmap(lambda a, b: a + b)(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="axis_size"):
        cr.vmap(lambda a: a, in_axes=None)(np.ones(3))
    with pytest.raises(ValueError, match="in_axes has 1 entries for 2 arguments"):
        cr.vmap(lambda a, b: a, in_axes=(0,))(np.ones(3), np.ones(3))
    leaked = []
    cr.vmap(lambda x: leaked.append(x) or x)(X)
    with pytest.raises(TypeError, match="escaped"):
        cnp.sin(leaked[0])


def test_jacobians_are_one_batched_pass_and_chunking_gives_the_same_result():
    f = lambda x: cnp.tanh(A @ x)  # noqa: E731
    x = X[0]
    J = cr.jacrev(f)(x)
    np.testing.assert_allclose(cr.jacrev(f, chunk_size=3)(x), J, rtol=1e-15)
    np.testing.assert_allclose(cr.jacfwd(f, chunk_size=2)(x), J, rtol=1e-12)
    s = 1 - np.tanh(A @ x) ** 2
    np.testing.assert_allclose(J, s[:, None] * A, rtol=1e-12)  # ∂tanh(Ax)/∂x = diag(1 - t²) A


def test_jacobian_chooses_the_mode_from_the_shapes():
    calls = []
    tall = lambda x: cnp.tanh(A @ x)  # 4 outputs, 3 inputs: forward  # noqa: E731
    wide = lambda x: cnp.tanh(x @ A)  # 3 outputs, 4 inputs: reverse  # noqa: E731
    import chainrule.transforms as T
    real_jvp, real_vjp = T._jvp, T._vjp
    want_tall, want_wide = cr.jacrev(tall)(X[0]), cr.jacfwd(wide)(A[:, 0])
    try:
        T._jvp = lambda *a, **k: calls.append("fwd") or real_jvp(*a, **k)
        T._vjp = lambda *a, **k: calls.append("rev") or real_vjp(*a, **k)
        np.testing.assert_allclose(cr.jacobian(tall)(X[0]), want_tall, rtol=1e-12)
        assert set(calls) == {"fwd"}
        calls.clear()
        np.testing.assert_allclose(cr.jacobian(wide)(A[:, 0]), want_wide, rtol=1e-12)
        assert set(calls) == {"rev"}
    finally:
        T._jvp, T._vjp = real_jvp, real_vjp


def test_training_mode_batch_norm_under_vmap_says_why_it_cannot():
    from chainrule import nn
    bn = nn.BatchNorm(3)
    params, state = bn.init(0)
    f = lambda x: bn.apply(params, state, x, train=True)[0]  # noqa: E731
    with pytest.raises(ValueError, match="under vmap.*train=False"):
        cr.vmap(f)(X.reshape(5, 1, 3))
    g = lambda x: bn.apply(params, state, x, train=False)[0]  # noqa: E731
    np.testing.assert_allclose(cr.vmap(g)(X.reshape(5, 1, 3))[:, 0], g(X), rtol=1e-14)
