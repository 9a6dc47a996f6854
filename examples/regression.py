"""Regression with an MLP: the lecture's squared-error loss, minibatches and Adam.

The lecture's regression output is linear, ŷ = W z, with L(y, ŷ) = ½‖y - ŷ‖², whose
gradient with respect to ŷ is ŷ - y. Here a 1 → 32 → 32 → 1 tanh network (Xavier/Glorot
initialisation, the usual choice for tanh) learns y = sin(1.5 x) + 0.1 x² from noisy samples,
trained with ``chainrule.train.fit`` on shuffled minibatches (``chainrule.data.minibatches``)
with Adam. It prints the training and test loss next to the loss of always predicting the
training mean, and the noise floor (½ σ²).

    python examples/regression.py
    python examples/regression.py --n 500 --epochs 500 --hidden 64
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from chainrule import nn, optim
from chainrule.data import minibatches
from chainrule.train import fit


def target(x):
    return np.sin(1.5 * x) + 0.1 * x ** 2


def make_data(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, size=(n, 1))
    return x, target(x) + noise * rng.standard_normal((n, 1))


def run(n=200, n_test=200, hidden=32, epochs=200, batch_size=32, lr=0.01, noise=0.1, seed=0,
        progress=True):
    X, Y = make_data(n, noise, seed)
    Xt, Yt = make_data(n_test, noise, seed + 1)
    model = nn.MLP([1, hidden, hidden, 1], activation="tanh",
                   weight_init=nn.init.xavier_normal())
    params, state = model.init(np.random.default_rng(seed))

    def predict(params, x):
        return model.apply(params, state, x)[0]

    def loss_fn(params, batch):
        xb, yb = batch
        return nn.squared_error(predict(params, xb), yb)

    def evaluate(params, data):
        return {"test_loss": float(loss_fn(params, data))}

    def batches(epoch):
        return minibatches(X, Y, batch_size, seed=np.random.default_rng([seed, epoch]))

    params, history = fit(loss_fn, params, optim.Adam(lr), batches, epochs=epochs,
                          eval_fn=evaluate, eval_data=(Xt, Yt), progress=progress)
    mean = Y.mean(axis=0)
    return {
        "train_loss": float(loss_fn(params, (X, Y))),
        "test_loss": float(loss_fn(params, (Xt, Yt))),
        "baseline_train": float(0.5 * np.mean((Y - mean) ** 2)),
        "baseline_test": float(0.5 * np.mean((Yt - mean) ** 2)),
        "noise_floor": 0.5 * noise ** 2,
        "history": history,
        "params": params,
        "predict": predict,
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=200, help="training points (default 200)")
    p.add_argument("--hidden", type=int, default=32, help="units per hidden layer (default 32)")
    p.add_argument("--epochs", type=int, default=200, help="epochs (default 200)")
    p.add_argument("--batch-size", type=int, default=32, help="minibatch size (default 32)")
    p.add_argument("--lr", type=float, default=0.01, help="Adam's learning rate (default 0.01)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-progress", action="store_true")
    a = p.parse_args(argv)
    r = run(a.n, 200, a.hidden, a.epochs, a.batch_size, a.lr, seed=a.seed,
            progress=not a.no_progress)
    print(f"y = sin(1.5 x) + 0.1 x² + noise(σ = 0.1); MLP 1-{a.hidden}-{a.hidden}-1 (tanh), "
          f"Adam lr {a.lr}, {a.epochs} epochs of minibatches of {a.batch_size}")
    print("loss ½ mean (y - ŷ)²:       training   test")
    print(f"  predicting the mean        {r['baseline_train']:.4f}     {r['baseline_test']:.4f}")
    print(f"  the MLP                    {r['train_loss']:.4f}     {r['test_loss']:.4f}")
    print(f"  noise floor ½σ²            {r['noise_floor']:.4f}     {r['noise_floor']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
