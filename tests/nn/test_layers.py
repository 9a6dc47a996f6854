"""Linear, Sequential, MLP, Residual, Dropout, count_params: hand computations."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

RNG = np.random.default_rng(7)


def test_linear_forward_and_closed_form_gradient():
    layer = nn.Linear(2, 3)
    p = {"W": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), "b": np.array([0.5, -1.0, 2.0])}
    x = np.array([[1.0, -1.0], [2.0, 0.5]])
    y, state = layer.apply(p, {}, x)
    np.testing.assert_array_equal(y, [[-2.5, -4.0, -1.0], [4.5, 5.5, 11.0]])
    assert state == {}
    G = RNG.standard_normal((2, 3))
    g = cr.grad(lambda p: np.sum(layer.apply(p, {}, x)[0] * G))(p)
    np.testing.assert_allclose(g["W"], x.T @ G, rtol=1e-14)  # ∂/∂W = xᵀ ḡ
    np.testing.assert_allclose(g["b"], G.sum(0), rtol=1e-14)  # ∂/∂b = Σ_n ḡ
    gx = cr.grad(lambda x: np.sum(layer.apply(p, {}, x)[0] * G))(x)
    np.testing.assert_allclose(gx, G @ p["W"].T, rtol=1e-14)


def test_linear_without_bias_and_errors():
    params, _ = nn.Linear(3, 2, bias=False).init(np.random.default_rng(0))
    assert set(params) == {"W"}
    with pytest.raises(ValueError, match="in_features must be a positive int"):
        nn.Linear(0, 2)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        nn.Linear(2, 2).init("seed")
    assert repr(nn.Linear(3, 2, bias=False)) == "Linear(3, 2, bias=False)"


def test_sequential_layout_and_forward():
    model = nn.Sequential(nn.Linear(2, 4), nn.Activation("tanh"), nn.Linear(4, 1))
    params, state = model.init(np.random.default_rng(0))
    assert list(params) == ["0", "1", "2"] and params["1"] == {}
    assert state == {"0": {}, "1": {}, "2": {}}
    x = RNG.standard_normal((5, 2))
    y, new_state = model.apply(params, state, x)
    h = np.tanh(x @ params["0"]["W"] + params["0"]["b"])
    np.testing.assert_allclose(y, h @ params["2"]["W"] + params["2"]["b"], rtol=1e-14)
    assert new_state == state
    # params without the empty entries (as a checkpoint might store them) still apply
    slim = {"0": params["0"], "2": params["2"]}
    np.testing.assert_array_equal(model.apply(slim, None, x)[0], y)
    assert len(model) == 3 and isinstance(model[1], nn.Activation)
    with pytest.raises(TypeError, match="item 1 .* is not a module"):
        nn.Sequential(nn.Linear(2, 2), np.tanh)


def test_init_is_reproducible_from_the_seed():
    model = nn.MLP([3, 5, 2])
    a, _ = model.init(np.random.default_rng(11))
    b, _ = model.init(11)
    for x, y in zip(cr.tree.leaves(a), cr.tree.leaves(b)):
        np.testing.assert_array_equal(x, y)


def test_mlp_layout_and_count():
    plain = nn.MLP([4, 8, 8, 3])
    params, _ = plain.init(0)
    # 4·8+8 + 8·8+8 + 8·3+3
    assert nn.count_params(params) == 40 + 72 + 27
    assert cr.tree.paths(params) == ["['0']['W']", "['0']['b']", "['1']['1']['W']",
                                     "['1']['1']['b']", "['2']['1']['W']", "['2']['1']['b']"]
    bn = nn.MLP([4, 8, 8, 3], batchnorm=True, dropout=0.1)
    pbn, sbn = bn.init(0)
    assert nn.count_params(pbn) == 139 + 2 * (8 + 8)  # γ, β of two BatchNorms of width 8
    assert isinstance(bn[1][0], nn.BatchNorm) and isinstance(bn[1][2], nn.Dropout)
    assert set(sbn["1"]["0"]) == {"mean", "var", "count"}
    res = nn.MLP([4, 8, 8, 3], residual=True)
    assert isinstance(res[1], nn.Residual) and not isinstance(res[2], nn.Residual)
    # skip connections keep the layout and, from one seed, the initial weights
    pres, _ = res.init(0)
    assert cr.tree.paths(pres) == cr.tree.paths(params)
    for x, y in zip(cr.tree.leaves(pres), cr.tree.leaves(params)):
        np.testing.assert_array_equal(x, y)
    sig = nn.MLP([2, 3, 1], out_activation="logistic")
    assert isinstance(sig[-1], nn.Activation) and len(sig) == 3
    with pytest.raises(ValueError, match="at least an input and an output"):
        nn.MLP([3])


def test_mlp_forward_by_hand():
    model = nn.MLP([3, 4, 4, 2], activation="relu", residual=True)
    params, state = model.init(np.random.default_rng(2))
    x = RNG.standard_normal((6, 3))
    p0, p1, p2 = params["0"], params["1"]["1"], params["2"]["1"]
    h = x @ p0["W"] + p0["b"]
    h = h + (np.maximum(h, 0) @ p1["W"] + p1["b"])  # residual block: h + W relu(h)
    out = np.maximum(h, 0) @ p2["W"] + p2["b"]
    np.testing.assert_allclose(model.apply(params, state, x)[0], out, rtol=1e-13)


def test_mlp_gradients_check_in_both_modes():
    model = nn.MLP([2, 3, 2], activation="tanh")
    params, state = model.init(np.random.default_rng(4))
    x = RNG.standard_normal((4, 2))
    y = np.array([0, 1, 1, 0])
    cr.check_grads(lambda p: nn.softmax_cross_entropy(model.apply(p, state, x)[0], y),
                   (params,), order=2)


def test_residual_adds_the_branch_and_zero_init_is_the_identity():
    branch = nn.Sequential(nn.Linear(3, 5), nn.Activation("relu"), nn.Linear(5, 3))
    block = nn.Residual(branch)
    params, state = block.init(np.random.default_rng(0))
    assert list(params) == ["0", "1", "2"]  # the branch's own parameters
    x = RNG.standard_normal((4, 3))
    fx = branch.apply(params, state, x)[0]
    np.testing.assert_array_equal(block.apply(params, state, x)[0], x + fx)
    zero = nn.Residual(branch, zero_init=True)
    pz, _ = zero.init(np.random.default_rng(0))
    np.testing.assert_array_equal(zero.apply(pz, state, x)[0], x)
    assert (pz["2"]["W"] == 0).all() and (pz["2"]["b"] == 0).all()
    np.testing.assert_array_equal(pz["0"]["W"], params["0"]["W"])  # only the last Linear
    # the skip passes the gradient through unchanged: ∂/∂x Σ (x + 0) = 1
    np.testing.assert_array_equal(cr.grad(lambda x: np.sum(zero.apply(pz, {}, x)[0]))(x),
                                  np.ones_like(x))
    mlp = nn.MLP([2, 6, 6, 6, 1], residual=True, zero_init_residual=True)
    pm, _ = mlp.init(0)
    assert (pm["2"]["1"]["W"] == 0).all() and (pm["3"]["1"]["W"] != 0).any()


def test_residual_errors():
    bad = nn.Residual(nn.Linear(3, 2))
    p, s = bad.init(0)
    with pytest.raises(ValueError, match=r"maps shape \(4, 3\) to \(4, 2\)"):
        bad.apply(p, s, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="no Linear layer"):
        nn.Residual(nn.Activation("relu"), zero_init=True).init(0)


def test_dropout():
    drop = nn.Dropout(0.25)
    x = np.ones((400, 500))
    y, _ = drop.apply({}, {}, x)  # evaluation: identity
    assert y is x
    y, _ = drop.apply({}, {}, x, train=True, rng=np.random.default_rng(0))
    kept = y != 0
    np.testing.assert_array_equal(y[kept], np.full(kept.sum(), 1 / 0.75))  # inverted scaling
    assert kept.mean() == pytest.approx(0.75, abs=0.005)
    assert y.mean() == pytest.approx(1.0, abs=0.01)  # expectation x
    again, _ = drop.apply({}, {}, x, train=True, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(again, y)
    # gradient: the mask / (1 - rate)
    xs = RNG.standard_normal((3, 4))
    g = cr.grad(lambda x: np.sum(drop.apply({}, {}, x, True, np.random.default_rng(1))[0]))(xs)
    mask = np.random.default_rng(1).random((3, 4)) >= 0.25
    np.testing.assert_array_equal(g, mask / 0.75)
    with pytest.raises(ValueError, match="needs a random generator"):
        drop.apply({}, {}, x, train=True)
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\)"):
        nn.Dropout(1.0)


def test_count_params():
    assert nn.count_params({"a": np.zeros((3, 4)), "b": [np.zeros(2), {}], "c": None}) == 14
    assert nn.count_params({}) == 0


def test_dropout_layers_in_a_sequential_draw_different_masks_from_one_seed():
    model = nn.Sequential(nn.Dropout(0.5), nn.Activation(lambda x: x * 10.0), nn.Dropout(0.5))
    x = np.ones((1, 200))
    y, _ = model.apply({}, {}, x, train=True, rng=123)
    rng = np.random.default_rng(123)
    m1 = rng.random((1, 200)) >= 0.5
    m2 = rng.random((1, 200)) >= 0.5
    np.testing.assert_array_equal(y, m1 * 2.0 * 10.0 * m2 * 2.0)
    assert (m1 != m2).any()
