"""Misuse is reported at the call that caused it, naming what went wrong and the fix."""

import traceback

import numpy as np
import pytest

import chainrule as cr

X = np.array([0.5, 1.5, -2.0])


def raised_at(excinfo, func):
    """The source line, in ``func``, that the exception was raised from."""
    frames = [f for f in traceback.extract_tb(excinfo.tb) if f.name == func.__name__]
    assert frames, f"{func.__name__} is not on the traceback"
    return frames[-1].line


# ---- grad of something that is not a real scalar ------------------------------------------

@pytest.mark.parametrize("transform", [cr.grad, cr.value_and_grad])
@pytest.mark.parametrize("shape", [(3,), (2, 3)])
def test_grad_of_a_non_scalar_output(transform, shape):
    with pytest.raises(TypeError) as e:
        transform(lambda x: np.ones(shape) * np.sum(x))(X)
    msg = str(e.value)
    assert str(shape) in msg
    assert "scalar" in msg
    for fix in ("jacrev", "vjp", "elementwise_grad"):
        assert fix in msg


def test_grad_names_the_transform_and_the_function():
    def my_loss(x):
        return x * 2

    with pytest.raises(TypeError) as e:
        cr.grad(my_loss)(X)
    assert "my_loss" in str(e.value)
    assert "grad" in str(e.value)


def test_grad_of_a_tuple_output_points_to_has_aux():
    with pytest.raises(TypeError) as e:
        cr.grad(lambda x: (np.sum(x), x))(X)
    assert "has_aux" in str(e.value)
    assert "tuple" in str(e.value)


def test_grad_of_an_integer_output():
    with pytest.raises(TypeError) as e:
        cr.grad(lambda x: np.argmax(x))(X)
    assert "int" in str(e.value) and "float" in str(e.value)


# ---- integer and boolean arguments ---------------------------------------------------------

@pytest.mark.parametrize("bad,kind", [(3, "int"), (np.arange(3), "int"),
                                      (np.array([True, False]), "bool")])
def test_integer_argument_message(bad, kind):
    def model(w, data):
        return np.sum(w * data)

    with pytest.raises(TypeError) as e:
        cr.grad(model, argnums=1)(np.ones(1), bad)
    msg = str(e.value)
    assert kind in msg
    assert "argument 1" in msg  # which argument
    assert "model" in msg  # which function
    assert "float" in msg and "argnums" in msg  # the fixes: convert it, or leave it out


def test_integer_leaf_in_a_pytree_is_named_by_its_path():
    with pytest.raises(TypeError) as e:
        cr.grad(lambda p: np.sum(p["w"]))({"w": np.ones(2), "steps": 10})
    assert "['steps']" in str(e.value)


# ---- assignment into a traced array --------------------------------------------------------

def assign_in_place(x):
    y = x * 2.0
    y[0] = 1.0
    return np.sum(y)


@pytest.mark.parametrize("run", [lambda f: cr.grad(f)(X),
                                 lambda f: cr.jvp(f, (X,), (np.ones(3),))],
                         ids=["grad", "jvp"])
def test_assignment_raises_at_the_assignment(run):
    with pytest.raises(TypeError) as e:
        run(assign_in_place)
    assert ".at[idx].set(v)" in str(e.value)
    assert raised_at(e, assign_in_place) == "y[0] = 1.0"


def test_the_out_of_place_update_works_and_differentiates():
    def f(x):
        y = x * 2.0
        y = y.at[0].set(x[1] ** 2)  # y = [x1², 2x1, 2x2]
        y = y.at[np.array([2, 2])].add(x[0])  # y2 += 2 x0 (repeated index adds twice)
        return np.sum(y * np.array([1.0, 10.0, 100.0]))

    # f = x1² + 20 x1 + 100 (2 x2 + 2 x0)
    x = np.array([0.5, 1.5, -2.0])
    value, g = cr.value_and_grad(f)(x)
    np.testing.assert_allclose(value, x[1] ** 2 + 20 * x[1] + 200 * (x[2] + x[0]))
    want = np.array([200.0, 2 * x[1] + 20.0, 200.0])
    np.testing.assert_allclose(g, want)
    np.testing.assert_allclose(cr.jvp(f, (x,), (np.array([1.0, 1.0, 1.0]),))[1], want.sum())
    np.testing.assert_allclose(cr.hessian(f)(x), np.diag([0.0, 2.0, 0.0]), atol=1e-15)


def test_in_place_ufunc_output_is_refused():
    def f(x):
        out = np.empty(3)
        np.sin(x, out=out)
        return np.sum(out)

    with pytest.raises(TypeError) as e:
        cr.grad(f)(X)
    assert "out=" in str(e.value)


# ---- NumPy functions without a rule --------------------------------------------------------

NO_RULE = {
    "hfft": lambda x: np.fft.hfft(x),
    "ihfft": lambda x: np.fft.ihfft(x),
    "accumulate": lambda x: np.add.accumulate(x),
    "outer": lambda x: np.multiply.outer(x, x),
}


@pytest.mark.parametrize("name", sorted(NO_RULE))
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_numpy_function_without_a_rule_raises_naming_it(name, mode):
    def use(x):
        return np.sum(np.abs(NO_RULE[name](x)))

    with pytest.raises(TypeError) as e:  # cr.NoRuleError is a TypeError
        if mode == "grad":
            cr.grad(use)(X)
        else:
            cr.jvp(use, (X,), (np.ones(3),))
    assert isinstance(e.value, cr.NoRuleError)
    assert name in str(e.value)
    assert "primitive" in str(e.value)  # how to add one
    assert raised_at(e, use) == "return np.sum(np.abs(NO_RULE[name](x)))"


