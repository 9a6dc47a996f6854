import numpy as np
import pytest

import chainrule as cr
from chainrule import landscape as ls


def test_the_smoothed_quadratic_and_its_reparameterised_gradient():
    # L = θ², L_σ(θ) = mean_s (θ + σε_s)², ∇L_σ = 2θ + 2σ mean(ε_s)
    sigma, theta = 0.7, np.array([1.5])
    gen = np.random.default_rng(3)
    eps = np.array([gen.standard_normal(1)[0] for _ in range(50)])
    ls_ = ls.smoothed(lambda t: np.sum(t ** 2), sigma, samples=50, seed=3)
    assert ls_(theta) == pytest.approx(np.mean((theta[0] + sigma * eps) ** 2), rel=1e-13)
    g = cr.grad(ls_)(theta)
    assert g[0] == pytest.approx(2 * theta[0] + 2 * sigma * eps.mean(), rel=1e-13)


def test_continuation_crosses_to_the_deeper_well_that_descent_alone_misses():
    # x⁴ - 2x² + x/2: a local minimum near 0.93, the global one near -1.11. Smoothed with
    # σ = 1 it is x⁴ + 4x² + x/2 + 1 (convex), so the stages carry x over to the left well.
    f = lambda t: np.sum(t ** 4 - 2 * t ** 2 + 0.5 * t, axis=-1)  # noqa: E731  (broadcasts)
    start = np.array([1.0])
    plain = ls.continuation(f, start, [0.0], steps=200, lr=0.02)
    cont = ls.continuation(f, start, [1.0, 0.5, 0.0], steps=200, lr=0.02, samples=400,
                           batched=True)
    assert plain.points[-1][0] > 0.9
    assert cont.points[-1][0] < -1.0 and cont.losses[-1] < plain.losses[-1]
    assert cont.sigmas == [1.0, 0.5, 0.0] and len(cont.points) == 3


def test_the_batched_smoothed_loss_equals_the_per_sample_loop():
    f = lambda t: np.sum(np.sin(3 * t) + t ** 2, axis=-1)  # noqa: E731
    theta = np.array([0.3, -1.2])
    loop = ls.smoothed(f, 0.4, samples=20, seed=1)
    fast = ls.smoothed(f, 0.4, samples=20, seed=1, batched=True)
    assert fast(theta) == pytest.approx(loop(theta), rel=1e-12)
    np.testing.assert_allclose(cr.grad(fast)(theta), cr.grad(loop)(theta), rtol=1e-12)
