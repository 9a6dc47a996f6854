"""Initialisers: the published formulas, with fans read from our (in, out) layout."""

import math

import numpy as np
import pytest

from chainrule import nn
from chainrule.nn import init

FAN_IN, FAN_OUT = 400, 600


def draw(initializer, shape=(FAN_IN, FAN_OUT), seed=0, **kw):
    return initializer(np.random.default_rng(seed), shape, **kw)


def test_fans_of_our_layout():
    assert init.fans((5, 7)) == (5, 7)  # (in, out): the transpose of PyTorch's (out, in)
    assert init.fans((3,)) == (3, 3)
    assert init.fans(()) == (1, 1)
    assert init.fans((2, 3, 5, 7)) == (5 * 6, 7 * 6)


@pytest.mark.parametrize("make, std", [
    (init.xavier_normal(), math.sqrt(2 / (FAN_IN + FAN_OUT))),
    (init.xavier_normal(gain=2.0), 2 * math.sqrt(2 / (FAN_IN + FAN_OUT))),
    (init.he_normal(), math.sqrt(2) / math.sqrt(FAN_IN)),
    (init.he_normal(gain=1.0, mode="fan_out"), 1 / math.sqrt(FAN_OUT)),
    (init.normal(0.05), 0.05),
])
def test_normal_initialisers_have_the_formula_std(make, std):
    w = draw(make)
    assert w.shape == (FAN_IN, FAN_OUT) and w.dtype == np.float64
    assert abs(w.mean()) < 0.01 * std * 5
    assert w.std() == pytest.approx(std, rel=0.01)  # 240000 samples: ~0.15% standard error


@pytest.mark.parametrize("make, bound", [
    (init.xavier_uniform(), math.sqrt(6 / (FAN_IN + FAN_OUT))),
    (init.he_uniform(), math.sqrt(2) * math.sqrt(3 / FAN_IN)),
    (init.he_uniform(gain=1.0, mode="fan_out"), math.sqrt(3 / FAN_OUT)),
    (init.torch_linear_default(), 1 / math.sqrt(FAN_IN)),
    (init.uniform(0.3), 0.3),
])
def test_uniform_initialisers_have_the_formula_bound(make, bound):
    w = draw(make)
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.999 * bound
    assert w.var() == pytest.approx(bound ** 2 / 3, rel=0.01)


def test_the_lectures_small_gaussian_is_randn_times_scale():
    w = draw(init.normal(0.01), shape=(16, 3), seed=5)
    np.testing.assert_array_equal(w, np.random.default_rng(5).standard_normal((16, 3)) * 0.01)


def test_factory_called_directly_is_its_default():
    np.testing.assert_array_equal(draw(init.he_normal), draw(init.he_normal()))
    np.testing.assert_array_equal(draw(init.xavier_uniform, seed=3),
                                  draw(init.xavier_uniform(gain=1.0), seed=3))
    assert init.he_normal() == init.kaiming_normal()
    assert init.glorot_uniform is init.xavier_uniform


def test_constants():
    np.testing.assert_array_equal(draw(init.zeros, (3,)), np.zeros(3))
    np.testing.assert_array_equal(draw(init.ones, (2, 2)), np.ones((2, 2)))
    np.testing.assert_array_equal(draw(init.constant(2.5), (2,)), [2.5, 2.5])
    np.testing.assert_array_equal(draw(init.small_positive, (2,)), [0.01, 0.01])
    np.testing.assert_array_equal(draw(init.small_positive(0.1), (1,)), [0.1])
    with pytest.raises(ValueError, match="must be > 0"):
        init.small_positive(0.0)


def test_dtype_and_errors():
    assert draw(init.he_normal, (3, 4), dtype=np.float32).dtype == np.float32
    with pytest.raises(TypeError, match="dtype must be floating"):
        draw(init.he_normal, (3, 4), dtype=np.int64)
    with pytest.raises(ValueError, match="mode must be"):
        init.he_normal(mode="fan_avg")
    with pytest.raises(ValueError, match="non-negative"):
        init.normal(-1.0)
    assert "he_normal" in repr(init.he_normal())


def test_calculate_gain():
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("logistic") == 1.0
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    with pytest.raises(ValueError, match="unknown nonlinearity"):
        init.calculate_gain("swish")


def test_linear_defaults_are_pytorchs():
    # W and b both U(-1/sqrt(in), 1/sqrt(in)); the bias bound uses in, not out
    layer = nn.Linear(400, 2000)
    params, state = layer.init(np.random.default_rng(1))
    assert state == {}
    assert params["W"].shape == (400, 2000) and params["b"].shape == (2000,)
    for leaf in (params["W"], params["b"]):
        assert 0.99 / 20 < np.abs(leaf).max() <= 1 / 20


def test_linear_bias_init_rules():
    p, _ = nn.Linear(50, 30, weight_init=init.he_normal).init(np.random.default_rng(0))
    np.testing.assert_array_equal(p["b"], np.zeros(30))  # zeros unless torch's default W
    p, _ = nn.Linear(50, 30, bias_init=init.small_positive).init(np.random.default_rng(0))
    np.testing.assert_array_equal(p["b"], np.full(30, 0.01))
    p, _ = nn.Linear(4, 3000, weight_init=init.zeros,
                     bias_init=init.torch_linear_default).init(np.random.default_rng(0))
    assert 0.99 * 0.5 < np.abs(p["b"]).max() <= 0.5  # fan_in = 4 passed to the bias

    def custom(rng, shape, dtype):  # any plain function works
        return np.full(shape, 7.0, dtype)

    p, _ = nn.Linear(2, 3, weight_init=custom, dtype=np.float32).init(0)
    assert p["W"].dtype == np.float32 and (p["W"] == 7).all()
    with pytest.raises(ValueError, match="returned shape"):
        nn.Linear(2, 3, weight_init=lambda rng, shape, dtype: np.zeros(2)).init(0)
