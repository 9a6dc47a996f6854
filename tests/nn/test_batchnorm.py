"""BatchNorm: training mode by hand and by finite differences (a Jacobian dense across
samples), PyTorch's running-statistics conventions on a hand-worked example, evaluation with
running or whole-training-set statistics."""

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn

RNG = np.random.default_rng(0)
EPS = 1e-5


def params_of(gamma, beta):
    return {"gamma": np.asarray(gamma, float), "beta": np.asarray(beta, float)}


def test_training_mode_by_hand():
    bn = nn.BatchNorm(2)
    x = np.array([[1.0, 10.0], [2.0, 20.0], [6.0, 30.0]])
    p = params_of([2.0, 0.5], [1.0, -1.0])
    _, state = bn.init(None)
    y, _ = bn.apply(p, state, x, train=True)
    # column 0: mean 3, biased variance (4 + 1 + 9)/3; column 1: mean 20, variance 200/3
    col0 = 2.0 * (np.array([1.0, 2.0, 6.0]) - 3.0) / np.sqrt(14 / 3 + EPS) + 1.0
    col1 = 0.5 * (np.array([10.0, 20.0, 30.0]) - 20.0) / np.sqrt(200 / 3 + EPS) - 1.0
    np.testing.assert_allclose(y, np.stack([col0, col1], 1), rtol=1e-14)


def test_running_statistics_follow_pytorch_on_a_hand_worked_example():
    bn = nn.BatchNorm(2)
    params, state = bn.init(None)
    assert state["mean"].tolist() == [0, 0] and state["var"].tolist() == [1, 1]
    assert state["count"] == 0
    x1 = np.array([[1.0, 10.0], [2.0, 20.0], [6.0, 30.0]])  # means 3, 20; unbiased var 7, 100
    x2 = np.array([[0.0, 0.0], [4.0, 8.0]])  # means 2, 4; unbiased var 8, 32
    _, s1 = bn.apply(params, state, x1, train=True)
    np.testing.assert_allclose(s1["mean"], [0.9 * 0 + 0.1 * 3, 0.9 * 0 + 0.1 * 20], rtol=1e-15)
    np.testing.assert_allclose(s1["var"], [0.9 * 1 + 0.1 * 7, 0.9 * 1 + 0.1 * 100], rtol=1e-15)
    _, s2 = bn.apply(params, s1, x2, train=True)
    np.testing.assert_allclose(s2["mean"], [0.47, 2.2], rtol=1e-14)
    np.testing.assert_allclose(s2["var"], [2.24, 13.01], rtol=1e-14)
    assert s2["count"] == 2
    assert state["mean"].tolist() == [0, 0]  # the old state is untouched (pure)
    # momentum=None: the cumulative average of the batches
    cum = nn.BatchNorm(2, momentum=None)
    _, c = cum.apply(params, state, x1, train=True)
    _, c = cum.apply(params, c, x2, train=True)
    np.testing.assert_allclose(c["mean"], [2.5, 12.0], rtol=1e-15)
    np.testing.assert_allclose(c["var"], [7.5, 66.0], rtol=1e-15)


def test_evaluation_mode_uses_the_state():
    bn = nn.BatchNorm(2)
    p = params_of([2.0, 0.5], [1.0, -1.0])
    state = {"mean": np.array([0.47, 2.2]), "var": np.array([2.24, 13.01]),
             "count": np.array(2)}
    x = np.array([[1.0, 2.0], [3.0, -4.0]])
    y, s = bn.apply(p, state, x)
    expected = np.array([[2 * (1 - 0.47) / np.sqrt(2.24 + EPS) + 1,
                          0.5 * (2 - 2.2) / np.sqrt(13.01 + EPS) - 1],
                         [2 * (3 - 0.47) / np.sqrt(2.24 + EPS) + 1,
                          0.5 * (-4 - 2.2) / np.sqrt(13.01 + EPS) - 1]])
    np.testing.assert_allclose(y, expected, rtol=1e-14)
    assert s is state
    y1, _ = bn.apply(p, state, x[:1])  # one example is fine in evaluation
    np.testing.assert_allclose(y1, expected[:1], rtol=1e-14)


