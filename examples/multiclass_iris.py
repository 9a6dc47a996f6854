"""Multiclass classification of Iris with ``chainrule.nn``: softmax cross-entropy.

The lecture's multiclass model has C outputs, ŷ = softmax(u), and the loss
L(y, u) = -yᵀu + log Σ_c e^{u_c}, whose gradient with respect to the logits is ŷ - y.
Two models are trained on the same stratified split of the shipped Iris data
(``chainrule.data.load_iris``):

* **the lecture's**: 2 features + a bias input, 16 logistic hidden units, no other biases,
  W, V ~ 0.01·N(0, 1), full-batch gradient descent with lr 0.1 until the gradient norm falls
  below ``--eps`` (``nn.MLP([3, 16, 3], "logistic", bias=False, weight_init=normal(0.01))``
  with ``optim.GD`` and ``fit(..., grad_eps=eps)``);
* **a modern one**: all four features, 16 ReLU units with biases, PyTorch's default
  initialisation, Adam on shuffled minibatches, with the best epoch (by the validation
  loss on a part of the training set) kept.

It prints each one's training and test accuracy and the test confusion matrix, and with
``--checkpoint PATH`` saves the modern model with its optimiser state (atomically) and
checks that the file loads back.

    python examples/multiclass_iris.py
    python examples/multiclass_iris.py --epochs 500 --checkpoint iris_mlp.npz
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import chainrule as cr
from chainrule import nn, optim
from chainrule.data import load_iris, minibatches, one_hot
from chainrule.train import fit, load_checkpoint, save_checkpoint


def confusion(pred, y, classes=3):
    m = np.zeros((classes, classes), dtype=int)
    np.add.at(m, (y, pred), 1)
    return m


def lecture_model(iters=5000, eps=1e-3, seed=0, split_seed=0, progress=True):
    d = load_iris(add_bias=True, seed=split_seed)  # petal length, width, bias column
    model = nn.MLP([3, 16, 3], activation="logistic", bias=False,
                   weight_init=nn.init.normal(0.01))
    params, state = model.init(np.random.default_rng(seed))
    Y = one_hot(d.y_train, 3)

    def logits(params, x):
        return model.apply(params, state, x)[0]

    def loss_fn(params, batch):
        xb, yb = batch
        return nn.softmax_cross_entropy(logits(params, xb), yb)

    params, history = fit(loss_fn, params, optim.GD(0.1), [(d.X_train, Y)], epochs=iters,
                          grad_eps=eps, progress=progress)
    return _report(d, params, logits, history)


def modern_model(epochs=200, hidden=16, lr=0.01, batch_size=16, seed=0, split_seed=0,
                 progress=True, checkpoint=None):
    d = load_iris(features=None, seed=split_seed)  # all four features, standardised
    # hold out a fifth of the training flowers to pick the best epoch (not the test set)
    rng = np.random.default_rng([split_seed, 1])
    order = rng.permutation(len(d.X_train))
    n_val = len(order) // 5
    val, tr = order[:n_val], order[n_val:]
    X, y, Xv, yv = d.X_train[tr], d.y_train[tr], d.X_train[val], d.y_train[val]
    model = nn.MLP([4, hidden, 3], activation="relu")
    params, state = model.init(np.random.default_rng(seed))
    best = {"loss": np.inf, "params": params, "epoch": -1}

    def logits(params, x):
        return model.apply(params, state, x)[0]

    def loss_fn(params, batch):
        xb, yb = batch
        return nn.softmax_cross_entropy(logits(params, xb), yb)

    def evaluate(params, data):
        v = float(loss_fn(params, data))
        if v < best["loss"]:
            best.update(loss=v, params=params, epoch=len(history_epochs))
        history_epochs.append(v)
        return {"val_loss": v}

    history_epochs: list[float] = []
    opt = optim.Adam(lr)

    def batches(epoch):
        return minibatches(X, y, batch_size, seed=np.random.default_rng([seed, epoch]))

    params, history = fit(loss_fn, params, opt, batches, epochs=epochs, eval_fn=evaluate,
                          eval_data=(Xv, yv), progress=progress)
    out = _report(d, best["params"], logits, history)
    out["best_epoch"] = best["epoch"]
    if checkpoint is not None:
        save_checkpoint(checkpoint, best["params"], history.opt_state, None,
                        epoch=best["epoch"], features=list(d.feature_names),
                        mean=d.mean, std=d.std)
        back = load_checkpoint(checkpoint)
        saved, loaded = cr.tree.flatten(best["params"]), cr.tree.flatten(back["params"])
        same = saved[1] == loaded[1] and all(
            np.array_equal(a, b) for a, b in zip(saved[0], loaded[0]))
        out["checkpoint_ok"] = same and back["meta"]["epoch"] == best["epoch"]
    return out


def _report(d, params, logits, history):
    pred_tr = np.argmax(logits(params, d.X_train), axis=1)
    pred_te = np.argmax(logits(params, d.X_test), axis=1)
    return {
        "features": d.feature_names,
        "train_accuracy": float(np.mean(pred_tr == d.y_train)),
        "test_accuracy": float(np.mean(pred_te == d.y_test)),
        "confusion": confusion(pred_te, d.y_test),
        "history": history,
        "params": params,
    }


def _print(name, r):
    print(f"{name}: {', '.join(r['features'])}")
    h = r["history"]
    print(f"  {h.steps} updates, stopped by {h.stop_reason}; training accuracy "
          f"{100 * r['train_accuracy']:.1f}%   test accuracy {100 * r['test_accuracy']:.1f}%")
    print("  test confusion matrix (rows: true setosa, versicolor, virginica; columns: "
          "predicted):")
    for row in r["confusion"]:
        print("   " + " ".join(f"{v:4d}" for v in row))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--iters", type=int, default=5000,
                   help="the lecture model's maximum GD iterations (default 5000; "
                        "`chainrule demo iris` runs it further)")
    p.add_argument("--eps", type=float, default=1e-3,
                   help="the lecture model's gradient-norm threshold (default 1e-3)")
    p.add_argument("--epochs", type=int, default=200, help="the modern model's epochs")
    p.add_argument("--hidden", type=int, default=16, help="the modern model's hidden units")
    p.add_argument("--lr", type=float, default=0.01, help="the modern model's Adam lr")
    p.add_argument("--seed", type=int, default=0, help="seed of the initial weights")
    p.add_argument("--split-seed", type=int, default=0, help="seed of the train/test split")
    p.add_argument("--checkpoint", help="save the modern model here (.npz)")
    p.add_argument("--no-progress", action="store_true")
    a = p.parse_args(argv)
    progress = not a.no_progress
    lec = lecture_model(a.iters, a.eps, a.seed, a.split_seed, progress)
    _print("the lecture's model (16 logistic units, GD lr 0.1)", lec)
    mod = modern_model(a.epochs, a.hidden, a.lr, 16, a.seed, a.split_seed, progress,
                       a.checkpoint)
    _print(f"a modern model ({a.hidden} ReLU units, Adam lr {a.lr}, best epoch "
           f"{mod['best_epoch']} by validation loss)", mod)
    if a.checkpoint:
        print(f"saved to {a.checkpoint}; reloaded: "
              f"{'identical' if mod['checkpoint_ok'] else 'MISMATCH'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
