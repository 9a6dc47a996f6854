import numpy as np
import pytest

from chainrule import landscape as ls
from chainrule import nn


def _mlp_params():
    params, _ = nn.MLP([4, 8, 5, 3], activation="relu", batchnorm=True).init(0)
    return params


def test_filter_normalisation_gives_each_filter_the_norm_of_the_parameters_filter():
    params = _mlp_params()
    d = ls.direction(params, rng=1, normalization="filter")
    for W, D in ((params["0"]["W"], d["0"]["W"]), (params["1"]["2"]["W"], d["1"]["2"]["W"])):
        # ‖d[:, j]‖ = ‖θ[:, j]‖ for every output unit j (a filter is a column: in × out)
        np.testing.assert_allclose(np.linalg.norm(D, axis=0), np.linalg.norm(W, axis=0),
                                   rtol=1e-12, atol=0)
        assert not np.allclose(D, W)  # a random direction, not the weights themselves


def test_biases_and_batchnorm_parameters_stay_still_by_default():
    params = _mlp_params()
    d = ls.direction(params, rng=1)
    assert np.all(d["0"]["b"] == 0) and np.all(d["1"]["0"]["gamma"] == 0)
    d2 = ls.direction(params, rng=1, ignore=())
    # not ignored: a 1-D leaf is one filter, with the norm of the parameter leaf
    assert np.linalg.norm(d2["0"]["b"]) == pytest.approx(np.linalg.norm(params["0"]["b"]),
                                                         rel=1e-12)


def test_layer_and_model_normalisation_match_leaf_and_total_norms(iris_params):
    d = ls.direction(iris_params, rng=2, normalization="layer")
    for k in ("V", "W"):
        assert np.linalg.norm(d[k]) == pytest.approx(np.linalg.norm(iris_params[k]), rel=1e-12)
    d = ls.direction(iris_params, rng=2, normalization="model")
    assert ls.vectors.norm(d) == pytest.approx(ls.vectors.norm(iris_params), rel=1e-12)


def test_an_unknown_normalisation_is_an_error_that_lists_the_choices(iris_params):
    with pytest.raises(ValueError, match="filter"):
        ls.direction(iris_params, normalization="unit")
