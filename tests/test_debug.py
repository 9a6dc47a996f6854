"""cr.debug_nans(): the first operation producing NaN/inf is named, with the user's line."""

from __future__ import annotations

import inspect
import os

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
        # debug_nans is an observer: the engine's methods are never replaced
        assert (Primitive.__call__, ReverseTrace.process, JVPTrace.process) == before
        assert core_observe.active is not None
    assert (Primitive.__call__, ReverseTrace.process, JVPTrace.process) == before
    assert core_observe.active is None


# ---- debug_nans and explain point at the same line ----------------------------------------

def log_of_shifted(x):
    shifted = x - 1.0
    return cnp.log(shifted).sum()  # THE-SHARED-LINE


_SHARED_LINE = inspect.getsourcelines(log_of_shifted)[1] + 2


def test_debug_nans_and_explain_name_the_same_line_for_a_nan():
    # log(1 - 1) = log 0 = -inf: the value goes bad on THE-SHARED-LINE
    x = np.array([1.0, 2.0])
    with np.errstate(all="ignore"):
        ex = cr.explain(log_of_shifted, x)
    log_row = next(r for r in ex.rows if r.op == "log")
    src = log_row.source
    assert (os.path.basename(src.file), src.line) == ("test_debug.py", _SHARED_LINE)
    with pytest.raises(FloatingPointError) as info, np.errstate(all="ignore"):
        with cr.debug_nans():
            log_of_shifted(x)
    msg = str(info.value)
    assert "value of 'log' became inf" in msg
    assert f"{os.path.abspath(src.file)}:{src.line}: {src.code}" in msg


def sqrt_where(x):
    return cnp.where(x > 0, cnp.sqrt(x), 0.0).sum()


def test_a_bad_adjoint_names_the_line_explain_shows_for_its_operation():
    # √x at 0: ā = 0 · 1/(2√0) = 0 · ∞ = NaN in the backward pass, on sqrt_where's line
    x = np.array([0.0, 4.0])
    with np.errstate(all="ignore"):
        ex = cr.explain(sqrt_where, x)
    src = next(r for r in ex.rows if r.op == "sqrt").source
    assert src.line == inspect.getsourcelines(sqrt_where)[1] + 1
    with pytest.raises(FloatingPointError) as info, np.errstate(all="ignore"):
        with cr.debug_nans():
            cr.grad(sqrt_where)(x)
    assert f"'sqrt' was called at {os.path.abspath(src.file)}:{src.line}:" in str(info.value)


def test_explain_inside_debug_nans_stops_at_the_bad_adjoint():
    # both observers are active; the backward pass of explain is the engine's, so it is checked
    x = np.array([0.0, 4.0])
    with np.errstate(all="ignore"), cr.debug_nans():
        ex = cr.explain(sqrt_where, x)
        with pytest.raises(FloatingPointError, match="adjoint of argument 0 of 'sqrt'"):
            ex.backward()


def test_an_operator_on_traced_values_is_checked():
    # x / x at 0 is 0/0 = NaN, made by the `/` operator (which skips Primitive.__call__)
    with pytest.raises(FloatingPointError, match="value of 'divide' became NaN"), \
            np.errstate(all="ignore"):
        with cr.debug_nans():
            cr.grad(lambda x: (x / x).sum())(np.array([0.0, 1.0]))