def test_gradient_matches_the_papers_backward_formulas():
    n, c = 6, 3
    x = RNG.standard_normal((n, c)) * 2 + 1
    gamma, beta = RNG.standard_normal(c), RNG.standard_normal(c)
    G = RNG.standard_normal((n, c))
    bn = nn.BatchNorm(c)
    _, state = bn.init(None)

    def loss(x, gamma, beta):
        y, _ = bn.apply({"gamma": gamma, "beta": beta}, state, x, train=True)
        return np.sum(y * G)

    gx, gg, gb = cr.grad(loss, argnums=(0, 1, 2))(x, gamma, beta)
    # Ioffe & Szegedy (2015), Sec. 3: the chain rule through μ_B and σ²_B
    mu = x.mean(0)
    var = ((x - mu) ** 2).mean(0)
    xhat = (x - mu) / np.sqrt(var + EPS)
    dxhat = G * gamma
    dvar = np.sum(dxhat * (x - mu), 0) * -0.5 * (var + EPS) ** -1.5
    dmu = np.sum(-dxhat / np.sqrt(var + EPS), 0) + dvar * np.mean(-2 * (x - mu), 0)
    dx = dxhat / np.sqrt(var + EPS) + dvar * 2 * (x - mu) / n + dmu / n
    np.testing.assert_allclose(gx, dx, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(gg, np.sum(G * xhat, 0), rtol=1e-12)
    np.testing.assert_allclose(gb, np.sum(G, 0), rtol=1e-13)


def bn_train(x, gamma, beta):
    bn = nn.BatchNorm(x.shape[-1])
    return bn.apply({"gamma": gamma, "beta": beta}, bn.init(None)[1], x, train=True)[0]


def test_training_mode_jacobian_is_dense_across_samples():
    x = RNG.standard_normal((4, 2))
    J = cr.jacrev(bn_train)(x, np.ones(2), np.zeros(2))  # shape (4, 2, 4, 2)
    assert J.shape == (4, 2, 4, 2)
    assert abs(J[0, 0, 1, 0]) > 1e-3  # sample 1 moves sample 0's output (same feature)
    assert J[0, 0, 1, 1] == 0 and J[0, 0, 0, 1] == 0  # features do not mix
    np.testing.assert_allclose(cr.jacfwd(bn_train)(x, np.ones(2), np.zeros(2)), J,
                               rtol=1e-12, atol=1e-14)


def test_training_mode_check_grads_order_1_and_2():
    x = RNG.standard_normal((5, 3))
    gamma, beta = 1 + 0.3 * RNG.standard_normal(3), RNG.standard_normal(3)
    cr.check_grads(bn_train, (x, gamma, beta), order=1)
    cr.check_grads(bn_train, (x, gamma, beta), order=2)
    # a scalar loss of a network with BatchNorm, second order (Hessian-vector products)
    cr.check_grads(lambda x: np.sum(np.tanh(bn_train(x, gamma, beta)) ** 2), (x,), order=2)


def test_state_from_inside_a_transform_is_plain():
    bn = nn.BatchNorm(3)
    params, state = bn.init(None)
    x = RNG.standard_normal((8, 3))

    def loss(params, state):
        y, state = bn.apply(params, state, x, train=True)
        return np.sum(y ** 3), state

    (value, new_state), grads = cr.value_and_grad(loss, has_aux=True)(params, state)
    _, direct = bn.apply(params, state, x, train=True)
    for k in ("mean", "var", "count"):
        assert type(new_state[k]) is np.ndarray
        np.testing.assert_array_equal(new_state[k], direct[k])
    _, (_, fwd_state) = cr.jvp(lambda p: loss(p, state), (params,),
                               ({"gamma": np.ones(3), "beta": np.zeros(3)},))
    assert type(fwd_state["mean"]) is np.ndarray


def test_errors():
    bn = nn.BatchNorm(3)
    p, s = bn.init(None)
    with pytest.raises(ValueError, match="a batch of 1 example has no variance"):
        bn.apply(p, s, np.zeros((1, 3)), train=True)
    with pytest.raises(ValueError, match=r"last axis has 2 features"):
        bn.apply(p, s, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="momentum"):
        nn.BatchNorm(3, momentum=1.5)


# ---- the lecture's test-time statistics from the whole training set ---------------------------

def two_bn_net():
    return nn.Sequential(nn.Linear(2, 3), nn.BatchNorm(3), nn.Activation("relu"),
                         nn.Linear(3, 2), nn.BatchNorm(2))


def test_dataset_statistics_by_hand():
    model = two_bn_net()
    params, state = model.init(np.random.default_rng(1))
    params["1"] = params_of([1.5, 0.5, 2.0], [0.1, -0.2, 0.3])
    X = RNG.standard_normal((50, 2)) * 3 + 1
    stats = nn.dataset_statistics(model, params, state, X)
    # by hand: BN1's statistics over all of X; BN2's over the layer below normalised by them
    h1 = X @ params["0"]["W"] + params["0"]["b"]
    m1, v1 = h1.mean(0), h1.var(0)
    z = np.maximum(params["1"]["gamma"] * (h1 - m1) / np.sqrt(v1 + EPS)
                   + params["1"]["beta"], 0)
    h2 = z @ params["3"]["W"] + params["3"]["b"]
    np.testing.assert_allclose(stats["1"]["mean"], m1, rtol=1e-13)
    np.testing.assert_allclose(stats["1"]["var"], v1, rtol=1e-13)
    np.testing.assert_allclose(stats["4"]["mean"], h2.mean(0), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(stats["4"]["var"], h2.var(0), rtol=1e-12)
    assert stats["1"]["count"] == 0  # count is left as it was
    assert state["1"]["var"].tolist() == [1, 1, 1]  # the given state is untouched
    # evaluation with these statistics on X is training mode on X as one batch
    y_eval, _ = model.apply(params, stats, X)
    y_train, _ = model.apply(params, state, X, train=True)
    np.testing.assert_allclose(y_eval, y_train, rtol=1e-12, atol=1e-13)
    # ddof=1: the unbiased variance of BN1's input
    unb = nn.dataset_statistics(model, params, state, X, ddof=1)
    np.testing.assert_allclose(unb["1"]["var"], h1.var(0, ddof=1), rtol=1e-13)


def without_dropout(tree):
    """MLP(dropout=...) parameters or state laid out for the same MLP without dropout: each
    block's entries ["0" BN, "1" act, "2" Dropout, "3" Linear] become ["0", "1", "2"]."""
    out = {"0": tree["0"]}
    for k in list(tree)[1:]:
        out[k] = {"0": tree[k]["0"], "1": tree[k]["1"], "2": tree[k]["3"]}
    return out


@pytest.mark.parametrize("batch_size", [7, 16, 49])
def test_dataset_statistics_in_minibatches_agree(batch_size):
    model = nn.MLP([2, 5, 5, 4, 1], batchnorm=True, residual=True, dropout=0.3)
    params, state = model.init(np.random.default_rng(3))
    X = RNG.standard_normal((50, 2)) * 2
    whole = nn.dataset_statistics(model, params, state, X)
    parts = nn.dataset_statistics(model, params, state, X, batch_size=batch_size)
    for a, b in zip(cr.tree.leaves(whole), cr.tree.leaves(parts)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert not any(np.allclose(whole[k]["0"]["var"], 1) for k in ("1", "2", "3"))
    # Dropout is off while the statistics are taken: the same network without dropout, in
    # training mode on all of X, gives what evaluation with the statistics gives
    plain = nn.MLP([2, 5, 5, 4, 1], batchnorm=True, residual=True)
    y_train, _ = plain.apply(without_dropout(params), without_dropout(state), X, train=True)
    y_eval, _ = plain.apply(without_dropout(params), without_dropout(parts), X)
    np.testing.assert_allclose(y_eval, y_train, rtol=1e-11, atol=1e-12)
    y_eval_drop, _ = model.apply(params, parts, X)
    np.testing.assert_allclose(y_eval_drop, y_train, rtol=1e-11, atol=1e-12)
