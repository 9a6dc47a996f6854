import numpy as np
import pytest

from chainrule import landscape as ls
from chainrule.landscape import lecture_model as lm


def test_interpolation_endpoints_equal_the_losses_at_a_and_b_exactly(iris_loss, iris_params):
    b = ls.direction(iris_params, rng=5, normalization=None)
    out = ls.interpolate(iris_loss, iris_params, b, [0.0, 0.5, 1.0], progress=False)
    assert out[0] == iris_loss(iris_params) and out[2] == iris_loss(b)  # bit for bit


def test_batched_interpolation_endpoints_are_exact_too(iris, iris_params):
    X, Y, _ = iris
    b = ls.direction(iris_params, rng=5, normalization=None)
    loss = lambda p: lm.cost(p, X, Y)  # noqa: E731
    out = ls.interpolate(loss, iris_params, b, [0.0, 0.3, 1.0], batched=True, progress=False)
    assert out[0] == loss(iris_params) and out[2] == loss(b)


def test_the_batched_plane_equals_the_per_point_loop(iris, iris_params):
    X, Y, _ = iris
    loss = lambda p: lm.cost(p, X, Y)  # noqa: E731
    d1, d2 = ls.direction(iris_params, 1), ls.direction(iris_params, 2)
    a, b = np.linspace(-1, 1, 5), np.linspace(-0.5, 0.5, 4)
    loop = ls.plane(loss, iris_params, d1, d2, a, b, progress=False)
    fast = ls.plane(loss, iris_params, d1, d2, a, b, batched=True, chunk=7, progress=False)
    assert loop.shape == (4, 5)  # rows are β, columns α
    np.testing.assert_allclose(fast, loop, rtol=1e-12, atol=1e-13)
    # the point (α, β) = (a[1], b[2]) is θ + a[1] d1 + b[2] d2
    want = loss(ls.vectors.axpy(ls.vectors.axpy(iris_params, a[1], d1), b[2], d2))
    assert loop[2, 1] == pytest.approx(want, rel=1e-14)


def test_lecture_model_cost_equals_the_lectures_cost(iris, iris_params, iris_loss):
    X, Y, _ = iris
    assert lm.cost(iris_params, X, Y) == pytest.approx(iris_loss(iris_params), rel=1e-13)


def test_a_loss_that_does_not_broadcast_is_told_to_use_the_loop(iris_loss, iris_params):
    d = ls.direction(iris_params, 1)
    with pytest.raises(ValueError, match="batched=False"):
        ls.line(lambda p: np.sum(p["V"]), iris_params, d, [0.0, 1.0], batched=True,
                progress=False)


def test_a_line_of_a_dict_valued_loss_returns_one_array_per_key(iris_loss, iris_params):
    d = ls.direction(iris_params, 1)
    out = ls.line(lambda p: {"loss": iris_loss(p), "twice": 2 * iris_loss(p)}, iris_params, d,
                  [0.0, 1.0], progress=False)
    np.testing.assert_allclose(out["twice"], 2 * out["loss"], rtol=1e-15)
    assert out["loss"][0] == iris_loss(iris_params)
