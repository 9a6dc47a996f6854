"""cr.compile: traced once, replayed as plain NumPy, beside the hand-derived floor.

* per op: value and gradient of 50 x ``x = x + sin(x)*cos(x)*0.1`` then ``sum`` on 16
  float64 (bench_per_op's chain), compiled, vs the hand-derived NumPy (target <= 1.3x);
* Iris: the lecture's cost in plain NumPy, value and gradient, compiled, vs the lecture's
  hand-derived value and ``gradients`` in one pass (target <= 1.5x); the chainrule.numpy +
  chainrule.scipy.special version (target <= 1.2x);
* the 784-256-256-10 ReLU MLP, float32 and float64, compiled vs hand (target <= 1.02x);
* the first call's trace + optimise + emit time, per problem.

Run: ``python benchmarks/bench_compile.py [--rounds N] [--quick] [--markdown]``.
"""

from __future__ import annotations

import _harness as H  # first: pins BLAS to one thread before NumPy loads

# isort: split
import sys
import time
from typing import Any

import numpy as np

import bench_iris_mlp
import bench_mlp784
import bench_per_op
import chainrule as cr
from chainrule import lecture

BASELINE = "numpy (hand-derived)"
COMPILED = "chainrule, compiled"
EAGER = "chainrule, eager"
ROUNDS = 100
SAMPLE_MS = 5.0


def _first_call(fn: Any, *args: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def _table(key: str, title: str, cs: list, target: float, args: Any, rtol: float,
           atol: float, first: dict[str, float], compiled: Any, ops: int = 0) -> H.Table:
    want = cs[0].fn()
    for c in cs[1:]:
        H.assert_close(c.name, c.fn(), want, rtol=rtol, atol=atol)
    stats = H.measure(cs, BASELINE, rounds=args.rounds, sample_s=args.sample_ms / 1e3,
                      warmup_s=args.warmup_s)
    extra = [("per op", lambda s: f"{s.median / ops * 1e6:.2f} µs")] if ops else []
    targets = [H.Target(f"{name} / hand-derived NumPy", stats[name].ratio, limit)
               for name, limit in target]
    removed = compiled.stats["removed"]
    notes = ["first call (trace + optimise + emit): "
             + "; ".join(f"{k} {v * 1e3:.1f} ms" for k, v in first.items()),
             f"program: {removed['equations_traced']} equations traced, "
             f"{removed['equations']} after the passes ("
             + ", ".join(f"{k} -{removed[k]}" for k in ("fold", "fit", "zeros", "cse", "dce"))
             + f"); {removed.get('buffers', 0)} intermediates in buffers reused across calls"]
    return H.stats_table(key, title, stats, BASELINE, extra, notes, targets,
                         {"first_call_s": first, "passes": removed})


def per_op(args: Any) -> H.Table:
    x = np.linspace(-2.0, 2.0, bench_per_op.SIZE)
    vg = cr.value_and_grad(bench_per_op.chain_np)
    c = cr.compile(vg)
    _, t = _first_call(c, x)
    cs = [H.Contender(BASELINE, lambda: bench_per_op.hand_value_and_grad(x)),
          H.Contender(COMPILED, lambda: c(x)), H.Contender(EAGER, lambda: vg(x))]
    return _table("compile_per_op", "Compiled per-operation cost: value and gradient of 50 x "
                  "`x = x + sin(x)*cos(x)*0.1`, then `sum` (x: 16 float64)", cs,
                  [(COMPILED, 1.3)], args, 1e-10, 1e-12, {"per_op": t}, c,
                  bench_per_op.OPS)


def iris(args: Any) -> H.Table:
    X, Y, W, V = lecture.make_data(N=bench_iris_mlp.N, D=bench_iris_mlp.D, M=bench_iris_mlp.M,
                                   C=bench_iris_mlp.C, seed=0)
    vg = cr.value_and_grad(bench_iris_mlp.make_fixed_cost(np), argnums=(2, 3))
    vg_idiom = cr.value_and_grad(bench_iris_mlp.idiomatic_cost, argnums=(2, 3))
    c, ci = cr.compile(vg), cr.compile(vg_idiom)
    _, t = _first_call(c, X, Y, W, V)
    _, ti = _first_call(ci, X, Y, W, V)
    name_i = "chainrule.numpy + special, compiled"
    cs = [H.Contender(BASELINE, lambda: bench_iris_mlp.hand_value_and_grad(X, Y, W, V)),
          H.Contender(COMPILED + " (lecture cost, plain NumPy)", lambda: c(X, Y, W, V)),
          H.Contender(name_i, lambda: ci(X, Y, W, V)),
          H.Contender(EAGER + " (lecture cost)", lambda: vg(X, Y, W, V))]
    return _table("compile_iris", "Compiled Iris MLP (150 x 3 -> 16 -> 3): value and gradient "
                  "of the lecture's cost", cs,
                  [(COMPILED + " (lecture cost, plain NumPy)", 1.5), (name_i, 1.2)], args,
                  1e-10, 1e-12, {"plain NumPy": t, "chainrule.numpy": ti}, c)


def mlp(args: Any, dtype: Any) -> H.Table:
    params, X, Y = bench_mlp784.make_problem(dtype)
    vg = cr.value_and_grad(bench_mlp784.chainrule_loss)
    c = cr.compile(vg)
    _, t = _first_call(c, params, X, Y)
    cs = [H.Contender(BASELINE, lambda: bench_mlp784.hand_value_and_grad(params, X, Y)),
          H.Contender(COMPILED, lambda: c(params, X, Y)),
          H.Contender(EAGER, lambda: vg(params, X, Y))]
    name = np.dtype(dtype).name
    return _table(f"compile_mlp784_{name}", f"Compiled 784-256-256-10 ReLU MLP, batch "
                  f"{bench_mlp784.BATCH}, {name}: value and gradient", cs, [(COMPILED, 1.02)],
                  args, **bench_mlp784.TOLERANCE[dtype], first={name: t}, compiled=c)


def run(args: Any) -> list[H.Table]:
    return [per_op(args), iris(args), mlp(args, np.float32), mlp(args, np.float64)]


def main(argv: list[str] | None = None) -> int:
    args = H.parse_args(__doc__.splitlines()[0], argv, rounds=ROUNDS, sample_ms=SAMPLE_MS)
    return H.report("compile", run(args), args)


if __name__ == "__main__":
    sys.exit(main())
