"""chainrule.data: the shipped Iris data, the loader, one_hot and minibatches.

Expectations come from the published data set (R's ``summary(iris)``/``colSums``, the UCI
page's note on its two wrong rows) and from hand computation, never from the loader itself.
"""

import numpy as np
import pytest

from chainrule.data import CLASS_NAMES, FEATURE_NAMES, iris_raw, load_iris, minibatches, one_hot


def _sorted_rows(X):
    return X[np.lexsort(X.T[::-1])]


# ---- the data set -----------------------------------------------------------------------------

def test_iris_raw_is_fishers_150_flowers():
    X, y, features, classes = iris_raw()
    assert X.shape == (150, 4) and X.dtype == np.float64
    assert y.shape == (150,) and y.dtype.kind == "i"
    assert features == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert classes == ("setosa", "versicolor", "virginica")
    assert np.bincount(y).tolist() == [50, 50, 50]
    assert (y[:50] == 0).all() and (y[50:100] == 1).all() and (y[100:] == 2).all()
    # R: colSums(iris[1:4]) = 876.5, 458.6, 563.7, 179.9 (means 5.843, 3.057, 3.758, 1.199)
    np.testing.assert_allclose(X.sum(axis=0), [876.5, 458.6, 563.7, 179.9], rtol=0, atol=1e-9)
    # per-species petal length means (R: tapply(iris$Petal.Length, iris$Species, mean))
    np.testing.assert_allclose([X[y == c, 2].mean() for c in range(3)], [1.462, 4.260, 5.552],
                               atol=1e-12)
    # first and last flowers, and rows 35 and 38 as in Fisher's paper (the UCI copy has
    # 4.9,3.1,1.5,0.1 for both)
    np.testing.assert_array_equal(X[0], [5.1, 3.5, 1.4, 0.2])
    np.testing.assert_array_equal(X[149], [5.9, 3.0, 5.1, 1.8])
    np.testing.assert_array_equal(X[34], [4.9, 3.1, 1.5, 0.2])
    np.testing.assert_array_equal(X[37], [4.9, 3.6, 1.4, 0.1])


def test_iris_raw_returns_fresh_arrays():
    X, y, _, _ = iris_raw()
    X[:] = 0
    y[:] = 7
    X2, y2, _, _ = iris_raw()
    assert X2[0, 0] == 5.1 and y2[0] == 0


def test_the_source_and_licence_are_noted():
    from importlib import resources
    head = resources.files("chainrule.data").joinpath("iris.csv").read_text().splitlines()[:4]
    text = " ".join(head)
    assert "Fisher" in text and "1936" in text and "public" in text.lower()


# ---- load_iris --------------------------------------------------------------------------------

def test_default_split_is_stratified_70_30_and_seeded():
    d = load_iris()
    assert d.X_train.shape == (105, 2) and d.X_test.shape == (45, 2)
    assert d.feature_names == ("petal_length", "petal_width")
    assert d.class_names == CLASS_NAMES and d.num_classes == 3
    assert np.bincount(d.y_train).tolist() == [35, 35, 35]
    assert np.bincount(d.y_test).tolist() == [15, 15, 15]
    again = load_iris()
    np.testing.assert_array_equal(again.X_train, d.X_train)
    np.testing.assert_array_equal(again.y_test, d.y_test)
    other = load_iris(seed=1)
    assert not np.array_equal(other.X_train, d.X_train)
    # the training set is not sorted by class (minibatches would be single-class otherwise)
    assert len(set(d.y_train[:20].tolist())) == 3


def test_split_partitions_the_flowers():
    X, y, _, _ = iris_raw()
    d = load_iris(features=None, standardize=False, seed=3)
    both = np.concatenate([d.X_train, d.X_test])
    np.testing.assert_array_equal(_sorted_rows(both), _sorted_rows(X))
    labels = np.concatenate([d.y_train, d.y_test])
    # every (row, label) pair is a real flower: labels travel with their rows
    pairs = np.column_stack([both, labels])
    np.testing.assert_array_equal(_sorted_rows(pairs), _sorted_rows(np.column_stack([X, y])))


