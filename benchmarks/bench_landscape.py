"""A 51 x 51 loss-landscape plane on the lecture's Iris MLP (2 601 loss evaluations).

The model is the lecture's: the Iris training set (105 flowers, 2 petal features + a bias
column), M = 16 logistic hidden units, C = 3 classes, softmax cross-entropy; the plane is
``θ + α d1 + β d2`` through a fixed point with filter-normalised directions, α, β ∈ [-1, 1].

Contenders:

* numpy (hand-vectorised): the baseline. The grid's parameters built as one
  ``(2601, D, M)`` / ``(2601, M, C)`` stack and the cost evaluated for all of them at once
  with plain NumPy (``X @ V``, ``1/(1 + exp(-q))``, a stable log-sum-exp over the last axis).
* chainrule plane(batched=True): ``chainrule.landscape.plane`` calling the batch-friendly
  ``lecture_model.cost`` (written with ``chainrule.numpy``) once with the stacked
  parameters. Target: at most 1.5x the hand-vectorised NumPy.
* chainrule plane, per-point loop: the same plane with ``batched=False``, one loss call per
  point (what works for any loss), to show what batching buys.

Run: ``python benchmarks/bench_landscape.py [--rounds N] [--quick] [--markdown]``.
"""

from __future__ import annotations

import _harness as H  # first: pins BLAS to one thread before NumPy loads

# isort: split
import sys
from typing import Any

import numpy as np

from chainrule import landscape as ls
from chainrule.data import load_iris, one_hot
from chainrule.landscape import lecture_model as lm

GRID = 51
ROUNDS = 7
SAMPLE_MS = 200.0
TARGET = 1.5
BASELINE = "numpy (hand-vectorised grid)"
BATCHED = "chainrule plane(batched=True)"
LOOP = "chainrule plane, per-point loop"


def problem() -> tuple[Any, ...]:
    d = load_iris(add_bias=True)
    X, Y = d.X_train, one_hot(d.y_train, 3)
    rng = np.random.default_rng(0)
    params = {"V": rng.standard_normal((3, 16)), "W": rng.standard_normal((16, 3))}
    d1, d2 = ls.direction(params, 1), ls.direction(params, 2)
    return X, Y, params, d1, d2, np.linspace(-1, 1, GRID)


def hand_plane(X: np.ndarray, Y: np.ndarray, params: dict, d1: dict, d2: dict,
               grid: np.ndarray) -> np.ndarray:
    A, B = np.meshgrid(grid, grid)
    a, b = A.reshape(-1, 1, 1), B.reshape(-1, 1, 1)
    V = params["V"] + a * d1["V"] + b * d2["V"]
    W = params["W"] + a * d1["W"] + b * d2["W"]
    Z = 1.0 / (1.0 + np.exp(-(X @ V)))
    U = Z @ W
    m = U.max(axis=-1, keepdims=True)
    lse = np.log(np.exp(U - m).sum(axis=-1)) + m[..., 0]
    return (lse - (U * Y).sum(axis=-1)).mean(axis=-1).reshape(A.shape)


def run(args: Any) -> list[H.Table]:
    X, Y, params, d1, d2, grid = problem()
    loss = lambda p: lm.cost(p, X, Y)  # noqa: E731
    cs = [H.Contender(BASELINE, lambda: hand_plane(X, Y, params, d1, d2, grid)),
          H.Contender(BATCHED, lambda: ls.plane(loss, params, d1, d2, grid, grid,
                                                batched=True, progress=False)),
          H.Contender(LOOP, lambda: ls.plane(loss, params, d1, d2, grid, grid,
                                             progress=False))]
    want = cs[0].fn()
    for c in cs[1:]:
        H.assert_close(c.name, c.fn(), want, rtol=1e-10, atol=1e-12)
    stats = H.measure(cs, BASELINE, rounds=args.rounds, sample_s=args.sample_ms / 1e3,
                      warmup_s=args.warmup_s)
    loop_vs_batched = H.paired_ratio(stats[LOOP], stats[BATCHED])
    targets = [H.Target("plane(batched=True) / hand-vectorised NumPy", stats[BATCHED].ratio,
                        TARGET)]
    notes = [f"{GRID}x{GRID} = {GRID * GRID} points; the batched plane is one call of the loss "
             "with parameters of shape (2601, D, M) and (2601, M, C).",
             f"The per-point loop takes {loop_vs_batched:.1f}x the batched plane's time."]
    table = H.stats_table("landscape", f"Iris MLP loss on a {GRID}x{GRID} plane (N=105, "
                          "D=3, M=16, C=3, float64)", stats, BASELINE, notes=notes,
                          targets=targets, data={"loop_vs_batched": loop_vs_batched})
    return [table]


def main(argv: list[str] | None = None) -> int:
    args = H.parse_args(__doc__.splitlines()[0], argv, rounds=ROUNDS, sample_ms=SAMPLE_MS)
    return H.report("landscape", run(args), args)


if __name__ == "__main__":
    sys.exit(main())
