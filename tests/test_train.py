"""chainrule.train: the fit loop, atomic checkpoints, resuming, fine-tuning, curriculum."""

from __future__ import annotations

import math
import os
import sys

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule import optim, train
from chainrule.train import CurriculumSampler, fit, load_checkpoint, load_into, save_checkpoint

# ---- tiny problems written by hand -----------------------------------------------------------

rng0 = np.random.default_rng(0)
X = rng0.normal(size=(40, 3))
W_TRUE = np.array([[1.0], [-2.0], [0.5]])
Y = X @ W_TRUE + 0.3 + 0.05 * rng0.normal(size=(40, 1))


def mse(params, batch):
    xb, yb = batch
    r = xb @ params["W"] + params["b"] - yb
    return 0.5 * cnp.mean(r * r)


def fresh():
    return {"W": np.zeros((3, 1)), "b": np.zeros(1)}


def half_square(params, batch):  # f(θ) = ½θ², ∇f = θ
    return 0.5 * cnp.sum(params["t"] * params["t"])


def epoch_batches(epoch, size=8):
    order = np.random.default_rng([7, epoch]).permutation(len(X))
    return [(X[order[i:i + size]], Y[order[i:i + size]]) for i in range(0, len(X), size)]


# ---- fit --------------------------------------------------------------------------------------

def test_fit_decreases_the_loss_and_records_history():
    params, h = fit(mse, fresh(), optim.GD(0.1), [(X, Y)], epochs=30, progress=False)
    assert h["epoch"] == list(range(30))
    assert h["steps"] == list(range(1, 31))
    # GD with lr below 2/L on a convex quadratic decreases the loss at every step
    assert all(b < a for a, b in zip(h["loss"], h["loss"][1:]))
    assert h["loss"][-1] < 0.05 * h["loss"][0]
    assert h["lr"] == [0.1] * 30 and len(h["grad_norm"]) == 30
    assert h.stop_reason == "epochs" and h.steps == 30 and int(h.opt_state["step"]) == 30


def test_fit_is_exactly_the_lecture_gd_loop():
    params, _ = fit(mse, fresh(), optim.GD(0.1), [(X, Y)], epochs=5, progress=False)
    W, b = np.zeros((3, 1)), np.zeros(1)
    for _ in range(5):
        g = cr.grad(mse)({"W": W, "b": b}, (X, Y))
        W, b = W - 0.1 * g["W"], b - 0.1 * g["b"]
    np.testing.assert_array_equal(params["W"], W)
    np.testing.assert_array_equal(params["b"], b)


def test_fit_stops_when_the_gradient_norm_falls_below_eps():
    # θ_k = 0.5^k and ∇f(θ_k) = θ_k: the first norm below 1e-3 is at k = 10 (9.77e-4)
    params, h = fit(half_square, {"t": np.array(1.0)}, optim.GD(0.5), [None], epochs=1000,
                    grad_eps=1e-3, progress=False)
    assert h.stop_reason == "grad_eps"
    assert h.steps == 10 and float(params["t"]) == 0.5 ** 10
    assert h["grad_norm"][-1] == 0.5 ** 10 and len(h["epoch"]) == 11


def scripted_eval(values):
    it = iter(values)
    return lambda params: next(it)


def test_fit_patience_on_a_scripted_evaluation():
    evals = [5.0, 4.0, 4.5, 4.2, 4.1, 3.0, 2.0]
    _, h = fit(mse, fresh(), optim.GD(0.01), [(X, Y)], epochs=7, eval_fn=scripted_eval(evals),
               patience=3, progress=False)
    assert h.stop_reason == "patience"
    assert h["eval"] == [5.0, 4.0, 4.5, 4.2, 4.1]
    assert h.best == 4.0 and h.best_epoch == 1
    # mode max, a dict of metrics, monitor by name, and min_delta
    accs = [{"val_loss": 1.0, "acc": a} for a in (0.5, 0.6, 0.605, 0.61, 0.9)]
    _, h = fit(mse, fresh(), optim.GD(0.01), [(X, Y)], epochs=5, eval_fn=scripted_eval(accs),
               patience=2, monitor="acc", mode="max", min_delta=0.02, progress=False)
    assert h.stop_reason == "patience" and h["acc"] == [0.5, 0.6, 0.605, 0.61]
    assert h["val_loss"] == [1.0] * 4 and h.best_epoch == 1


