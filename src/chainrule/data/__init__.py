"""``chainrule.data``: the Iris data set shipped with the package, and minibatching.

The Iris measurements (``iris.csv`` next to this file) are R. A. Fisher's 1936 data, as
distributed with R's ``datasets`` package: 150 flowers, 50 of each species (setosa,
versicolor, virginica), four measurements in cm. The data are in the public domain; the
CSV's header comments give the source.

>>> from chainrule.data import load_iris, one_hot
>>> d = load_iris()                       # petal length and width, standardised, 70/30 split
>>> d.X_train.shape, d.X_test.shape
((105, 2), (45, 2))
>>> one_hot(d.y_train, 3).shape
(105, 3)

Everything here is plain NumPy (data are not differentiated); all randomness is seeded.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

import numpy as np

__all__ = ["IrisData", "iris_raw", "load_iris", "one_hot", "minibatches", "FEATURE_NAMES",
           "CLASS_NAMES"]

FEATURE_NAMES = ("sepal_length", "sepal_width", "petal_length", "petal_width")
CLASS_NAMES = ("setosa", "versicolor", "virginica")

_RAW: tuple[np.ndarray, np.ndarray] | None = None


def _read_csv() -> tuple[np.ndarray, np.ndarray]:
    text = resources.files(__name__).joinpath("iris.csv").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    header = tuple(lines[0].split(","))
    if header != FEATURE_NAMES + ("species",):
        raise RuntimeError(f"chainrule.data: iris.csv has an unexpected header {header}")
    X = np.empty((len(lines) - 1, 4))
    y = np.empty(len(lines) - 1, dtype=np.int64)
    for i, line in enumerate(lines[1:]):
        *values, species = line.split(",")
        X[i] = [float(v) for v in values]
        y[i] = CLASS_NAMES.index(species)
    return X, y


def iris_raw() -> tuple[np.ndarray, np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """The whole data set: ``(X, y, feature_names, class_names)``.

    ``X`` is a fresh float64 array of shape (150, 4) in cm (columns in the order of
    ``feature_names``: sepal length, sepal width, petal length, petal width); ``y`` holds
    integer labels 0, 1, 2 for ``class_names`` (setosa, versicolor, virginica), in the file's
    order (50 of each, grouped by species).
    """
    global _RAW
    if _RAW is None:
        _RAW = _read_csv()
    X, y = _RAW
    return X.copy(), y.copy(), FEATURE_NAMES, CLASS_NAMES


@dataclass(frozen=True)
class IrisData:
    """A train/test split of Iris, as returned by :func:`load_iris`.

    ``X_train``/``X_test`` hold the selected features (standardised with the *training*
    set's ``mean`` and ``std`` when asked, then a column of ones last when ``add_bias``);
    ``y_train``/``y_test`` are integer labels. ``feature_names`` names the columns of ``X``
    (``"bias"`` for the column of ones). ``mean`` and ``std`` are per selected feature, in
    cm (zeros and ones when not standardised), so :meth:`transform` maps new raw
    measurements the same way.
    """

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    add_bias: bool = False

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def transform(self, X_raw: Any) -> np.ndarray:
        """Raw measurements (cm) of the selected features, shape (n, k) → model inputs:
        ``(X_raw - mean) / std``, then the bias column when the data has one."""
        X_raw = np.asarray(X_raw, dtype=np.float64)
        k = len(self.mean)
        if X_raw.ndim != 2 or X_raw.shape[1] != k:
            raise ValueError(f"IrisData.transform: expected shape (n, {k}) (one column per "
                             f"selected feature), got {X_raw.shape}")
        X = (X_raw - self.mean) / self.std
        if self.add_bias:
            X = np.concatenate([X, np.ones((len(X), 1))], axis=1)
        return X


def _feature_indices(features: Any) -> list[int]:
    if features is None:
        return list(range(4))
    if isinstance(features, (str, int, np.integer)):
        features = [features]
    idx = []
    for f in features:
        if isinstance(f, (int, np.integer)) and not isinstance(f, bool):
            if not 0 <= f < 4:
                raise ValueError(f"load_iris: feature index {f} is out of range; Iris has 4 "
                                 f"features, 0..3: {', '.join(FEATURE_NAMES)}")
            idx.append(int(f))
        elif isinstance(f, str):
            name = f.strip().lower().replace(" ", "_").replace("-", "_").replace(".", "_")
            if name not in FEATURE_NAMES:
                raise ValueError(f"load_iris: unknown feature {f!r}; choose from "
                                 f"{', '.join(FEATURE_NAMES)} (or their indices 0..3)")
            idx.append(FEATURE_NAMES.index(name))
        else:
            raise TypeError(f"load_iris: features must be names or indices, got {f!r}")
    if not idx:
        raise ValueError("load_iris: select at least one feature")
    if len(set(idx)) != len(idx):
        raise ValueError(f"load_iris: feature selected twice in {features!r}")
    return idx


def _stratified_split(y: np.ndarray, test_fraction: float,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test): in each class, a seeded random round(n_c · test_fraction)
    go to the test set, so both sets keep the class proportions."""
    train, test = [], []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        members = members[rng.permutation(len(members))]
        n_test = int(math.floor(len(members) * test_fraction + 0.5))
        test.append(members[:n_test])
        train.append(members[n_test:])
    train_idx = np.concatenate(train)
    test_idx = np.concatenate(test)
    # mix the classes (a class-sorted training set would make minibatches single-class)
    return train_idx[rng.permutation(len(train_idx))], test_idx[rng.permutation(len(test_idx))]


def load_iris(features: Any = ("petal_length", "petal_width"), standardize: bool = True,
              test_fraction: float = 0.3, seed: int | np.random.Generator | None = 0,
              add_bias: bool = False) -> IrisData:
    """Iris, ready for a model: selected features, a seeded stratified train/test split,
    standardisation with the training set's statistics, and an optional bias column.

    - ``features``: names (``"petal_length"``, ...) or column indices 0..3, or ``None`` for
      all four. The default is the lecture's two: petal length and petal width.
    - ``test_fraction``: share of each class held out (rounded per class; 0.3 gives 35
      training and 15 test flowers per species). 0 gives an empty test set.
    - ``seed``: an int or a ``np.random.Generator``; the same seed gives the same split.
    - ``standardize``: subtract the training mean and divide by the training standard
      deviation (population, ``ddof=0``), per feature. The test set is transformed with the
      *training* statistics: nothing about the test set leaks into the inputs.
    - ``add_bias``: append a column of ones (the lecture's x_0 = 1, as the last column).
    """
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError(f"load_iris: test_fraction must be in [0, 1), got {test_fraction}")
    idx = _feature_indices(features)
    X_all, y_all, _, _ = iris_raw()
    X_all = X_all[:, idx]
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    tr, te = _stratified_split(y_all, test_fraction, rng)
    X_train, X_test = X_all[tr], X_all[te]
    if standardize:
        mean = X_train.mean(axis=0)
        std = X_train.std(axis=0)
    else:
        mean = np.zeros(len(idx))
        std = np.ones(len(idx))
    names = tuple(FEATURE_NAMES[i] for i in idx)
    data = IrisData(X_train=X_train, X_test=X_test, y_train=y_all[tr], y_test=y_all[te],
                    feature_names=names + (("bias",) if add_bias else ()),
                    class_names=CLASS_NAMES, mean=mean, std=std, add_bias=add_bias)
    return replace(data, X_train=data.transform(X_train), X_test=data.transform(X_test))


def one_hot(labels: Any, num_classes: int | None = None, dtype: Any = np.float64) -> np.ndarray:
    """Integer labels of shape (n,) → one-hot rows of shape (n, num_classes).

    ``num_classes`` defaults to ``max(labels) + 1``; labels outside ``0..num_classes-1`` are a
    ``ValueError``.
    """
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        if labels.dtype.kind == "f" and labels.size and np.all(labels == np.round(labels)):
            labels = labels.astype(np.int64)
        elif labels.size:
            raise TypeError(f"one_hot: labels must be integers, got dtype {labels.dtype}")
        else:
            labels = labels.astype(np.int64)
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"one_hot: labels must lie in 0..{num_classes - 1}, got values from "
                         f"{labels.min()} to {labels.max()}")
    out = np.zeros(labels.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, labels[..., None], 1, axis=-1)
    return out


