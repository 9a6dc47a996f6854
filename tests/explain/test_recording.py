"""Recording: the user's line of every operation, operations without a VJP rule, and the
engine's own walks (push_forward, ReverseTrace.backward) behind the ȧ and ā columns."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

import chainrule as cr

from .cases import SINCOS_LINE, W0, W1, X, sincos


def test_source_names_the_users_line_and_expression():
    ex = cr.explain(sincos, W0, W1, X)
    src = ex["a5"].source
    assert os.path.basename(src.file) == "cases.py"  # where sincos is defined
    assert src.line == SINCOS_LINE and src.function == "sincos"
    assert src.code == "a5 = w1 * x + w0"
    if sys.version_info >= (3, 11):  # column positions of the instruction
        assert ex["a4"].source.segment == "w1 * x"
        assert src.segment == "w1 * x + w0"
    assert ex["a1"].source is None  # an argument


def test_a_primitive_without_a_vjp_rule_still_explains_forward():
    cube = cr.primitive(lambda x: x ** 3)
    cube.defjvp(lambda t, ans, x: 3 * t * x ** 2)
    ex = cr.explain(lambda x: np.sin(cube(x)), 2.0)
    assert float(ex.forward().rows[-1].tangent) == pytest.approx(np.cos(8.0) * 12.0)
    with pytest.raises(cr.NoRuleError, match="reverse-mode"):
        ex.backward()


# ---- the ȧ and ā columns are the engine's walks, watched ----------------------------------

def test_forward_and_backward_are_the_engines_walks(monkeypatch):
    from chainrule.core import ReverseTrace
    from chainrule.core import forward as core_forward

    calls = {"push_forward": 0, "backward": 0, "jvp": 0, "vjp": 0}
    real_push, real_backward = core_forward.push_forward, ReverseTrace.backward

    def push_forward(*a, **k):
        calls["push_forward"] += 1
        return real_push(*a, **k)

    def backward(*a, **k):
        calls["backward"] += 1
        return real_backward(*a, **k)

    monkeypatch.setattr(core_forward, "push_forward", push_forward)
    monkeypatch.setattr(ReverseTrace, "backward", backward)
    square = cr.primitive(lambda x: x * x)

    def jvp(t, ans, x):
        calls["jvp"] += 1
        return 2 * x * t

    def vjp(g, ans, x):
        calls["vjp"] += 1
        return 2 * x * g

    square.defjvp(jvp)
    square.defvjp(vjp)
    ex = cr.explain(lambda x: np.sin(square(x)), 3.0)
    fw = ex.forward()
    bw = ex.backward()
    # one engine walk each, and each rule ran once: there is no second walk in explain
    assert calls == {"push_forward": 1, "backward": 1, "jvp": 1, "vjp": 1}
    # d/dx sin(x²) = 2x cos(x²) = 6 cos 9, both ways
    assert float(fw.rows[-1].tangent) == pytest.approx(6 * np.cos(9.0), rel=1e-14)
    assert float(bw["x"].adjoint) == pytest.approx(6 * np.cos(9.0), rel=1e-14)
    # every row keeps its adjoint, not only the input's: ā2 (of x²) = cos(x²)
    assert float(bw["a2"].adjoint) == pytest.approx(np.cos(9.0), rel=1e-14)


def test_a_recorded_tracer_cannot_be_used_again():
    kept = []

    def f(x):
        kept.append(x * 2.0)
        return np.sin(kept[-1])

    cr.explain(f, 1.0)
    with pytest.raises(TypeError, match="escaped"):
        kept[0] + 1.0


def test_every_operator_and_function_is_seen_once_by_an_observer():
    from chainrule.core import observe

    class Seen(observe.Observer):
        def __init__(self):
            self.names = []

        def applied(self, prim, args, kwargs, out):
            self.names.append(prim.name)

    seen = Seen()
    with observe.watching(seen):
        ex = cr.explain(lambda x: -(2.0 * x - x / 3.0) ** 2 + np.exp(x) @ x, np.ones(2))
    # operators (which skip Primitive.__call__) report as NumPy functions do
    ops = [r.op for r in ex.rows if r.op != "input"]
    assert seen.names == ops == ["multiply", "divide", "subtract", "power", "negative", "exp",
                                 "matmul", "add"]
    assert all(r.source is not None for r in ex.rows if r.op != "input")
    assert observe.active is None


def test_a_rule_that_returns_a_symbolic_zero_keeps_every_rows_adjoint():
    # identity with a VJP of None (a symbolic zero): y = blocked(sin(x)), ā3 = 1 (the seed),
    # the contribution to ā2 is None, so ā2 = ā1 = 0
    blocked = cr.primitive(lambda x: x * 1.0)
    blocked.defvjp(lambda g, ans, x: None)
    ex = cr.explain(lambda x: blocked(np.sin(x)), 0.3).backward()
    assert [float(r.adjoint) for r in ex.rows] == [0.0, 0.0, 1.0]
    assert ex["a3"].adjoint_terms == (("seed", 1.0),)
    assert ex["a2"].adjoint_terms == (("a3", None),)
