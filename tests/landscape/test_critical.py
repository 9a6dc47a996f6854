import numpy as np
import pytest

from chainrule import landscape as ls


def test_minimising_the_gradient_norm_finds_the_saddle_that_descent_avoids():
    # f = x⁴/4 - x²/2 + y²/2: minima at (±1, 0), a saddle at (0, 0) (f_xx = -1, f_yy = 1)
    f = lambda q: q[0] ** 4 / 4 - q[0] ** 2 / 2 + q[1] ** 2 / 2  # noqa: E731
    res = ls.find_critical_point(f, np.array([0.3, 0.4]), tol=1e-12)
    assert res.converged and np.allclose(res.params, 0, atol=1e-10)
    assert res.grad_norms[0] > res.grad_norms[-1]
    assert ls.classify_critical_point(f, res.params).kind == "saddle"


def test_from_near_a_minimum_it_finds_the_minimum():
    f = lambda q: q[0] ** 4 / 4 - q[0] ** 2 / 2 + q[1] ** 2 / 2  # noqa: E731
    res = ls.find_critical_point(f, np.array([0.8, -0.2]), tol=1e-12)
    assert res.params[0] == pytest.approx(1.0, abs=1e-9) and res.loss == pytest.approx(-0.25)


def test_minres_solves_an_indefinite_symmetric_system_like_a_dense_solve():
    rng = np.random.default_rng(3)
    M = rng.standard_normal((12, 12))
    A = M + M.T  # symmetric, with eigenvalues of both signs
    assert np.linalg.eigvalsh(A).min() < 0 < np.linalg.eigvalsh(A).max()
    b = rng.standard_normal(12)
    x = ls.critical._minres(lambda v: A @ v, b, iters=60, rtol=1e-14)
    np.testing.assert_allclose(x, np.linalg.solve(A, b), rtol=1e-9)


def test_a_saddle_of_a_quartic_in_three_variables_is_reached_by_newton_steps():
    # f = (x² - 1)² / 4 - y² / 2 + z² / 2 + x y: ∇f = 0 at a point
    # with H indefinite; the search must end with |∇f| <= tol and the classification agrees
    f = lambda q: (q[0] ** 2 - 1) ** 2 / 4 - q[1] ** 2 / 2 + q[2] ** 2 / 2 + 0.1 * q[0] * q[1]  # noqa: E731
    res = ls.find_critical_point(f, np.array([0.2, 0.1, 0.3]), tol=1e-12, steps=50)
    assert res.converged and res.grad_norms[-1] <= 1e-12
    assert ls.classify_critical_point(f, res.params).kind == "saddle"
