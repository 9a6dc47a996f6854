"""``roll`` and sliding windows at the NumPy level (the registry sweep checks their rules):
NumPy's values, one primitive per roll, and the scatter-add of overlapping windows."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import observe

swv = np.lib.stride_tricks.sliding_window_view


class Count(observe.Observer):
    def __init__(self):
        self.names = []

    def applied(self, prim, args, kwargs, out):
        self.names.append(prim.name)


ROLLS = [((5,), 2, None), ((5,), -7, 0), ((3, 4), (1, -2), (0, 1)), ((3, 4), (1, 2), (0, 0)),
         ((2, 3, 2), 4, 1), ((3, 4), 5, None), ((3, 4), [1, 1], -1)]


@pytest.mark.parametrize(("shape", "shift", "axis"), ROLLS)
def test_roll_is_one_primitive_with_numpys_values_and_the_inverse_roll_as_adjoint(shape, shift,
                                                                                  axis):
    """ā = roll(ā, -shift): for ā = w, the gradient of Σ w·roll(x) is w rolled back."""
    x = np.arange(float(np.prod(shape))).reshape(shape)
    w = np.random.default_rng(0).standard_normal(shape)
    with observe.watching(seen := Count()):
        out, back = cr.vjp(lambda x: cnp.roll(x, shift, axis), x)
    assert seen.names == ["roll"]
    np.testing.assert_array_equal(out, np.roll(x, shift, axis))
    back_shift = np.negative(shift).tolist() if not np.isscalar(shift) else -shift
    np.testing.assert_array_equal(back(w)[0], np.roll(w, back_shift, axis))


def test_sliding_windows_sum_back_by_how_many_windows_hold_each_entry():
    """Σ over all windows of x has gradient (the count of windows holding x_i): for n = 6,
    window 3: 1, 2, 3, 3, 2, 1; in 2-d the outer product of the per-axis counts."""
    g = cr.grad(lambda x: swv(x, 3).sum())(np.ones(6))
    np.testing.assert_array_equal(g, [1, 2, 3, 3, 2, 1])
    g = cr.grad(lambda x: cnp.lib.stride_tricks.sliding_window_view(x, (2, 3)).sum())(
        np.ones((4, 5)))
    np.testing.assert_array_equal(g, np.outer([1, 2, 2, 1], [1, 2, 3, 2, 1]))


@pytest.mark.parametrize(("shape", "window", "axis"),
                         [((6,), 3, None), ((4, 5), (2, 3), None), ((4, 5), 2, 1),
                          ((5, 3), (2, 2), (0, 0)), ((3, 6), [2, 3], [1, 0])])
def test_sliding_window_values_and_derivatives(shape, window, axis):
    """NumPy's windows; reverse and forward mode against central differences of
    Σ w·windows(x)², and the second derivative (reverse over forward)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    want = swv(x, window, axis)
    w = rng.standard_normal(want.shape)
    f = lambda x: (swv(x, window, axis) ** 2 * w).sum()  # noqa: E731
    out, _ = cr.vjp(lambda x: swv(x, window, axis), x)
    np.testing.assert_array_equal(out, want)
    h = 1e-6
    fd = np.array([(f(x + h * e.reshape(shape)) - f(x - h * e.reshape(shape))) / (2 * h)
                   for e in np.eye(x.size)]).reshape(shape)
    np.testing.assert_allclose(cr.grad(f)(x), fd, rtol=1e-7, atol=1e-9)
    v = rng.standard_normal(shape)
    assert cr.jvp(f, (x,), (v,))[1] == pytest.approx(float((fd * v).sum()), rel=1e-7)
    hess = cr.jacfwd(cr.grad(f))(x).reshape(x.size, x.size)
    np.testing.assert_allclose(hess, hess.T, atol=1e-12)  # a Hessian is symmetric
    np.testing.assert_allclose(hess @ v.ravel(),
                               (cr.grad(f)(x + h * v) - cr.grad(f)(x - h * v)).ravel() / (2 * h),
                               rtol=1e-6, atol=1e-8)


def test_a_writeable_window_of_a_traced_value_is_refused():
    with pytest.raises(TypeError, match="writeable=True"):
        cr.grad(lambda x: swv(x, 2, writeable=True).sum())(np.ones(3))
