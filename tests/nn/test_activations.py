"""Activations against the lecture's derivative table and closed forms (both modes, order 2)."""

import math

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

Q = np.array([-3.0, -1.5, -0.2, 0.0, 0.3, 1.0, 2.5])
Q_SMOOTH = np.array([-2.5, -0.7, 0.4, 1.3])  # no kink


def sig(q):
    return 1.0 / (1.0 + np.exp(-q))


def Phi(q):
    return np.array([0.5 * (1.0 + math.erf(v / math.sqrt(2.0))) for v in np.ravel(q)])


def phi(q):
    return np.exp(-q * q / 2.0) / math.sqrt(2.0 * math.pi)


def both_modes(f, q):
    """f'(q) elementwise from reverse mode and from forward mode."""
    rev = cr.elementwise_grad(f)(q)
    _, fwd = cr.jvp(f, (q,), (np.ones_like(q),))
    return rev, fwd


# the lecture's table (logistic, tanh, ReLU) and the other activations' closed forms
TABLE = {
    "logistic": (lambda q: sig(q), lambda q: sig(q) * (1 - sig(q))),
    "tanh": (np.tanh, lambda q: 1 - np.tanh(q) ** 2),
    "relu": (lambda q: np.where(q > 0, q, 0.0), lambda q: np.where(q > 0, 1.0, 0.0)),
    "leaky_relu": (lambda q: np.where(q > 0, q, 0.01 * q), lambda q: np.where(q > 0, 1.0, 0.01)),
    "softplus": (lambda q: np.log1p(np.exp(q)), sig),
    "gelu": (lambda q: q * Phi(q), lambda q: Phi(q) + q * phi(q)),
    "identity": (lambda q: q, np.ones_like),
}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_value_and_derivative_table(name):
    f = nn.get_activation(name)
    value, deriv = TABLE[name]
    np.testing.assert_allclose(f(Q), value(Q), rtol=1e-13, atol=1e-15)
    rev, fwd = both_modes(f, Q)
    np.testing.assert_allclose(rev, deriv(Q), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fwd, deriv(Q), rtol=1e-12, atol=1e-15)


def test_relu_derivative_is_zero_at_zero_unlike_maximum():
    q = np.array([0.0, -0.0])
    rev, fwd = both_modes(nn.relu, q)
    assert rev.tolist() == [0.0, 0.0] and fwd.tolist() == [0.0, 0.0]
    # the lecture's table: 0 for q <= 0, 1 for q > 0; maximum's tie rule would give 1/2
    assert cr.grad(lambda x: nn.relu(x))(1e-300) == 1.0
    assert cr.grad(lambda x: nn.relu(x))(-1e-300) == 0.0


def test_leaky_relu_slope_argument_and_kink():
    q = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(nn.leaky_relu(q, slope=0.2), [-0.4, 0.0, 3.0])
    rev = cr.elementwise_grad(lambda x: nn.leaky_relu(x, 0.2))(q)
    np.testing.assert_array_equal(rev, [0.2, 0.2, 1.0])  # PyTorch's: slope at 0


SECOND = {
    "logistic": lambda q: sig(q) * (1 - sig(q)) * (1 - 2 * sig(q)),
    "tanh": lambda q: -2 * np.tanh(q) * (1 - np.tanh(q) ** 2),
    "softplus": lambda q: sig(q) * (1 - sig(q)),
    "gelu": lambda q: phi(q) * (2 - q * q),
    "relu": lambda q: np.zeros_like(q),
    "leaky_relu": lambda q: np.zeros_like(q),
    "identity": lambda q: np.zeros_like(q),
}


@pytest.mark.parametrize("name", sorted(SECOND))
def test_second_derivatives(name):
    f = nn.get_activation(name)
    d2 = cr.elementwise_grad(cr.elementwise_grad(f))(Q_SMOOTH)
    np.testing.assert_allclose(d2, SECOND[name](Q_SMOOTH), rtol=1e-11, atol=1e-14)
    # forward over reverse
    _, d2f = cr.jvp(cr.elementwise_grad(f), (Q_SMOOTH,), (np.ones(4),))
    np.testing.assert_allclose(d2f, SECOND[name](Q_SMOOTH), rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("name", ["logistic", "tanh", "softplus", "gelu", "relu", "leaky_relu"])
def test_check_grads_order_2(name):
    f = nn.get_activation(name)
    cr.check_grads(f, (Q_SMOOTH.reshape(2, 2),), order=2)


def test_gelu_tanh_approximation():
    k, c = math.sqrt(2 / math.pi), 0.044715
    q = Q_SMOOTH
    u = k * (q + c * q ** 3)
    np.testing.assert_allclose(nn.gelu(q, approximate="tanh"), 0.5 * q * (1 + np.tanh(u)),
                               rtol=1e-14)
    d = 0.5 * (1 + np.tanh(u)) + 0.5 * q * (1 - np.tanh(u) ** 2) * k * (1 + 3 * c * q * q)
    np.testing.assert_allclose(cr.elementwise_grad(lambda x: nn.gelu(x, True))(q), d,
                               rtol=1e-12)
    with pytest.raises(ValueError, match="approximate"):
        nn.gelu(q, approximate="cubic")


def test_erf_is_the_special_functions_primitive_and_matches_math_erf_and_its_derivative():
    from chainrule.scipy import special
    assert nn.erf is special.erf  # one erf in the library
    q = np.linspace(-3, 3, 7)
    np.testing.assert_allclose(nn.erf(q), [math.erf(v) for v in q], rtol=1e-15)
    np.testing.assert_allclose(cr.elementwise_grad(nn.erf)(q),
                               2 / math.sqrt(math.pi) * np.exp(-q * q), rtol=1e-14)  # 2/√π e^{-q²}
    cr.check_grads(nn.erf, (q,), order=2)


def test_stable_in_the_tails():
    big = np.array([-1000.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_array_equal(nn.softplus(big), [0.0, 1000.0])
        np.testing.assert_array_equal(nn.logistic(big), [0.0, 1.0])
        np.testing.assert_array_equal(cr.elementwise_grad(nn.softplus)(big), [0.0, 1.0])
        np.testing.assert_array_equal(cr.elementwise_grad(nn.logistic)(big), [0.0, 0.0])
    np.testing.assert_allclose(nn.softplus(np.array([2.0]), beta=3.0),
                               np.log1p(np.exp(6.0)) / 3.0, rtol=1e-14)


def test_dtype_kept():
    q = Q.astype(np.float32)
    for name in ("logistic", "tanh", "relu", "leaky_relu", "softplus", "gelu"):
        assert nn.get_activation(name)(q).dtype == np.float32, name
        assert cr.elementwise_grad(nn.get_activation(name))(q).dtype == np.float32, name


def test_activation_layer_and_names():
    layer = nn.Activation("leaky_relu", slope=0.5)
    y, state = layer.apply({}, {}, np.array([-2.0, 2.0]))
    np.testing.assert_array_equal(y, [-1.0, 2.0])
    assert state == {}
    assert layer.init(np.random.default_rng(0)) == ({}, {})
    assert nn.get_activation("sigmoid") is nn.logistic
    square = nn.Activation(lambda x: x * x)
    assert square.apply({}, {}, np.array([3.0]))[0][0] == 9.0
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.Activation("swish")
