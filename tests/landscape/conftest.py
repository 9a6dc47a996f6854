"""Shared fixtures: the lecture's Iris MLP (2 petal features + bias, 16 logistic units, 3
classes; 96 parameters) at a fixed random point."""

from __future__ import annotations

import numpy as np
import pytest

from chainrule import lecture
from chainrule.data import load_iris, one_hot


@pytest.fixture(scope="session")
def iris():
    d = load_iris(add_bias=True)
    return d.X_train, one_hot(d.y_train, 3), d.y_train


@pytest.fixture(scope="session")
def iris_params():
    rng = np.random.default_rng(3)
    return {"V": rng.standard_normal((3, 16)), "W": rng.standard_normal((16, 3))}


@pytest.fixture(scope="session")
def iris_loss(iris):
    """The lecture's own cost (plain NumPy, chainrule.lecture.cost) on the Iris training set."""
    X, Y, _ = iris
    return lambda p: lecture.cost(X, Y, p["W"], p["V"])
