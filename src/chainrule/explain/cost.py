"""What a gradient costs (time: ω and each operation's work) and what it keeps (memory)."""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core import ReverseTrace, Tracer
from ..core import tree as _tree
from ..core.unbroadcast import fit_cotangent
from .formatting import ASCII, fmt_bytes, fmt_seconds, symbols
from .recording import as_input
from .text import expression

if TYPE_CHECKING:
    from .explanation import Explanation

__all__ = ["CHEAP_GRADIENT_BOUND", "OpCost", "CostReport", "SavedArray", "SavedReport",
           "cost", "saved"]

#: The cheap-gradient principle (Griewank & Walther, *Evaluating Derivatives*): reverse mode
#: computes a value and its whole gradient for a small constant times the work of the value,
#: about 3-4 in arithmetic, at most about 5 counting memory traffic.
CHEAP_GRADIENT_BOUND = 5.0


@dataclasses.dataclass
class OpCost:
    """One operation's forward (implementation) and backward (VJP rules) time, in seconds."""

    name: str
    op: str
    expression: str
    forward: float
    backward: float

    @property
    def total(self) -> float:
        return self.forward + self.backward


@dataclasses.dataclass
class CostReport:
    """What a gradient costs: ω = time(value and gradient) / time(value), per-op times."""

    function: str
    output: str
    value_time: float
    value_and_grad_time: float
    omega: float
    bound: float
    ops: list[OpCost]
    repeat: int

    @property
    def within_bound(self) -> bool:
        return self.omega <= self.bound

    def dominant(self, k: int = 5) -> list[OpCost]:
        """The ``k`` operations with the most forward + backward time."""
        return sorted(self.ops, key=lambda o: -o.total)[:k]

    def to_text(self, ascii: bool | None = None, top: int = 5) -> str:  # noqa: A002
        sym = symbols(ascii)
        t = fmt_seconds
        lines = [
            f"what a gradient of {self.function} costs (median of {self.repeat} runs):",
            f"  value                    {t(self.value_time, sym)}",
            f"  value and gradient       {t(self.value_and_grad_time, sym)}   (reverse mode, "
            f"seeded at {self.output})",
            f"  omega = {self.omega:.3g}   (cheap-gradient bound: about 4-5, "
            "Griewank & Walther)",
        ]
        if not self.within_bound:
            lines.append("  above the bound: on arrays this small, chainrule's per-operation "
                         "bookkeeping (tracing,\n  recording, the Python calls of the rules) "
                         "outweighs the arithmetic the bound counts.")
        total = sum(o.total for o in self.ops) or 1.0
        lines.append(f"operations by forward + backward work (top {min(top, len(self.ops))} "
                     f"of {len(self.ops)}):")
        for o in self.dominant(top):
            lines.append(f"  {o.name:<5} {o.op:<10} forward {t(o.forward, sym):>9}   "
                         f"backward {t(o.backward, sym):>9}   {100 * o.total / total:4.0f}%   "
                         f"{o.expression}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


@dataclasses.dataclass
class SavedArray:
    """An array the backward pass keeps alive."""

    name: str  # the row whose value it is, or "const"
    shape: tuple[int, ...]
    dtype: Any
    nbytes: int
    op: str  # the operation that saved it: "input", the producing op, or the using op
    saved_by: str  # the row whose record holds it
    used_by: list[str]  # the rows whose VJP rules receive it as an argument


@dataclasses.dataclass
class SavedReport:
    """What the backward pass keeps alive; ``total`` bytes, each array counted once."""

    function: str
    arrays: list[SavedArray]
    total: int

    def to_text(self) -> str:
        lines = [f"what the backward pass of {self.function} keeps alive: {len(self.arrays)} "
                 f"arrays, {fmt_bytes(self.total)} ({self.total} bytes)"]
        head = ["row", "shape", "dtype", "bytes", "saved by", "used by"]
        body = [[a.name, str(tuple(a.shape)), str(a.dtype), str(a.nbytes),
                 f"{a.saved_by} ({a.op})", ", ".join(a.used_by)] for a in self.arrays]
        widths = [max(len(r[k]) for r in [head, *body]) for k in range(len(head))]
        for r in [head, *body]:
            lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def median_times(fns: Sequence[Callable[[], Any]], repeat: int, min_time: float) -> list[float]:
    """Seconds per call of each function: the median of ``repeat`` batches, each at least
    ``min_time`` long. The functions' batches alternate, so that a change in the machine's
    load during the measurement affects all of them alike (their ratio is what matters)."""
    loops = []
    for fn in fns:  # calibrate: loops per batch
        n = 1
        while True:
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            dt = time.perf_counter() - t0
            if dt >= min_time or n >= 1 << 20:
                break
            n = n * 10 if dt <= 0 else max(2 * n, int(n * min_time / dt * 1.2) + 1)
        loops.append(n)
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(max(repeat, 1)):
        for fn, n, ts in zip(fns, loops, times):
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            ts.append((time.perf_counter() - t0) / n)
    return [statistics.median(ts) for ts in times]


def cost(ex: Explanation, output: Any = None, repeat: int = 5,
         min_time: float = 1e-3) -> CostReport:
    """Time the value against the value and gradient, and each operation's work (see
    :meth:`Explanation.cost`)."""
    if output is None:
        paths = [p for p, _, _ in ex.outputs]
        k = paths.index(ex.output) if ex.output in paths else ex._output_index(0)
    else:
        k = ex._output_index(output)
    path = ex.outputs[k][0]
    f, kwargs = ex._f, ex._kwargs
    # The value is timed on the inputs as the trace sees them (Python floats as arrays).
    args = tuple(_tree.tree_map(lambda x: v if (v := as_input(x)) is not None else x, a)
                 for a in ex._args)

    def value() -> Any:
        return f(*args, **kwargs)

    def value_and_grad() -> Any:
        trace = ReverseTrace()
        new = []
        for a in args:
            leaves, td = _tree.flatten(a)
            new.append(_tree.unflatten(td, [
                trace.leaf(x) if (x := as_input(leaf)) is not None else leaf
                for leaf in leaves]))
        out = _tree.flatten(f(*new, **kwargs))[0][k]
        if isinstance(out, Tracer) and out._trace is trace:
            trace.backward([(out, np.ones(out._value.shape, out._value.dtype))], once=True)
        trace.tape.clear()

    t_value, t_grad = median_times([value, value_and_grad], repeat, min_time)
    _, cts, _ = ex._adjoint_column(k, None)
    ops = []
    for i, step in enumerate(ex._steps):
        if step is None:
            continue
        impl, a, kw = step.prim.impl, step.args, step.kwargs or {}
        ans = ex.rows[i].value
        g = cts[i] if cts[i] is not None else np.ones(np.shape(ans), np.asarray(ans).dtype)
        likes = [ex.rows[j].value for j in step.parents]

        # one operation's backward work, timed alone: its rules and their fitting
        def bwd(step=step, g=g, ans=ans, a=a, kw=kw, likes=likes) -> None:
            for rule, like in zip(step.rules, likes):
                gi = rule(g, ans, *a, **kw)
                if gi is not None:
                    fit_cotangent(gi, like)

        tf, tb = median_times([lambda impl=impl, a=a, kw=kw: impl(*a, **kw), bwd],
                              repeat, min_time)
        if not step.rules:
            tb = 0.0
        ops.append(OpCost(ex.rows[i].name, step.prim.name, expression(ex, i, ASCII), tf, tb))
    return CostReport(ex.name, path, t_value, t_grad, t_grad / t_value if t_value else
                      float("inf"), CHEAP_GRADIENT_BOUND, ops, repeat)


def saved(ex: Explanation) -> SavedReport:
    """What the backward pass keeps alive (see :meth:`Explanation.saved`)."""
    entries: dict[int, SavedArray] = {}
    row_of = {id(r.value): r.name for r in ex.rows}
    for r in ex.rows:
        v = r.value
        if isinstance(v, (np.ndarray, np.generic)) and id(v) not in entries:
            entries[id(v)] = SavedArray(r.name, np.shape(v), np.asarray(v).dtype,
                                        int(v.nbytes), r.op, r.name, [])
    for i, step in enumerate(ex._steps):
        if step is None:
            continue
        name = ex.rows[i].name
        for v in step.args:
            if not isinstance(v, (np.ndarray, np.generic)):
                continue
            e = entries.get(id(v))
            if e is None:
                e = entries[id(v)] = SavedArray("const", np.shape(v), np.asarray(v).dtype,
                                                int(v.nbytes), step.prim.name, name, [])
            if name not in e.used_by and row_of.get(id(v)) != name:
                e.used_by.append(name)
    items = list(entries.values())
    return SavedReport(ex.name, items, sum(e.nbytes for e in items))
