"""The lecture's Iris cost written with chainrule.nn has the lecture's hand-derived gradient."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import lecture, nn

X, Y, W, V = lecture.make_data(seed=4)  # N=150, D=2+bias, M=16, C=3
LABELS = np.argmax(Y, axis=1)


def assert_close(a, b, rel=1e-12):
    assert np.max(np.abs(a - b)) <= rel * np.max(np.abs(b)), np.max(np.abs(a - b))


def lecture_model():
    # Linear without bias on X with its column of ones, logistic, Linear without bias
    return nn.Sequential(nn.Linear(3, 16, bias=False), nn.Activation("logistic"),
                         nn.Linear(16, 3, bias=False))


def test_iris_cost_and_gradient_equal_the_lectures():
    model = lecture_model()
    params = {"0": {"W": V}, "1": {}, "2": {"W": W}}

    def cost(params, y):
        logits, _ = model.apply(params, {}, X)
        return nn.softmax_cross_entropy(logits, y)

    assert cost(params, Y) == pytest.approx(lecture.cost(X, Y, W, V), rel=1e-13)
    dW, dV = lecture.gradients(X, Y, W, V)
    for y in (Y, LABELS):
        g = cr.grad(cost)(params, y)
        assert_close(g["2"]["W"], dW)
        assert_close(g["0"]["W"], dV)
    # forward mode gives the same gradient
    jf = cr.jacfwd(cost)(params, Y)
    assert_close(jf["2"]["W"], dW)
    assert_close(jf["0"]["W"], dV)


def test_iris_model_from_the_mlp_builder():
    model = nn.MLP([3, 16, 3], activation="logistic", bias=False,
                   weight_init=nn.init.normal(0.01))
    params, state = model.init(np.random.default_rng(0))
    # the lecture's small Gaussian initialisation, V (D x M) first, then W (M x C)
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(params["0"]["W"], rng.standard_normal((3, 16)) * 0.01)
    np.testing.assert_array_equal(params["1"]["1"]["W"], rng.standard_normal((16, 3)) * 0.01)
    params = {"0": {"W": V}, "1": {"0": {}, "1": {"W": W}}}
    g = cr.grad(lambda p: nn.softmax_cross_entropy(model.apply(p, state, X)[0], LABELS))(params)
    dW, dV = lecture.gradients(X, Y, W, V)
    assert_close(g["1"]["1"]["W"], dW)
    assert_close(g["0"]["W"], dV)
