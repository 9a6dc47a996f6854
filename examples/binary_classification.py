"""Binary classification with an MLP: the lecture's logistic output and cross-entropy.

The lecture's binary model has one output unit, ŷ = σ(u), and the loss
L(y, u) = y log(1 + e^{-u}) + (1 - y) log(1 + e^{u}), whose gradient with respect to the
logit u is ŷ - y. ``nn.binary_cross_entropy`` computes it from the logit, stably. The data
are two interleaving half-moons (not linearly separable); the network is 2 → 16 → 16 → 1
with ReLU units, initialised as the lecture suggests for ReLU: He-normal weights and a small
positive bias (so that the input to each ReLU starts > 0). Trained with Nesterov momentum
on minibatches; prints training and test accuracy per epoch (with tqdm) and at the end.

    python examples/binary_classification.py
    python examples/binary_classification.py --n 1000 --epochs 100 --noise 0.3
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from chainrule import nn, optim
from chainrule.data import minibatches
from chainrule.train import fit


def two_moons(n: int, noise: float, seed: int):
    """``n`` points on two interleaving half circles with Gaussian noise; labels 0 and 1."""
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t0 = rng.uniform(0, np.pi, n0)
    t1 = rng.uniform(0, np.pi, n - n0)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n0), np.ones(n - n0)])
    order = rng.permutation(n)
    return X[order], y[order]


def train(sizes, X, y, Xt, yt, epochs, batch_size, lr, seed, progress):
    model = nn.MLP(sizes, activation="relu",
                   weight_init=nn.init.he_normal(), bias_init=nn.init.small_positive(0.01))
    params, state = model.init(np.random.default_rng(seed))

    def logits(params, x):
        return model.apply(params, state, x)[0]

    def loss_fn(params, batch):
        xb, yb = batch
        return nn.binary_cross_entropy(logits(params, xb), yb)

    def evaluate(params, data):
        xe, ye = data
        return {"test_accuracy": nn.accuracy(logits(params, xe), ye),
                "train_accuracy": nn.accuracy(logits(params, X), y)}

    def batches(epoch):
        return minibatches(X, y, batch_size, seed=np.random.default_rng([seed, epoch]))

    params, history = fit(loss_fn, params, optim.Nesterov(lr, beta=0.9), batches,
                          epochs=epochs, eval_fn=evaluate, eval_data=(Xt, yt),
                          monitor="test_accuracy", mode="max", progress=progress)
    return {
        "sizes": sizes,
        "train_loss": float(loss_fn(params, (X, y))),
        "test_loss": float(loss_fn(params, (Xt, yt))),
        "train_accuracy": nn.accuracy(logits(params, X), y),
        "test_accuracy": nn.accuracy(logits(params, Xt), yt),
        "history": history,
        "params": params,
        "logits": logits,
    }


def run(n=400, n_test=400, hidden=16, epochs=60, batch_size=32, lr=0.05, noise=0.2, seed=0,
        progress=True):
    """Trains the MLP and, for comparison, a linear model (logistic regression) the same
    way; returns the MLP's results with the linear model's under ``"linear"``."""
    X, y = two_moons(n, noise, seed)
    Xt, yt = two_moons(n_test, noise, seed + 1)
    mlp = train([2, hidden, hidden, 1], X, y, Xt, yt, epochs, batch_size, lr, seed, progress)
    mlp["linear"] = train([2, 1], X, y, Xt, yt, epochs, batch_size, lr, seed, False)
    return mlp


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=400, help="training points (default 400)")
    p.add_argument("--noise", type=float, default=0.2, help="noise std (default 0.2)")
    p.add_argument("--hidden", type=int, default=16, help="units per hidden layer (default 16)")
    p.add_argument("--epochs", type=int, default=60, help="epochs (default 60)")
    p.add_argument("--batch-size", type=int, default=32, help="minibatch size (default 32)")
    p.add_argument("--lr", type=float, default=0.05, help="learning rate (default 0.05)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-progress", action="store_true")
    a = p.parse_args(argv)
    r = run(a.n, 400, a.hidden, a.epochs, a.batch_size, a.lr, a.noise, a.seed,
            progress=not a.no_progress)
    print(f"two moons (noise {a.noise}), MLP 2-{a.hidden}-{a.hidden}-1 (ReLU, He init, bias "
          f"0.01), binary cross-entropy, Nesterov lr {a.lr}, {a.epochs} epochs")
    print(f"  training loss {r['train_loss']:.4f}   test loss {r['test_loss']:.4f}")
    print(f"  training accuracy {100 * r['train_accuracy']:.1f}%   test accuracy "
          f"{100 * r['test_accuracy']:.1f}%")
    lin = r["linear"]
    print(f"  a linear model trained the same way (logistic regression): training accuracy "
          f"{100 * lin['train_accuracy']:.1f}%   test accuracy {100 * lin['test_accuracy']:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
