"""The ``chainrule`` command.

``chainrule demo`` prints the lecture's first worked examples computed by chainrule: the
forward and reverse tables of y1 = sin(w1 x + w0), y2 = cos(w1 x + w0), and the gradient of
the two-layer MLP cost next to the lecture's hand-derived one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

from . import grad, jvp, vjp
from .lecture import cost, gradients, make_data, sincos, sincos_tables


def _demo_sincos(w0: float, w1: float, x: float) -> None:
    print("y1 = sin(w1*x + w0), y2 = cos(w1*x + w0)"
          f"   at w0 = {w0}, w1 = {w1}, x = {x}\n")
    (y1, y2), (dy1, dy2) = jvp(sincos, (w0, w1, x), (0.0, 1.0, 0.0))
    print("forward mode (one pass, tangent seeded at w1: ȧ2 = 1):")
    print(f"  y1 = {y1: .6f}   ∂y1/∂w1 = {dy1: .6f}   (lecture: x cos(a5) = "
          f"{x * np.cos(w1 * x + w0): .6f})")
    print(f"  y2 = {y2: .6f}   ∂y2/∂w1 = {dy2: .6f}   (lecture: -x sin(a5) = "
          f"{-x * np.sin(w1 * x + w0): .6f})\n")
    _, back = vjp(sincos, w0, w1, x)
    b0, b1, bx = back((0.0, 1.0))
    a, _, bar = sincos_tables(w0, w1, x)
    print("reverse mode (one backward pass, adjoint seeded at y2: ā7 = 1, ā6 = 0):")
    print(f"  ∂y2/∂w0 = ā1 = {b0: .6f}   (lecture: ā5 = -sin(a5) = {bar['a1']: .6f})")
    print(f"  ∂y2/∂w1 = ā2 = {b1: .6f}   (lecture: a3·ā4 = {bar['a2']: .6f})")
    print(f"  ∂y2/∂x  = ā3 = {bx: .6f}   (lecture: a2·ā4 = {bar['a3']: .6f})")
    print(f"  (a5 = w1 x + w0 = {a['a5']:.6f})\n")


def _demo_mlp() -> None:
    X, Y, W, V = make_data()
    print("two-layer MLP cost (lecture: N=150, D=2 features + bias, M=16 logistic units, "
          "C=3 classes,\nsoftmax cross-entropy), on random data of those shapes, written in "
          "plain NumPy:")
    gW, gV = grad(cost, argnums=(2, 3))(X, Y, W, V)
    hW, hV = gradients(X, Y, W, V)
    for name, g, h in (("W", gW, hW), ("V", gV, hV)):
        rel = np.linalg.norm(g - h) / np.linalg.norm(h)
        print(f"  ∂J/∂{name}: shape {g.shape}, |chainrule - hand-derived| / |hand-derived| "
              f"= {rel:.1e}")
    print(f"  cost = {cost(X, Y, W, V):.6f}")


def demo(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="chainrule demo", description=__doc__)
    p.add_argument("--w0", type=float, default=0.5)
    p.add_argument("--w1", type=float, default=2.0)
    p.add_argument("--x", type=float, default=1.5)
    a = p.parse_args(argv)
    _demo_sincos(a.w0, a.w1, a.x)
    _demo_mlp()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: chainrule demo [--w0 W0 --w1 W1 --x X]\n\n"
              "  demo   the lecture's sin/cos tables and MLP gradient, computed by chainrule")
        return 0 if argv else 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "demo":
        return demo(rest)
    print(f"chainrule: unknown command {cmd!r}; try 'chainrule demo'", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
