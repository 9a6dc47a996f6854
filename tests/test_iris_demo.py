"""`chainrule demo iris`: the lecture's Iris MLP trained end to end.

The gradient is checked against the lecture's hand-derived formulas (chainrule.lecture), the
training loop against the lecture's GD loop run with those formulas, and the command end to
end with few iterations, a temporary --out and matplotlib's Agg backend.
"""

import sys

import numpy as np
import pytest

import chainrule as cr
from chainrule import iris_demo, lecture
from chainrule.data import load_iris, one_hot


@pytest.fixture(scope="module")
def iris():
    d = load_iris(add_bias=True)
    return d, d.X_train, one_hot(d.y_train, 3)


@pytest.fixture(autouse=True)
def _agg(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")


def _weights(seed, D=3, M=16, C=3, scale=1.0):
    rng = np.random.default_rng(seed)
    return {"W": rng.standard_normal((M, C)) * scale, "V": rng.standard_normal((D, M)) * scale}


def test_cost_is_the_lectures_and_its_gradient_the_hand_derived_one(iris):
    _, X, Y = iris
    for seed in range(3):
        p = _weights(seed)
        np.testing.assert_allclose(iris_demo.cost(p, X, Y), lecture.cost(X, Y, p["W"], p["V"]),
                                   rtol=1e-13)
        g = cr.grad(iris_demo.cost)(p, X, Y)
        dW, dV = lecture.gradients(X, Y, p["W"], p["V"])
        for got, want in ((g["W"], dW), (g["V"], dV)):
            assert np.linalg.norm(got - want) <= 1e-12 * np.linalg.norm(want)


@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu"])
def test_hand_table_gradients_match_chainrule_and_finite_differences(iris, activation):
    _, X, Y = iris
    p = _weights(7)
    hand = iris_demo.hand_gradients(p, X, Y, activation)
    auto = cr.grad(iris_demo.cost)(p, X, Y, activation)
    num = cr.numerical_grad(lambda q: iris_demo.cost(q, X, Y, activation), p)
    for k in ("W", "V"):
        assert np.linalg.norm(auto[k] - hand[k]) <= 1e-12 * np.linalg.norm(hand[k])
        np.testing.assert_allclose(num[k], hand[k], rtol=1e-5, atol=1e-8)
    if activation == "logistic":
        dW, dV = lecture.gradients(X, Y, p["W"], p["V"])
        np.testing.assert_allclose(hand["W"], dW, rtol=1e-12)
        np.testing.assert_allclose(hand["V"], dV, rtol=1e-12)


def test_initialisation_is_the_lectures_small_gaussian():
    p = iris_demo.init_params(3, 16, 3, seed=4)
    rng = np.random.default_rng(4)  # W first, then V, as in the lecture's GD
    np.testing.assert_array_equal(p["W"], rng.standard_normal((16, 3)) * 0.01)
    np.testing.assert_array_equal(p["V"], rng.standard_normal((3, 16)) * 0.01)


def test_training_follows_the_lectures_gd_loop(iris):
    d, X, Y = iris
    p0 = iris_demo.init_params(3, 16, 3, seed=0)
    res = iris_demo.train(p0, X, Y, lr=0.1, eps=0.0, max_iters=1500, progress=False)
    W, V = p0["W"], p0["V"]
    for _ in range(1500):  # the lecture's GD, with the lecture's hand-derived gradients
        dW, dV = lecture.gradients(X, Y, W, V)
        W = W - 0.1 * dW
        V = V - 0.1 * dV
    assert res.iterations == 1500 and not res.converged
    np.testing.assert_allclose(res.params["W"], W, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res.params["V"], V, rtol=1e-9, atol=1e-12)
    assert len(res.history["loss"]) == 1501
    np.testing.assert_allclose(res.history["loss"][-1], lecture.cost(X, Y, W, V), rtol=1e-10)
    # by then it separates the training flowers (petal length/width: about 98 %)
    acc = np.mean(np.argmax(lecture.logistic(X @ V) @ W, axis=1) == d.y_train)
    assert acc > 0.95
    np.testing.assert_array_equal(iris_demo.predict(res.params, X),
                                  np.argmax(lecture.logistic(X @ V) @ W, axis=1))


def test_training_stops_when_the_gradient_norm_falls_below_eps(iris):
    _, X, Y = iris
    p0 = iris_demo.init_params(3, 16, 3, seed=0)
    res = iris_demo.train(p0, X, Y, eps=1.0, max_iters=100, progress=False)
    assert res.converged and res.iterations == 0
    np.testing.assert_array_equal(res.params["W"], p0["W"])
    # the norm starts at about 0.012, rises to about 0.2 and decays: 0.009 takes thousands
    eps = 0.009
    res = iris_demo.train(p0, X, Y, eps=eps, max_iters=100_000, progress=False)
    norms = res.history["grad_norm"]
    assert res.converged and norms[-1] < eps and all(n >= eps for n in norms[:-1])
    assert 1000 < res.iterations < 100_000
    assert len(norms) == res.iterations + 1
    # the norm is that of the whole gradient, at the returned parameters
    dW, dV = lecture.gradients(X, Y, res.params["W"], res.params["V"])
    np.testing.assert_allclose(norms[-1], np.sqrt(np.sum(dW ** 2) + np.sum(dV ** 2)), rtol=1e-10)


def test_demo_end_to_end_writes_the_figures(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "figs"
    assert iris_demo.main(["--out", str(out), "--iters", "400", "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "stopped after 400 iterations" in text
    assert "training accuracy" in text and "test accuracy" in text and "training loss" in text
    rel = float(text.split("|hand-derived| = ")[1].split()[0])
    assert rel < 1e-12
    for name in ("decision_boundaries.png", "loss_curve.png"):
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    import matplotlib.image as mpimg
    img = mpimg.imread(out / "decision_boundaries.png")
    assert img.shape[0] > 300 and img.shape[1] > 400
    # three predicted regions: the three light class colours all appear
    rgb = (img[..., :3] * 255).round().astype(int).reshape(-1, 3)
    colours = {tuple(c) for c in rgb.tolist()}
    for hexcol in iris_demo._LIGHT:
        assert tuple(int(hexcol[i:i + 2], 16) for i in (1, 3, 5)) in colours


def test_demo_with_a_progress_bar_and_other_options(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    assert iris_demo.main(["--out", str(tmp_path), "--iters", "50", "--hidden", "4",
                           "--activation", "relu", "--lr", "0.5", "--seed", "3"]) == 0
    text = capsys.readouterr().out
    assert "M = 4 relu hidden units" in text and "stopped after 50 iterations" in text
    assert (tmp_path / "decision_boundaries.png").exists()


def test_demo_with_three_features_skips_only_the_boundary_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    argv = ["--out", str(tmp_path), "--iters", "20", "--no-progress", "--features",
            "sepal_length", "sepal_width", "petal_length"]
    assert iris_demo.main(argv) == 0
    text = capsys.readouterr().out
    assert "D = 3 features" in text and "needs exactly 2 features" in text
    assert (tmp_path / "loss_curve.png").exists()
    assert not (tmp_path / "decision_boundaries.png").exists()


def test_demo_without_matplotlib_trains_and_names_the_extra(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    assert iris_demo.main(["--out", str(tmp_path / "o"), "--iters", "30",
                           "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "training accuracy" in text
    assert "matplotlib is not installed" in text and "pip install 'chainrule[demo]'" in text
    assert not (tmp_path / "o").exists()


def test_demo_without_tqdm_runs_a_plain_loop(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert iris_demo.main(["--out", str(tmp_path), "--iters", "30"]) == 0
    assert "stopped after 30 iterations" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--features", "petal_size"], ["--hidden", "0"],
                                  ["--activation", "swish"], ["--lr", "-1"]])
def test_bad_options_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as e:
        iris_demo.main(argv)
    assert e.value.code == 2
    assert "usage: chainrule demo iris" in capsys.readouterr().err