def test_standardisation_uses_training_statistics_only():
    raw = load_iris(features=["sepal_length", "petal_width"], standardize=False, seed=5)
    std = load_iris(features=["sepal_length", "petal_width"], standardize=True, seed=5)
    mu = raw.X_train.sum(axis=0) / len(raw.X_train)
    sd = np.sqrt(((raw.X_train - mu) ** 2).sum(axis=0) / len(raw.X_train))  # ddof = 0
    np.testing.assert_allclose(std.mean, mu, rtol=1e-14)
    np.testing.assert_allclose(std.std, sd, rtol=1e-14)
    np.testing.assert_allclose(std.X_train, (raw.X_train - mu) / sd, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(std.X_test, (raw.X_test - mu) / sd, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(std.X_train.mean(axis=0), 0, atol=1e-14)
    np.testing.assert_allclose(std.X_train.std(axis=0), 1, rtol=1e-13)
    assert not np.allclose(std.X_test.mean(axis=0), 0, atol=1e-3)  # the test set's own differ
    np.testing.assert_array_equal(raw.mean, [0, 0])
    np.testing.assert_array_equal(raw.std, [1, 1])


def test_feature_selection_by_name_and_index_keeps_the_order():
    X, y, _, _ = iris_raw()
    d = load_iris(features=(3, "sepal_width"), standardize=False, test_fraction=0.0)
    assert d.feature_names == ("petal_width", "sepal_width")
    assert d.X_test.shape == (0, 2) and d.y_test.shape == (0,)
    np.testing.assert_array_equal(_sorted_rows(d.X_train), _sorted_rows(X[:, [3, 1]]))
    assert load_iris(features="petal_length").X_train.shape == (105, 1)
    assert load_iris(features=None).feature_names == FEATURE_NAMES
    assert load_iris(features=["Petal Length"]).feature_names == ("petal_length",)


@pytest.mark.parametrize("features, err", [
    (["petal_size"], ValueError), ([4], ValueError), ([0, 0], ValueError), ([], ValueError),
    ([1.5], TypeError),
])
def test_bad_features_are_refused_with_the_choices(features, err):
    with pytest.raises(err) as e:
        load_iris(features=features)
    if err is ValueError and features and features[0] == "petal_size":
        assert "petal_length" in str(e.value)


def test_bad_test_fraction_is_refused():
    with pytest.raises(ValueError, match="test_fraction"):
        load_iris(test_fraction=1.0)


def test_add_bias_appends_ones_and_transform_maps_new_measurements():
    d = load_iris(add_bias=True, seed=2)
    assert d.feature_names == ("petal_length", "petal_width", "bias")
    assert d.X_train.shape == (105, 3)
    np.testing.assert_array_equal(d.X_train[:, 2], 1.0)
    np.testing.assert_array_equal(d.X_test[:, 2], 1.0)
    # a flower with petals 1.4 cm x 0.2 cm, by hand
    z = d.transform([[1.4, 0.2]])
    np.testing.assert_allclose(z, [[(1.4 - d.mean[0]) / d.std[0], (0.2 - d.mean[1]) / d.std[1],
                                    1.0]], rtol=1e-14)
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        d.transform([[1.0, 2.0, 3.0]])


def test_a_generator_seed_is_accepted():
    a = load_iris(seed=np.random.default_rng(11))
    b = load_iris(seed=np.random.default_rng(11))
    np.testing.assert_array_equal(a.y_train, b.y_train)


# ---- one_hot ----------------------------------------------------------------------------------

def test_one_hot_by_hand():
    np.testing.assert_array_equal(one_hot([2, 0, 1, 2], 3),
                                  [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert one_hot([0, 1], 4).shape == (2, 4)
    assert one_hot([1, 0]).shape == (2, 2)  # num_classes inferred
    assert one_hot([1], 2).dtype == np.float64
    assert one_hot(np.array([1.0, 0.0]), 2).tolist() == [[0, 1], [1, 0]]
    assert one_hot(np.zeros(0, dtype=int), 3).shape == (0, 3)


def test_one_hot_refuses_bad_labels():
    with pytest.raises(ValueError, match="0..2"):
        one_hot([0, 3], 3)
    with pytest.raises(ValueError):
        one_hot([-1, 0], 3)
    with pytest.raises(TypeError, match="integers"):
        one_hot([0.5, 1.0], 3)


# ---- minibatches ------------------------------------------------------------------------------

def test_minibatches_cover_every_row_once_and_keep_pairs():
    X = np.arange(105, dtype=float)[:, None] * np.array([[1.0, 10.0]])
    y = np.arange(105)
    batches = list(minibatches(X, y, 32, seed=0))
    assert [len(xb) for xb, _ in batches] == [32, 32, 32, 9]
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(105))
    assert not np.array_equal(seen, np.arange(105))  # shuffled
    for xb, yb in batches:
        np.testing.assert_array_equal(xb[:, 0], yb)
        np.testing.assert_array_equal(xb[:, 1], 10 * yb)


def test_minibatches_are_seeded_and_ordered_without_shuffle():
    X = np.arange(10.0)
    a = [yb.tolist() for _, yb in minibatches(X, np.arange(10), 4, seed=3)]
    b = [yb.tolist() for _, yb in minibatches(X, np.arange(10), 4, seed=3)]
    c = [yb.tolist() for _, yb in minibatches(X, np.arange(10), 4, seed=4)]
    assert a == b and a != c
    plain = [xb.tolist() for xb, _ in minibatches(X, None, 4, shuffle=False)]
    assert plain == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [len(xb) for xb, _ in minibatches(X, None, 4, shuffle=False, drop_last=True)] == [4, 4]
    assert all(yb is None for _, yb in minibatches(X, None, 3, seed=0))


def test_a_generator_advances_between_epochs():
    rng = np.random.default_rng(0)
    first = np.concatenate([yb for _, yb in minibatches(np.zeros(50), np.arange(50), 50, rng)])
    second = np.concatenate([yb for _, yb in minibatches(np.zeros(50), np.arange(50), 50, rng)])
    assert sorted(first) == sorted(second) and not np.array_equal(first, second)


def test_minibatches_refuse_bad_arguments_at_the_call():
    with pytest.raises(ValueError, match="batch_size"):
        minibatches(np.zeros(4), None, 0)
    with pytest.raises(ValueError, match="batch_size"):
        minibatches(np.zeros(4), None, 2.0)
    with pytest.raises(ValueError, match="rows"):
        minibatches(np.zeros(4), np.zeros(3), 2)
