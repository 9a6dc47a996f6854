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
