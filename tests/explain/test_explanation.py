"""Explanation: the lecture's evaluation trace, tangent and adjoint tables, read as data.

Expected numbers come from the lecture's formulas, computed here by hand, never from the
code under test.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.lecture import cost, make_data

from .cases import A5, W0, W1, X, sincos, values


def test_evaluation_trace_is_the_lecture_table():
    ex = cr.explain(sincos, W0, W1, X)
    assert [r.name for r in ex.rows] == [f"a{i}" for i in range(1, 8)]
    assert [r.op for r in ex.rows] == ["input", "input", "input", "multiply", "add", "sin",
                                       "cos"]
    assert [r.label for r in ex.rows[:3]] == ["w0", "w1", "x"]
    # a4 = a2 × a3, a5 = a4 + a1, a6 = sin(a5), a7 = cos(a5)
    assert [r.inputs for r in ex.rows[3:]] == [("a2", "a3"), ("a4", "a1"), ("a5",), ("a5",)]
    expected = [W0, W1, X, W1 * X, A5, np.sin(A5), np.cos(A5)]
    np.testing.assert_allclose(values(ex, "value"), expected, rtol=1e-15)
    assert ex["a6"].outputs == ("out[0]",) and ex["a7"].outputs == ("out[1]",)
    assert all(r.tangent is None and r.adjoint is None for r in ex.rows)


def test_forward_table_seeded_at_w1():
    ex = cr.explain(sincos, W0, W1, X).forward(wrt="w1")
    # ȧ1 = 0, ȧ2 = 1, ȧ3 = 0, ȧ4 = a2 ȧ3 + ȧ2 a3 = x, ȧ5 = ȧ4 + ȧ1,
    # ȧ6 = ȧ5 cos(a5) = x cos(a5) = ∂y1/∂w1, ȧ7 = -ȧ5 sin(a5) = -x sin(a5) = ∂y2/∂w1
    t4 = W1 * 0.0 + 1.0 * X
    expected = [0.0, 1.0, 0.0, t4, t4 + 0.0, X * np.cos(A5), -X * np.sin(A5)]
    np.testing.assert_allclose(values(ex, "tangent"), expected, rtol=1e-14, atol=0)
    # by position, the same
    np.testing.assert_allclose(values(cr.explain(sincos, W0, W1, X).forward(wrt=1), "tangent"),
                               expected, rtol=1e-14)
    # ȧ4 is the sum of its inputs' shares: a2·ȧ3 (zero: a3 is not seeded) + ȧ2·a3
    (n2, s2), (n3, s3) = ex["a4"].tangent_terms
    assert (n2, n3) == ("a2", "a3") and float(s2) == X and s3 is None


def test_reverse_table_seeded_at_y2():
    ex = cr.explain(sincos, W0, W1, X).backward(output=1)
    b7, b6 = 1.0, 0.0
    b5 = -b7 * np.sin(A5) + b6 * np.cos(A5)  # the lecture's ā5
    b4 = b5
    b3 = b4 * W1  # ā3 = ā4 a2
    b2 = b4 * X  # ā2 = ā4 a3
    b1 = b5
    np.testing.assert_allclose(values(ex, "adjoint"), [b1, b2, b3, b4, b5, b6, b7],
                               rtol=1e-14, atol=0)


def test_reverse_table_seeded_at_y1_and_a_cotangent():
    ex = cr.explain(sincos, W0, W1, X).backward(output=0, cotangent=2.0)
    b5 = 2.0 * np.cos(A5)
    np.testing.assert_allclose(values(ex, "adjoint"),
                               [b5, b5 * X, b5 * W1, b5, b5, 2.0, 0.0], rtol=1e-14)


def test_both_columns_at_once():
    ex = cr.explain(sincos, W0, W1, X).forward(wrt="w1").backward(output=1)
    assert float(ex["a6"].tangent) == pytest.approx(X * np.cos(A5), rel=1e-14)
    assert float(ex["a5"].adjoint) == pytest.approx(-np.sin(A5), rel=1e-14)
    # and in the other order
    ex2 = cr.explain(sincos, W0, W1, X).backward(output=1).forward(wrt="w1")
    assert values(ex2, "tangent") == values(ex, "tangent")
    assert values(ex2, "adjoint") == values(ex, "adjoint")


def test_fan_out_adds_the_contributions():
    # a5 feeds both a6 = sin(a5) and a7 = cos(a5): ā5 = ā6 cos(a5) - ā7 sin(a5)
    ex = cr.explain(sincos, W0, W1, X).backward(output=1)
    terms = ex["a5"].adjoint_terms
    assert [who for who, _ in terms] == ["a6", "a7"]
    assert terms[0][1] is None  # ā6 = 0: a symbolic zero, no work
    assert float(terms[1][1]) == pytest.approx(-np.sin(A5), rel=1e-14)

    # a value used three times: b = 2x; y = b*b + exp(b); ∂y/∂b = 2b + e^b
    def f(x):
        b = 2.0 * x
        return b * b + np.exp(b)

    x = 0.3
    b = 2.0 * x
    ex = cr.explain(f, x).backward()
    row = ex["a2"]
    contributions = [float(c) for _, c in row.adjoint_terms]
    assert [who for who, _ in row.adjoint_terms] == ["a3", "a3", "a4"]
    np.testing.assert_allclose(contributions, [b, b, np.exp(b)], rtol=1e-14)
    assert float(row.adjoint) == pytest.approx(sum(contributions), rel=1e-15)
    assert float(row.adjoint) == pytest.approx(2 * b + np.exp(b), rel=1e-14)
    assert float(ex["a1"].adjoint) == pytest.approx(2 * (2 * b + np.exp(b)), rel=1e-14)


def test_explained_gradient_equals_grad_on_the_iris_cost():
    X_, Y, W, V = make_data()
    ex = cr.explain(cost, X_, Y, W, V).backward()
    got = ex.gradient()
    want = cr.grad(cost, argnums=(0, 1, 2, 3))(X_, Y, W, V)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15)
    assert float(ex.rows[-1].value) == pytest.approx(float(cost(X_, Y, W, V)), rel=1e-15)


def test_forward_column_equals_jvp_for_pytrees():
    def f(params, x, n):
        h = np.tanh(x @ params["W"] + params["b"])
        return np.sum(h ** n)

    rng = np.random.default_rng(1)
    params = {"W": rng.standard_normal((3, 2)), "b": rng.standard_normal(2)}
    x = rng.standard_normal((4, 3))
    tW, tb = rng.standard_normal((3, 2)), rng.standard_normal(2)
    ex = cr.explain(f, params, x, 2)
    # arguments first, named by parameter name and pytree path; the int n is a constant
    assert [r.label for r in ex.rows if r.op == "input"] == ['params["W"]', 'params["b"]', "x"]
    assert ex["a4"].inputs == ("a3", "a1")
    fw = ex.forward(wrt="params", tangent={"W": tW, "b": tb})
    _, want = cr.jvp(lambda p: f(p, x, 2), (params,), ({"W": tW, "b": tb},))
    assert float(fw.rows[-1].tangent) == pytest.approx(float(want), rel=1e-12)
    np.testing.assert_array_equal(fw['params["b"]'].tangent, tb)
    np.testing.assert_array_equal(fw["x"].tangent, np.zeros_like(x))
    # a leaf by its label, default tangent ones
    fb = ex.forward(wrt='params["b"]')
    _, want_b = cr.jvp(lambda b: f({"W": params["W"], "b": b}, x, 2), (params["b"],),
                       (np.ones(2),))
    assert float(fb.rows[-1].tangent) == pytest.approx(float(want_b), rel=1e-12)


def test_misuse_is_explained():
    ex = cr.explain(sincos, W0, W1, X)
    with pytest.raises(ValueError, match="w0.*w1.*x"):
        ex.forward(wrt="w2")
    with pytest.raises(ValueError, match="3 arguments"):
        ex.forward(wrt=5)
    with pytest.raises(ValueError, match="2 outputs"):
        ex.backward(output=2)
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        ex.backward(output=0, cotangent=np.ones(2))
    with pytest.raises(ValueError, match="no adjoints yet"):
        ex.gradient()
    ints = cr.explain(lambda n, x: x * n, 3, 2.0)
    assert [r.label for r in ints.rows if r.op == "input"] == ["x"]
    with pytest.raises(TypeError, match="no real floating entries"):
        ints.forward(wrt="n")
    with pytest.raises(TypeError, match="outside"):
        cr.grad(lambda x: cr.explain(np.sin, x).rows[-1].value)(1.0)
