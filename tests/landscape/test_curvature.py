import numpy as np
import pytest

import chainrule as cr
from chainrule import landscape as ls


def _exact_eigs(loss, params):
    theta, unravel = ls.ravel(params)
    H = cr.hessian(lambda t: loss(unravel(t)))(theta)  # 96 x 96 for the Iris MLP
    return np.linalg.eigvalsh(H), H


def test_lanczos_extreme_eigenvalues_match_eigvalsh_of_the_dense_hessian(iris_loss, iris_params):
    ev, _ = _exact_eigs(iris_loss, iris_params)
    got = ls.hessian_eigs(iris_loss, iris_params, k=3, which="both")
    # bottom 3 then top 3, ascending, as eigvalsh(H)[:3] and [-3:]
    np.testing.assert_allclose(got, np.concatenate([ev[:3], ev[-3:]]), rtol=0, atol=1e-8)
    top = ls.hessian_eigs(iris_loss, iris_params, k=2, which="largest")
    np.testing.assert_allclose(top, ev[-2:], rtol=0, atol=1e-8)


def test_lanczos_eigenvectors_are_unit_pytrees_with_rayleigh_quotient_lambda(iris_loss,
                                                                               iris_params):
    vals, vecs = ls.hessian_eigs(iris_loss, iris_params, k=1, which="smallest",
                                 return_vectors=True)
    v = vecs[0]
    assert set(v) == {"V", "W"} and ls.vectors.norm(v) == pytest.approx(1.0, rel=1e-10)
    (hv,) = cr.hvp(iris_loss, (iris_params,), (v,))
    assert ls.vectors.dot(v, hv) == pytest.approx(vals[0], abs=1e-8)  # vᵀHv = λ_min


def test_the_dense_spectrum_is_eigvalsh_and_its_density_integrates_to_one(iris_loss,
                                                                           iris_params):
    ev, _ = _exact_eigs(iris_loss, iris_params)
    spec = ls.hessian_spectrum(iris_loss, iris_params)
    assert spec.method == "dense"
    np.testing.assert_allclose(spec.eigenvalues, ev, atol=1e-10)
    grid = np.linspace(ev[0] - 1, ev[-1] + 1, 4001)
    assert np.trapezoid(spec.density(grid), grid) == pytest.approx(1.0, abs=1e-3)


def test_stochastic_lanczos_quadrature_matches_the_moments_of_the_spectrum(iris_loss,
                                                                          iris_params):
    ev, _ = _exact_eigs(iris_loss, iris_params)
    spec = ls.hessian_spectrum(iris_loss, iris_params, dense_limit=0, iters=30, probes=6)
    assert spec.method == "slq" and spec.weights.sum() == pytest.approx(1.0, rel=1e-12)
    # E[λ] = tr H / n, estimated from 6 probes: loose, but wrong by far if weights were off
    assert spec.nodes @ spec.weights == pytest.approx(ev.mean(), abs=0.05 * np.abs(ev).max())


def test_hutchinson_trace_is_within_three_standard_errors_of_the_exact_trace(iris_loss,
                                                                              iris_params):
    _, H = _exact_eigs(iris_loss, iris_params)
    est = ls.hessian_trace(iris_loss, iris_params, samples=60, seed=4)
    assert est.stderr > 0
    assert abs(est.value - np.trace(H)) <= 3 * est.stderr


def test_x2_minus_y2_at_the_origin_is_a_saddle_and_its_cousins_are_not():
    at0 = np.zeros(2)
    saddle = ls.classify_critical_point(lambda q: q[0] ** 2 - q[1] ** 2, at0)
    assert saddle.kind == "saddle" and saddle.index == 0.5 and saddle.grad_norm == 0
    assert ls.classify_critical_point(lambda q: q[0] ** 2 + q[1] ** 2, at0).kind == "minimum"
    assert ls.classify_critical_point(lambda q: -q[0] ** 2 - q[1] ** 2, at0).kind == "maximum"
    moved = ls.classify_critical_point(lambda q: q[0] ** 2 - q[1] ** 2, np.array([1.0, 0]))
    assert moved.kind == "not critical" and moved.grad_norm == pytest.approx(2.0)


def test_a_symmetric_critical_point_of_the_iris_mlp_is_a_saddle(iris_loss):
    # every hidden unit the same (V = bias-row b, W = 0): the point is fixed by all 16!
    # permutations; with W = 0 the logits are 0, ŷ = 1/3 and dJ/dW_m = σ(b)·Σ(1/3 - y)/N = 0
    # because the training set has 35 flowers of each class; dJ/dV = X^T(dY W^T ⊙ σ') = 0.
    V = np.zeros((3, 16))
    V[2] = 0.7
    point = {"V": V, "W": np.zeros((16, 3))}
    cp = ls.classify_critical_point(iris_loss, point, grad_tol=1e-12)
    ev = np.linalg.eigvalsh(ls.dense_hessian(iris_loss, point))
    assert ev[0] < -1e-3  # verified: a direction of negative curvature
    assert cp.kind == "saddle" and cp.n_negative >= 1 and cp.grad_norm < 1e-12
