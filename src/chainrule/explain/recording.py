"""Recording: one run of ``f`` on the engine's reverse trace, watched through the engine's
observation point (:mod:`chainrule.core.observe`), and the ȧ and ā columns from the engine's
own walks over that tape.

* :func:`record` traces ``f``: an observer notes, per operation, the line of user code that
  applied it (:func:`~chainrule.core.observe.user_source`, the one debug_nans uses too).
  An operation without a VJP rule is still recorded (its value and tangent can be shown):
  the trace returns a stand-in rule that raises the engine's error when the backward pass
  reaches it.
* :func:`tangents` runs :func:`chainrule.core.forward.push_forward` over the tape and keeps
  each JVP share from the ``tangent`` events.
* :func:`adjoints` runs :meth:`ReverseTrace.backward <chainrule.core.ReverseTrace.backward>`
  and keeps every VJP contribution from the ``adjoint`` events (the walk itself keeps only
  the inputs' adjoints).
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ..core import FinishedReverseTrace, ReverseTrace, ReverseTracer, Tracer
from ..core import forward as _forward
from ..core import tree as _tree
from ..core.observe import Observer, Source, user_source, watching
from ..core.primitive import cannot_differentiate, no_rule

__all__ = ["Row", "Step", "Recording", "record", "tangents", "adjoints", "as_input"]


@dataclasses.dataclass(frozen=True, eq=False)
class Row:
    """One value of the evaluation trace.

    ``op`` is ``"input"`` for an argument, else the primitive's name; ``inputs`` names the
    rows the operation used (in argument order; a row used twice appears twice); ``label``
    is the argument's name and path for an input. ``tangent``/``adjoint`` are ``None`` until
    :meth:`Explanation.forward`/:meth:`Explanation.backward` fill them. ``tangent_terms``
    holds ``(input row, share of ȧ)`` pairs whose sum is ``tangent``; ``adjoint_terms``
    holds ``(using row or "seed", contribution to ā)`` pairs whose sum is ``adjoint``; a
    ``None`` share is a symbolic zero.
    """

    name: str
    op: str
    inputs: tuple[str, ...]
    value: Any
    tangent: Any = None
    adjoint: Any = None
    source: Source | None = None
    label: str = ""
    outputs: tuple[str, ...] = ()
    tangent_terms: tuple[tuple[str, Any], ...] = ()
    adjoint_terms: tuple[tuple[str, Any], ...] = ()


class Step(NamedTuple):
    """One recorded operation, as the renderers and the cost accounting read it."""

    prim: Any
    args: tuple  # unwrapped positional arguments
    kwargs: dict | None
    parents: tuple[int, ...]  # row index of each traced argument, in argument order
    positions: tuple[int, ...]  # their argument positions
    rules: tuple  # their VJP rules


class Recording(NamedTuple):
    """What :func:`record` returns."""

    trace: ReverseTrace  # finished: its tape can be walked, its tracers not reused
    rows: list[Row]
    steps: list[Step | None]  # None for an input
    outputs: list[tuple[str, int | None, Any]]  # (path, row index or None, value)
    out_def: Any
    arg_names: list[str]
    leaf_rows: list[list[int | None]]  # per argument, per leaf: row index or None
    defs: list[Any]


# ---- the trace and its observer -----------------------------------------------------------

class _MissingVJP:
    """Stands in for a VJP rule that does not exist: raises the engine's error when the
    backward pass reaches it (``argnum`` None: the primitive has no VJP rules at all)."""

    __slots__ = ("prim", "argnum", "rule")

    def __init__(self, prim: Any, argnum: int | None, rule: Any) -> None:
        self.prim, self.argnum, self.rule = prim, argnum, rule

    def __call__(self, *_: Any, **__: Any) -> Any:
        if self.argnum is None:
            raise no_rule(self.prim, "reverse")
        raise cannot_differentiate(self.prim, "reverse", self.argnum, self.rule)


class _NoVJPs:
    """The rule table of a primitive with no VJP rules: a stand-in for every argument."""

    __slots__ = ("prim",)

    def __init__(self, prim: Any) -> None:
        self.prim = prim

    def __getitem__(self, argnum: int) -> _MissingVJP:
        return _MissingVJP(self.prim, None, None)


class _RecordingTrace(ReverseTrace):
    """The engine's reverse trace, except that an operation with no VJP rule is recorded
    (with a stand-in rule) instead of refused: explain can still show its value and ȧ."""

    __slots__ = ()

    def unusable_rules(self, prim: Any) -> Any:
        return _NoVJPs(prim)

    def unusable_rule(self, prim: Any, argnum: int, rule: Any) -> Any:
        return _MissingVJP(prim, argnum, rule)


class _SourceObserver(Observer):
    """Notes the user's line for every operation recorded on ``trace``."""

    def __init__(self, trace: ReverseTrace) -> None:
        self.trace = trace
        self.sources: dict[int, Source | None] = {}

    def applied(self, prim: Any, args: tuple, kwargs: dict, out: Any) -> None:
        if isinstance(out, ReverseTracer) and out._trace is self.trace:
            self.sources[out._index] = user_source()


