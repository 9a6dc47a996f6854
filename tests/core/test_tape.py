"""The reverse-mode tape: a flat list walked backwards once (chainrule.core.reverse)."""

import numpy as np

import chainrule as cr
from chainrule import ops
from chainrule.core import ReverseTrace, Tracer


def _spy(log, name="spy"):
    """y = 2x, a primitive that logs every VJP and JVP rule call into ``log``."""
    p = cr.primitive(lambda x: x * 2.0, name=name)
    p.defvjp(lambda g, ans, x: log.append(("vjp", name)) or g * 2.0)
    p.defjvp(lambda t, ans, x: log.append(("jvp", name)) or t * 2.0)
    return p


def test_a_long_chain_differentiates_without_recursion():
    # x_{k+1} = a x_k + b, 10^5 times: dx_n/dx_0 = a^n (every entry independently).
    a, b, n = 1.0000001, 1e-9, 100_000

    def chain(x):
        for _ in range(n):
            x = x * a + b
        return np.sum(x)

    x0 = np.array([0.5, -1.0, 2.0])
    value, g = cr.value_and_grad(chain)(x0)
    np.testing.assert_allclose(g, np.full(3, a ** n), rtol=1e-9)
    # and the value: x_n = a^n x_0 + b (a^n - 1) / (a - 1)
    want = np.sum(a ** n * x0 + b * (a ** n - 1) / (a - 1))
    np.testing.assert_allclose(value, want, rtol=1e-9)


def test_a_long_chain_in_forward_mode():
    a, n = 1.00001, 100_000

    def chain(x):
        for _ in range(n):
            x = x * a
        return x

    _, t = cr.jvp(chain, (np.array([1.0, 2.0]),), (np.array([1.0, -1.0]),))
    np.testing.assert_allclose(t, np.array([1.0, -1.0]) * a ** n, rtol=1e-9)


def test_records_not_reachable_from_the_output_are_skipped():
    log = []
    spy = _spy(log)
    x = np.array([0.3, -0.4])

    def f(x):
        spy(x)  # recorded, but nothing that reaches the output uses it
        loss = np.sum(np.sin(x))
        spy(loss)  # recorded after the output: the backward walk starts below it
        return loss

    np.testing.assert_allclose(cr.grad(f)(x), np.cos(x))
    assert log == []

    # control: the same primitive on the path is visited exactly once
    g = cr.grad(lambda x: np.sum(spy(x) ** 2))(x)
    np.testing.assert_allclose(g, 8 * x)  # (2x)² = 4x²
    assert log == [("vjp", "spy")]


def test_outputs_seeded_with_zero_do_not_visit_their_records():
    log = []
    spy = _spy(log)
    x = np.array([1.0, 2.0])
    _, vjp_fn = cr.vjp(lambda x: (np.sin(x), spy(x)), x)
    # A zero cotangent on one output contributes nothing (whether or not its records are
    # visited); each output's share must come out exactly.
    (g,) = vjp_fn((np.array([1.0, 1.0]), np.zeros(2)))
    np.testing.assert_allclose(g, np.cos(x))
    (g,) = vjp_fn((np.zeros(2), np.array([1.0, -1.0])))
    np.testing.assert_allclose(g, [2.0, -2.0])


def test_fan_out_adds_the_adjoints_of_every_use():
    x = np.array([0.2, 1.1, -0.7])

    def f(x):
        h = np.sin(x)
        return np.sum(h * h + h + x)

    # d/dx (h² + h + x) = (2h + 1) cos x + 1
    np.testing.assert_allclose(cr.grad(f)(x), (2 * np.sin(x) + 1) * np.cos(x) + 1)

    def many_uses(x):
        total = 0.0
        for k in range(1, 1001):
            total = total + k * x
        return total

    np.testing.assert_allclose(cr.grad(many_uses)(1.5), 1000 * 1001 / 2)


def test_the_tape_is_in_execution_order_and_backward_returns_leaf_adjoints():
    trace = ReverseTrace()
    x = trace.leaf(np.array([0.5, 1.5]))
    y = trace.leaf(np.array([2.0, -1.0]))
    s = ops.sin(x)
    p = ops.multiply(s, y)
    unused = ops.exp(y)
    assert len(trace.tape) == 5
    assert trace.tape[0] is x and trace.tape[1] is y
    assert trace.tape[2] is s and trace.tape[3] is p and trace.tape[4] is unused
    cts = trace.backward([(p, np.array([1.0, 10.0]))])
    # p = sin(x) y:  ā_x = ā cos(x) y,  ā_y = ā sin(x)
    np.testing.assert_allclose(cts[x._index], np.array([1.0, 10.0]) * np.cos([0.5, 1.5])
                               * np.array([2.0, -1.0]))
    np.testing.assert_allclose(cts[y._index], np.array([1.0, 10.0]) * np.sin([0.5, 1.5]))


def test_zero_adjoints_stay_symbolic():
    trace = ReverseTrace()
    x = trace.leaf(np.array([1.0, 2.0]))
    z = trace.leaf(np.array([3.0, 4.0]))  # never used
    out = ops.sum(ops.square(x))
    cts = trace.backward([(out, np.float64(1.0))])
    assert cts[z._index] is None  # no array was allocated for a zero adjoint
    np.testing.assert_allclose(cts[x._index], [2.0, 4.0])


def test_constants_are_not_recorded():
    trace = ReverseTrace()
    x = trace.leaf(np.array([1.0]))
    c = ops.sin(np.array([1.0]))  # no tracer among the arguments: plain NumPy
    assert not isinstance(c, Tracer)
    y = ops.multiply(x, c)
    assert isinstance(y, Tracer)
    assert len(trace.tape) == 2


def test_vjp_fn_walks_the_same_tape_many_times():
    x = np.array([0.1, 0.2, 0.3])
    a = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    out, vjp_fn = cr.vjp(lambda x: a @ np.tanh(x), x)
    jac = a * (1 - np.tanh(x) ** 2)  # J = A diag(1 - tanh²x)
    for ct in (np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([2.0, -3.0])) * 3:
        (g,) = vjp_fn(ct)
        np.testing.assert_allclose(g, ct @ jac)