def test_fit_patience_on_training_loss_and_eval_data():
    seen = []

    def ev(params, data):
        seen.append(data)
        return float(mse(params, data))

    _, h = fit(half_square, {"t": np.array(1.0)}, optim.GD(0.0), [None], epochs=10,
               patience=2, progress=False)
    assert h.stop_reason == "patience" and len(h["epoch"]) == 3  # loss never improves
    _, h = fit(mse, fresh(), optim.GD(0.1), [(X, Y)], epochs=3, eval_fn=ev,
               eval_data=(X[:5], Y[:5]), progress=False)
    assert len(seen) == 3 and seen[0][0] is not None and len(h["eval"]) == 3


def test_fit_with_state_threads_it_through():
    # a running mean of the batch means, like batch norm's statistics
    def loss(params, state, batch):
        xb, yb = batch
        mu = np.mean(xb, axis=0)
        new = {"mean": 0.9 * state["mean"] + 0.1 * mu, "count": state["count"] + 1}
        return mse(params, batch), new

    state = {"mean": np.zeros(3), "count": np.array(0)}
    seen_state = []
    _, h = fit(loss, fresh(), optim.SGD(0.05), epoch_batches, epochs=2, state=state,
               eval_fn=lambda p, s: seen_state.append(int(s["count"])) or 0.0, progress=False)
    assert int(h.state["count"]) == 10 == h.steps
    assert seen_state == [5, 10]
    expected = np.zeros(3)
    for e in range(2):
        for xb, _ in epoch_batches(e):
            expected = 0.9 * expected + 0.1 * xb.mean(axis=0)
    np.testing.assert_allclose(h.state["mean"], expected, rtol=1e-13)


def test_fit_rng_draws_are_seeded_per_step():
    draws = []

    def noisy(params, batch, rng):
        draws.append(rng.normal())
        return mse(params, batch)

    fit(noisy, fresh(), optim.GD(0.1), [(X, Y)], epochs=3, rng=5, progress=False)
    first = list(draws)
    draws.clear()
    fit(noisy, fresh(), optim.GD(0.1), [(X, Y)], epochs=3, rng=5, progress=False)
    assert draws == first and len(set(first)) == 3
    draws.clear()
    fit(noisy, fresh(), optim.GD(0.1), [(X, Y)], epochs=3, rng=6, progress=False)
    assert draws != first


def test_fit_stops_on_a_non_finite_loss():
    with pytest.warns(RuntimeWarning, match="the loss is inf"):
        _, h = fit(lambda p, b: cnp.sum(p["t"]) * np.inf, {"t": np.array(1.0)}, optim.GD(0.1),
                   [None], epochs=5, progress=False)
    assert h.stop_reason == "nan" and h.steps == 0


def test_fit_callback_can_stop():
    _, h = fit(mse, fresh(), optim.GD(0.1), [(X, Y)], epochs=10, progress=False,
               callback=lambda epoch, params, hist: epoch == 3)
    assert h.stop_reason == "callback" and h["epoch"] == [0, 1, 2, 3]


def test_fit_data_errors():
    with pytest.raises(TypeError, match=r"pass \[\(X, y\)\]"):
        fit(mse, fresh(), optim.GD(0.1), (X, Y), epochs=2, progress=False)
    with pytest.raises(TypeError, match="iterator"):
        fit(mse, fresh(), optim.GD(0.1), iter([(X, Y)]), epochs=2, progress=False)
    with pytest.raises(ValueError, match="no batches"):
        fit(mse, fresh(), optim.GD(0.1), [], epochs=2, progress=False)


def test_progress_bar_with_and_without_tqdm(monkeypatch, capsys):
    pytest.importorskip("tqdm")
    _, h = fit(mse, fresh(), optim.GD(0.1), [(X, Y)], epochs=3, progress=True)
    assert "3/3" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now fails
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    p2, h2 = fit(mse, fresh(), optim.GD(0.1), [(X, Y)], epochs=3, progress=True)
    assert capsys.readouterr().err == "" and h2["loss"] == h["loss"]