def test_linalg_function_without_a_rule_names_the_function():
    # np.linalg.det has a rule: it must give the true derivative (or, without one, be named)
    M = np.array([[2.0, 1.0], [0.5, 3.0]])
    try:
        g = cr.grad(np.linalg.det)(M)
    except cr.NoRuleError as e:
        assert "det" in str(e)
    else:
        np.testing.assert_allclose(g, np.linalg.det(M) * np.linalg.inv(M).T)


# ---- leaving the traced world ---------------------------------------------------------------

CONVERSIONS = {  # int(x) is a plain integer, like x.astype(int): tests/numpy/test_ndarray.py
    "float": float,
    "asarray": np.asarray,
    "array": np.array,
    "item": lambda t: t.item(),
    "tolist": lambda t: t.tolist(),
}


@pytest.mark.parametrize("name", sorted(CONVERSIONS))
def test_converting_a_tracer_raises_and_points_to_stop_gradient(name):
    convert = CONVERSIONS[name]
    with pytest.raises(TypeError) as e:
        cr.grad(lambda x: convert(x) * x)(1.5)
    assert "stop_gradient" in str(e.value)
    assert "derivative" in str(e.value)
    with pytest.raises(TypeError, match="stop_gradient"):
        cr.jvp(lambda x: convert(x) * x, (1.5,), (1.0,))


def test_converting_a_stopped_value_is_fine():
    g = cr.grad(lambda x: np.asarray(cr.stop_gradient(x)).sum() * x + float(
        cr.stop_gradient(x)) * x)(1.5)
    np.testing.assert_allclose(g, 3.0)


# ---- primitives without the rule a mode needs ----------------------------------------------

def _reverse_only():
    p = cr.primitive(lambda x: x * 3.0, name="triple")
    p.defvjp(lambda g, ans, x: g * 3.0)
    return p


def _forward_only():
    p = cr.primitive(lambda x: x * 3.0, name="triple")
    p.defjvp(lambda t, ans, x: t * 3.0)
    return p


@pytest.mark.parametrize("run", [lambda p: cr.grad(p)(1.0), lambda p: cr.vjp(p, 1.0),
                                 lambda p: cr.jacrev(p)(X)], ids=["grad", "vjp", "jacrev"])
def test_a_primitive_without_a_vjp_rule_in_reverse_mode(run):
    with pytest.raises(cr.NoRuleError) as e:
        run(_forward_only())
    msg = str(e.value)
    assert "triple" in msg and "reverse" in msg and "defvjp" in msg


@pytest.mark.parametrize("run", [lambda p: cr.jvp(p, (1.0,), (1.0,)),
                                 lambda p: cr.jacfwd(p)(X),
                                 lambda p: cr.hessian(lambda x: np.sum(p(x)))(X)],
                         ids=["jvp", "jacfwd", "hessian"])
def test_a_primitive_without_a_jvp_rule_in_forward_mode(run):
    with pytest.raises(cr.NoRuleError) as e:
        run(_reverse_only())
    msg = str(e.value)
    assert "triple" in msg and "forward" in msg and "defjvp" in msg


def test_the_other_mode_still_works():
    np.testing.assert_allclose(cr.grad(_reverse_only())(1.0), 3.0)
    np.testing.assert_allclose(cr.jvp(_forward_only(), (1.0,), (1.0,))[1], 3.0)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_differentiating_an_argument_that_has_no_rule_in_the_list(mode):
    p = cr.primitive(lambda x, y: x * y, name="mul_xy")
    p.defvjp(lambda g, ans, x, y: g * y)  # only argument 0 has rules
    p.defjvp(lambda t, ans, x, y: t * y)
    with pytest.raises(cr.NoRuleError) as e:
        if mode == "reverse":
            cr.grad(lambda y: p(2.0, y))(3.0)
        else:
            cr.jvp(lambda y: p(2.0, y), (3.0,), (1.0,))
    assert "mul_xy" in str(e.value) and mode in str(e.value)
    assert "argument 1" in str(e.value)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_traced_value_where_the_rule_is_none_is_refused_not_zeroed(mode):
    p = cr.primitive(lambda x, y: x * y, name="scale_by")
    p.defvjp(lambda g, ans, x, y: g * y, None)  # y declared not differentiable
    p.defjvp(lambda t, ans, x, y: t * y, None)
    with pytest.raises(TypeError) as e:
        if mode == "reverse":
            cr.grad(lambda y: p(2.0, y))(3.0)
        else:
            cr.jvp(lambda y: p(2.0, y), (3.0,), (1.0,))
    msg = str(e.value)
    assert "scale_by" in msg and "argument 1" in msg and "stop_gradient" in msg
    # the differentiable argument still works, with y as plain data
    np.testing.assert_allclose(cr.grad(lambda x: p(x, 3.0))(2.0), 3.0)


def test_an_error_inside_a_rule_names_the_primitive():
    p = cr.primitive(lambda x: x * 2.0, name="broken")
    p.defvjp(lambda g, ans, x: g[:, 0])  # wrong: indexes a 1-D cotangent as 2-D
    with pytest.raises(IndexError) as e:
        cr.grad(lambda x: np.sum(p(x)))(X)
    notes = " ".join(getattr(e.value, "__notes__", []))
    assert "broken" in notes or "broken" in str(e.value)
