"""``chainrule demo landscape``: the lecture's landscape of the cost function, measured.

On the lecture's Iris MLP (2 petal features + bias, 16 logistic units, 3 classes; 96
parameters, the batch-friendly cost of :mod:`chainrule.landscape.lecture_model`) and on
deep ReLU MLPs with and without skip connections / batch norm, it writes to ``--out``
(default ``chainrule-out/landscape/``):

1. ``interpolation.png`` — loss and accuracy (train, test) on the line init → final;
2. ``contour.png`` — a filter-normalised random plane (log levels) and the PCA plane of the
   training path with the path on it;  3. ``surface.png`` — the random plane in 3-D;
4. ``deep.png`` — filter-normalised planes of a deep MLP: plain, residual, batch norm;
5. ``spectrum.png`` — the Hessian spectrum at the trained point and at a symmetric saddle,
   with the second-order classification;  6. ``symmetry.png`` — the barrier between two
   permuted copies of the trained model;  7. ``optima.png`` — final losses from K seeds and
   the lines between their minima;  8. ``critical.png`` — index against loss of critical
   points found by minimising ‖∇L‖²;  9. ``continuation.png`` — the Gaussian-smoothed slice
   and the continuation path;  10. ``curriculum.png`` and ``pretrain.png`` — each against
   plain training on identical axes; and ``summary.md`` with the figures' numbers.

Training uses Adam (lr 0.05, from the lecture's 0.01·N(0, 1) initialisation) instead of the
lecture's GD with lr 0.1, to reach a good minimum in seconds. The critical-point search uses
the cost plus ``1e-3/2 ‖θ‖²``: without it, the separable classes push the minima (and many
critical points) to infinity. matplotlib (Agg, no display) and tqdm come with the ``demo``
extra.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

import chainrule.numpy as cnp
from chainrule import landscape as ls
from chainrule import nn, optim, train
from chainrule.data import load_iris, one_hot
from chainrule.landscape import lecture_model as lm

__all__ = ["main", "FIGURES"]

FIGURES = ("interpolation", "contour", "surface", "deep", "spectrum", "symmetry", "optima",
           "critical", "continuation", "curriculum", "pretrain")
WEIGHT_DECAY = 1e-3


def _figure(*size: float) -> Any:
    from matplotlib.figure import Figure
    return Figure(figsize=size, dpi=110, layout="constrained")


def _save(fig: Any, out: str, name: str) -> str:
    path = os.path.join(out, f"{name}.png")
    fig.savefig(path)
    return path


def _init(seed: int, m: int = 16, c: int = 3) -> dict:
    rng = np.random.default_rng(seed)
    return {"V": 0.01 * rng.standard_normal((3, m)), "W": 0.01 * rng.standard_normal((m, c))}


def _train(loss: Any, params: dict, steps: int, record: int | None = None,
           lr: float = 0.05) -> tuple[dict, Any]:
    return train.fit(lambda p, batch: loss(p), params, optim.Adam(lr), [None], epochs=steps,
                     progress=False, record_path=record)


def _log_levels(Z: np.ndarray, n: int = 25) -> np.ndarray:
    lo, hi = float(np.min(Z)), float(np.max(Z))
    return np.geomspace(max(lo, 1e-6), hi, n)


def _contour(ax: Any, a: np.ndarray, b: np.ndarray, Z: np.ndarray, title: str) -> Any:
    from matplotlib.colors import LogNorm
    levels = _log_levels(Z)
    cs = ax.contourf(a, b, Z, levels=levels, norm=LogNorm(levels[0], levels[-1]),
                     cmap="viridis")
    ax.contour(a, b, Z, levels=levels[::3], colors="white", linewidths=0.5)
    ax.set_title(title, fontsize=10)
    return cs


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="chainrule demo landscape", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join("chainrule-out", "landscape"))
    p.add_argument("--grid", type=int, default=51, help="points per axis of the Iris planes")
    p.add_argument("--steps", type=int, default=2000, help="Adam steps per Iris training run")
    p.add_argument("--seeds", type=int, default=6, help="K: training runs for 'many optima'")
    p.add_argument("--depth", type=int, default=20, help="hidden layers of the deep MLP")
    p.add_argument("--deep-grid", type=int, default=21)
    p.add_argument("--deep-steps", type=int, default=300)
    p.add_argument("--starts", type=int, default=8, help="starts of the critical-point search")
    p.add_argument("--epochs", type=int, default=60, help="epochs of curriculum / pretraining")
    p.add_argument("--quick", action="store_true", help="small sizes (a smoke run, seconds)")
    p.add_argument("--no-progress", action="store_true")
    a = p.parse_args(list(argv) if argv is not None else None)
    if a.quick:
        a.grid, a.steps, a.seeds, a.depth = 9, 120, 2, 4
        a.deep_grid, a.deep_steps, a.starts, a.epochs = 5, 20, 2, 6
    try:
        import matplotlib
        matplotlib.use("Agg")
    except ImportError:
        print("chainrule demo landscape needs matplotlib: pip install 'chainrule[demo]'")
        return 1
    os.makedirs(a.out, exist_ok=True)
    prog = not a.no_progress
    t0 = time.perf_counter()
    summary: list[str] = ["# chainrule demo landscape: the numbers behind the figures", ""]

    d = load_iris(add_bias=True)
    Xtr, Xte = d.X_train, d.X_test
    Ytr, Yte = one_hot(d.y_train, 3), one_hot(d.y_test, 3)
    loss = lambda q: lm.cost(q, Xtr, Ytr)  # noqa: E731

    def metrics(q: Any) -> dict:
        return {"train loss": lm.cost(q, Xtr, Ytr), "test loss": lm.cost(q, Xte, Yte),
                "train acc": lm.accuracy(q, Xtr, d.y_train),
                "test acc": lm.accuracy(q, Xte, d.y_test)}

    # ---- 1. interpolation init -> final ------------------------------------------------------
    init = _init(0)
    every = max(1, a.steps // 100)
    final, hist = _train(loss, init, a.steps, record=every)
    alphas = np.linspace(-0.5, 1.5, 4 * a.grid // 5 + 1)
    inter = ls.interpolate(metrics, init, final, alphas, batched=True, progress=prog)
    fig = _figure(7, 4.2)
    ax = fig.add_subplot()
    ax.plot(alphas, inter["train loss"], "C0-", label="train loss")
    ax.plot(alphas, inter["test loss"], "C0--", label="test loss")
    ax.set_yscale("log")
    ax.set_xlabel("α   (θ = (1 − α) θ_init + α θ_final)")
    ax.set_ylabel("cross-entropy (log scale)", color="C0")
    ax2 = ax.twinx()
    ax2.plot(alphas, inter["train acc"], "C1-", label="train accuracy")
    ax2.plot(alphas, inter["test acc"], "C1--", label="test accuracy")
    ax2.set_ylabel("accuracy", color="C1")
    ax2.set_ylim(0, 1.05)
    for x in (0, 1):
        ax.axvline(x, color="grey", lw=0.6, ls=":")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=8,
              ncol=4, frameon=False)
    ax.set_title("Iris MLP: the straight line from initialisation to the trained model")
    _save(fig, a.out, "interpolation")
    i0, i1 = int(np.argmin(abs(alphas))), int(np.argmin(abs(alphas - 1)))
    summary += ["## 1. interpolation.png", "",
                f"- init: train loss {inter['train loss'][i0]:.4f}; final (after {a.steps} Adam "
                f"steps): train loss {inter['train loss'][i1]:.4f}, test loss "
                f"{inter['test loss'][i1]:.4f}, train acc {inter['train acc'][i1]:.3f}, test acc "
                f"{inter['test acc'][i1]:.3f}",
                f"- the loss decreases monotonically along the segment: "
                f"{bool(np.all(np.diff(inter['train loss'][i0:i1 + 1]) <= 1e-12))}", ""]

    # ---- 2./3. filter-normalised plane, PCA plane with the path, 3-D surface -------------------
    d1, d2 = ls.direction(final, 1), ls.direction(final, 2)
    grid = np.linspace(-1, 1, a.grid)
    t = time.perf_counter()
    Z = ls.plane(loss, final, d1, d2, grid, grid, batched=True, progress=prog)
    t_plane = time.perf_counter() - t
    tp = ls.trajectory_plane(hist.path)
    r = 1.25 * np.max(np.abs(tp.coords))
    pg = np.linspace(-r, r, a.grid)
    Zp = ls.plane(loss, final, tp.d1, tp.d2, pg, pg, batched=True, progress=prog)
    fig = _figure(11, 4.6)
    axs = fig.subplots(1, 2)
    cs = _contour(axs[0], grid, grid, Z, "filter-normalised random plane around θ_final")
    axs[0].plot(0, 0, "r*", ms=10)
    axs[0].set_xlabel("α (d₁)")
    axs[0].set_ylabel("β (d₂)")
    fig.colorbar(cs, ax=axs[0], label="training loss (log levels)", format="%.3g")
    cs = _contour(axs[1], pg, pg, Zp, "PCA plane of the training path")
    axs[1].plot(tp.coords[:, 0], tp.coords[:, 1], "r.-", ms=3, lw=1, label="Adam path")
    axs[1].plot(tp.coords[0, 0], tp.coords[0, 1], "wo", ms=6, label="init")
    axs[1].plot(0, 0, "r*", ms=10, label="final")
    ev = tp.explained_variance
    axs[1].set_xlabel(f"PC 1 ({100 * ev[0]:.1f}% of the path's variance)")
    axs[1].set_ylabel(f"PC 2 ({100 * ev[1]:.1f}%)")
    axs[1].legend(fontsize=8, loc="lower right")
    fig.colorbar(cs, ax=axs[1], label="training loss (log levels)", format="%.3g")
    _save(fig, a.out, "contour")
    fig = _figure(7, 5.5)
    ax = fig.add_subplot(projection="3d")
    A, B = np.meshgrid(grid, grid)
    ax.plot_surface(A, B, np.log10(Z), cmap="viridis", linewidth=0, antialiased=True)
    ax.set_xlabel("α (d₁)")
    ax.set_ylabel("β (d₂)")
    ax.set_zlabel("log₁₀ training loss")
    ax.set_title("Iris MLP: the filter-normalised plane as a surface", fontsize=10)
    _save(fig, a.out, "surface")
    summary += ["## 2./3. contour.png, surface.png", "",
                f"- {a.grid}×{a.grid} = {a.grid ** 2} points in one batched pass: "
                f"{t_plane:.3f} s; loss in [{Z.min():.4f}, {Z.max():.4f}] on the random plane",
                f"- PCA plane of {len(hist.path)} recorded points (every {hist.path_every} "
                f"steps): explained variance {100 * ev[0]:.1f}% + {100 * ev[1]:.1f}%", ""]

    # ---- 4. deep MLPs: plain, residual, batch norm -------------------------------------------
    X2 = Xtr[:, :2]
    fig = _figure(13, 4.2)
    axs = fig.subplots(1, 3)
    dg = np.linspace(-1, 1, a.deep_grid)
    deep_rows = []
    for ax, (name, kw) in zip(axs, (("plain", {}), ("skip connections", {"residual": True}),
                                    ("batch norm", {"batchnorm": True}))):
        model = nn.MLP([2] + [16] * a.depth + [3], activation="relu", **kw)
        params, state = model.init(0)

        def dloss(q: Any, model: Any = model, state: Any = state) -> Any:
            out, _ = model.apply(q, state, X2, train=True)  # batch statistics, as in training
            return nn.softmax_cross_entropy(out, Ytr)

        params, _ = _train(dloss, params, a.deep_steps, lr=1e-3)
        e1, e2 = ls.direction(params, 11), ls.direction(params, 12)
        Zd = ls.plane(dloss, params, e1, e2, dg, dg, progress=prog)
        cs = _contour(ax, dg, dg, Zd, f"{a.depth}-layer ReLU MLP, {name}")
        ax.set_xlabel("α (d₁)")
        ax.set_ylabel("β (d₂)")
        fig.colorbar(cs, ax=ax, format="%.4g")
        centre = float(dloss(params))
        deep_rows.append(f"- {name}: loss at the centre {centre:.4f}, max on the plane "
                         f"{Zd.max():.3g} (max/centre {Zd.max() / centre:.3g})")
    fig.suptitle(f"Li et al.'s comparison on Iris (filter-normalised planes, per-point loop, "
                 f"{a.deep_grid}×{a.deep_grid}; {a.deep_steps} Adam steps each)", fontsize=10)
    _save(fig, a.out, "deep")
    summary += ["## 4. deep.png", ""] + deep_rows + [""]

    # ---- 5. spectrum at the trained point and at a symmetric saddle ---------------------------
    spec = ls.hessian_spectrum(loss, final)
    cp = ls.classify_critical_point(loss, final)
    V = np.zeros((3, 16))
    V[2] = 0.7
    sym = {"V": V, "W": np.zeros((16, 3))}  # all units equal, W = 0: a critical point
    spec_s = ls.hessian_spectrum(loss, sym)
    cp_s = ls.classify_critical_point(loss, sym, grad_tol=1e-10)
    top = ls.hessian_eigs(loss, final, k=1, which="both")
    tr = ls.hessian_trace(loss, final, samples=30 if a.quick else 200)
    fig = _figure(11, 4.2)
    axs = fig.subplots(1, 2)
    for ax, s, c, title in ((axs[0], spec, cp, "trained model"),
                            (axs[1], spec_s, cp_s, "all 16 units identical, W = 0")):
        ev_ = s.eigenvalues
        ax.plot(np.arange(1, len(ev_) + 1), ev_, ".", color="C0", label="eigenvalues")
        ax.axhspan(-c.eig_tol, c.eig_tol, color="C1", alpha=0.3,
                   label=f"|λ| ≤ tol = {c.eig_tol:.1e} (counted as 0)")
        ax.set_yscale("symlog", linthresh=1e-6)
        ax.set_xlabel("eigenvalue number (ascending)")
        ax.set_ylabel("Hessian eigenvalue λ (symlog)")
        ax.set_title(f"{title}: {c.kind}\n|∇L| = {c.grad_norm:.1e}, index = {c.index:.3f} "
                     f"({c.n_negative} negative, {c.n_zero} ≈ 0 of {c.n})", fontsize=9)
        ax.axhline(0, color="k", lw=0.6)
        ax.legend(fontsize=8, loc="upper left")
    _save(fig, a.out, "spectrum")
    summary += ["## 5. spectrum.png", "", f"- trained model: {cp}",
                f"- Lanczos (cr.hvp): λ_min = {top[0]:.6g}, λ_max = {top[-1]:.6g}; dense: "
                f"{spec.eigenvalues[0]:.6g}, {spec.eigenvalues[-1]:.6g}",
                f"- Hutchinson trace {tr.value:.4f} ± {tr.stderr:.4f} (exact "
                f"{spec.eigenvalues.sum():.4f}, {tr.samples} probes)",
                f"- symmetric point: {cp_s}", ""]

    # ---- 6. the symmetry barrier -------------------------------------------------------------
    perm = np.random.default_rng(0).permutation(16)
    copy = ls.permute_hidden(final, 0, perm)
    swap = np.arange(16)
    swap[[0, 1]] = [1, 0]
    copy2 = ls.permute_hidden(final, 0, swap)
    al = np.linspace(-0.25, 1.25, 2 * a.grid + 1)
    bar1 = ls.interpolate(loss, final, copy, al, batched=True, progress=prog)
    bar2 = ls.interpolate(loss, final, copy2, al, batched=True, progress=prog)
    fig = _figure(7, 4.2)
    ax = fig.add_subplot()
    ax.plot(al, bar1, label="θ → a random permutation of the 16 units")
    ax.plot(al, bar2, label="θ → units 0 and 1 swapped")
    ax.set_yscale("log")
    ax.set_xlabel("α   ((1 − α) θ + α π(θ))")
    ax.set_ylabel("training loss (log scale)")
    ax.set_title("Weight-space symmetry: equal endpoints, a barrier between them", fontsize=10)
    ax.legend(fontsize=8)
    _save(fig, a.out, "symmetry")
    summary += ["## 6. symmetry.png", "",
                f"- L(θ) = {loss(final):.6f}, L(π(θ)) = {loss(copy):.6f} (equal up to rounding)",
                f"- barrier on the segment: {bar1[(al >= 0) & (al <= 1)].max():.4f} (random "
                f"permutation), {bar2[(al >= 0) & (al <= 1)].max():.4f} (one swap)", ""]

    # ---- 7. many optima ----------------------------------------------------------------------
    minima, paths, finals = [final], [hist.path], [float(loss(final))]
    for s in range(1, a.seeds):
        q, h = _train(loss, _init(s), a.steps, record=every)
        minima.append(q)
        paths.append(h.path)
        finals.append(float(loss(q)))
    fig = _figure(11, 4.2)
    axs = fig.subplots(1, 2)
    axs[0].plot(range(len(finals)), finals, "o")
    axs[0].set_xlabel("seed")
    axs[0].set_ylabel("final training loss")
    axs[0].set_title(f"{len(finals)} runs of {a.steps} Adam steps", fontsize=10)
    al2 = np.linspace(0, 1, a.grid)
    peaks = []
    for i in range(len(minima) - 1):
        curve = ls.interpolate(loss, minima[i], minima[i + 1], al2, batched=True, progress=prog)
        peaks.append(float(curve.max() - max(curve[0], curve[-1])))
        axs[1].plot(al2, curve, label=f"seed {i} → {i + 1}")
    axs[1].set_yscale("log")
    axs[1].set_xlabel("α")
    axs[1].set_ylabel("training loss (log scale)")
    axs[1].set_title("straight lines between the minima", fontsize=10)
    axs[1].legend(fontsize=7)
    _save(fig, a.out, "optima")
    summary += ["## 7. optima.png", "",
                f"- final losses over {len(finals)} seeds: min {min(finals):.4f}, median "
                f"{np.median(finals):.4f}, max {max(finals):.4f}",
                f"- barrier heights above the higher endpoint: "
                f"{', '.join(f'{x:.3g}' for x in peaks)}", ""]

    # ---- 8. critical points: index against loss ----------------------------------------------
    def reg(q: Any) -> Any:
        return loss(q) + 0.5 * WEIGHT_DECAY * (cnp.sum(q["V"] ** 2) + cnp.sum(q["W"] ** 2))

    rng = np.random.default_rng(7)
    found = []
    for k in range(a.starts):
        path = paths[k % len(paths)]
        start = path[rng.integers(0, len(path))]
        start = ls.vectors.axpy(start, 0.1, ls.direction(start, rng, "layer"))
        res = ls.find_critical_point(reg, start, steps=4 if a.quick else 60, tol=1e-9)
        c = ls.classify_critical_point(reg, res.params, grad_tol=1e-5)
        found.append((res.loss, c))
    fig = _figure(7, 4.2)
    ax = fig.add_subplot()
    for lv, c in found:
        crit = c.kind != "not critical"
        ax.plot(lv, c.index, "o" if crit else "x", color="C0" if crit else "C3")
    ax.plot([], [], "o", color="C0", label="critical (|∇L| ≤ 1e-5)")
    ax.plot([], [], "x", color="C3", label="search stopped earlier")
    ax.set_xlabel(f"loss (cost + {WEIGHT_DECAY:g}/2 ‖θ‖²)")
    ax.set_ylabel("index (fraction of negative eigenvalues)")
    ax.ticklabel_format(axis="x", useOffset=False)
    ax.set_title("Critical points from minimising ‖∇L‖² (Newton-MINRES, cr.hvp)",
                 fontsize=10)
    ax.legend(fontsize=8)
    _save(fig, a.out, "critical")
    summary += ["## 8. critical.png", ""] + [f"- loss {lv:.4f}: {c}" for lv, c in found] + [""]

    # ---- 9. continuation on a 1-D slice ------------------------------------------------------
    order = np.argsort(finals)
    worst, best = minima[order[-1]], minima[order[0]]
    dV, dW = best["V"] - worst["V"], best["W"] - worst["W"]

    def slice_loss(tt: Any) -> Any:  # t of shape (..., 1): ℓ(t) = L(worst + t (best - worst))
        q = {"V": worst["V"] + tt[..., None] * dV, "W": worst["W"] + tt[..., None] * dW}
        return lm.cost(q, Xtr, Ytr)

    ts = np.linspace(-0.5, 1.5, 4 * a.grid + 1)
    sigmas = [0.8, 0.4, 0.2, 0.1, 0.0]
    S = 16 if a.quick else 64
    eps = np.random.default_rng(0).standard_normal(S)
    path_c = ls.continuation(slice_loss, np.array([-0.4]), sigmas, steps=30 if a.quick else 200,
                             lr=0.05, samples=S, batched=True)
    fig = _figure(7, 4.2)
    ax = fig.add_subplot()
    for i, s in enumerate(sigmas):
        pts = (ts[:, None] + s * eps[None, :]).reshape(-1, 1)
        vals = np.asarray(slice_loss(pts)).reshape(len(ts), S).mean(axis=1)
        ax.plot(ts, vals, color=f"C{i}", label=f"L_σ, σ = {s:g}")
        x = path_c.points[i][0]
        ax.plot(x, path_c.smoothed_losses[i], "o", color=f"C{i}", mec="k")
    ax.plot([p[0] for p in path_c.points], path_c.smoothed_losses, "k:", lw=1,
            label="continuation path")
    ax.set_yscale("log")
    ax.set_xlabel("t   (θ = θ_worst + t (θ_best − θ_worst))")
    ax.set_ylabel("smoothed training loss (log scale)")
    ax.set_title("Gaussian continuation (Mobahi 2016) on a slice through two minima",
                 fontsize=10)
    ax.legend(fontsize=8)
    _save(fig, a.out, "continuation")
    summary += ["## 9. continuation.png", "",
                "- stages (σ: t, L_σ, L): " + "; ".join(
                    f"{s:g}: {p[0]:.3f}, {sl:.4f}, {lv:.4f}" for s, p, sl, lv in zip(
                        path_c.sigmas, path_c.points, path_c.smoothed_losses, path_c.losses)),
                ""]

    # ---- 10. curriculum and pretraining --------------------------------------------------------
    lin = {"V": np.zeros((3, 3)), "W": np.eye(3)}  # a linear softmax model for the margins
    lin_loss = lambda q: nn.softmax_cross_entropy(Xtr @ q["V"], Ytr)  # noqa: E731
    lin, _ = _train(lin_loss, lin, 200, lr=0.1)
    U = Xtr @ lin["V"]
    true = U[np.arange(len(U)), d.y_train]
    margin = true - np.max(np.where(Ytr > 0, -np.inf, U), axis=1)

    def run(sampler: Any, q0: dict) -> list[float]:
        data = lambda e: ((None, idx) for idx in sampler(e))  # noqa: E731
        _, h = train.fit(lambda q, b: lm.cost(q, Xtr[b[1]], Ytr[b[1]]), q0, optim.Adam(0.02),
                         data, epochs=a.epochs, progress=False,
                         eval_fn=lambda q: {"test_loss": float(lm.cost(q, Xte, Yte))})
        return h["test_loss"]

    cur = run(train.CurriculumSampler(-margin, train.linear_pacing(0.3, a.epochs // 2), 16),
              _init(1))
    plain = run(train.CurriculumSampler(-margin, lambda e: 1.0, 16), _init(1))
    fig = _figure(7, 4.2)
    ax = fig.add_subplot()
    ax.plot(cur, label="curriculum (easiest 30% first, all by half-way)")
    ax.plot(plain, label="plain (all examples, shuffled)")
    ax.set_yscale("log")
    ax.set_xlabel("epoch (minibatches of 16)")
    ax.set_ylabel("test loss (log scale)")
    ax.set_title("Curriculum learning on Iris (difficulty: a linear model's margin)",
                 fontsize=10)
    ax.legend(fontsize=8)
    _save(fig, a.out, "curriculum")

    Ybin = np.stack([Ytr[:, 0], 1 - Ytr[:, 0]], axis=1)  # the simpler task: setosa or not
    pre, _ = _train(lambda q: lm.cost(q, Xtr, Ybin), _init(2, c=2), 100 if not a.quick else 20)
    q0 = _init(3)
    tuned = train.load_into(q0, pre["V"], "V")

    def curve(q: dict) -> list[float]:
        _, h = train.fit(lambda p_, b: loss(p_), q, optim.Adam(0.02), [None], epochs=a.epochs,
                         progress=False)
        return h["loss"]

    fig = _figure(7, 4.2)
    ax = fig.add_subplot()
    c_pre, c_plain = curve(tuned), curve(q0)
    ax.plot(c_pre, label="V pretrained on setosa-vs-rest, then fine-tuned")
    ax.plot(c_plain, label="from scratch (same W initialisation)")
    ax.set_yscale("log")
    ax.set_xlabel("epoch (full batch)")
    ax.set_ylabel("training loss (log scale)")
    ax.set_title("Pretrain on a simpler task, fine-tune on the 3 classes", fontsize=10)
    ax.legend(fontsize=8)
    _save(fig, a.out, "pretrain")
    summary += ["## 10. curriculum.png, pretrain.png", "",
                f"- test loss after {a.epochs} epochs: curriculum {cur[-1]:.4f}, plain "
                f"{plain[-1]:.4f}",
                f"- training loss after {a.epochs} epochs: pretrained {c_pre[-1]:.4f}, from "
                f"scratch {c_plain[-1]:.4f}", "",
                f"Total time {time.perf_counter() - t0:.1f} s."]
    with open(os.path.join(a.out, "summary.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(summary) + "\n")
    print("\n".join(summary))
    print(f"\nwrote {len(FIGURES)} figures and summary.md to {a.out}")
    return 0