# ---- checkpoints -------------------------------------------------------------------------------

def nested():
    params = {"enc": [{"W": np.arange(6.0).reshape(2, 3), "b": np.zeros(3, np.float32)},
                      (np.array([1.5]), None)],
              7: {"scale": 2.5, "n": np.int64(3)}}
    opt = optim.Adam(0.01)
    grads = cr.tree.tree_map(lambda p: np.ones(np.shape(p), np.asarray(p).dtype)
                             if np.asarray(p).dtype.kind == "f" else np.zeros(()),
                             {"enc": params["enc"]})
    p = {"enc": params["enc"]}
    s = opt.init(p)
    p, s = opt.update(p, grads, s)
    return params, s


def test_checkpoint_round_trip(tmp_path):
    params, opt_state = nested()
    state = {"bn": {"mean": np.array([0.1, 0.2]), "count": np.array(4)}}
    path = tmp_path / "ck.npz"
    save_checkpoint(path, params, opt_state, state, epoch=3, note="hi", lr=np.float64(0.5))
    ck = load_checkpoint(path)
    assert ck["meta"] == {"epoch": 3, "note": "hi", "lr": 0.5}
    p = ck["params"]
    assert type(p["enc"][1]) is tuple and p["enc"][1][1] is None and 7 in p
    np.testing.assert_array_equal(p["enc"][0]["W"], params["enc"][0]["W"])
    assert p["enc"][0]["b"].dtype == np.float32
    assert p[7]["scale"] == 2.5 and type(p[7]["scale"]) is float
    assert p[7]["n"] == 3 and isinstance(p[7]["n"], np.int64)
    for a, b in zip(cr.tree.leaves(ck["opt_state"]), cr.tree.leaves(opt_state)):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == np.asarray(b).dtype
    assert int(ck["state"]["bn"]["count"]) == 4
    # plain npz, keys are the pytree paths, nothing pickled
    with np.load(path, allow_pickle=False) as z:
        assert {"params/enc/0/W", "params/enc/1/0", "params/7/scale",
                "opt_state/m/enc/0/b", "opt_state/step", "state/bn/mean"} <= set(z.files)
    ck2 = load_checkpoint(path)
    assert ck2["opt_state"] is not None and load_checkpoint(path)["meta"]["note"] == "hi"


def test_checkpoint_without_optional_parts_and_bad_inputs(tmp_path):
    save_checkpoint(tmp_path / "p.npz", {"w": np.ones(2)})
    ck = load_checkpoint(tmp_path / "p.npz")
    assert ck["opt_state"] is None and ck["state"] is None and ck["meta"] == {}
    with pytest.raises(TypeError, match="JSON"):
        save_checkpoint(tmp_path / "q.npz", {"w": np.ones(2)}, meta_obj=object())
    with pytest.raises(TypeError, match="dtype object"):
        save_checkpoint(tmp_path / "q.npz", {"w": np.array([None])})
    np.savez(tmp_path / "plain.npz", a=np.ones(2))
    with pytest.raises(ValueError, match="not a chainrule checkpoint"):
        load_checkpoint(tmp_path / "plain.npz")
    assert sorted(os.listdir(tmp_path)) == ["p.npz", "plain.npz"]


def test_interrupted_write_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ck.npz"
    save_checkpoint(path, {"w": np.array([1.0, 2.0])}, epoch=1)
    before = path.read_bytes()

    def crash(src, dst):
        assert os.path.getsize(src) > 0  # the new file was fully written...
        raise OSError("power cut")       # ...and the rename never happened

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        save_checkpoint(path, {"w": np.array([9.0, 9.0])}, epoch=2)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["ck.npz"]  # no stray temporary file
    assert path.read_bytes() == before
    ck = load_checkpoint(path)
    np.testing.assert_array_equal(ck["params"]["w"], [1.0, 2.0])
    assert ck["meta"] == {"epoch": 1}


