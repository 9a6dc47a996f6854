"""A deep (20-layer) ReLU MLP trained with and without skip connections and batch norm.

The lecture lists what makes deep networks easier to optimise: ReLU, skip connections
(x^{ℓ+l} = W ReLU(… W x^ℓ) + x^ℓ: each block fixes the residual error of the ones below) and
batch normalization (normalise each unit over the minibatch, backpropagate through the
normalisation, use the whole training set's statistics at test time). This example trains
the same 20-layer network five ways — plain (PyTorch's default initialisation), plain with
He initialisation, with skip connections, with batch norm, with both — from the same seed,
with the same optimiser (momentum SGD, gradients clipped to global norm 5) and the same
number of full-batch steps, on a three-class spiral, and prints the final training loss of
each and its difference from the plain network's.

    python examples/deep_mlp.py                 # 20 layers, width 32, 300 steps
    python examples/deep_mlp.py --depth 30 --steps 800

The training loss is measured in evaluation mode at the end, for batch norm with the
lecture's test-time rule (the whole training set's statistics, ``nn.dataset_statistics``).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from chainrule import nn, optim
from chainrule.train import fit

VARIANTS = {  # name: (residual, batchnorm, He initialisation instead of PyTorch's default)
    "plain": (False, False, False),
    "plain, He init": (False, False, True),
    "skip": (True, False, False),
    "batchnorm": (False, True, False),
    "skip + batchnorm": (True, True, False),
}


def spiral(n_per_class: int, classes: int = 3, noise: float = 0.2, seed: int = 0):
    """The classic 2-D spiral: ``classes`` arms of ``n_per_class`` points, labels 0..C-1."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for c in range(classes):
        r = np.linspace(0.05, 1.0, n_per_class)
        t = np.linspace(c * 4.0, (c + 1) * 4.0, n_per_class) + rng.normal(0, noise, n_per_class)
        X.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        y.append(np.full(n_per_class, c))
    return np.concatenate(X), np.concatenate(y)


def make_model(depth: int, width: int, residual: bool, batchnorm: bool,
               he: bool = False) -> nn.MLP:
    """``depth`` Linear layers: 2 → width → … → width → 3, ReLU between them."""
    return nn.MLP([2] + [width] * (depth - 1) + [3], activation="relu", residual=residual,
                  batchnorm=batchnorm, weight_init=nn.init.he_normal() if he else None)


def train_variant(X, y, depth, width, residual, batchnorm, he, steps, lr, seed):
    model = make_model(depth, width, residual, batchnorm, he)
    params, state = model.init(np.random.default_rng(seed))

    def loss_fn(params, state, batch):
        xb, yb = batch
        logits, state = model.apply(params, state, xb, train=True)
        return nn.softmax_cross_entropy(logits, yb), state

    opt = optim.Momentum(lr, beta=0.9, clip_norm=5.0)
    params, hist = fit(loss_fn, params, opt, [(X, y)], epochs=steps, state=state,
                       progress=False)
    state = hist.state
    if batchnorm:
        state = nn.dataset_statistics(model, params, state, X)
    logits, _ = model.apply(params, state, X, train=False)
    loss = float(nn.softmax_cross_entropy(logits, y))
    return {"loss": loss, "accuracy": nn.accuracy(logits, y), "curve": hist["loss"],
            "params": nn.count_params(params)}


def run(depth=20, width=32, steps=300, lr=0.05, n_per_class=100, seed=0, variants=None,
        verbose=True):
    X, y = spiral(n_per_class, seed=seed)
    results = {}
    for name in variants or VARIANTS:
        residual, batchnorm, he = VARIANTS[name]
        t = time.perf_counter()
        results[name] = train_variant(X, y, depth, width, residual, batchnorm, he, steps, lr,
                                      seed)
        results[name]["seconds"] = time.perf_counter() - t
        if verbose:
            r = results[name]
            print(f"  {name:<17} training loss {r['loss']:.4f}  accuracy "
                  f"{100 * r['accuracy']:5.1f}%  ({r['seconds']:.1f} s)", flush=True)
    return results


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--depth", type=int, default=20, help="Linear layers (default 20)")
    p.add_argument("--width", type=int, default=32, help="hidden units per layer (default 32)")
    p.add_argument("--steps", type=int, default=300, help="full-batch steps (default 300)")
    p.add_argument("--lr", type=float, default=0.05, help="learning rate (default 0.05)")
    p.add_argument("--n", type=int, default=100, help="points per class (default 100)")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    print(f"{a.depth}-layer ReLU MLP, width {a.width}, on a 3-class spiral ({3 * a.n} points); "
          f"momentum SGD lr {a.lr} (clip 5), {a.steps} full-batch steps, same seed:")
    res = run(a.depth, a.width, a.steps, a.lr, a.n, a.seed)
    base = res["plain"]["loss"]
    print("training loss relative to the plain network:")
    for name, r in res.items():
        if name != "plain":
            print(f"  {name:<17} {r['loss'] - base:+.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
