"""Text and HTML renderings of an explanation."""

from __future__ import annotations

import numpy as np

import chainrule as cr
from chainrule.explain.formatting import UNICODE

from .cases import A5, W0, W1, X, sincos


def test_text_unicode_and_ascii():
    ex = cr.explain(sincos, W0, W1, X).forward(wrt="w1").backward(output=1)
    text = ex.to_text(ascii=False)
    assert "ȧ" in text and "ā" in text and "a4 = a2 × a3" not in text  # table cells
    assert "a2 × a3" in text and "sin(a5)" in text
    assert f"{-np.sin(A5):.6g}" in text and f"{X * np.cos(A5):.6g}" in text
    assert "ā5 = ā6·∂a6/∂a5 + ā7·∂a7/∂a5" in text
    plain = ex.to_text(ascii=True)
    assert plain.isascii() and "bar_a5 = bar_a6*da6/da5 + bar_a7*da7/da5" in plain
    html = ex._repr_html_()
    assert html.count("<tr>") == len(ex.rows) + 1 and "ā" in html
    # an output that does not depend on the input: no row, zero adjoints
    const = cr.explain(lambda a: (a * 2.0, np.float64(7.0)), 3.0).backward(output=1)
    assert const.outputs[1][1] is None and float(const["a1"].adjoint) == 0.0
    assert "out[1] = 7 (constant)" in const.to_dot()


def test_large_arrays_are_summarised():
    x = np.arange(12.0).reshape(3, 4)
    ex = cr.explain(lambda x: np.sum(x * x), x)
    text = ex.to_text(ascii=True)
    assert "float64[3,4] mean 5.5 in [0, 11]" in text
    assert "506" in text  # Σ x² = 506, a scalar shown as a number


def test_constants_are_shown_by_value():
    ex = cr.explain(lambda z: 1 / (1 + np.exp(-z)), 0.0)
    exprs = [ex._expr(i, UNICODE) for i in range(len(ex.rows))]
    assert exprs == ["a1 = z", "a2 = -a1", "a3 = exp(a2)", "a4 = 1 + a3", "a5 = 1 / a4"]
