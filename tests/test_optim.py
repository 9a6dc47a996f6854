"""chainrule.optim: each update rule against a hand computation of its published form.

The gradients are fed as a fixed sequence (g1, g2, g3) = (1, 2, -1) on a parameter that
starts at 1, so every expected value below is worked out by hand from the update rule in
PyTorch's documentation (the intermediate moments are written as literals).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import chainrule as cr
from chainrule import optim

G = (1.0, 2.0, -1.0)


def run(opt, grads=G, theta0=1.0):
    """Apply ``opt`` to a scalar parameter with the given gradient sequence; all iterates."""
    params = {"w": np.array(theta0)}
    state = opt.init(params)
    out = []
    for g in grads:
        params, state = opt.update(params, {"w": np.array(g)}, state)
        out.append(float(params["w"]))
    return out, state


def test_gd_is_the_lecture_update():
    # f(θ) = θ², ∇f = 2θ, lr 0.1: θ <- 0.8 θ
    opt = optim.GD(0.1)
    params = {"W": np.array([1.0, -2.0]), "V": np.array([[0.5]])}
    state = opt.init(params)
    for k in range(1, 4):
        grads = {"W": 2 * params["W"], "V": 2 * params["V"]}
        params, state = opt.update(params, grads, state)
        np.testing.assert_allclose(params["W"], np.array([1.0, -2.0]) * 0.8 ** k, rtol=1e-15)
        np.testing.assert_allclose(params["V"], [[0.5 * 0.8 ** k]], rtol=1e-15)
    assert int(state["step"]) == 3


def test_sgd_plain_and_weight_decay():
    assert run(optim.SGD(0.1))[0] == pytest.approx([0.9, 0.7, 0.8], rel=1e-15)
    # λ = 0.1: g1 = 1 + 0.1·1 = 1.1 -> 0.89; g2 = 2 + 0.1·0.89 = 2.089 -> 0.6811;
    # g3 = -1 + 0.06811 = -0.93189 -> 0.774289
    th, _ = run(optim.SGD(0.1, weight_decay=0.1))
    assert th == pytest.approx([0.89, 0.6811, 0.774289], rel=1e-14)


def test_momentum_pytorch_form():
    # b1 = g1 = 1; b2 = 0.9 + 2 = 2.9; b3 = 2.61 - 1 = 1.61; θ -= 0.1 b
    th, state = run(optim.Momentum(0.1, beta=0.9))
    assert th == pytest.approx([0.9, 0.61, 0.449], rel=1e-14)
    assert float(state["momentum"]["w"]) == pytest.approx(1.61, rel=1e-14)
    assert run(optim.SGD(0.1, momentum=0.9))[0] == pytest.approx(th, rel=1e-15)


def test_sgd_dampening_skips_the_first_step():
    # PyTorch: b1 = g1 (no dampening); b2 = 0.9·1 + 0.5·2 = 1.9; b3 = 1.71 - 0.5 = 1.21
    th, _ = run(optim.SGD(0.1, momentum=0.9, dampening=0.5))
    assert th == pytest.approx([0.9, 0.71, 0.589], rel=1e-14)


def test_nesterov_pytorch_form():
    # b as for momentum; step g + 0.9 b: 1.9, 2 + 2.61 = 4.61, -1 + 1.449 = 0.449
    th, _ = run(optim.Nesterov(0.1, beta=0.9))
    assert th == pytest.approx([0.81, 0.349, 0.3041], rel=1e-13)
    assert run(optim.SGD(0.1, momentum=0.9, nesterov=True))[0] == pytest.approx(th, rel=1e-15)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD(0.1, nesterov=True)


def _adam_steps():
    eps = 1e-8
    # m1 = 0.1, v1 = 0.001 -> m̂ = v̂ = 1
    d1 = 1.0 / (1.0 + eps)
    # m2 = 0.09 + 0.2 = 0.29, v2 = 0.000999 + 0.004 = 0.004999
    d2 = (0.29 / (1 - 0.9 ** 2)) / (math.sqrt(0.004999 / (1 - 0.999 ** 2)) + eps)
    # m3 = 0.261 - 0.1 = 0.161, v3 = 0.004994001 + 0.001 = 0.005994001
    d3 = (0.161 / (1 - 0.9 ** 3)) / (math.sqrt(0.005994001 / (1 - 0.999 ** 3)) + eps)
    return d1, d2, d3


def test_adam_bias_correction():
    d1, d2, d3 = _adam_steps()
    th, state = run(optim.Adam(0.1))
    expected = [1 - 0.1 * d1, 1 - 0.1 * (d1 + d2), 1 - 0.1 * (d1 + d2 + d3)]
    assert th == pytest.approx(expected, rel=1e-13)
    assert float(state["m"]["w"]) == pytest.approx(0.161, rel=1e-13)
    assert float(state["v"]["w"]) == pytest.approx(0.005994001, rel=1e-13)
    # without bias correction the first step would be 0.1·0.1/(sqrt(0.001)) = 0.316...
    assert abs(th[0] - 0.9) < 1e-8


def test_adam_coupled_weight_decay():
    # g1 = 1 + 0.5·1 = 1.5: m̂ = 1.5, v̂ = 2.25, step 1.5/(1.5 + 1e-8)
    th, _ = run(optim.Adam(0.1, weight_decay=0.5), grads=(1.0,))
    assert th[0] == pytest.approx(1 - 0.1 * 1.5 / (1.5 + 1e-8), rel=1e-15)


def test_adamw_decoupled_decay():
    d1, d2, _ = _adam_steps()
    th, _ = run(optim.AdamW(0.1, weight_decay=0.1), grads=G[:2])
    # θ <- θ (1 - lr λ) - lr · Adam step, the moments from the raw gradient
    t1 = 1.0 * (1 - 0.01) - 0.1 * d1
    t2 = t1 * (1 - 0.01) - 0.1 * d2
    assert th == pytest.approx([t1, t2], rel=1e-14)
    # coupled L2 in Adam is a different update
    assert run(optim.Adam(0.1, weight_decay=0.1), grads=G[:2])[0][1] != pytest.approx(t2)


def test_rmsprop_eps_outside_the_root():
    eps = 1e-8
    th, _ = run(optim.RMSProp(0.01, rho=0.9))
    # v1 = 0.1, v2 = 0.09 + 0.4 = 0.49, v3 = 0.441 + 0.1 = 0.541
    t1 = 1 - 0.01 / (math.sqrt(0.1) + eps)
    t2 = t1 - 0.01 * 2 / (0.7 + eps)
    t3 = t2 + 0.01 / (math.sqrt(0.541) + eps)
    assert th == pytest.approx([t1, t2, t3], rel=1e-14)
    # a tiny gradient tells the placements apart: PyTorch's g/(sqrt(v)+eps) = 0.7597...
    # while TensorFlow's g/sqrt(v+eps) would be about 1e-4
    tiny, _ = run(optim.RMSProp(1.0, rho=0.9), grads=(1e-8,), theta0=0.0)
    assert -tiny[0] == pytest.approx(1e-8 / (math.sqrt(1e-17) + 1e-8), rel=1e-12)


def test_rmsprop_centered_and_momentum():
    eps = 1e-8
    th, _ = run(optim.RMSProp(0.01, rho=0.9, centered=True), grads=G[:2])
    # ḡ1 = 0.1, ṽ1 = 0.1 - 0.01 = 0.09; ḡ2 = 0.29, ṽ2 = 0.49 - 0.0841 = 0.4059
    t1 = 1 - 0.01 / (0.3 + eps)
    t2 = t1 - 0.01 * 2 / (math.sqrt(0.4059) + eps)
    assert th == pytest.approx([t1, t2], rel=1e-13)
    th, _ = run(optim.RMSProp(0.01, rho=0.9, momentum=0.5), grads=G[:2])
    b1 = 1 / (math.sqrt(0.1) + eps)
    b2 = 0.5 * b1 + 2 / (0.7 + eps)
    assert th == pytest.approx([1 - 0.01 * b1, 1 - 0.01 * (b1 + b2)], rel=1e-13)


PARAMS = {"body": {"W": np.array([[1.0, 2.0], [3.0, 4.0]]), "b": np.array([0.5, -0.5])},
          "head": [np.array([1.0, -1.0]), np.array(2.0)]}


def grads_for(params):
    return cr.tree.tree_map(lambda p: np.full(np.shape(p), 0.25), params)


@pytest.mark.parametrize("opt_cls", [optim.GD, optim.SGD, optim.Momentum, optim.Nesterov,
                                     optim.Adam, optim.AdamW, optim.RMSProp])
@pytest.mark.parametrize("mask", [
    {"body": False, "head": True},                                        # a prefix
    {"body": {"W": False, "b": False}, "head": [True, True]},             # the full tree
])
def test_frozen_parameters_are_bit_identical(opt_cls, mask):
    opt = opt_cls(0.1, mask=mask, clip_norm=0.3)
    state = opt.init(PARAMS)
    params = PARAMS
    for _ in range(3):
        params, state = opt.update(params, grads_for(params), state)
    for k in ("W", "b"):
        assert params["body"][k] is PARAMS["body"][k]
        assert params["body"][k].tobytes() == PARAMS["body"][k].tobytes()
    assert not np.array_equal(params["head"][0], PARAMS["head"][0])
    for slot in state:
        if slot != "step":
            assert not np.any(state[slot]["body"]["W"])  # frozen: no moments accumulated


def test_mask_helpers_and_errors():
    assert optim.freeze(PARAMS, "body") == {"body": {"W": False, "b": False},
                                            "head": [True, True]}
    assert optim.trainable(PARAMS, "head/1") == {"body": {"W": False, "b": False},
                                                 "head": [False, True]}
    assert optim.trainable(PARAMS, ("body", "b"), "head") == {
        "body": {"W": False, "b": True}, "head": [True, True]}
    with pytest.raises(KeyError, match="no key 'tail'"):
        optim.freeze(PARAMS, "tail")
    opt = optim.GD(0.1, mask={"body": False})
    with pytest.raises(ValueError, match="mask: expected a bool or a dict with the keys"):
        opt.update(PARAMS, grads_for(PARAMS), opt.init(PARAMS))


def test_freezing_leaves_the_inputs_untouched_and_the_state_pure():
    params = {"w": np.array([1.0, 2.0])}
    before = params["w"].copy()
    opt = optim.Adam(0.1)
    s0 = opt.init(params)
    p1, s1 = opt.update(params, {"w": np.array([1.0, 1.0])}, s0)
    np.testing.assert_array_equal(params["w"], before)
    assert int(s0["step"]) == 0 and not np.any(s0["m"]["w"])
    assert int(s1["step"]) == 1


def test_clip_by_global_norm_and_global_norm():
    grads = {"a": np.array([3.0, 4.0]), "b": np.array(12.0)}
    assert optim.global_norm(grads) == 13.0
    c = optim.clip_by_global_norm(grads, 6.5)
    np.testing.assert_allclose(c["a"], [1.5, 2.0], rtol=1e-15)
    assert float(c["b"]) == pytest.approx(6.0, rel=1e-15)
    same = optim.clip_by_global_norm(grads, 13.0)
    np.testing.assert_array_equal(same["a"], grads["a"])
    with pytest.raises(ValueError, match="max_norm must be positive"):
        optim.clip_by_global_norm(grads, 0.0)


def test_clip_norm_counts_only_trainable_gradients():
    params = {"a": np.array([1.0, 2.0]), "frozen": np.array(0.0)}
    grads = {"a": np.array([3.0, 4.0]), "frozen": np.array(100.0)}
    opt = optim.GD(1.0, mask={"a": True, "frozen": False}, clip_norm=1.0)
    p, _ = opt.update(params, grads, opt.init(params))
    np.testing.assert_allclose(p["a"], [1 - 0.6, 2 - 0.8], rtol=1e-15)


def test_schedules():
    s = optim.step_decay(1.0, step_size=3, gamma=0.5)
    assert [s(t) for t in range(7)] == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    e = optim.exponential_decay(2.0, 0.5)
    assert [e(t) for t in range(3)] == [2.0, 1.0, 0.5]
    c = optim.cosine_decay(1.0, total_steps=4, final=0.2)
    assert [c(t) for t in (0, 2, 4, 6)] == pytest.approx([1.0, 0.6, 0.2, 0.2], abs=1e-15)
    assert c(1) == pytest.approx(0.2 + 0.4 * (1 + math.sqrt(0.5)), rel=1e-15)
    w = optim.warmup(1.0, 4)
    assert [w(t) for t in range(6)] == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    ws = optim.warmup(optim.step_decay(1.0, 2, 0.1), 2)
    assert [ws(t) for t in range(5)] == pytest.approx([0.5, 1.0, 1.0, 1.0, 0.1])
    assert optim.constant(0.3)(99) == 0.3


def test_optimizer_follows_its_schedule():
    # lr 1, 1, 0.5 for updates 0, 1, 2 with gradient 1: 0 -> -1 -> -2 -> -2.5
    th, state = run(optim.GD(optim.step_decay(1.0, 2, 0.5)), grads=(1.0, 1.0, 1.0), theta0=0.0)
    assert th == [-1.0, -2.0, -2.5]
    assert int(state["step"]) == 3
    th, _ = run(optim.GD(lambda t: 0.1 * (t + 1)), grads=(1.0, 1.0), theta0=0.0)
    assert th == pytest.approx([-0.1, -0.3])


def test_structure_errors():
    opt = optim.Adam()
    state = opt.init(PARAMS)
    with pytest.raises(ValueError, match="different structures"):
        opt.update(PARAMS, {"body": grads_for(PARAMS)["body"]}, state)
    with pytest.raises(ValueError, match="state must come from Adam.init"):
        opt.update(PARAMS, grads_for(PARAMS), {"step": 0})
    bad = grads_for(PARAMS)
    bad["head"][0] = np.zeros(3)
    with pytest.raises(ValueError, match="shape"):
        opt.update(PARAMS, bad, state)
    with pytest.raises(ValueError, match="learning rate must be non-negative"):
        optim.SGD(-1.0)


def test_float32_parameters_stay_float32():
    params = {"w": np.ones(3, np.float32)}
    for opt in (optim.GD(np.float64(0.1)), optim.Adam(0.1), optim.RMSProp(0.1),
                optim.Nesterov(0.1)):
        p, _ = opt.update(params, {"w": np.ones(3, np.float32)}, opt.init(params))
        assert p["w"].dtype == np.float32


def test_an_update_can_be_differentiated():
    # L(θ) = ½θ²; one GD step gives θ(1 - lr); L after the step is ½θ²(1 - lr)²
    def after_step(theta, lr):
        opt = optim.GD(lr)
        p, _ = opt.update({"w": theta}, {"w": theta}, opt.init({"w": theta}))
        return 0.5 * p["w"] * p["w"]

    theta, lr = np.float64(3.0), np.float64(0.25)
    d_theta, d_lr = cr.grad(after_step, argnums=(0, 1))(theta, lr)
    assert float(d_theta) == pytest.approx(3.0 * 0.75 ** 2, rel=1e-14)
    assert float(d_lr) == pytest.approx(-9.0 * 0.75, rel=1e-14)


# ---- autograd's drivers: optim.adam / sgd / rmsprop (gradient(x, i), x0, callback) ---------

autograd_optimizers = pytest.importorskip("autograd.misc.optimizers")


def _autograd_problem():
    """A pytree objective: f(x, i) = Σ (W - i/10)² ⋅ c + Σ b⁴, its gradient by chainrule."""
    c = np.array([[1.0, 2.0], [0.5, 3.0]])

    def objective(x, i):
        return (((x["W"] - i / 10) ** 2) * c).sum() + (x["b"][0] ** 4).sum()

    x0 = {"W": np.array([[1.0, -1.0], [0.5, 2.0]]), "b": [np.array([0.3, -0.7])]}
    return cr.grad(objective), x0


@pytest.mark.parametrize("name, kwargs", [
    ("adam", {"num_iters": 30, "step_size": 0.05}),
    ("adam", {"num_iters": 10, "step_size": 0.1, "b1": 0.5, "b2": 0.9, "eps": 1e-4}),
    ("sgd", {"num_iters": 25, "step_size": 0.05, "mass": 0.8}),
    ("sgd", {}),
    ("rmsprop", {"num_iters": 20, "step_size": 0.01, "gamma": 0.8}),
])
def test_autograd_style_driver_agrees_with_autograd_to_rounding(name, kwargs):
    gradient, x0 = _autograd_problem()
    ours = getattr(optim, name)(gradient, x0, **kwargs)
    theirs = getattr(autograd_optimizers, name)(gradient, x0, **kwargs)
    np.testing.assert_allclose(ours["W"], theirs["W"], rtol=1e-12, atol=0)
    np.testing.assert_allclose(ours["b"][0], theirs["b"][0], rtol=1e-12, atol=0)
    assert type(ours["b"]) is list


def test_autograd_style_callback_sees_x_i_and_g_before_each_update():
    gradient, x0 = _autograd_problem()
    seen = []
    optim.adam(gradient, x0, callback=lambda x, i, g: seen.append((i, x, g)), num_iters=3)
    assert [i for i, _, _ in seen] == [0, 1, 2]
    i, x, g = seen[0]
    np.testing.assert_array_equal(x["W"], x0["W"])  # before the first update: x0 itself
    np.testing.assert_array_equal(g["W"], gradient(x0, 0)["W"])
    assert not np.array_equal(seen[1][1]["W"], x0["W"])


def test_autograd_style_driver_minimises_a_quadratic():
    # f(x) = Σ (x - 3)²: gradient 2(x - 3); adam with step 0.1 for 500 iterations reaches 3
    out = optim.adam(lambda x, i: 2 * (x - 3.0), np.zeros(2), num_iters=500, step_size=0.1)
    np.testing.assert_allclose(out, [3.0, 3.0], atol=1e-3)


def test_autograd_style_driver_names_a_gradient_of_the_wrong_structure():
    with pytest.raises(TypeError, match=r"sgd: gradient\(x, 0\) returned a pytree"):
        optim.sgd(lambda x, i: [x["a"]], {"a": np.ones(2)}, num_iters=1)


def test_autograd_style_driver_is_differentiable_in_its_step_size():
    # one sgd step from x0 with mass 0: x1 = x0 - step·∇f(x0); for f = x²/2, x1 = x0(1 - step)
    # and d x1 / d step = -x0 = -2
    def final(step):
        return optim.sgd(lambda x, i: x, np.array(2.0), num_iters=1, step_size=step,
                         mass=0.0)
    assert cr.grad(final)(0.1) == pytest.approx(-2.0)
