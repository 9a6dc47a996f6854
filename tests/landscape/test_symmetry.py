import numpy as np
import pytest

from chainrule import landscape as ls
from chainrule import nn
from chainrule.landscape import lecture_model as lm


def _changed(a, b):
    """Different parameters: the flat vectors differ somewhere."""
    return not np.array_equal(ls.ravel(a)[0], ls.ravel(b)[0])


def _deep(params, X, act):
    h = X
    for W in params[:-1]:
        h = lm.ACTIVATIONS[act](h @ W)
    return h @ params[-1]


@pytest.mark.parametrize("act", ["logistic", "tanh", "relu"])
def test_permuting_hidden_units_of_the_lecture_model_keeps_its_outputs(iris, iris_params, act):
    X = iris[0]
    perm = np.random.default_rng(0).permutation(16)
    q = ls.permute_hidden(iris_params, 0, perm)
    np.testing.assert_allclose(lm.logits(q, X, act), lm.logits(iris_params, X, act),
                               rtol=1e-12, atol=1e-12)
    assert _changed(q, iris_params)
    assert np.array_equal(q["V"][:, 0], iris_params["V"][:, perm[0]])


def test_negating_tanh_units_keeps_the_outputs_since_tanh_is_odd(iris, iris_params):
    X = iris[0]
    q = ls.negate_hidden(iris_params, 0, [1, 4, 9], activation="tanh")
    np.testing.assert_allclose(lm.logits(q, X, "tanh"), lm.logits(iris_params, X, "tanh"),
                               rtol=1e-12, atol=1e-12)
    assert _changed(q, iris_params)


def test_negating_a_logistic_unit_needs_an_output_bias_which_the_lecture_model_lacks(
        iris_params):
    with pytest.raises(ValueError, match="no bias"):
        ls.negate_hidden(iris_params, 0, [0], activation="logistic")


def test_negating_logistic_units_of_an_nn_mlp_shifts_the_next_bias_and_keeps_outputs(iris):
    X = iris[0][:, :2]
    model = nn.MLP([2, 6, 5, 3], activation="logistic")
    params, state = model.init(1)
    for layer in (0, 1):  # σ(-q) = 1 - σ(q): b_{l+1} += W_{l+1}[u, :]
        q = ls.negate_hidden(params, layer, [0, 2], activation="logistic", model=model)
        np.testing.assert_allclose(model.apply(q, state, X)[0], model.apply(params, state, X)[0],
                                   rtol=1e-12, atol=1e-12)
        assert _changed(q, params)


def test_rescaling_relu_units_by_positive_factors_keeps_the_outputs(iris):
    X = iris[0][:, :2]
    model = nn.MLP([2, 6, 5, 3], activation="relu")
    params, state = model.init(2)
    q = ls.rescale_hidden(params, 1, [0, 3, 4], [2.0, 0.5, 7.0], model=model)
    np.testing.assert_allclose(model.apply(q, state, X)[0], model.apply(params, state, X)[0],
                               rtol=1e-12, atol=1e-12)
    assert _changed(q, params)
    with pytest.raises(ValueError, match="positive"):
        ls.rescale_hidden(params, 1, [0], -1.0)


def test_a_list_of_weight_matrices_is_a_deep_net_whose_layers_permute_and_rescale(iris):
    X = iris[0]
    rng = np.random.default_rng(4)
    ws = [rng.standard_normal((3, 8)), rng.standard_normal((8, 8)), rng.standard_normal((8, 3))]
    for q, act in ((ls.permute_hidden(ws, 1, rng.permutation(8)), "tanh"),
                   (ls.negate_hidden(ws, 1, [2, 5]), "tanh"),
                   (ls.rescale_hidden(ws, 0, [1, 7], 3.0), "relu")):
        np.testing.assert_allclose(_deep(q, X, act), _deep(ws, X, act), rtol=1e-12, atol=1e-12)
        assert _changed(q, ws)


def test_splitting_units_keeps_the_outputs_and_multiplies_the_width(iris, iris_params):
    X = iris[0]
    q = ls.split_units(iris_params, 0, 3)
    assert q["V"].shape == (3, 48) and ls.hidden_sizes(q) == [48]
    np.testing.assert_allclose(lm.logits(q, X), lm.logits(iris_params, X), rtol=1e-12,
                               atol=1e-12)


def test_batchnorm_residual_and_bad_permutations_are_refused_with_a_reason(iris_params):
    bn = nn.MLP([2, 4, 3], batchnorm=True)
    with pytest.raises(ValueError, match="batch normalization"):
        ls.permute_hidden(bn.init(0)[0], 0, [1, 0, 2, 3])
    res = nn.MLP([2, 4, 4, 3], residual=True)
    with pytest.raises(ValueError, match="skip connections"):
        ls.permute_hidden(res.init(0)[0], 0, [1, 0, 2, 3], model=res)
    with pytest.raises(ValueError, match="permutation"):
        ls.permute_hidden(iris_params, 0, [0, 0] + list(range(2, 16)))
    with pytest.raises(ValueError, match="hidden layer"):
        ls.permute_hidden(iris_params, 1, np.arange(3))