# ---- inputs -------------------------------------------------------------------------------

def _quote_paths(paths: list[str]) -> list[str]:
    # core.tree writes dict keys with repr ("['W']"); show them as params["W"].
    return [re.sub(r"\['((?:[^'\\]|\\.)*)'\]", r'["\1"]', p) for p in paths]


def _arg_names(f: Callable, n: int) -> list[str]:
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    names: list[str] = []
    for p in params:
        if len(names) >= n:
            break
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        elif p.kind is p.VAR_POSITIONAL:
            names.extend(f"{p.name}[{k}]" for k in range(n - len(names)))
    names.extend(f"arg{k}" for k in range(len(names), n))
    return names


def as_input(x: Any) -> Any:
    """``x`` as a traced input (a real floating array), or None for a constant."""
    if isinstance(x, Tracer):
        raise TypeError(
            "explain(f, *args) records a trace of concrete values, but it was given a value "
            "traced by another transform (grad, jvp, ...); call explain outside of it.")
    if isinstance(x, np.ndarray):
        return x if x.dtype.kind == "f" else None
    if isinstance(x, (float, np.floating)) and not isinstance(x, bool):
        return np.asarray(x)
    return None


def fname(f: Callable) -> str:
    """``f``'s name, for messages."""
    return getattr(f, "__name__", type(f).__name__)


# ---- recording ----------------------------------------------------------------------------

def record(f: Callable, args: tuple, kwargs: dict) -> Recording:
    """Run ``f(*args, **kwargs)`` once on a reverse trace, every real floating leaf of every
    argument traced; return the rows, the recorded steps and the finished trace."""
    names = _arg_names(f, len(args))
    trace = _RecordingTrace()
    labels: list[str] = []
    leaf_rows: list[list[int | None]] = []
    defs = []
    traced_args = []
    for name, a in zip(names, args):
        leaves, td = _tree.flatten(a)
        paths = _quote_paths(_tree.paths(a))
        new, rows = [], []
        for leaf, path in zip(leaves, paths):
            x = as_input(leaf)
            if x is None:
                new.append(leaf)
                rows.append(None)
                continue
            t = trace.leaf(x)
            labels.append(name + path)
            new.append(t)
            rows.append(t._index)
        leaf_rows.append(rows)
        defs.append(td)
        traced_args.append(_tree.unflatten(td, new))
    observer = _SourceObserver(trace)
    try:
        with watching(observer):
            out = f(*traced_args, **kwargs)
    except Exception as e:
        if hasattr(e, "add_note"):
            e.add_note(f"(while explain recorded {fname(f)})")
        raise
    finally:
        trace.__class__ = FinishedReverseTrace  # its tracers may not be used again
    out_leaves, out_def = _tree.flatten(out)
    out_paths = _quote_paths(_tree.paths(out, "out"))
    outputs: list[tuple[str, int | None, Any]] = []
    for path, o in zip(out_paths, out_leaves):
        if isinstance(o, Tracer):
            if o._trace is not trace:
                raise TypeError(f"explain({fname(f)}): output {path} is a value traced by "
                                "another transform; call explain outside of it.")
            outputs.append((path, o._index, o._value))
        else:
            outputs.append((path, None, o))
    steps: list[Step | None] = []
    rows: list[Row] = []
    for t in trace.tape:
        i = t._index
        rec = t._record
        marks = tuple(p for p, j, _ in outputs if j == i)
        if rec is None:
            steps.append(None)
            rows.append(Row(f"a{i + 1}", "input", (), t._value, label=labels[i],
                            outputs=marks))
            continue
        prim, vals, kw, parents = rec
        s = Step(prim, tuple(vals), kw, tuple(p._index for _, p, _ in parents),
                 tuple(argnum for _, _, argnum in parents),
                 tuple(rule for rule, _, _ in parents))
        steps.append(s)
        rows.append(Row(f"a{i + 1}", prim.name, tuple(f"a{j + 1}" for j in s.parents),
                        t._value, source=observer.sources.get(i), outputs=marks))
    return Recording(trace, rows, steps, outputs, out_def, names, leaf_rows, defs)


