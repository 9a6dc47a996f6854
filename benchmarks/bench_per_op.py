"""Per-operation overhead: value and gradient of a chain of tiny elementwise operations.

    x <- x + sin(x) * cos(x) * 0.1      (50 times),  then  sum(x);    x: 16 float64

The arrays are so small that NumPy's own work is negligible: the time per operation is
what a library adds to every operation it records and differentiates.

Operation count: each iteration applies 5 primitives (sin, cos, two multiplies, one add),
so 50 iterations make 250, and the final sum makes 251. "Per op" below is the time of one
value-and-gradient call (forward and backward, input conversion included) divided by 251,
for every contender alike, the hand-derived NumPy included.

Targets (the issue): chainrule at most 2.5 µs per operation, and at most 0.25x the time of
HIPS autograd in the same run.

Run: ``python benchmarks/bench_per_op.py [--rounds N] [--quick] [--markdown]``.
"""

from __future__ import annotations

import _harness as H  # first: pins BLAS to one thread before NumPy loads

# isort: split
import sys
from typing import Any

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp

STEPS = 50
SIZE = 16
OPS = 5 * STEPS + 1  # sin, cos, *, *0.1, + per step; then sum
BASELINE = "numpy (hand-derived)"
CHAINRULE = "chainrule (chainrule.numpy)"
PER_OP_TARGET_US = 2.5
VS_AUTOGRAD_TARGET = 0.25

ROUNDS = 300  # default interleaved rounds
SAMPLE_MS = 5.0  # default sample length


def hand_value_and_grad(x: np.ndarray) -> tuple[Any, np.ndarray]:
    """Forward pass storing sin and cos of every step; backward by the chain rule.

    d/dx [x + 0.1 sin(x) cos(x)] = 1 + 0.1 (cos²x - sin²x), elementwise.
    """
    saved = []
    for _ in range(STEPS):
        s = np.sin(x)
        c = np.cos(x)
        saved.append((s, c))
        x = x + s * c * 0.1
    value = np.sum(x)
    g = np.ones_like(x)
    for s, c in reversed(saved):
        g = g + g * 0.1 * (c * c - s * s)
    return value, g


def chain_cnp(x: Any) -> Any:
    for _ in range(STEPS):
        x = x + cnp.sin(x) * cnp.cos(x) * 0.1
    return cnp.sum(x)


def chain_np(x: Any) -> Any:
    """Plain NumPy functions on traced values: NumPy's dispatch protocols route them."""
    for _ in range(STEPS):
        x = x + np.sin(x) * np.cos(x) * 0.1
    return np.sum(x)


def contenders(x: np.ndarray, use_autograd: bool = True,
               use_torch: bool = True) -> list[H.Contender]:
    out = [H.Contender(BASELINE, lambda: hand_value_and_grad(x))]
    vg_cnp = cr.value_and_grad(chain_cnp)
    out.append(H.Contender(CHAINRULE, lambda: vg_cnp(x)))
    vg_np = cr.value_and_grad(chain_np)
    out.append(H.Contender("chainrule (numpy dispatch)", lambda: vg_np(x)))

    autograd = H.optional("autograd") if use_autograd else None
    if autograd is not None:
        import autograd.numpy as anp

        def chain_anp(x):
            for _ in range(STEPS):
                x = x + anp.sin(x) * anp.cos(x) * 0.1
            return anp.sum(x)

        vg_ag = autograd.value_and_grad(chain_anp)
        out.append(H.Contender("autograd", lambda: vg_ag(x)))

    torch = H.optional("torch") if use_torch else None
    if torch is not None:
        def torch_vg():
            xt = torch.from_numpy(x).requires_grad_(True)
            y = xt
            for _ in range(STEPS):
                y = y + torch.sin(y) * torch.cos(y) * 0.1
            v = y.sum()
            v.backward()
            return v.item(), xt.grad.numpy()

        out.append(H.Contender("torch (CPU, eager)", torch_vg))
    return out


def run(args: Any) -> list[H.Table]:
    x = np.linspace(-2.0, 2.0, SIZE)
    cs = contenders(x, not args.no_autograd, not args.no_torch)
    want = cs[0].fn()
    for c in cs[1:]:
        H.assert_close(c.name, c.fn(), want, rtol=1e-10, atol=1e-12)
    stats = H.measure(cs, BASELINE, rounds=args.rounds, sample_s=args.sample_ms / 1e3,
                      warmup_s=args.warmup_s)
    ag = stats.get("autograd")

    extra = [("per op", lambda s: f"{s.median / OPS * 1e6:.2f} µs")]
    if ag is not None:
        extra.append(("vs autograd", lambda s: f"{H.paired_ratio(s, ag):.2f}x"))
    mine = stats[CHAINRULE]
    targets = [H.Target("chainrule time per operation", mine.median / OPS * 1e6,
                        PER_OP_TARGET_US, "µs")]
    if ag is not None:
        targets.append(H.Target("chainrule time / autograd time", H.paired_ratio(mine, ag),
                                VS_AUTOGRAD_TARGET))
    notes = [f"{OPS} operations per call: 5 per step (`sin`, `cos`, `*`, `*0.1`, `+`) x "
             f"{STEPS} steps + the final sum; per op = time of one value-and-gradient call / "
             f"{OPS}; x has {SIZE} float64 entries.",
             "chainrule (numpy dispatch) runs the same code with plain numpy functions "
             "(`__array_ufunc__`/`__array_function__`); shown for information."]
    table = H.stats_table(
        "per_op", f"Per-operation cost: value and gradient of {STEPS} x "
        "`x = x + sin(x)*cos(x)*0.1`, then `sum` (x: 16 float64)",
        stats, BASELINE, extra, notes, targets, {"ops_per_call": OPS})
    return [table]


def main(argv: list[str] | None = None) -> int:
    args = H.parse_args(__doc__.splitlines()[0], argv, rounds=ROUNDS, sample_ms=SAMPLE_MS)
    return H.report("per_op", run(args), args)


if __name__ == "__main__":
    sys.exit(main())