def minibatches(X: Any, y: Any = None, batch_size: int = 32,
                seed: int | np.random.Generator | None = None, shuffle: bool = True,
                drop_last: bool = False) -> Iterator[tuple[np.ndarray, Any]]:
    """One epoch of minibatches ``(xb, yb)`` of ``X`` and ``y`` (rows, first axis).

    With ``shuffle`` the rows are visited in a random order drawn from ``seed`` (an int or a
    ``np.random.Generator``; the same int gives the same order; a Generator advances, so
    calling again with it gives the next epoch's order). Without ``shuffle`` the order is
    the data's. The last batch is smaller when ``batch_size`` does not divide the number of
    rows, unless ``drop_last``. ``y`` may be ``None`` (then ``yb`` is ``None``) or any
    sequence of arrays' rows matching ``X`` in length.
    """
    X = np.asarray(X)
    n = len(X)
    if y is not None:
        y = np.asarray(y)
        if len(y) != n:
            raise ValueError(f"minibatches: X has {n} rows but y has {len(y)}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ValueError(f"minibatches: batch_size must be a positive int, got {batch_size!r}")
    if shuffle:
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        order = rng.permutation(n)
    else:
        order = np.arange(n)
    stop = n - n % batch_size if drop_last else n
    return _batches(X, y, order, batch_size, stop)


def _batches(X: np.ndarray, y: Any, order: np.ndarray, batch_size: int,
             stop: int) -> Iterator[tuple[np.ndarray, Any]]:
    for start in range(0, stop, batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], (None if y is None else y[idx])

