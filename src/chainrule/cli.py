"""The ``chainrule`` command.

``chainrule demo`` prints the lecture's first worked examples computed by chainrule: the
forward and reverse tables of y1 = sin(w1 x + w0), y2 = cos(w1 x + w0), and the gradient of
the two-layer MLP cost next to the lecture's hand-derived one.

``chainrule explain "sin(w1*x + w0)" --at w0=0.5 w1=2 x=1.5 --wrt w1`` prints the evaluation
trace of an expression in NumPy syntax, with its forward-mode tangents and reverse-mode
adjoints (see :mod:`chainrule.explain`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

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
    if argv and argv[0] == "iris":  # the main job: the lecture's Iris MLP, trained and plotted
        from .iris_demo import main as iris_main
        return iris_main(list(argv[1:]))
    if argv and argv[0] == "landscape":  # the loss-landscape lab on the Iris MLP
        from .demo.landscape import main as landscape_main
        return landscape_main(list(argv[1:]))
    p = argparse.ArgumentParser(prog="chainrule demo", description=__doc__)
    p.add_argument("--w0", type=float, default=0.5)
    p.add_argument("--w1", type=float, default=2.0)
    p.add_argument("--x", type=float, default=1.5)
    a = p.parse_args(argv)
    _demo_sincos(a.w0, a.w1, a.x)
    _demo_mlp()
    return 0


_EXPLAIN_HELP = """\
The evaluation trace of an expression, as the lecture's tables: one row per value (a1, a2,
...), the tangents (forward mode, seeded at --wrt) and the adjoints (reverse mode, seeded
at --output). Without --wrt/--output/--cotangent/--tangent both are shown, seeded at the
first variable and at output 0.

The expression is NumPy syntax evaluated with chainrule.numpy: numbers, variables,
+ - * / ** @, functions (sin, exp, sum, ..., also as np.sin, np.linalg.norm), indexing, and
tuples for several outputs, e.g. "(sin(w1*x + w0), cos(w1*x + w0))".

example: chainrule explain "sin(w1*x + w0)" --at w0=0.5 w1=2 x=1.5 --wrt w1
"""


def _parse_number(text: str, what: str) -> np.ndarray:
    """A number or a (nested) list of numbers, as a float64 array."""
    import ast
    try:
        v = ast.literal_eval(text.strip())
        a = np.asarray(v, dtype=np.float64)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise ValueError(f"{what}: {text!r} is not a number or a list of numbers "
                         "(write 1.5, or [1, 2, 3])") from None
    return a


def explain_command(argv: Sequence[str]) -> int:
    from .explain import explain
    from .explain.expression import ExpressionError, compile_expression

    p = argparse.ArgumentParser(prog="chainrule explain", description=_EXPLAIN_HELP,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("expression", help='NumPy syntax, e.g. "sin(w1*x + w0)"')
    p.add_argument("--at", nargs="+", default=[], metavar="NAME=VALUE",
                   help="the value of each variable (a number or a list: x=[1,2,3])")
    p.add_argument("--wrt", help="the variable to seed the tangent at (forward mode)")
    p.add_argument("--tangent", help="its tangent (default: ones)")
    p.add_argument("--output", type=int, help="the output to seed the adjoint at (from 0)")
    p.add_argument("--cotangent", help="its cotangent (default: ones)")
    p.add_argument("--ascii", action="store_true", help="write ȧ/ā as dot_a/bar_a")
    p.add_argument("--dot", action="store_true", help="print the graph as graphviz DOT text")
    p.add_argument("--saved", action="store_true", help="also list what backward keeps alive")
    p.add_argument("--cost", action="store_true", help="also time value vs value and gradient")
    a = p.parse_args(argv)

    def fail(msg: str) -> int:
        print(f"chainrule explain: error: {msg}", file=sys.stderr)
        return 2

    values: dict[str, np.ndarray] = {}
    for item in a.at:
        name, eq, text = item.partition("=")
        name = name.strip()
        if not eq or not name:
            return fail(f"--at {item!r}: write NAME=VALUE, e.g. --at x=1.5")
        try:
            values[name] = _parse_number(text, f"--at {name}")
        except ValueError as e:
            return fail(str(e))
    try:
        f, names = compile_expression(a.expression, list(values))
    except ExpressionError as e:
        return fail(str(e))
    if not names:
        return fail("the expression has no variables; give it one and its value with --at")
    show_all = a.wrt is None and a.output is None and a.cotangent is None and a.tangent is None
    try:
        tangent = None if a.tangent is None else _parse_number(a.tangent, "--tangent")
        cotangent = None if a.cotangent is None else _parse_number(a.cotangent, "--cotangent")
        if a.wrt is not None and a.wrt not in names:
            return fail(f"--wrt {a.wrt}: not a variable; the variables are {', '.join(names)}")
        ex = explain(f, *(values[n] for n in names))
        if a.wrt is not None or a.tangent is not None or show_all:
            ex = ex.forward(wrt=a.wrt if a.wrt is not None else 0, tangent=tangent)
        if a.output is not None or a.cotangent is not None or show_all:
            ex = ex.backward(output=a.output if a.output is not None else 0,
                             cotangent=cotangent)
    except (ValueError, TypeError, ArithmeticError) as e:
        return fail(str(e))
    if a.dot:
        print(ex.to_dot(ascii=a.ascii), end="")
        return 0
    at = ", ".join(f"{n} = {_fmt_value(values[n])}" for n in names)
    print(f"f({', '.join(names)}) = {a.expression.strip()}   at {at}\n")
    print(ex.to_text(ascii=True if a.ascii else None))
    if a.saved:
        print()
        print(ex.saved())
    if a.cost:
        print()
        print(ex.cost().to_text(ascii=True if a.ascii else None))
    return 0


def codegen_command(argv: Sequence[str]) -> int:
    """``chainrule codegen EXPRESSION --at NAME=VALUE ...``: the Python source of the
    expression's gradient (or, with ``--value``, of the expression), by cr.codegen."""
    from .explain import ExpressionError, compile_expression
    from .staging import codegen
    from .transforms import value_and_grad

    p = argparse.ArgumentParser(prog="chainrule codegen", description=codegen_command.__doc__)
    p.add_argument("expression", help='NumPy syntax with a scalar value, e.g. "sin(w1*x + w0)"')
    p.add_argument("--at", nargs="+", default=[], metavar="NAME=VALUE",
                   help="the value of each variable (a number or a list: x=[1,2,3])")
    p.add_argument("--wrt", nargs="+", help="the variables to differentiate (default: all)")
    p.add_argument("--value", action="store_true", help="the expression only, no gradient")
    a = p.parse_args(argv)
    try:
        values = {}
        for item in a.at:
            name, eq, text = item.partition("=")
            if not eq or not name.strip():
                raise ValueError(f"--at {item!r}: write NAME=VALUE, e.g. --at x=1.5")
            values[name.strip()] = _parse_number(text, f"--at {name.strip()}")
        f, names = compile_expression(a.expression, list(values))
        wrt = a.wrt or names
        bad = [w for w in wrt if w not in names]
        if bad:
            raise ValueError(f"--wrt {' '.join(bad)}: not a variable; the variables are "
                             f"{', '.join(names)}")
        g = f if a.value else value_and_grad(f, argnums=tuple(names.index(w) for w in wrt))
        print(codegen(g, *(values[n] for n in names), name="f" if a.value else "value_and_grad"))
    except (ExpressionError, ValueError, TypeError, ArithmeticError) as e:
        print(f"chainrule codegen: error: {e}", file=sys.stderr)
        return 2
    return 0


