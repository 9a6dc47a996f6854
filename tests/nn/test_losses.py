"""Losses: values from the naive formulas, the lecture's (ŷ - y)/N gradients, stability."""

import math

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

RNG = np.random.default_rng(3)
U = RNG.standard_normal((5, 3)) * 2.0
LABELS = np.array([0, 2, 1, 1, 0])
Y1H = np.eye(3)[LABELS]


def softmax_rows(u):
    e = np.exp(u - u.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ---- squared error --------------------------------------------------------------------------

def test_squared_error_value_and_gradient():
    pred, y = U, RNG.standard_normal((5, 3))
    expected = sum(0.5 * sum((y[n, k] - pred[n, k]) ** 2 for k in range(3))
                   for n in range(5)) / 5
    assert nn.squared_error(pred, y) == pytest.approx(expected, rel=1e-14)
    g = cr.grad(nn.squared_error)(pred, y)
    np.testing.assert_allclose(g, (pred - y) / 5, rtol=1e-14)  # (ŷ - y)/N
    _, t = cr.jvp(lambda p: nn.squared_error(p, y), (pred,), (np.ones_like(pred),))
    assert t == pytest.approx(np.sum((pred - y) / 5), rel=1e-13)


def test_squared_error_shapes():
    pred = np.array([[1.0], [2.0], [4.0]])
    y = np.array([0.0, 2.0, 1.0])
    # (N,) targets for an (N, 1) output: not broadcast into an N x N matrix
    assert nn.squared_error(pred, y) == pytest.approx((0.5 * 1 + 0 + 0.5 * 9) / 3)
    assert nn.squared_error(pred[:, 0], y) == pytest.approx((0.5 * 1 + 0 + 0.5 * 9) / 3)
    with pytest.raises(ValueError, match=r"targets of shape \(3, 1\) do not match"):
        nn.squared_error(pred[:, 0], y[:, None])
    with pytest.raises(ValueError, match="do not match"):
        nn.squared_error(pred, np.zeros(4))


def test_reductions():
    pred, y = U, np.zeros_like(U)
    per = 0.5 * np.sum(U * U, axis=1)
    np.testing.assert_allclose(nn.squared_error(pred, y, reduction="none"), per, rtol=1e-14)
    assert nn.squared_error(pred, y, reduction="sum") == pytest.approx(per.sum(), rel=1e-14)
    with pytest.raises(ValueError, match="reduction must be"):
        nn.squared_error(pred, y, reduction="max")


# ---- binary cross-entropy -------------------------------------------------------------------

def test_binary_cross_entropy_value_and_gradient():
    u = U[:, 0]
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    s = 1 / (1 + np.exp(-u))
    # the lecture's form, and the textbook -[y log ŷ + (1-y) log(1-ŷ)]
    lecture = np.mean(y * np.log1p(np.exp(-u)) + (1 - y) * np.log1p(np.exp(u)))
    textbook = -np.mean(y * np.log(s) + (1 - y) * np.log(1 - s))
    assert nn.binary_cross_entropy(u, y) == pytest.approx(lecture, rel=1e-13)
    assert lecture == pytest.approx(textbook, rel=1e-12)
    g = cr.grad(nn.binary_cross_entropy)(u, y)
    np.testing.assert_allclose(g, (s - y) / 5, rtol=1e-13)  # (ŷ - y)/N
    # (N, 1) logits with (N,) labels; integer labels
    g2 = cr.grad(nn.binary_cross_entropy)(u[:, None], y.astype(int))
    np.testing.assert_allclose(g2[:, 0], (s - y) / 5, rtol=1e-13)


def test_binary_cross_entropy_stable():
    u = np.array([1000.0, -1000.0, 1000.0, -1000.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        v = nn.binary_cross_entropy(u, y)
        g = cr.grad(nn.binary_cross_entropy)(u, y)
    assert v == pytest.approx((1000 + 1000 + 0 + 0) / 4)
    np.testing.assert_allclose(g, np.array([1.0, -1.0, 0.0, 0.0]) / 4, atol=1e-300)


# ---- softmax cross-entropy ------------------------------------------------------------------

def test_softmax_cross_entropy_value_and_gradient():
    p = softmax_rows(U)
    expected = -np.mean([math.log(p[n, LABELS[n]]) for n in range(5)])
    assert nn.softmax_cross_entropy(U, Y1H) == pytest.approx(expected, rel=1e-13)
    assert nn.softmax_cross_entropy(U, LABELS) == pytest.approx(expected, rel=1e-13)
    for y in (Y1H, LABELS):
        g = cr.grad(nn.softmax_cross_entropy)(U, y)
        np.testing.assert_allclose(g, (p - Y1H) / 5, rtol=1e-12, atol=1e-16)  # (ŷ - y)/N
        jac = cr.jacfwd(lambda u, y=y: nn.softmax_cross_entropy(u, y))(U)
        np.testing.assert_allclose(jac, (p - Y1H) / 5, rtol=1e-12, atol=1e-16)


def test_softmax_cross_entropy_soft_labels_and_reductions():
    t = np.array([[0.2, 0.3, 0.5]] * 5)
    p = softmax_rows(U)
    per = -np.sum(t * np.log(p), axis=1)
    np.testing.assert_allclose(nn.softmax_cross_entropy(U, t, reduction="none"), per,
                               rtol=1e-13)
    assert nn.softmax_cross_entropy(U, t, reduction="sum") == pytest.approx(per.sum())
    np.testing.assert_allclose(cr.grad(nn.softmax_cross_entropy)(U, t), (p - t) / 5,
                               rtol=1e-12, atol=1e-16)


def test_softmax_cross_entropy_stable():
    u = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        v = nn.softmax_cross_entropy(u, np.array([1, 2]))
        g = cr.grad(nn.softmax_cross_entropy)(u, np.array([1, 2]))
    assert v == pytest.approx((1000.0 + 0.0) / 2)
    np.testing.assert_allclose(g, np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]]) / 2,
                               atol=1e-300)


def test_softmax_cross_entropy_errors():
    with pytest.raises(ValueError, match=r"lie in \[0, 3\)"):
        nn.softmax_cross_entropy(U, np.array([0, 1, 3, 0, 0]))
    with pytest.raises(ValueError, match="do not match"):
        nn.softmax_cross_entropy(U, np.zeros((5, 4)))
    with pytest.raises(ValueError, match="fit neither"):
        nn.softmax_cross_entropy(U, np.zeros((4,), int))


@pytest.mark.parametrize("loss, target", [
    (nn.squared_error, RNG.standard_normal((3, 2))),
    (nn.binary_cross_entropy, np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]])),
    (nn.softmax_cross_entropy, np.array([1, 0, 1])),
])
def test_check_grads_order_2(loss, target):
    cr.check_grads(lambda u: loss(u, target), (U[:3, :2],), order=2)


def test_accuracy():
    assert nn.accuracy(U, LABELS) == np.mean(np.argmax(U, 1) == LABELS)
    assert nn.accuracy(U, Y1H) == np.mean(np.argmax(U, 1) == LABELS)
    assert nn.accuracy(np.array([[0.5], [-1.0], [2.0]]), np.array([1, 1, 1])) == 2 / 3
