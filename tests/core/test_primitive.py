"""Primitive.defvjp: chainrule's rule form, and autograd's maker form refused with the rewrite."""

import numpy as np
import pytest

import chainrule as cr


def _sine():
    @cr.primitive
    def sine(x):
        return np.sin(x)
    return sine


def test_an_autograd_style_maker_is_refused_at_defvjp_with_the_g_ans_args_form():
    sine = _sine()
    with pytest.raises(TypeError) as e:
        sine.defvjp(lambda ans, x: lambda g: g * np.cos(x))
    msg = str(e.value)
    assert "HIPS autograd's VJP maker" in msg
    assert "sine.defvjp(lambda g, ans, x: ...)" in msg
    assert "lambda g, ans, x: g * cos(x)" in msg


def test_a_maker_with_other_names_is_refused_at_its_first_use():
    sine = _sine()

    def make_vjp(out, x):  # autograd's form, with the output not called "ans"
        return lambda g: g * np.cos(x)

    sine.defvjp(make_vjp)  # nothing to see yet at definition
    with pytest.raises(TypeError, match=r"sine.defvjp\(lambda g, ans, x: \.\.\.\)"):
        cr.grad(sine)(1.0)


def test_a_two_argument_maker_names_both_inputs():
    @cr.primitive
    def mul(x, y):
        return x * y

    with pytest.raises(TypeError, match=r"mul.defvjp\(lambda g, ans, x, y: \.\.\.\)"):
        mul.defvjp(lambda ans, x, y: lambda g: g * y, None)


def test_chainrule_rules_are_accepted_and_differentiate():
    sine = _sine()
    sine.defvjp(lambda g, ans, x: g * np.cos(x))  # ā_x = ā cos x
    assert cr.grad(sine)(1.0) == pytest.approx(np.cos(1.0))


def test_a_rule_that_fails_for_another_reason_keeps_its_own_error():
    sine = _sine()
    sine.defvjp(lambda g, ans, x: g * undefined_name)  # noqa: F821
    with pytest.raises(NameError):
        cr.grad(sine)(1.0)


def test_autograds_function_forms_defvjp_and_defjvp_set_the_rules():
    sine = _sine()
    assert cr.defvjp(sine, lambda g, ans, x: g * np.cos(x)) is sine
    cr.defjvp(sine, lambda t, ans, x: t * np.cos(x))
    # d/dx sin x = cos x, in both modes
    assert cr.grad(sine)(1.0) == pytest.approx(np.cos(1.0))
    assert cr.jvp(sine, (1.0,), (1.0,))[1] == pytest.approx(np.cos(1.0))


def test_the_function_form_refuses_a_maker_too_and_a_plain_function():
    with pytest.raises(TypeError, match=r"sine.defvjp\(lambda g, ans, x: \.\.\.\)"):
        cr.defvjp(_sine(), lambda ans, x: lambda g: g * np.cos(x))
    with pytest.raises(TypeError, match="not a chainrule primitive"):
        cr.defvjp(np.sin, lambda g, ans, x: g * np.cos(x))
