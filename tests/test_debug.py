"""cr.debug_nans(): the first operation producing NaN/inf is named, with the user's line."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import JVPTrace, Primitive, ReverseTrace
from chainrule.core import observe as core_observe


def masked_sqrt(x):
    return cnp.where(x > 0, cnp.sqrt(x), 0.0).sum()  # THE-SQRT-LINE


def test_masked_singular_branch_names_sqrt_the_line_and_the_rewrite():
    x = np.array([0.0, 4.0])
    with pytest.raises(FloatingPointError) as info, np.errstate(all="ignore"):
        with cr.debug_nans():
            cr.grad(masked_sqrt)(x)
    msg = str(info.value)
    assert "'sqrt'" in msg and "adjoint" in msg
    assert f"{__file__}:" in msg and "THE-SQRT-LINE" in msg  # the user's line of code
    assert "masked-singular-branch" in msg and "sqrt(where(x > 0, x, 1))" in msg
    # without debug_nans the same call silently gives NaN: that is what it is for
    with np.errstate(all="ignore"):
        assert np.isnan(cr.grad(masked_sqrt)(x)[0])


def test_the_double_where_rewrite_is_clean():
    def fixed(x):
        safe = cnp.where(x > 0, x, 1.0)
        return cnp.where(x > 0, cnp.sqrt(safe), 0.0).sum()
    with cr.debug_nans():
        g = cr.grad(fixed)(np.array([0.0, 4.0]))
    np.testing.assert_allclose(g, [0.0, 0.25])


def test_log_of_zero_in_a_forward_pass_names_log_and_the_line():
    with pytest.raises(FloatingPointError) as info, np.errstate(all="ignore"):
        with cr.debug_nans():
            cnp.log(np.array([1.0, 0.0]))  # THE-LOG-LINE
    msg = str(info.value)
    assert "value of 'log' became inf" in msg and "THE-LOG-LINE" in msg
    assert "1 zero(s)" in msg


def test_plain_numpy_on_traced_values_is_checked_too():
    @cr.debug_nans()
    def run():
        return cr.grad(lambda x: np.log(x - 1.0).sum())(np.array([1.0, 2.0]))
    with pytest.raises(FloatingPointError, match="'log'"), np.errstate(all="ignore"):
        run()


def test_a_tangent_that_becomes_nan_in_forward_mode():
    # sqrt at 0 has an infinite derivative: the tangent is inf while the value is fine
    with pytest.raises(FloatingPointError, match="tangent of 'sqrt'"), \
            np.errstate(all="ignore"):
        with cr.debug_nans():
            cr.jvp(cnp.sqrt, (np.array([0.0, 1.0]),), (np.ones(2),))


def test_inputs_that_are_already_infinite_are_not_blamed():
    with cr.debug_nans():
        out = cnp.exp(np.array([-np.inf, 0.0]))
    np.testing.assert_array_equal(out, [0.0, 1.0])


def test_nothing_is_left_installed_after_the_context():
    before = (Primitive.__call__, ReverseTrace.process, JVPTrace.process)
    with cr.debug_nans():
        with cr.debug_nans():  # nesting
            assert core_observe.active is not None
        assert Primitive.__call__ is not before[0]
    assert (Primitive.__call__, ReverseTrace.process, JVPTrace.process) == before
    assert core_observe.active is None
