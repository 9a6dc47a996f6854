"""Primitives, trace levels and derivative fitting (chainrule.core.primitive/forward/fit)."""

import numpy as np

import chainrule as cr
from chainrule import ops
from chainrule.core import JVPTrace, JVPTracer, ReverseTrace, ReverseTracer, Tracer


def test_inner_transforms_get_higher_levels():
    outer = ReverseTrace()
    inner = JVPTrace()
    assert inner.level > outer.level


def test_the_highest_level_processes_and_lower_levels_see_the_primitive_next():
    outer = ReverseTrace()
    inner = JVPTrace()
    a = outer.leaf(np.array(2.0))
    b = inner.leaf(np.array(3.0), np.array(1.0))
    c = ops.multiply(a, b)
    # the inner (forward) level wraps the result; its value is a record of the outer level
    assert isinstance(c, JVPTracer) and c._trace is inner
    assert isinstance(c._value, ReverseTracer) and c._value._trace is outer
    np.testing.assert_allclose(c._value._value, 6.0)
    # ∂(a b)/∂b · ḃ = a: the tangent is a's tracer at the outer level, still differentiable
    assert isinstance(c._tangent, ReverseTracer)
    np.testing.assert_allclose(c._tangent._value, 2.0)


def test_forward_trace_sums_the_shares_of_every_argument():
    trace = JVPTrace()
    x = trace.leaf(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    y = trace.leaf(np.array([3.0, 4.0]), np.array([0.0, 1.0]))
    z = ops.multiply(x, y)
    # ż = ẋ y + x ẏ
    np.testing.assert_allclose(z._tangent, [3.0, 2.0])
    np.testing.assert_allclose(z._value, [3.0, 8.0])


def test_arguments_without_a_tangent_do_no_forward_work():
    log = []
    p = cr.primitive(lambda x, y: x * y, name="logged")
    p.defjvp(lambda t, ans, x, y: log.append(0) or t * y,
             lambda t, ans, x, y: log.append(1) or x * t)
    trace = JVPTrace()
    x = trace.leaf(np.array(2.0), np.array(1.0))
    out = p(x, np.array(5.0))
    assert log == [0]
    np.testing.assert_allclose(out._tangent, 5.0)


def test_a_nondiff_primitive_returns_plain_values_at_every_level():
    argmax = cr.Primitive(lambda x: np.argmax(x), "my_argmax", nondiff=True)
    seen = []

    def f(x):
        i = argmax(x)
        seen.append(i)
        return x[i] * 2.0

    g = cr.grad(cr.grad(lambda s: f(s * np.array([1.0, 3.0, 2.0]))))(1.0)
    assert all(not isinstance(i, Tracer) for i in seen)
    np.testing.assert_allclose(g, 0.0)  # f is linear in s: second derivative 0
    np.testing.assert_allclose(cr.grad(lambda s: f(s * np.array([1.0, 3.0, 2.0])))(1.0), 6.0)


def test_rule_results_are_summed_back_to_the_argument_shape():
    # A rule may return ā broadcast against its argument: the machine sums it back.
    bias_add = cr.primitive(lambda x, b: x + b, name="bias_add")
    bias_add.defvjp(lambda g, ans, x, b: g, lambda g, ans, x, b: g)
    bias_add.defjvp(lambda t, ans, x, b: t, lambda t, ans, x, b: t)
    x = np.arange(6.0).reshape(2, 3)
    b = np.array([[0.5, -0.5, 1.0]])
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    gx, gb = cr.grad(lambda x, b: np.sum(w * bias_add(x, b)), argnums=(0, 1))(x, b)
    assert gb.shape == (1, 3)
    np.testing.assert_allclose(gb, [[5.0, 7.0, 9.0]])
    np.testing.assert_allclose(gx, w)
    # forward: b's tangent (1, 3) is broadcast to the output's (2, 3)
    _, t = cr.jvp(lambda b: bias_add(x, b), (b,), (np.array([[1.0, 0.0, 2.0]]),))
    assert t.shape == (2, 3)
    np.testing.assert_allclose(t, [[1.0, 0.0, 2.0]] * 2)


def test_rule_results_are_cast_to_the_argument_dtype():
    # a rule that computes in float64 for a float32 argument, or returns a Python float
    p = cr.primitive(lambda x: x * np.float32(3), name="times3")
    p.defvjp(lambda g, ans, x: g * np.float64(3.0))
    p.defjvp(lambda t, ans, x: 3.0 * t.astype(np.float64))
    x = np.array([1.0, 2.0], dtype=np.float32)
    g = cr.grad(lambda x: np.sum(p(x)))(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, [3.0, 3.0])
    _, t = cr.jvp(p, (x,), (np.ones(2, np.float32),))
    assert t.dtype == np.float32
    np.testing.assert_allclose(t, [3.0, 3.0])

    q = cr.primitive(lambda x: 2 * x, name="const_rule")
    q.defvjp(lambda g, ans, x: 2.0)  # a Python number for a float32 scalar argument
    g = cr.grad(q)(np.float32(1.5))
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2.0)


def test_a_tracer_is_an_instance_of_the_public_base_class():
    seen = []
    cr.grad(lambda x: seen.append(x) or x * 1.0)(1.0)
    cr.jvp(lambda x: seen.append(x) or x * 1.0, (1.0,), (1.0,))
    assert isinstance(seen[0], Tracer) and isinstance(seen[0], ReverseTracer)
    assert isinstance(seen[1], Tracer) and isinstance(seen[1], JVPTracer)
