"""cr.explain: the lecture's evaluation trace, tangent and adjoint tables, read as data.

Expected numbers come from the lecture's formulas, computed here by hand, never from the
code under test.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import re
import shutil
import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule.lecture import cost, make_data

ex_mod = importlib.import_module("chainrule.explain")  # (cr.explain is the function)

W0, W1, X = 0.5, 2.0, 1.5
A5 = W1 * X + W0  # the lecture's a5 = w1 x + w0

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sincos(w0, w1, x):
    a5 = w1 * x + w0
    return np.sin(a5), np.cos(a5)


_SINCOS_LINE = inspect.getsourcelines(sincos)[1] + 1  # the line of `a5 = w1 * x + w0`


def values(ex, attr):
    return [float(getattr(r, attr)) for r in ex.rows]


# ---- the lecture's tables -----------------------------------------------------------------

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


def test_source_names_the_users_line_and_expression():
    ex = cr.explain(sincos, W0, W1, X)
    src = ex["a5"].source
    assert os.path.basename(src.file) == "test_explain.py"
    assert src.line == _SINCOS_LINE and src.function == "sincos"
    assert src.code == "a5 = w1 * x + w0"
    if sys.version_info >= (3, 11):  # column positions of the instruction
        assert ex["a4"].source.segment == "w1 * x"
        assert src.segment == "w1 * x + w0"
    assert ex["a1"].source is None  # an argument


# ---- rendering ----------------------------------------------------------------------------

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
    exprs = [ex._expr(i, ex_mod._UNICODE) for i in range(len(ex.rows))]
    assert exprs == ["a1 = z", "a2 = -a1", "a3 = exp(a2)", "a4 = 1 + a3", "a5 = 1 / a4"]


def _parse_dot(text):
    assert text.startswith("digraph ") and text.rstrip().endswith("}")
    assert text.count("{") == text.count("}") == 1
    node_re = re.compile(r'^\s*(\w+) \[label="((?:[^"\\]|\\.)*)"(.*)\];$')
    edge_re = re.compile(r'^\s*(\w+) -> (\w+)( \[label="((?:[^"\\]|\\.)*)"\])?;$')
    nodes, edges = {}, []
    for line in text.splitlines()[1:-1]:
        if m := edge_re.match(line):
            edges.append((m.group(1), m.group(2), m.group(4)))
        elif m := node_re.match(line):
            nodes[m.group(1)] = (m.group(2), m.group(3))
        else:
            assert re.match(r"^\s*(rankdir|node|edge)\b.*;$", line), line
    return nodes, edges


def test_dot_names_every_operation_and_edge():
    X_, Y, W, V = make_data()
    ex = cr.explain(cost, X_, Y, W, V).backward()
    nodes, edges = _parse_dot(ex.to_dot())
    for i, r in enumerate(ex.rows, 1):
        label, attrs = nodes[f"n{i}"]
        if r.op == "input":
            assert label.startswith(f"a{i} = {r.label}") and "box" in attrs
        else:
            assert label.split("\\n")[0] == r.op  # the operation names its node
        assert "ā" in label  # adjoints on the labels
    # every edge runs from a defined row to one that uses it, labelled with the value
    for a, b, label in edges:
        assert a in nodes and b in nodes
        if b.startswith("n"):
            assert label == f"a{a[1:]}" and label in ex.rows[int(b[1:]) - 1].inputs
    want = {(f"n{i + 1}", f"n{int(j[1:])}") for i, r in enumerate(ex.rows) for j in r.inputs}
    assert {(b, a) for a, b, lab in edges if lab} == want
    assert ("n31", "out0", None) in edges and "peripheries=2" in nodes["n31"][1]
    assert "ā" not in ex.to_dot(adjoints=False)


def test_dot_parses_with_graphviz_when_installed():
    graphviz = pytest.importorskip("graphviz")
    src = graphviz.Source(cr.explain(sincos, W0, W1, X).to_dot())
    assert "digraph" in src.source


def test_svg_needs_dot_and_says_how_to_install_it(monkeypatch, tmp_path):
    ex = cr.explain(sincos, W0, W1, X)
    monkeypatch.setattr(ex_mod.shutil, "which", lambda name: None)
    with pytest.raises(ex_mod.GraphvizNotFoundError, match="apt-get install graphviz"):
        ex.to_svg()
    with pytest.raises(ex_mod.GraphvizNotFoundError):
        ex.save(tmp_path / "graph.svg")
    ex.save(tmp_path / "graph.dot")  # DOT text needs no graphviz
    assert (tmp_path / "graph.dot").read_text(encoding="utf-8") == ex.to_dot()


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot is not installed")
def test_svg_with_dot(tmp_path):
    ex = cr.explain(sincos, W0, W1, X)
    svg = ex.to_svg()
    assert "<svg" in svg and "multiply" in svg
    ex.save(tmp_path / "graph.svg")
    assert "<svg" in (tmp_path / "graph.svg").read_text(encoding="utf-8")


# ---- cost and memory ----------------------------------------------------------------------

def test_saved_bytes_are_the_sum_of_the_saved_arrays():
    C = np.full((4, 3), 0.5)  # a constant the records keep for their rules

    def f(x, W):
        return np.sum(np.tanh(x @ W) * C)

    rng = np.random.default_rng(0)
    x, W = rng.standard_normal((4, 5)), rng.standard_normal((5, 3))
    ex = cr.explain(f, x, W)
    rep = ex.saved()
    # every row's value, plus the constant C, each counted once
    want = sum(np.asarray(r.value).nbytes for r in ex.rows) + C.nbytes
    assert rep.total == want == sum(a.nbytes for a in rep.arrays)
    assert len(rep.arrays) == len(ex.rows) + 1
    const = [a for a in rep.arrays if a.name == "const"]
    assert len(const) == 1 and const[0].shape == (4, 3) and const[0].op == "multiply"
    assert {a.name for a in rep.arrays if a.name != "const"} == {r.name for r in ex.rows}
    assert str(want) in str(rep)


def test_cost_reports_omega_and_the_dominant_operations():
    X_, Y, W, V = make_data()
    ex = cr.explain(cost, X_, Y, W, V)
    rep = ex.cost(repeat=3, min_time=2e-4)
    assert rep.value_time > 0 and rep.value_and_grad_time > 0
    assert rep.omega == pytest.approx(rep.value_and_grad_time / rep.value_time)
    assert rep.bound == ex_mod.CHEAP_GRADIENT_BOUND and 4 <= rep.bound <= 5
    assert [o.name for o in rep.ops] == [r.name for r in ex.rows if r.op != "input"]
    assert all(o.forward > 0 and o.backward > 0 for o in rep.ops)
    top = rep.dominant(3)
    assert top[0].total >= top[1].total >= top[2].total
    text = rep.to_text(ascii=True)
    assert "omega" in text and top[0].name in text and text.isascii()


# ---- errors -------------------------------------------------------------------------------

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


def test_a_primitive_without_a_vjp_rule_still_explains_forward():
    cube = cr.primitive(lambda x: x ** 3)
    cube.defjvp(lambda t, ans, x: 3 * t * x ** 2)
    ex = cr.explain(lambda x: np.sin(cube(x)), 2.0)
    assert float(ex.forward().rows[-1].tangent) == pytest.approx(np.cos(8.0) * 12.0)
    with pytest.raises(cr.NoRuleError, match="reverse-mode"):
        ex.backward()


# ---- the docs page ------------------------------------------------------------------------

def test_docs_page_is_current():
    path = os.path.join(ROOT, "docs", "make_explain.py")
    spec = importlib.util.spec_from_file_location("make_explain", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    page = mod.render()
    with open(os.path.join(ROOT, "docs", "explain.md"), encoding="utf-8") as fh:
        assert fh.read() == page, "docs/explain.md is stale: run python docs/make_explain.py"
    # the lecture's numbers are on it
    assert f"{X * np.cos(A5):.6g}" in page and f"{-np.sin(A5):.6g}" in page
