"""The graph of an explanation: DOT text, and SVG through graphviz's dot."""

from __future__ import annotations

import importlib
import re
import shutil

import pytest

import chainrule as cr
from chainrule.lecture import cost, make_data

from .cases import W0, W1, X, sincos

ex_mod = importlib.import_module("chainrule.explain")  # (cr.explain is the function)
graph_mod = importlib.import_module("chainrule.explain.graph")


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
    monkeypatch.setattr(graph_mod.shutil, "which", lambda name: None)
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