def test_failure_while_writing_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ck.npz"
    save_checkpoint(path, {"w": np.array([1.0])})

    def half_written(f, **arrays):
        f.write(b"PK\x03\x04 truncated")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", half_written)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(path, {"w": np.array([2.0])})
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["ck.npz"]
    assert float(load_checkpoint(path)["params"]["w"][0]) == 1.0


# ---- resume ------------------------------------------------------------------------------------

def dropout_mse(params, batch, rng):
    xb, yb = batch
    keep = rng.random(xb.shape) > 0.2
    return mse(params, (xb * keep / 0.8, yb))


def resume_run(tmp_path, name, epochs, resume=True, callback=None, rng=11):
    return fit(dropout_mse, fresh(), optim.Adam(0.05), epoch_batches, epochs=epochs,
               rng=rng, checkpoint=tmp_path / name, resume=resume, progress=False,
               eval_fn=lambda p: float(mse(p, (X, Y))), callback=callback)


def test_resume_equals_uninterrupted_training(tmp_path):
    p_full, h_full = resume_run(tmp_path, "full.npz", 6)
    # stop after 3 epochs and carry on to 6
    resume_run(tmp_path, "part.npz", 3)
    p_res, h_res = resume_run(tmp_path, "part.npz", 6, rng=999)  # the checkpoint's seed wins
    np.testing.assert_array_equal(p_res["W"], p_full["W"])
    np.testing.assert_array_equal(p_res["b"], p_full["b"])
    assert dict(h_res) == dict(h_full) and h_res.steps == h_full.steps == 30
    for a, b in zip(cr.tree.leaves(h_res.opt_state), cr.tree.leaves(h_full.opt_state)):
        np.testing.assert_array_equal(a, b)


def test_resume_after_a_crash(tmp_path):
    p_full, h_full = resume_run(tmp_path, "full.npz", 6)

    def crash(epoch, params, hist):
        if epoch == 3:
            raise KeyboardInterrupt  # after epoch 2's checkpoint, before epoch 3's

    with pytest.raises(KeyboardInterrupt):
        resume_run(tmp_path, "crash.npz", 6, callback=crash)
    assert load_checkpoint(tmp_path / "crash.npz")["meta"]["epoch"] == 3
    p_res, h_res = resume_run(tmp_path, "crash.npz", 6)
    np.testing.assert_array_equal(p_res["W"], p_full["W"])
    assert h_res["loss"] == h_full["loss"] and h_res["eval"] == h_full["eval"]


