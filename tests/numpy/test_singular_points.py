"""Derivatives that are exact numbers at points where a formula would give 0·∞ = NaN
(issue 11, item 6), and the composites that raised on lists of traced values."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp


def test_x_to_the_zero_has_derivative_zero_at_zero():
    """x⁰ = 1 for every x, 0 included: d/dx = 0 (not 0·0⁻¹ = NaN)."""
    assert cr.grad(lambda x: x ** 0.0)(0.0) == 0.0
    assert cr.jvp(lambda x: x ** 0.0, (0.0,), (1.0,))[1] == 0.0
    np.testing.assert_array_equal(cr.grad(lambda x: (x ** 0).sum())(np.zeros(3)), np.zeros(3))


def test_higher_derivatives_of_integer_powers_at_zero_are_exact():
    """(x¹)'' = 0 and (x²)''' = 0 at 0, both modes; (x³)''' = 6 and (x²)'' = 2."""
    d = cr.grad
    assert d(d(lambda x: x ** 1.0))(0.0) == 0.0
    assert d(d(d(lambda x: x ** 2)))(0.0) == 0.0
    assert d(d(d(lambda x: x ** 3)))(0.0) == 6.0
    assert d(d(lambda x: x ** 2))(0.0) == 2.0
    third = cr.jacfwd(cr.jacfwd(cr.jacfwd(lambda x: x ** 2)))(0.0)
    assert third == 0.0


def test_mixed_exponents_with_a_zero_among_them():
    """x^y with y = (0, 1, 2) at x = 0: ∂/∂x = (0, 1, 0) exactly."""
    y = np.array([0.0, 1.0, 2.0])
    np.testing.assert_array_equal(cr.jacrev(lambda x: x ** y)(0.0), [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(cr.jacfwd(lambda x: x ** y)(0.0), [0.0, 1.0, 0.0])


def test_std_of_a_single_entry_has_derivative_zero():
    """std over one entry is identically 0: gradient 0 (and its Hessian 0), also over an
    axis of length 1; var's too."""
    assert cr.grad(cnp.std)(np.array([3.5])).tolist() == [0.0]
    assert cr.hessian(cnp.std)(np.array([3.5])).tolist() == [[0.0]]
    x = np.arange(3.0).reshape(3, 1)
    np.testing.assert_array_equal(cr.grad(lambda x: cnp.std(x, axis=1).sum())(x), np.zeros((3, 1)))
    np.testing.assert_array_equal(cr.grad(lambda x: cnp.var(x, axis=1).sum())(x), np.zeros((3, 1)))
    np.testing.assert_array_equal(cr.grad(lambda x: x.std(axis=-1, keepdims=True).sum())(x),
                                  np.zeros((3, 1)))
    assert cnp.std(x, axis=1, keepdims=True).shape == (3, 1)


def test_std_over_several_entries_is_unchanged():
    """∂std/∂x = (x - mean) / (n std): for (1, 2), (-1/2, 1/2)."""
    np.testing.assert_allclose(cr.grad(cnp.std)(np.array([1.0, 2.0])), [-0.5, 0.5])


def test_norm_of_a_list_of_traced_values():
    """‖(x, x + 2)‖ = √(x² + (x+2)²): d/dx = (2x + 2)/‖·‖ = 4/√10 at x = 1."""
    assert cr.grad(lambda x: cnp.linalg.norm([x, x + 2]))(1.0) == pytest.approx(4 / np.sqrt(10))
    got = cr.grad(lambda x: cnp.linalg.norm([[x, 1.0], [0.0, x]], ord="fro"))(2.0)
    assert got == pytest.approx(2 * 2.0 / np.sqrt(9.0))
