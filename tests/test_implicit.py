"""chainrule.fixed_point: values and derivatives against closed forms, in both modes, and
the promise that the iterations are never recorded."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import Tracer, observe


def newton_sqrt(a, x0=1.0):
    """√a as the fixed point of Newton's step x ← (x + a/x)/2 (autograd's fixed_points
    example)."""
    return cr.fixed_point(lambda x, a: (x + a / x) / 2, x0, a)


def test_newton_sqrt_is_the_square_root():
    assert newton_sqrt(2.0) == pytest.approx(np.sqrt(2.0), rel=1e-15)


@pytest.mark.parametrize("transform", [cr.grad, cr.jacfwd, cr.jacrev])
def test_newton_sqrt_derivative_is_one_over_two_sqrt_a(transform):
    """d√a/da = 1/(2√a), at a = 4: 1/4."""
    assert transform(newton_sqrt)(4.0) == pytest.approx(0.25, rel=1e-12)


@pytest.mark.parametrize("outer", [cr.grad, cr.jacfwd])
@pytest.mark.parametrize("inner", [cr.grad, cr.jacfwd])
def test_newton_sqrt_second_derivative_is_minus_a_to_the_minus_three_halves_over_four(
        outer, inner):
    """d²√a/da² = -a^(-3/2)/4, at a = 4: -1/32, in all four mode combinations."""
    assert outer(inner(newton_sqrt))(4.0) == pytest.approx(-1 / 32, rel=1e-10)


def test_the_derivative_in_x0_is_zero():
    """x* does not depend on where the iteration starts."""
    g = cr.grad(lambda x0: newton_sqrt(3.0, x0))(2.0)
    assert g == 0.0
    assert cr.jacfwd(lambda x0: newton_sqrt(3.0, x0))(2.0) == 0.0


def cos_fixed_point(a):
    """x* = a cos(x*) (for a = 1: the Dottie number 0.739085...)."""
    return cr.fixed_point(lambda x, a: a * cnp.cos(x), 0.0, a)


def test_cos_fixed_point_at_one_is_the_dottie_number():
    assert cos_fixed_point(1.0) == pytest.approx(0.7390851332151607, rel=1e-11)


@pytest.mark.parametrize("transform", [cr.grad, cr.jacfwd])
def test_cos_fixed_point_derivative_is_cos_over_one_plus_a_sin(transform):
    """x = a cos x ⇒ dx/da = cos x* / (1 + a sin x*): an adjoint iteration with
    ∂f/∂x = -a sin x* ≠ 0 (it takes many steps)."""
    a = 0.8
    x = cos_fixed_point(a)
    assert transform(cos_fixed_point)(a) == pytest.approx(np.cos(x) / (1 + a * np.sin(x)),
                                                          rel=1e-9)


def linear_fixed_point(a, b):
    """x* = A x* + b, i.e. x* = (I - A)⁻¹ b, for a contraction A."""
    return cr.fixed_point(lambda x, a, b: a @ x + b, np.zeros(b.shape[0]), a, b)


def _contraction(seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((3, 3))
    return 0.6 * a / np.linalg.norm(a, 2), rng.standard_normal(3)


def test_linear_fixed_point_gradients_are_the_closed_forms():
    """L = Σ x*: b̄ = (I - A)⁻ᵀ 1, Ā = b̄ x*ᵀ."""
    a, b = _contraction(1)
    x = np.linalg.solve(np.eye(3) - a, b)
    np.testing.assert_allclose(linear_fixed_point(a, b), x, rtol=1e-11)
    ga, gb = cr.grad(lambda a, b: cnp.sum(linear_fixed_point(a, b)), (0, 1))(a, b)
    bbar = np.linalg.solve((np.eye(3) - a).T, np.ones(3))
    np.testing.assert_allclose(gb, bbar, rtol=1e-10)
    np.testing.assert_allclose(ga, np.outer(bbar, x), rtol=1e-10)


def test_linear_fixed_point_jacobian_is_the_inverse_of_i_minus_a():
    """∂x*/∂b = (I - A)⁻¹, in both modes."""
    a, b = _contraction(2)
    want = np.linalg.inv(np.eye(3) - a)
    np.testing.assert_allclose(cr.jacfwd(linear_fixed_point, 1)(a, b), want, rtol=1e-10)
    np.testing.assert_allclose(cr.jacrev(linear_fixed_point, 1)(a, b), want, rtol=1e-10)


def test_linear_fixed_point_derivatives_match_finite_differences_to_second_order():
    cr.check_grads(linear_fixed_point, _contraction(3), order=2)


class _Recorded(observe.Observer):
    """Counts the operations recorded on a trace (those that return a traced value)."""

    def __init__(self):
        self.count = 0

    def applied(self, prim, args, kwargs, out):
        self.count += isinstance(out, Tracer)


def test_the_iterations_are_not_recorded():
    """Starting far away takes many more iterations, but the recorded operations and the
    traced evaluations of f are the same: one fixed_point operation and one trace of f
    (the VJP at x*, replayed by the adjoint iteration)."""
    counts = []
    for x0 in (1.9, 1e6):
        calls = {"traced": 0, "plain": 0}

        def f(x, a):
            calls["traced" if isinstance(x, Tracer) else "plain"] += 1
            return (x + a / x) / 2

        seen = _Recorded()
        with observe.watching(seen):
            g = cr.grad(lambda a: cr.fixed_point(f, x0, a))(4.0)
        assert g == pytest.approx(0.25, rel=1e-12)
        counts.append((seen.count, calls["traced"], calls["plain"]))
    (rec_near, traced_near, plain_near), (rec_far, traced_far, plain_far) = counts
    assert plain_far > plain_near + 10           # many more forward iterations ...
    assert traced_near == traced_far == 1        # ... one traced evaluation of f
    assert rec_near == rec_far                   # ... and the same recorded operations


def test_a_divergent_iteration_says_what_to_do():
    with pytest.raises(cr.FixedPointError, match="did not converge in max_iter=50"):
        cr.fixed_point(lambda x, a: a * x + 1, 0.0, 2.0, max_iter=50)