def test_resume_rules(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        fit(mse, fresh(), optim.GD(0.1), [(X, Y)], resume=tmp_path / "nope.npz", progress=False)
    with pytest.raises(ValueError, match="needs checkpoint"):
        fit(mse, fresh(), optim.GD(0.1), [(X, Y)], resume=True, progress=False)
    ck = tmp_path / "ck.npz"
    fit(mse, fresh(), optim.GD(0.1), [(X, Y)], epochs=2, checkpoint=ck, progress=False)
    with pytest.raises(ValueError, match="structure and shapes"):
        fit(mse, {"W": np.zeros((3, 2)), "b": np.zeros(1)}, optim.GD(0.1), [(X, Y)],
            epochs=3, checkpoint=ck, resume=True, progress=False)
    # a run that stopped early stays stopped
    p1, h1 = fit(half_square, {"t": np.array(1.0)}, optim.GD(0.5), [None], epochs=100,
                 grad_eps=1e-3, checkpoint=tmp_path / "s.npz", progress=False)
    p2, h2 = fit(half_square, {"t": np.array(1.0)}, optim.GD(0.5), [None], epochs=100,
                 grad_eps=1e-3, checkpoint=tmp_path / "s.npz", resume=True, progress=False)
    assert h2.stop_reason == "grad_eps" and h2.steps == 10 and float(p2["t"]) == float(p1["t"])


# ---- pretraining and fine-tuning ---------------------------------------------------------------

def two_layer(params, xb):
    h = cnp.tanh(xb @ params["body"]["W"] + params["body"]["b"])
    return h @ params["head"]["W"] + params["head"]["b"]


def test_load_pretrained_into_part_and_fine_tune_the_rest(tmp_path):
    r = np.random.default_rng(1)
    # pretrain the body (with its own small head) on the first target
    pre = {"body": {"W": 0.5 * r.normal(size=(3, 4)), "b": np.zeros(4)},
           "head": {"W": 0.5 * r.normal(size=(4, 1)), "b": np.zeros(1)}}

    def loss(params, batch):
        xb, yb = batch
        d = two_layer(params, xb) - yb
        return 0.5 * cnp.mean(d * d)

    pre, _ = fit(loss, pre, optim.Adam(0.05), [(X, Y)], epochs=50, progress=False)
    save_checkpoint(tmp_path / "pre.npz", pre["body"])

    # a larger model: the body, a new head with two outputs
    big = {"body": {"W": np.zeros((3, 4)), "b": np.zeros(4)},
           "head": {"W": 0.1 * r.normal(size=(4, 2)), "b": np.zeros(2)}}
    big = load_into(big, tmp_path / "pre.npz", "body")
    np.testing.assert_array_equal(big["body"]["W"], pre["body"]["W"])
    assert big["body"]["W"] is not pre["body"]["W"]

    Y2 = np.concatenate([Y, -Y], axis=1)
    mask = optim.freeze(big, "body")
    tuned, h = fit(loss, big, optim.Adam(0.05, mask=mask), [(X, Y2)], epochs=40,
                   progress=False)
    assert tuned["body"]["W"].tobytes() == pre["body"]["W"].tobytes()
    assert tuned["body"]["b"].tobytes() == pre["body"]["b"].tobytes()
    assert h["loss"][-1] < 0.5 * h["loss"][0]
    assert not np.array_equal(tuned["head"]["W"], big["head"]["W"])


def test_load_into_checks_shapes_keys_and_keeps_dtypes():
    params = {"a": {"W": np.zeros((2, 2), np.float32), "b": np.zeros(2)}, "c": [np.zeros(1)]}
    out = load_into(params, {"W": np.ones((2, 2))}, "a", strict=False)
    assert out["a"]["W"].dtype == np.float32 and np.all(out["a"]["W"] == 1)
    assert out["a"]["b"] is params["a"]["b"] and not np.any(params["a"]["W"])
    with pytest.raises(ValueError, match="model only"):
        load_into(params, {"W": np.ones((2, 2))}, "a")
    with pytest.raises(ValueError, match=r"a/W has shape \(2, 2\) in the model but \(3, 2\)"):
        load_into(params, {"W": np.ones((3, 2)), "b": np.ones(2)}, "a")
    with pytest.raises(ValueError, match="pretrained only"):
        load_into(params, {"V": np.ones(2)}, "a", strict=False)
    out = load_into(params, [np.array([5.0])], ("c",))
    assert float(out["c"][0][0]) == 5.0


# ---- curriculum --------------------------------------------------------------------------------

def test_pacing_functions():
    lin = train.linear_pacing(0.5, full_at=4)
    assert [lin(e) for e in range(6)] == [0.5, 0.625, 0.75, 0.875, 1.0, 1.0]
    ex = train.exponential_pacing(0.1, inc=2.0, step_length=2)
    assert [ex(e) for e in (0, 1, 2, 3, 4, 6, 8)] == pytest.approx(
        [0.1, 0.1, 0.2, 0.2, 0.4, 0.8, 1.0])
    rt = train.root_pacing(0.25, full_at=3, p=2)
    assert [rt(e) for e in (0, 1, 3, 5)] == pytest.approx(
        [0.25, math.sqrt(0.375), 1.0, 1.0], rel=1e-15)


def test_curriculum_share_of_hard_examples_grows_with_the_pacing():
    n = 20
    difficulty = np.random.default_rng(3).permutation(n).astype(float)  # 0..19 shuffled
    hard = difficulty >= 10                                               # the hardest half
    sampler = CurriculumSampler(difficulty, train.linear_pacing(0.5, full_at=4), batch_size=6,
                                seed=1)
    # pools of 10, 12.5 -> 13, 15, 17.5 -> 18, 20 easiest examples
    expected_hard = [0, 3, 5, 8, 10]
    expected_size = [10, 13, 15, 18, 20]
    shares = []
    for e in range(5):
        batches = list(sampler(e))
        seen = np.concatenate(batches)
        assert [len(b) for b in batches[:-1]] == [6] * (len(batches) - 1)
        assert sorted(seen) == sorted(sampler.pool(e)) and len(seen) == expected_size[e]
        assert int(hard[seen].sum()) == expected_hard[e]
        assert difficulty[seen].max() == expected_size[e] - 1  # exactly the easiest ones
        shares.append(hard[seen].mean())
    assert shares == sorted(shares) and shares[0] == 0 and shares[-1] == 0.5
    # seeded: the same epoch gives the same order, another epoch another one
    assert [b.tolist() for b in sampler(4)] == [b.tolist() for b in sampler(4)]
    assert [b.tolist() for b in sampler(4)] != [b.tolist() for b in sampler(5)]


def test_curriculum_as_fit_data():
    difficulty = np.abs(Y[:, 0] - Y[:, 0].mean())
    sampler = CurriculumSampler(difficulty, train.exponential_pacing(0.25, 2.0), batch_size=10)
    _, h = fit(mse, fresh(), optim.SGD(0.05), lambda e: ((X[i], Y[i]) for i in sampler(e)),
               epochs=4, progress=False)
    assert h["steps"] == [1, 3, 7, 11]  # pools of 10, 20, 40, 40 examples
    with pytest.raises(ValueError, match="1-D"):
        CurriculumSampler(np.zeros((2, 2)), train.linear_pacing())
    with pytest.raises(ValueError, match=r"share of the data in \(0, 1\]"):
        CurriculumSampler(np.zeros(4), lambda e: 0.0).pool(0)


# ---- with chainrule.nn, where it has landed ------------------------------------------------------

def test_fit_an_nn_mlp_with_batch_norm_state():
    nn = pytest.importorskip("chainrule.nn")
    model = nn.MLP([3, 8, 1], activation="tanh", batchnorm=True)
    params, state = model.init(np.random.default_rng(0))

    def loss(p, s, batch):
        xb, yb = batch
        out, s = model.apply(p, s, xb, train=True)
        return nn.squared_error(out, yb), s

    params, h = fit(loss, params, optim.Adam(0.02), epoch_batches, epochs=5, state=state,
                    progress=False)
    assert h["loss"][-1] < h["loss"][0]
    assert cr.tree.flatten(h.state)[1] == cr.tree.flatten(state)[1]


# ---- the parameter path (record_path) ----------------------------------------------------------

def test_record_path_keeps_the_start_every_kth_step_and_the_end():
    start = fresh()
    params, h = fit(mse, start, optim.GD(0.1), [(X, Y)], epochs=10, progress=False,
                    record_path=3)
    assert h.path_steps == [0, 3, 6, 9, 10] and h.path_every == 3
    assert np.array_equal(h.path[0]["W"], start["W"])  # θ_0, before any update
    assert np.array_equal(h.path[-1]["W"], params["W"])  # the returned parameters
    # step 3 is three GD steps of θ ← θ - 0.1 ∇L from θ_0
    p = fresh()
    for _ in range(3):
        g = cr.grad(mse)(p, (X, Y))
        p = {k: p[k] - 0.1 * g[k] for k in p}
    np.testing.assert_allclose(h.path[1]["W"], p["W"], rtol=1e-14)


def test_record_path_memory_is_bounded_by_thinning_and_doubling_the_interval():
    _, h = fit(mse, fresh(), optim.GD(0.1), [(X, Y)], epochs=100, progress=False,
               record_path=1, path_limit=10)
    assert len(h.path) <= 11 and h.path_every == 16
    steps = h.path_steps[:-1]
    assert steps[0] == 0 and all(b - a == h.path_every for a, b in zip(steps, steps[1:]))
    assert h.path_steps[-1] == 100


def test_record_path_must_be_a_positive_step_count():
    with pytest.raises(ValueError, match="record_path"):
        fit(mse, fresh(), optim.GD(0.1), [(X, Y)], record_path=0, progress=False)
