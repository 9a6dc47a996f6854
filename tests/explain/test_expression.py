"""compile_expression: the command line's NumPy-syntax expressions, checked then compiled."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.explain import ExpressionError, compile_expression


def test_variables_in_order_of_appearance_and_the_lectures_value():
    f, names = compile_expression("sin(w1*x + w0)")
    assert names == ["w1", "x", "w0"]
    # sin(2·1.5 + 0.5) = sin 3.5
    assert float(f(2.0, 1.5, 0.5)) == pytest.approx(np.sin(3.5), rel=1e-15)


def test_given_names_fix_the_parameters_and_np_calls_work():
    f, names = compile_expression("np.sum(x**2) * y + np.linalg.norm(x)", names=["y", "x"])
    assert names == ["y", "x"]
    x = np.array([3.0, 4.0])
    # Σx² · y + ‖x‖ = 25 · 2 + 5
    assert float(f(2.0, x)) == pytest.approx(55.0, rel=1e-15)
    with pytest.raises(ExpressionError, match="'z'.*--at z="):
        compile_expression("x + z", names=["x"])


def test_the_expression_is_its_own_source_line():
    f, _ = compile_expression("exp(x) + x")
    ex = cr.explain(f, 0.5)
    assert [str(r.source) for r in ex.rows if r.op != "input"] == ["exp(x)", "exp(x) + x"]


@pytest.mark.parametrize("expr", ["__import__('os')", "x.real", "open('f')", "lambda: 1",
                                  "np.load('f')", "'text'", "x if x else x"])
def test_anything_but_numpy_arithmetic_is_refused(expr):
    with pytest.raises(ExpressionError):
        compile_expression(expr)
