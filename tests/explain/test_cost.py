"""What a gradient costs (ω, per-operation work) and what its backward pass keeps alive."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import chainrule as cr
from chainrule.lecture import cost, make_data

ex_mod = importlib.import_module("chainrule.explain")  # (cr.explain is the function)


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
