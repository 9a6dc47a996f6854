"""make_program, cr.compile and cr.codegen on the lecture's examples and on control flow."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import lecture
from chainrule.staging import (
    GuardError,
    RetraceWarning,
    SideEffectWarning,
    StagingError,
    make_program,
)


def sincos(w0, w1, x):
    a5 = w1 * x + w0
    return np.sin(a5), np.cos(a5)


ARGS = (np.float64(0.5), np.float64(2.0), np.float64(1.5))


def test_program_of_the_lecture_example_reads_like_its_table():
    # a4 = a2 × a3, a5 = a4 + a1, a6 = sin(a5), a7 = cos(a5)
    p = make_program(sincos)(*ARGS)
    text = str(p)
    for line in ("a1 = w0", "a4 = a2 × a3", "a5 = a4 + a1", "a6 = sin(a5)", "a7 = cos(a5)"):
        assert line in text
    assert len(p.eqns) == 4 and [v.name for v in p.invars] == ["w0", "w1", "x"]
    y1, y2 = p(*ARGS)
    assert y1 == np.sin(2.0 * 1.5 + 0.5) and y2 == np.cos(2.0 * 1.5 + 0.5)


def test_grad_program_records_the_backward_pass_with_the_rules_named():
    p = make_program(lambda w0, w1, x: sincos(w0, w1, x)[1])(*ARGS)
    g = p.grad_program(argnums=(0, 1))
    rules = [e.rule for e in g.eqns if e.rule]
    assert any(r.startswith("VJP of cos") for r in rules)
    assert any(r.startswith("VJP of multiply") for r in rules)
    value, (d0, d1) = g(*ARGS)
    # ā5 = -sin(a5), ā1 = ā5, ā2 = ā5 · x
    assert d0 == -np.sin(3.5) and d1 == -np.sin(3.5) * 1.5


def test_jvp_program_has_the_tangent_lines_from_jvp_rules():
    p = make_program(lambda w0, w1, x: sincos(w0, w1, x)[0])(*ARGS)
    j = p.jvp_program()
    assert any(e.rule.startswith("JVP of sin") for e in j.eqns)
    y, t = j(*ARGS, 0.0 * ARGS[0] + 1, np.float64(0), np.float64(0))
    assert t == np.cos(3.5)  # ∂/∂w0 sin(w1 x + w0) = cos(a5)


def test_compiled_value_and_grad_of_the_iris_cost_equals_the_lecture_gradients():
    X, Y, W, V = lecture.make_data()
    vg = cr.compile(cr.value_and_grad(lecture.cost, argnums=(2, 3)))
    value, (dW, dV) = vg(X, Y, W, V)
    hW, hV = lecture.gradients(X, Y, W, V)
    assert value == lecture.cost(X, Y, W, V)
    np.testing.assert_allclose(dW, hW, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dV, hV, rtol=1e-12, atol=1e-14)
    eager = cr.value_and_grad(lecture.cost, argnums=(2, 3))(X, Y, W, V)
    assert all(np.array_equal(a, b) for a, b in zip(cr.tree.leaves((value, dW, dV)),
                                                     cr.tree.leaves(eager)))


def test_compiled_hessian_equals_eager():
    def f(x):
        return np.sum(np.sin(x) * x ** 2)

    x = np.linspace(-1, 1, 4)
    np.testing.assert_array_equal(cr.compile(cr.hessian(f))(x), cr.hessian(f)(x))


def test_new_shapes_retrace_and_old_ones_replay():
    c = cr.compile(lambda x: np.sum(np.exp(x)))
    c(np.ones(3))
    c(np.ones(3))
    assert c.stats["traces"] == 1
    assert c(np.ones(4)) == 4 * np.e  # Σ e^1 over 4 entries
    assert c.stats["traces"] == 2
    c(np.ones(3, dtype=np.float32))
    assert c.stats["traces"] == 3


def branchy(x):
    if np.sum(x) > 0:
        return x * 2.0
    return -x


def test_a_different_branch_fails_its_guard_and_retraces():
    c = cr.compile(branchy)
    np.testing.assert_array_equal(c(np.ones(3)), 2.0 * np.ones(3))
    np.testing.assert_array_equal(c(-np.ones(3)), np.ones(3))  # -x on the other branch
    assert c.stats["traces"] == 2
    np.testing.assert_array_equal(c(np.full(3, 5.0)), np.full(3, 10.0))
    assert c.stats["traces"] == 2  # both variants are cached


def test_a_program_evaluated_on_another_branch_raises_guard_error():
    p = make_program(branchy)(np.ones(3))
    assert len(p.guards) == 1
    with pytest.raises(GuardError, match="different branch"):
        p(-np.ones(3))


def test_a_function_that_keeps_retracing_warns():
    c = cr.compile(lambda x, k: x * k, warn_after=3, max_traces=2)
    with pytest.warns(RetraceWarning, match="traced 4 times"):
        for k in range(4):
            assert c(np.ones(2), float(k))[0] == k
    assert sum(len(v) for v in c.cache.values()) == 2  # bounded


def test_converting_a_traced_value_to_a_float_is_a_staging_error_that_says_what_to_do():
    def f(x):
        return x * float(x[0])

    with pytest.raises(StagingError, match="static_argnums"):
        cr.compile(f)(np.ones(2))


def test_printing_a_traced_value_warns_that_it_happens_only_while_tracing():
    def f(x):
        print(x)
        return x + 1

    c = cr.compile(f)
    with pytest.warns(SideEffectWarning, match="not when the compiled program is replayed"):
        c(np.ones(2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c(np.ones(2))


def test_an_escaped_traced_value_is_a_staging_error():
    kept = []

    def f(x):
        kept.append(x)
        return x + 1

    cr.compile(f)(np.ones(2))
    with pytest.raises(StagingError, match="escaped"):
        kept[0] + 1


def test_grad_of_a_compiled_function_runs_it_eagerly():
    c = cr.compile(lambda x: np.sum(np.sin(x)))
    x = np.linspace(0, 1, 3)
    np.testing.assert_array_equal(cr.grad(c)(x), np.cos(x))


def test_each_optimisation_pass_can_be_switched_off():
    X, Y, W, V = lecture.make_data()
    f = cr.grad(lecture.cost, argnums=(2, 3))
    full = cr.compile(f).program(X, Y, W, V)
    none = cr.compile(f, optimize=False).program(X, Y, W, V)
    assert len(none.eqns) == full.stats["equations_traced"]
    # the lecture computes softmax(U) and drops it: dead code; max(U, 1) twice: CSE
    assert full.stats["dce"] >= 7 and full.stats["cse"] >= 1
    for p in ("dce", "cse", "fit"):
        only = cr.compile(f, optimize=(p,)).program(X, Y, W, V)
        assert only.stats[p] == full.stats[p] or p == "dce"
        assert len(only.eqns) > len(full.eqns)
    a = cr.compile(f)(X, Y, W, V)
    b = cr.compile(f, optimize=False)(X, Y, W, V)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_symbolic_ones_and_zeros_are_resolved():
    # ā = 1.0 × cos(x): the seed of grad is the constant 1, so the product is cos(x) itself
    f = cr.grad(lambda x: np.sin(x))
    p = cr.compile(f).program(np.float64(0.3))
    assert p.stats["zeros"] >= 1
    assert [e.prim.name for e in p.eqns] == ["cos"]


def test_codegen_of_the_lecture_gradient_execs_to_the_same_gradients():
    X, Y, W, V = lecture.make_data()
    src = cr.codegen(cr.grad(lecture.cost, argnums=(2, 3)), X, Y, W, V, name="gradients")
    assert "def gradients(X, Y, W, V):" in src
    assert "# VJP of matmul" in src and "np.exp(" in src
    ns: dict = {}
    exec(src, ns)
    dW, dV = ns["gradients"](X, Y, W, V)
    eW, eV = cr.grad(lecture.cost, argnums=(2, 3))(X, Y, W, V)
    assert np.array_equal(dW, eW) and np.array_equal(dV, eV)


def test_codegen_of_the_iris_gradient_has_a_numpy_call_count_near_the_lecture():
    # the lecture's hand-written gradients, traced, is its own count of NumPy calls
    X, Y, W, V = lecture.make_data()
    hand = len(make_program(lecture.gradients)(X, Y, W, V).eqns)
    generated = len(cr.compile(cr.grad(lecture.cost, argnums=(2, 3))).program(X, Y, W, V).eqns)
    assert hand == 25
    # measured: 33 = 25 + the logsumexp max-shift's adjoint path (6) + 2 more lines of the
    # logistic's VJP (1/(1+e^-z) is differentiated as a division, not as σ(1-σ))
    assert generated <= hand + 8


def test_chainrule_codegen_prints_the_gradient_source_of_an_expression(capsys):
    from chainrule.cli import main

    assert main(["codegen", "sin(w1*x + w0)", "--at", "w0=0.5", "w1=2", "x=1.5"]) == 0
    src = capsys.readouterr().out
    assert "def value_and_grad(w0, w1, x):" in src and "# VJP of sin" in src
    ns: dict = {}
    exec(src, ns)
    value, d0, d1, dx = ns["value_and_grad"](np.float64(0.5), np.float64(2.0), np.float64(1.5))
    # y = sin(a5), a5 = w1 x + w0: ∂y/∂w0 = cos(a5), ∂y/∂w1 = cos(a5)·x, ∂y/∂x = cos(a5)·w1
    assert value == np.sin(3.5) and d0 == np.cos(3.5)
    assert d1 == np.cos(3.5) * 1.5 and dx == np.cos(3.5) * 2.0


def test_chainrule_codegen_of_a_non_scalar_expression_says_how_to_fix_it(capsys):
    from chainrule.cli import main

    assert main(["codegen", "sin(x)", "--at", "x=[1,2]"]) == 2
    assert "must return a real scalar" in capsys.readouterr().err


def test_the_iris_demo_trains_the_same_weights_compiled():
    from chainrule.iris_demo import init_params, train

    X, Y, _, _ = lecture.make_data(N=30, D=3, M=4, C=3, seed=1)
    p = init_params(3, 4, 3, seed=0)
    eager = train(p, X, Y, max_iters=25, progress=False)
    fast = train(p, X, Y, max_iters=25, progress=False, compiled=True)
    assert np.array_equal(eager.params["W"], fast.params["W"])
    assert np.array_equal(eager.params["V"], fast.params["V"])
    assert eager.history["loss"] == fast.history["loss"]


def test_a_branch_on_argmax_is_guarded():
    def f(x):
        if np.argmax(x) == 0:
            return x * 2.0
        return x * 3.0

    c = cr.compile(f)
    np.testing.assert_array_equal(c(np.array([3.0, 1.0])), [6.0, 2.0])
    np.testing.assert_array_equal(c(np.array([1.0, 3.0])), [3.0, 9.0])  # other branch: ×3
    assert c.stats["traces"] == 2


def test_a_comparison_used_as_data_is_recomputed_not_frozen():
    # Σ where(x > 0, x, 0): the mask is an equation of the program, so no retrace is needed
    c = cr.compile(lambda x: np.where(x > 0, x, 0.0).sum())
    assert c(np.array([1.0, -1.0])) == 1.0
    assert c(np.array([-1.0, 2.0])) == 2.0
    assert c.stats["traces"] == 1
    g = cr.compile(cr.grad(lambda x: np.maximum(x, 0).sum()))  # relu' = [x > 0]
    np.testing.assert_array_equal(g(np.array([1.0, -1.0])), [1.0, 0.0])
    np.testing.assert_array_equal(g(np.array([-1.0, 1.0])), [0.0, 1.0])


def test_aux_and_stop_gradient_values_follow_the_inputs_on_replay():
    def loss(x):
        y = np.sin(x)
        return np.sum(y), {"y": y}

    c = cr.compile(cr.value_and_grad(loss, has_aux=True))
    c(np.ones(3))
    (value, aux), g = c(np.zeros(3))
    np.testing.assert_array_equal(aux["y"], np.zeros(3))  # sin(0), not the traced sin(1)
    np.testing.assert_array_equal(g, np.ones(3))  # cos(0)
    s = cr.compile(cr.grad(lambda x: np.sum(x * cr.stop_gradient(x))))
    s(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(s(np.array([3.0, 4.0])), [3.0, 4.0])  # ∂/∂x x·c = c = x


def test_compiled_jacfwd_equals_eager():
    def f(x):
        return np.sin(x) * x

    x = np.linspace(0.1, 1.0, 3)
    np.testing.assert_array_equal(cr.compile(cr.jacfwd(f))(x), cr.jacfwd(f)(x))


def test_explain_renders_a_program_as_the_same_evaluation_trace():
    p = make_program(lambda w0, w1, x: np.sin(w1 * x + w0))(*ARGS)
    ex = cr.explain(p, *ARGS)
    assert [r.name for r in ex.rows] == ["a1", "a2", "a3", "a4", "a5", "a6"]
    assert ex.rows[5].value == np.sin(3.5)
    assert "w0" in str(ex)