def _fmt_value(v: np.ndarray) -> str:
    return np.array2string(v, separator=", ") if v.ndim else f"{v.item():g}"


def pipe_safe(run: Callable[[], int]) -> int:
    """``run()``, quiet when the reader of stdout goes away (``chainrule demo | head``).

    Python turns the closed pipe into a BrokenPipeError traceback, at the write or at exit;
    stdout is pointed at /dev/null instead, and the exit status is 141 (128 + SIGPIPE, what
    a shell reports for a program the pipe ended).
    """
    try:
        code = run()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


def main(argv: Sequence[str] | None = None) -> int:
    return pipe_safe(lambda: _main(argv))


def _main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--version":
        from . import __version__
        print(f"chainrule {__version__}")
        return 0
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: chainrule --version\n"
              "       chainrule demo iris [--hidden M --lr LR --iters N --seed S --out DIR ...]\n"
              "       chainrule demo landscape [--out DIR --grid N --quick ...]\n"
              "       chainrule demo [--w0 W0 --w1 W1 --x X]\n"
              "       chainrule explain EXPRESSION --at NAME=VALUE ... [--wrt NAME] "
              "[--output K]\n"
              "       chainrule codegen EXPRESSION --at NAME=VALUE ... [--wrt NAME ...]\n\n"
              "  demo iris the lecture's Iris MLP: trained by gradient descent, with plots\n"
              "  demo landscape  the landscape of its cost: slices, curvature, symmetries\n"
              "  demo      the lecture's sin/cos tables and MLP gradient, computed by chainrule\n"
              "  explain   the evaluation trace of an expression: values, tangents, adjoints\n"
              "  codegen   the Python source of an expression's gradient (cr.codegen)")
        return 0 if argv else 2
    cmd, rest = argv[0], argv[1:]
    if cmd == "demo":
        return demo(rest)
    if cmd == "explain":
        return explain_command(rest)
    if cmd == "codegen":
        return codegen_command(rest)
    print(f"chainrule: unknown command {cmd!r}; try 'chainrule demo' or 'chainrule explain'",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
