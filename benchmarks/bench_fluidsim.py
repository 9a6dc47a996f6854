"""A smoke-and-fluid simulation: value and gradient with respect to the initial velocities.

The model of autograd's fluidsim example, written here from its description in autograd's
idiom (one NumPy namespace ``xp`` for every operation, so the same code runs on NumPy,
``autograd.numpy`` and ``chainrule.numpy``):

* semi-Lagrangian advection: every cell looks back along the velocity (x - v) and takes
  the bilinear interpolation of the advected field there; the cells are found by
  ``floor(...).astype(int)`` (no derivative: a step), wrapped with ``mod``, gathered by
  fancy indexing, and weighted by the fractional parts (differentiable);
* projection onto divergence-free fields: the divergence by central differences
  (``roll``), a pressure by Jacobi iterations (four ``roll`` per iteration), and its
  gradient subtracted;
* a loss: the squared distance of the smoke after the simulation from a target pattern.

Contenders: plain NumPy, the forward pass only (the cost of the model itself, for
reference); chainrule and HIPS autograd, value and gradient with respect to (vx, vy).
The target of the issue: chainrule no slower than autograd.

Run: ``python benchmarks/bench_fluidsim.py [--rounds N] [--quick] [--markdown]``.
"""

from __future__ import annotations

import _harness as H  # first: pins BLAS to one thread before NumPy loads

# isort: split
import sys
from types import ModuleType
from typing import Any

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp

SIZE = 32  # cells per side
STEPS = 12  # time steps
JACOBI = 10  # pressure iterations per projection
BASELINE = "numpy (forward only)"
CHAINRULE = "chainrule (value and gradient)"
AUTOGRAD = "autograd (value and gradient)"
TARGET = 1.0

ROUNDS = 20
SAMPLE_MS = 50.0


def make_simulation(xp: ModuleType, steps: int = STEPS, jacobi: int = JACOBI):
    """The loss of a simulation, written once against the namespace ``xp``."""

    def project(vx, vy):
        """The divergence-free part of (vx, vy): pressure by Jacobi iterations."""
        h = 1.0 / vx.shape[0]
        div = -0.5 * h * (xp.roll(vx, -1, axis=0) - xp.roll(vx, 1, axis=0)
                          + xp.roll(vy, -1, axis=1) - xp.roll(vy, 1, axis=1))
        p = xp.zeros(vx.shape)
        for _ in range(jacobi):
            p = (div + xp.roll(p, 1, axis=0) + xp.roll(p, -1, axis=0)
                 + xp.roll(p, 1, axis=1) + xp.roll(p, -1, axis=1)) / 4.0
        vx = vx - 0.5 * (xp.roll(p, -1, axis=0) - xp.roll(p, 1, axis=0)) / h
        vy = vy - 0.5 * (xp.roll(p, -1, axis=1) - xp.roll(p, 1, axis=1)) / h
        return vx, vy

    def advect(f, vx, vy):
        """f carried along (vx, vy) for one step: bilinear interpolation at x - v."""
        rows, cols = f.shape
        cell_rows, cell_cols = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
        back_rows = (cell_rows - vx).ravel()
        back_cols = (cell_cols - vy).ravel()
        top = xp.floor(back_rows).astype(int)
        left = xp.floor(back_cols).astype(int)
        down = back_rows - top  # the fractional parts: the interpolation weights
        right = back_cols - left
        top, bottom = np.mod(top, rows), np.mod(top + 1, rows)
        left, rightmost = np.mod(left, cols), np.mod(left + 1, cols)
        flat = ((1 - down) * ((1 - right) * f[top, left] + right * f[top, rightmost])
                + down * ((1 - right) * f[bottom, left] + right * f[bottom, rightmost]))
        return xp.reshape(flat, (rows, cols))

    def loss(vx, vy, smoke, target):
        for _ in range(steps):
            vx_next = advect(vx, vx, vy)
            vy_next = advect(vy, vx, vy)
            vx, vy = project(vx_next, vy_next)
            smoke = advect(smoke, vx, vy)
        return xp.sum((smoke - target) ** 2)

    return loss


def make_inputs(size: int = SIZE, seed: int = 0) -> tuple[np.ndarray, ...]:
    """A swirl of velocities, a blob of smoke, and a ring as the target."""
    rng = np.random.default_rng(seed)
    r, c = np.meshgrid(np.linspace(-1, 1, size), np.linspace(-1, 1, size), indexing="ij")
    vx = 2.0 * c + 0.3 * rng.standard_normal((size, size))
    vy = -2.0 * r + 0.3 * rng.standard_normal((size, size))
    smoke = np.exp(-8 * (r ** 2 + (c + 0.3) ** 2))
    target = np.exp(-20 * (np.hypot(r, c) - 0.5) ** 2)
    return vx, vy, smoke, target


def contenders(args: Any, size: int = SIZE) -> list[H.Contender]:
    vx, vy, smoke, target = make_inputs(size)
    forward = make_simulation(np)
    out = [H.Contender(BASELINE, lambda: forward(vx, vy, smoke, target))]
    vg = cr.value_and_grad(make_simulation(cnp), argnums=(0, 1))
    out.append(H.Contender(CHAINRULE, lambda: vg(vx, vy, smoke, target)))
    autograd = None if args.no_autograd else H.optional("autograd")
    if autograd is not None:
        import autograd.numpy as anp

        vg_ag = autograd.value_and_grad(make_simulation(anp), argnum=(0, 1))
        out.append(H.Contender(AUTOGRAD, lambda: vg_ag(vx, vy, smoke, target)))
    return out


def run(args: Any) -> list[H.Table]:
    cs = contenders(args)
    value = cs[0].fn()
    mine = cs[1].fn()
    H.assert_close(CHAINRULE + " (value)", mine[0], value, rtol=1e-12, atol=0)
    if len(cs) > 2:
        H.assert_close(CHAINRULE + " vs autograd", mine, cs[2].fn(), rtol=1e-10, atol=1e-12)
    stats = H.measure(cs, BASELINE, rounds=args.rounds, sample_s=args.sample_ms / 1e3,
                      warmup_s=args.warmup_s)
    targets = []
    if AUTOGRAD in stats:
        targets.append(H.Target("chainrule / autograd, value and gradient",
                                H.paired_ratio(stats[CHAINRULE], stats[AUTOGRAD]), TARGET))
    notes = [f"{SIZE}x{SIZE} cells, {STEPS} steps, {JACOBI} Jacobi iterations per projection "
             "(each step: 3 advections, 48 rolls); the gradient is with respect to both "
             "initial velocity fields. 'vs hand' is against the NumPy forward pass alone "
             "(no gradient): the price of the derivative.",
             "chainrule's and autograd's values and gradients are checked to agree to 1e-10 "
             "before timing."]
    table = H.stats_table(
        "fluidsim", f"Fluid simulation ({SIZE}x{SIZE}, {STEPS} steps): value and gradient "
        "w.r.t. the initial velocities", stats, BASELINE, notes=notes, targets=targets)
    return [table]


def main(argv: list[str] | None = None) -> int:
    args = H.parse_args(__doc__.splitlines()[0], argv, rounds=ROUNDS, sample_ms=SAMPLE_MS)
    return H.report("fluidsim", run(args), args)


if __name__ == "__main__":
    sys.exit(main())
