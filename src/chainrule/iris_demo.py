"""``chainrule demo iris``: the lecture's two-layer MLP on Iris, trained end to end.

The model is the lecture's, exactly: two Iris features (petal length and width by default)
plus a bias input x_0 = 1, M = 16 logistic hidden units, C = 3 classes, softmax
cross-entropy averaged over the training set, and full-batch gradient descent with learning
rate 0.1 from W, V ~ 0.01·N(0, 1) (the lecture's ``GD``: ``W = np.random.randn(M, K)*.01``,
``V = np.random.randn(D, M)*.01``), stopping when the gradient norm falls below ``eps`` or
after ``--iters`` iterations. The gradient is ``chainrule.value_and_grad`` of the cost
written as the lecture writes it (``Q = X V``, ``Z = h(Q)``, ``U = Z W``, ``J = mean(lse(U)
- Σ U·Y)``, with ``chainrule.nn``'s activation and softmax cross-entropy); the demo first
checks it against the lecture's hand-derived formulas.

It prints the loss and the training and test accuracy and writes two figures to ``--out``
(default ``chainrule-out/``): ``decision_boundaries.png`` (the feature plane coloured by the
predicted class, the training flowers on top, as in the lecture) and ``loss_curve.png``.
matplotlib and tqdm are optional (``pip install 'chainrule[demo]'``): without tqdm there is
no progress bar, without matplotlib the demo trains and prints but draws nothing.

**The default eps is 1e-3, not the lecture's 1e-9.** With lr 0.1 the gradient norm of this
cost decays slowly (measured with the default seeds: 2.9e-3 after 10 000 iterations, 5.9e-4
after 30 000, 1.3e-4 after 100 000, roughly like t^-1.3), so at that pace 1e-9 would take on
the order of 10⁹ iterations: the lecture's loop always runs to ``max_iters``. Below 1e-3 an
iteration lowers the loss by about lr·|∇J|² < 1e-7, and the predicted classes of all 150
flowers (hence both accuracies) are the same from iteration 1 000 on (the boundaries far
from the data still drift); with the defaults the demo stops after about 21 000 iterations,
in seconds. The stopping test uses the norm of the whole gradient (W and V), where the
lecture's loop tests ‖∂J/∂W‖ alone.

The figures are drawn with matplotlib's object-oriented API (``matplotlib.figure.Figure``,
saved with the Agg renderer), never ``pyplot``: no display or interactive backend is needed
or touched.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import nn
from .data import FEATURE_NAMES, IrisData, load_iris, one_hot
from .transforms import value_and_grad

__all__ = ["main", "cost", "hand_gradients", "init_params", "train", "TrainResult",
           "ACTIVATIONS"]

EXTRA_HINT = "pip install 'chainrule[demo]'"

# name -> (h, the lecture's derivative table h'(q) written with z = h(q) where it can be)
ACTIVATIONS: dict[str, tuple[Callable[[Any], Any], Callable[[np.ndarray, np.ndarray], Any]]] = {
    "logistic": (nn.logistic, lambda q, z: z * (1 - z)),          # σ(q)(1 - σ(q))
    "tanh": (nn.tanh, lambda q, z: 1 - z ** 2),                   # 1 - tanh(q)²
    "relu": (nn.relu, lambda q, z: (q > 0).astype(q.dtype)),      # 0 for q ≤ 0, 1 for q > 0
}


def cost(params: dict[str, Any], X: np.ndarray, Y: np.ndarray,
         activation: str = "logistic") -> Any:
    """The lecture's cost: softmax cross-entropy of the two-layer MLP, averaged over rows.

    ``params = {"W": (M, C), "V": (D, M)}``, ``X``: (N, D) with the bias column, ``Y``: (N, C)
    one-hot. J = mean_n [log Σ_c exp(u_c) - yᵀu] with u = W h(V x), computed stably by
    ``chainrule.nn.softmax_cross_entropy`` from the logits U; h is ``chainrule.nn``'s.
    """
    h = ACTIVATIONS[activation][0]
    Z = h(X @ params["V"])  # N x M
    U = Z @ params["W"]  # N x C
    return nn.softmax_cross_entropy(U, Y)


def hand_gradients(params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray,
                   activation: str = "logistic") -> dict[str, np.ndarray]:
    """The lecture's hand-derived gradients: dY = Ŷ - Y, dW = Zᵀ dY / N,
    dV = Xᵀ (dY Wᵀ ⊙ h'(Q)) / N, with h' from the lecture's derivative table."""
    h, dh = ACTIVATIONS[activation]
    W, V = params["W"], params["V"]
    Q = X @ V
    Z = np.asarray(h(Q))
    U = Z @ W
    E = np.exp(U - U.max(axis=1, keepdims=True))
    dY = E / E.sum(axis=1, keepdims=True) - Y
    N = len(X)
    return {"W": Z.T @ dY / N, "V": X.T @ ((dY @ W.T) * dh(Q, Z)) / N}


def init_params(D: int, M: int, C: int, seed: int | None = 0) -> dict[str, np.ndarray]:
    """The lecture's initialisation: W = 0.01·N(0, 1) of shape (M, C), then V of (D, M)."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((M, C)) * 0.01
    V = rng.standard_normal((D, M)) * 0.01
    return {"W": W, "V": V}


def predict(params: dict[str, np.ndarray], X: np.ndarray, activation: str = "logistic"
            ) -> np.ndarray:
    """Predicted class per row: argmax of the logits (softmax is monotone)."""
    Z = np.asarray(ACTIVATIONS[activation][0](X @ params["V"]))
    return np.argmax(Z @ params["W"], axis=1)


@dataclass
class TrainResult:
    """What :func:`train` returns. ``history`` holds per-iteration ``loss`` and ``grad_norm``
    (at the parameters before that iteration's update) and ``test_loss`` at the iterations
    in ``test_at``."""

    params: dict[str, np.ndarray]
    iterations: int
    converged: bool
    seconds: float
    history: dict[str, list[float]] = field(default_factory=dict)


def _progress(total: int, enabled: bool) -> Any:
    if not enabled:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc="gradient descent", unit="it", mininterval=0.25,
                leave=True, dynamic_ncols=True)


def train(params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray, *, lr: float = 0.1,
          eps: float = 1e-3, max_iters: int = 100_000, activation: str = "logistic",
          X_test: np.ndarray | None = None, Y_test: np.ndarray | None = None,
          progress: bool = True, compiled: bool = False) -> TrainResult:
    """The lecture's ``GD``: full-batch gradient descent until |∇J| < eps or max_iters.

    Each iteration computes J and ∇J with ``chainrule.value_and_grad`` at the current
    parameters; if the gradient norm is below ``eps`` it stops there, otherwise it steps
    ``params ← params - lr·∇J``. ``iterations`` counts the updates made. With
    ``compiled``, ∇J comes from ``cr.compile(value_and_grad(cost))`` (traced once).
    """
    vg = value_and_grad(cost)
    if compiled:
        from .staging import compile as compile_
        vg = compile_(vg)
    losses: list[float] = []
    norms: list[float] = []
    test_losses: list[float] = []
    test_at: list[int] = []
    # the test loss at ~300 log-spaced iterations (the curve is drawn on a log axis) and at
    # every max_iters/300-th: a few hundred forward passes in all
    test_every = max(1, max_iters // 300)
    test_log = set((np.geomspace(1, max_iters + 1, 300).astype(np.int64) - 1).tolist())
    bar = _progress(max_iters, progress)
    W, V = params["W"], params["V"]
    converged = False
    t = 0
    start = time.perf_counter()
    try:
        while True:
            loss, g = vg({"W": W, "V": V}, X, Y, activation)
            gW, gV = g["W"], g["V"]
            gnorm = float(np.sqrt(np.vdot(gW, gW) + np.vdot(gV, gV)))
            losses.append(float(loss))
            norms.append(gnorm)
            if X_test is not None and len(X_test) and (t % test_every == 0 or t in test_log):
                test_losses.append(float(cost({"W": W, "V": V}, X_test, Y_test, activation)))
                test_at.append(t)
            if gnorm < eps:
                converged = True
                break
            if t >= max_iters:
                break
            W = W - lr * gW
            V = V - lr * gV
            t += 1
            if bar is not None and t % 200 == 0:
                bar.update(200)
                bar.set_postfix(loss=f"{float(loss):.4f}", grad=f"{gnorm:.1e}", refresh=False)
    finally:
        if bar is not None:
            bar.update(t - bar.n)
            bar.close()
    seconds = time.perf_counter() - start
    if X_test is not None and len(X_test) and (not test_at or test_at[-1] != t):
        test_losses.append(float(cost({"W": W, "V": V}, X_test, Y_test, activation)))
        test_at.append(t)
    history = {"loss": losses, "grad_norm": norms, "test_loss": test_losses,
               "test_at": test_at}
    return TrainResult({"W": W, "V": V}, t, converged, seconds, history)


# ---- figures --------------------------------------------------------------------------------

_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c")
_LIGHT = ("#c6dbef", "#fdd0a2", "#c7e9c0")


def _pretty(name: str) -> str:
    return name.replace("_", " ") + (" (cm)" if name in FEATURE_NAMES else "")


def plot_decision_boundaries(path: str, params: dict[str, np.ndarray], data: IrisData,
                             activation: str, title: str) -> None:
    """The lecture's figure: the plane of the two features (in cm) coloured by the predicted
    class, the training flowers on top (filled), the test flowers as open circles."""
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    raw_train = data.X_train[:, :2] * data.std + data.mean
    raw_test = data.X_test[:, :2] * data.std + data.mean
    both = np.concatenate([raw_train, raw_test])
    lo, hi = both.min(axis=0), both.max(axis=0)
    pad = 0.08 * (hi - lo)
    g0 = np.linspace(lo[0] - pad[0], hi[0] + pad[0], 400)
    g1 = np.linspace(lo[1] - pad[1], hi[1] + pad[1], 400)
    G0, G1 = np.meshgrid(g0, g1)
    grid = data.transform(np.column_stack([G0.ravel(), G1.ravel()]))
    pred = predict(params, grid, activation).reshape(G0.shape)

    fig = Figure(figsize=(6.4, 5.0), layout="constrained")
    ax = fig.add_subplot()
    ax.pcolormesh(G0, G1, pred, cmap=ListedColormap(_LIGHT), vmin=-0.5, vmax=2.5,
                  shading="auto", rasterized=True)
    ax.contour(G0, G1, pred, levels=[0.5, 1.5], colors="k", linewidths=0.8)
    for c, name in enumerate(data.class_names):
        tr = raw_train[data.y_train == c]
        te = raw_test[data.y_test == c]
        ax.scatter(tr[:, 0], tr[:, 1], s=22, color=_COLORS[c], edgecolors="k",
                   linewidths=0.5, label=f"{name} (train)")
        if len(te):
            ax.scatter(te[:, 0], te[:, 1], s=26, facecolors="none", edgecolors=_COLORS[c],
                       linewidths=1.2, label=f"{name} (test)")
    ax.set_xlabel(_pretty(data.feature_names[0]))
    ax.set_ylabel(_pretty(data.feature_names[1]))
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="upper left", framealpha=0.85)
    fig.savefig(path, dpi=120)


def plot_loss_curve(path: str, result: TrainResult, eps: float, title: str) -> None:
    """Training (and test) loss, and the gradient norm with the stopping threshold."""
    from matplotlib.figure import Figure

    h = result.history
    its = np.arange(len(h["loss"]))
    fig = Figure(figsize=(9.0, 3.8), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    ax1.plot(its + 1, h["loss"], label="training loss")
    if h["test_loss"]:
        ax1.plot(np.asarray(h["test_at"]) + 1, h["test_loss"], label="test loss")
    ax1.set_xscale("log")
    ax1.set_xlabel("iteration + 1")
    ax1.set_ylabel("softmax cross-entropy (mean)")
    ax1.legend()
    ax1.grid(alpha=0.3)
    ax2.plot(its + 1, h["grad_norm"], color="C2", label="|∇J|")
    ax2.axhline(eps, color="k", linestyle="--", linewidth=0.8, label=f"eps = {eps:g}")
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("iteration + 1")
    ax2.set_ylabel("gradient norm")
    ax2.legend()
    ax2.grid(alpha=0.3)
    fig.suptitle(title, fontsize=10)
    fig.savefig(path, dpi=120)


# ---- the command ----------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="chainrule demo iris",
        description="The lecture's two-layer MLP on Iris (2 features + bias, 16 logistic "
                    "hidden units, 3 classes, softmax cross-entropy), trained by full-batch "
                    "gradient descent with gradients from chainrule. Prints the loss and "
                    "accuracies; writes decision_boundaries.png and loss_curve.png.")
    p.add_argument("--hidden", type=int, default=16, help="hidden units M (default 16)")
    p.add_argument("--activation", choices=sorted(ACTIVATIONS), default="logistic",
                   help="hidden activation h (default logistic, as the lecture)")
    p.add_argument("--lr", type=float, default=0.1, help="learning rate (default 0.1)")
    p.add_argument("--iters", type=int, default=100_000,
                   help="maximum iterations (default 100000, the lecture's max_iters)")
    p.add_argument("--eps", type=float, default=1e-3,
                   help="stop when the gradient norm falls below eps (default 1e-3; at lr "
                        "0.1 the lecture's 1e-9 would take about 1e9 iterations)")
    p.add_argument("--seed", type=int, default=0, help="seed of the initial weights")
    p.add_argument("--split-seed", type=int, default=0,
                   help="seed of the stratified train/test split (default 0)")
    p.add_argument("--test-fraction", type=float, default=0.3,
                   help="share of each species held out for testing (default 0.3)")
    p.add_argument("--features", nargs="+", default=["petal_length", "petal_width"],
                   metavar="NAME",
                   help=f"Iris features to use (default petal_length petal_width); any of "
                        f"{', '.join(FEATURE_NAMES)}; the boundary plot needs exactly two")
    p.add_argument("--out", default="chainrule-out",
                   help="folder for the figures (default chainrule-out/)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--compile", action="store_true",
                   help="train with cr.compile(value_and_grad(cost)) and say how much faster")
    return p


def _accuracy(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray,
              activation: str) -> tuple[int, int]:
    return int(np.sum(predict(params, X, activation) == y)), len(y)


def _pct(k: int, n: int) -> str:
    return f"{100 * k / n:.1f}% ({k}/{n})" if n else "n/a (no examples)"


def _compare_compiled(params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray,
                      activation: str) -> None:
    """Time one value-and-gradient call, eager and compiled, and say the ratio."""
    from .staging import compile as compile_
    eager = value_and_grad(cost)
    fast = compile_(eager)
    t0 = time.perf_counter()
    fast(params, X, Y, activation)
    first = time.perf_counter() - t0

    def per_call(fn: Any) -> float:
        best = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            for _ in range(20):
                fn(params, X, Y, activation)
            best = min(best, (time.perf_counter() - t) / 20)
        return best

    te, tc = per_call(eager), per_call(fast)
    print(f"compiled (cr.compile): {tc * 1e6:.0f} µs per iteration vs eager {te * 1e6:.0f} µs:"
          f" {te / tc:.1f}x faster (first call, tracing included: {first * 1e3:.1f} ms)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo with command-line arguments ``argv``; returns the exit status."""
    p = _parser()
    a = p.parse_args(list(sys.argv[1:] if argv is None else argv))
    if a.hidden < 1:
        p.error("--hidden must be at least 1")
    if a.iters < 0:
        p.error("--iters must be at least 0")
    if not a.lr > 0:
        p.error("--lr must be positive")
    try:
        data = load_iris(features=a.features, test_fraction=a.test_fraction,
                         seed=a.split_seed, add_bias=True)
    except (ValueError, TypeError) as e:
        p.error(str(e))
    X, Xt = data.X_train, data.X_test
    Y, Yt = one_hot(data.y_train, 3), one_hot(data.y_test, 3)
    D, M, C = X.shape[1], a.hidden, 3
    feats = ", ".join(data.feature_names[:-1])
    nf = f"{D - 1} feature{'s' if D != 2 else ''}"
    print(f"Iris, the lecture's two-layer MLP: D = {nf} ({feats}) + bias, "
          f"M = {M} {a.activation} hidden units, C = {C} classes, softmax cross-entropy")
    print(f"data: {len(X)} training / {len(Xt)} test flowers (stratified split, seed "
          f"{a.split_seed}), standardised with the training set's mean and std")

    params = init_params(D, M, C, a.seed)
    _, g = value_and_grad(cost)(params, X, Y, a.activation)
    hand = hand_gradients(params, X, Y, a.activation)
    rel = max(np.linalg.norm(g[k] - hand[k]) / np.linalg.norm(hand[k]) for k in ("W", "V"))
    print(f"gradient check at the initial weights (seed {a.seed}): |chainrule - lecture's "
          f"hand-derived| / |hand-derived| = {rel:.1e}")
    print(f"gradient descent: lr {a.lr:g}, W, V ~ 0.01·N(0, 1), stop when |∇J| < {a.eps:g} "
          f"or after {a.iters} iterations")
    sys.stdout.flush()

    res = train(params, X, Y, lr=a.lr, eps=a.eps, max_iters=a.iters, activation=a.activation,
                X_test=Xt, Y_test=Yt, progress=not a.no_progress, compiled=a.compile)
    why = (f"|∇J| = {res.history['grad_norm'][-1]:.2e} < eps" if res.converged
           else f"the iteration limit (|∇J| = {res.history['grad_norm'][-1]:.2e})")
    print(f"stopped after {res.iterations} iterations ({res.seconds:.1f} s): {why}")
    if a.compile:
        _compare_compiled(res.params, X, Y, a.activation)
    train_loss = res.history["loss"][-1]
    line = f"training loss {train_loss:.4f}"
    if len(Xt):
        line += f"   test loss {res.history['test_loss'][-1]:.4f}"
    print(line)
    tr = _accuracy(res.params, X, data.y_train, a.activation)
    te = _accuracy(res.params, Xt, data.y_test, a.activation)
    print(f"training accuracy {_pct(*tr)}   test accuracy {_pct(*te)}")

    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print(f"figures skipped: matplotlib is not installed. Install the demo extra for the "
              f"plots: {EXTRA_HINT}")
        return 0
    os.makedirs(a.out, exist_ok=True)
    title = (f"Iris MLP: {nf} + bias, {M} {a.activation} units, lr {a.lr:g}, "
             f"{res.iterations} iterations\ntrain acc {_pct(*tr)}, test acc {_pct(*te)}")
    if D - 1 == 2:
        path = os.path.join(a.out, "decision_boundaries.png")
        plot_decision_boundaries(path, res.params, data, a.activation, title)
        print(f"wrote {path}")
    else:
        print(f"decision_boundaries.png skipped: the plot needs exactly 2 features "
              f"(got {nf})")
    path = os.path.join(a.out, "loss_curve.png")
    plot_loss_curve(path, res, a.eps, title.split("\n")[0])
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
