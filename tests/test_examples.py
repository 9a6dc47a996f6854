"""examples/: each example runs, with reduced sizes, and shows what it claims to show.

Thresholds come from what the task allows, not from the code's own output: the regression
must beat predicting the mean by far, the classifier a linear model, and the 20-layer plain
network stays at the loss of a constant prediction (log 3 for three balanced classes) while
skip connections and batch norm train it.
"""

import importlib.util
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"chainrule_example_{name}",
                                                  EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def regression():
    return _load("regression")


@pytest.fixture(scope="module")
def binary():
    return _load("binary_classification")


@pytest.fixture(scope="module")
def multiclass():
    return _load("multiclass_iris")


@pytest.fixture(scope="module")
def deep():
    return _load("deep_mlp")


def test_regression_fits_the_curve(regression):
    r = regression.run(n=60, n_test=60, hidden=16, epochs=40, seed=0, progress=False)
    assert r["train_loss"] < 0.15 * r["baseline_train"]
    assert r["test_loss"] < 0.2 * r["baseline_test"]
    # the loss is the lecture's ½‖y - ŷ‖², averaged: recompute it from the predictions
    X, Y = regression.make_data(60, 0.1, 0)
    pred = np.asarray(r["predict"](r["params"], X))
    assert pred.shape == (60, 1)
    np.testing.assert_allclose(r["train_loss"], 0.5 * np.mean((Y - pred) ** 2), rtol=1e-12)
    assert len(r["history"]["loss"]) == 40 and "test_loss" in r["history"]


def test_binary_classifier_beats_a_linear_model(binary):
    r = binary.run(n=200, n_test=200, epochs=40, seed=0, progress=False)
    lin = r["linear"]
    assert r["test_accuracy"] >= 0.92
    assert r["test_accuracy"] >= lin["test_accuracy"] + 0.03
    assert lin["sizes"] == [2, 1] and r["sizes"] == [2, 16, 16, 1]
    # the moons are balanced and labelled 0/1
    X, y = binary.two_moons(200, 0.2, 0)
    assert X.shape == (200, 2) and sorted(set(y.tolist())) == [0.0, 1.0] and y.sum() == 100


def test_multiclass_iris_lecture_model_and_checkpoint(multiclass, tmp_path):
    lec = multiclass.lecture_model(iters=1500, seed=0, progress=False)
    assert lec["features"] == ("petal_length", "petal_width", "bias")
    assert lec["train_accuracy"] >= 0.95 and lec["test_accuracy"] >= 0.85
    assert lec["confusion"].sum() == 45 and (lec["confusion"].sum(axis=1) == 15).all()
    path = tmp_path / "iris.npz"
    mod = multiclass.modern_model(epochs=30, seed=0, progress=False, checkpoint=path)
    assert mod["features"] == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert mod["train_accuracy"] >= 0.9 and mod["test_accuracy"] >= 0.85
    assert mod["checkpoint_ok"] and path.exists()
    assert 0 <= mod["best_epoch"] < 30


def test_deep_plain_network_does_not_train_but_skip_and_batchnorm_do(deep):
    res = deep.run(depth=20, width=8, steps=40, n_per_class=20, seed=0, verbose=False,
                   variants=["plain", "skip", "batchnorm", "skip + batchnorm"])
    plain = res["plain"]["loss"]
    assert abs(plain - math.log(3)) < 0.01  # the constant prediction's loss: nothing learnt
    assert res["skip"]["loss"] < plain - 0.05
    assert res["batchnorm"]["loss"] < plain - 0.05
    assert res["skip + batchnorm"]["loss"] < 0.5
    # the variants have the same weights; batch norm adds γ and β per hidden unit
    n = res["plain"]["params"]
    assert res["skip"]["params"] == n
    assert res["batchnorm"]["params"] == n + 2 * 8 * 19  # 19 hidden layers of 8
    X, y = deep.spiral(20)
    assert X.shape == (60, 2) and np.bincount(y).tolist() == [20, 20, 20]


@pytest.mark.parametrize("name, argv, expect", [
    ("regression", ["--n", "40", "--epochs", "3", "--hidden", "8"], "the MLP"),
    ("binary_classification", ["--n", "60", "--epochs", "3"], "test accuracy"),
    ("multiclass_iris", ["--iters", "50", "--epochs", "3"], "confusion matrix"),
    ("deep_mlp", ["--depth", "6", "--width", "4", "--steps", "3", "--n", "10"],
     "relative to the plain network"),
])
def test_main_prints_its_results(name, argv, expect, capsys):
    assert _load(name).main(argv + (["--no-progress"] if name != "deep_mlp" else [])) == 0
    assert expect in capsys.readouterr().out


def test_examples_run_as_scripts(tmp_path):
    ck = tmp_path / "m.npz"
    cmd = [sys.executable, str(EXAMPLES / "multiclass_iris.py"), "--iters", "20", "--epochs",
           "2", "--no-progress", "--checkpoint", str(ck)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "reloaded: identical" in out.stdout and ck.exists()