# ---- the engine's walks, watched ----------------------------------------------------------

class _TangentObserver(Observer):
    def __init__(self, trace: ReverseTrace) -> None:
        self.trace = trace
        self.shares: dict[tuple[int, int], Any] = {}

    def tangent(self, node: Any, parent: Any, argnum: int, t: Any, share: Any) -> None:
        if node._trace is self.trace:
            self.shares[(node._index, argnum)] = share


def tangents(trace: ReverseTrace, steps: Sequence[Step | None], seeds: dict[int, Any]
             ) -> tuple[list[Any], list[tuple[tuple[str, Any], ...]]]:
    """Forward mode over the tape, seeded with ``{row: ȧ}``: per row its tangent (``None``
    for zero) and its terms ``(input row, share)`` in argument order (``None``: zero share),
    from the engine's :func:`~chainrule.core.forward.push_forward`."""
    tape = trace.tape
    observer = _TangentObserver(trace)
    with watching(observer):
        tans = _forward.push_forward(trace, [(tape[j], t) for j, t in seeds.items()])
    terms = [() if s is None else
             tuple((f"a{j + 1}", observer.shares.get((i, p)))
                   for j, p in zip(s.parents, s.positions))
             for i, s in enumerate(steps)]
    return tans, terms


class _AdjointObserver(Observer):
    def __init__(self, trace: ReverseTrace) -> None:
        self.trace = trace
        self.contributions: dict[tuple[int, int], Any] = {}

    def adjoint(self, node: Any, parent: Any, argnum: int, g: Any, gi: Any) -> None:
        if node._trace is self.trace:
            self.contributions[(node._index, argnum)] = gi


def adjoints(trace: ReverseTrace, steps: Sequence[Step | None], start: int | None, seed: Any
             ) -> tuple[list[Any], list[tuple[tuple[str, Any], ...]]]:
    """Reverse mode over the tape, seeded with ā = ``seed`` at row ``start`` (``None``: an
    output that is a constant, so every adjoint is zero): per row its adjoint (``None`` for
    zero) and its terms ``("seed" or using row, contribution)`` in row order, from the
    engine's :meth:`~chainrule.core.ReverseTrace.backward`."""
    n = len(steps)
    observer = _AdjointObserver(trace)
    if start is not None:
        with watching(observer):
            trace.backward([(trace.tape[start], seed)])
    got = observer.contributions
    terms: list[list[tuple[str, Any]]] = [[] for _ in range(n)]
    if start is not None:
        terms[start].append(("seed", seed))
    for i, s in enumerate(steps):  # rows in order: the lecture's ā5 = ā6·... + ā7·...
        if s is not None:
            for j, p in zip(s.parents, s.positions):
                terms[j].append((f"a{i + 1}", got.get((i, p))))
    # The walk returns only the inputs' adjoints; every row's is its seed plus the
    # contributions the walk reported, added in the walk's order (the engine's own sum).
    adj: list[Any] = [None] * n
    if start is not None:
        adj[start] = seed
    for (i, p), gi in got.items():  # a dict keeps the order of the events
        if gi is not None:
            j = steps[i].parents[steps[i].positions.index(p)]
            adj[j] = gi if adj[j] is None else adj[j] + gi
    return adj, [tuple(t) for t in terms]
