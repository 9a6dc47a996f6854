"""Operators and conversions of traced values: ``%``, ``divmod``, integer casts, and NumPy's
NEP 13 deferral to another type's ``__array_ufunc__``."""

from __future__ import annotations

import math

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp


def test_mod_operator_derivatives():
    """x % y = x - ⌊x/y⌋ y: ∂/∂x = 1, ∂/∂y = -⌊x/y⌋ (Python's % is NumPy's remainder)."""
    x, y = 3.7, 1.3
    assert cr.grad(lambda x: x % y)(x) == 1.0
    assert cr.grad(lambda y: x % y)(y) == -math.floor(x / y)
    assert cr.grad(lambda y: 3.7 % y)(-1.3) == -math.floor(3.7 / -1.3)  # y's sign: -3
    assert cr.jvp(lambda y: x % y, (y,), (1.0,))[1] == -math.floor(x / y)
    v = np.array([-2.5, 0.4, 5.1])
    assert cr.vjp(lambda v: v % 2.0, v)[0].tolist() == (v % 2.0).tolist()


def test_divmod_operator_gives_a_plain_quotient_and_a_differentiable_remainder():
    """divmod(x, y) = (⌊x/y⌋, x mod y): the quotient is a step (plain), the remainder as %."""
    def f(x):
        q, r = divmod(x, 0.7)
        assert not isinstance(q, cr.core.Tracer)
        return r * q
    assert cr.grad(f)(2.0) == pytest.approx(math.floor(2.0 / 0.7))
    assert cr.grad(lambda y: divmod(2.0, y)[1])(0.7) == -2.0
    np.testing.assert_array_equal(cr.grad(lambda x: cnp.divmod(x, 0.7)[1].sum())(np.ones(3)),
                                  np.ones(3))


def test_integer_casts_are_plain_integers_like_astype_int():
    """int(x), np.int64(x), np.asarray(x, int) are step functions of x, whose derivative
    is 0 wherever it exists: they return the plain integer, as x.astype(int) does."""
    f = lambda x: x * int(x)  # noqa: E731  d/dx = int(x) (the cast contributes 0)
    assert cr.grad(f)(2.5) == 2.0
    assert cr.grad(lambda x: x * np.int64(x))(3.5) == 3.0
    assert cr.jvp(f, (2.5,), (1.0,)) == (5.0, 2.0)
    v = np.array([1.5, 2.5])
    np.testing.assert_array_equal(
        cr.grad(lambda v: (v * np.asarray(v, dtype=np.int64)).sum())(v), [1.0, 2.0])


def test_a_float_cast_is_refused_because_it_would_lose_the_derivative():
    with pytest.raises(TypeError, match="Python float: its derivative would be lost"):
        cr.grad(lambda x: float(x))(2.5)
    with pytest.raises(TypeError, match="NumPy array"):
        cr.grad(lambda x: np.asarray(x, dtype=float).sum())(np.ones(2))


class Labelled:
    """An xarray-like wrapper: data plus a label; ufuncs apply to the data and keep the
    label (its __array_ufunc__ handles any operand, traced values included)."""

    __array_priority__ = 2000

    def __init__(self, data, label="x"):
        self.data, self.label = data, label

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = [i.data if isinstance(i, Labelled) else i for i in inputs]
        return Labelled(getattr(ufunc, method)(*inputs, **kwargs), self.label)

    def __add__(self, other):
        return np.add(self, other)

    def __radd__(self, other):
        return np.add(other, self)

    def __mul__(self, other):
        return np.multiply(self, other)

    def __rmul__(self, other):
        return np.multiply(other, self)


class OptsOut:
    """A type that opts out of NumPy's ufuncs (__array_ufunc__ = None): its own reflected
    operator must run."""

    __array_ufunc__ = None

    def __radd__(self, other):
        return "OptsOut.__radd__"


def test_operators_defer_to_another_types_array_ufunc():
    """NEP 13: tracer + wrapper returns NotImplemented, so the wrapper's reflected operator
    wraps the traced value (not the reverse); the derivative flows through its data:
    Σ (x + c)·x has gradient 2x + c."""
    c = np.array([1.0, 2.0])

    def f(x):
        w = x + Labelled(c)
        assert isinstance(w, Labelled) and isinstance(w.data, cr.core.Tracer)
        v = x * w
        assert isinstance(v, Labelled)
        return v.data.sum()

    x = np.array([1.0, 3.0])
    np.testing.assert_allclose(cr.grad(f)(x), 2 * x + c)
    got = cr.grad(lambda x: np.add(x, Labelled(c)).data.sum())(x)  # the ufunc, too
    np.testing.assert_array_equal(got, np.ones(2))
    assert cr.grad(lambda x: (x + OptsOut(), x)[1].sum())(x).tolist() == [1.0, 1.0]


def test_plain_operands_are_still_handled_by_the_traced_value():
    """Arrays, NumPy scalars, numbers and lists do not defer: f = S·x₀ with
    S = Σ (x + 1 + 1 + 1 + [1, 2]) = Σx + 9 = 12 at x = (1, 2), so ∇f = (S + x₀, x₀) = (13, 1)."""
    x = np.array([1.0, 2.0])
    g = cr.grad(lambda x: (x + np.float64(1) + np.ones(2) + 1 + [1.0, 2.0]).sum() * x[0])(x)
    np.testing.assert_array_equal(g, [13.0, 1.0])
