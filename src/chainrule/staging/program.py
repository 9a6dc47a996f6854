"""The trace as data: a :class:`Program` is a straight-line list of equations over variables.

An equation is ``out = prim(in_0, in_1, ..., **kwargs)``: a primitive, its inputs (each a
:class:`Var` or a :class:`Const`), its static keyword arguments and one output variable.
A *guard* records a fact about a traced value that the Python code depended on (the
branch an ``if`` took): a replay whose guards disagree must be traced again.

``str(program)`` prints it in the lecture's notation (``a4 = a2 × a3``). Calling a
Program evaluates it with the primitives themselves, so it can be differentiated and
traced again: ``program.grad_program()`` and ``program.jvp_program()`` are the reverse
(VJP) and forward (JVP) programs, derived by the primitives' own rules.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..core import tree as _tree

__all__ = ["Var", "Const", "Eqn", "Guard", "Program", "GuardError"]


class Var:
    """A variable of a program: ``a{id}`` in the lecture's notation."""

    __slots__ = ("id", "shape", "dtype", "value", "name")

    def __init__(self, number: int, value: Any, name: str | None = None):
        self.id = number
        self.shape = getattr(value, "shape", ())
        self.dtype = getattr(value, "dtype", None)
        self.value = value  # the value at trace time (what explain-style views show)
        self.name = name

    def __repr__(self) -> str:
        return f"a{self.id}"


class Const:
    """A constant input of an equation (a Python number, an array closed over ...)."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self) -> str:
        return f"Const({_short(self.value)})"


@dataclasses.dataclass
class Eqn:
    """``out = prim(*ins, **kwargs)``; ``rule`` names the derivative rule that wrote it
    (``"VJP of multiply, argument 1 (a4)"``) or is ``""``; ``source`` the user's line."""

    prim: Any
    ins: tuple
    kwargs: dict
    out: Var
    rule: str = ""
    source: str = ""


@dataclasses.dataclass
class Guard:
    """The trace depended on ``bool(var) == expected`` (kind "bool"), or on ``var`` being
    exactly ``expected`` (kind "equal": a non-differentiable result the Python code read)."""

    var: Var
    expected: Any
    kind: str = "bool"
    source: str = ""
    position: int = 0  # how many equations came before it


class GuardError(ValueError):
    """A program was evaluated on values for which the traced Python code takes a
    different path (a guard failed)."""


_INFIX = {"add": "+", "subtract": "-", "multiply": "×", "divide": "/", "true_divide": "/",
          "power": "**", "matmul": "@", "floor_divide": "//", "remainder": "%",
          "less": "<", "less_equal": "≤", "greater": ">", "greater_equal": "≥",
          "equal": "==", "not_equal": "≠"}
_PREFIX = {"negative": "-", "positive": "+"}


def _short(v: Any) -> str:
    if isinstance(v, (bool, int, float, complex, str, type(None))):
        return repr(v)
    if isinstance(v, np.generic):
        return repr(v.item())
    if isinstance(v, np.ndarray):
        if v.size == 1:
            return repr(v.item())
        return f"array{v.shape}"
    if isinstance(v, (tuple, list)):
        inner = ", ".join(_short(x) for x in v)
        return f"({inner},)" if isinstance(v, tuple) and len(v) == 1 else (
            f"({inner})" if isinstance(v, tuple) else f"[{inner}]")
    if isinstance(v, slice):
        parts = ["" if x is None else _short(x) for x in (v.start, v.stop, v.step)]
        return ":".join(parts if v.step is not None else parts[:2])
    return repr(v)


def _operand(x: Any) -> str:
    return repr(x) if isinstance(x, Var) else _short(x.value)


@dataclasses.dataclass
class Program:
    """A traced function as equations: ``invars`` -> ``eqns`` -> ``outvars``.

    ``in_tree``/``out_tree`` are the pytree structures of the arguments and the result;
    ``in_leaves`` says, per argument leaf, whether it is an input variable (its Var) or a
    static value (a :class:`Const`). ``example`` holds the argument values it was traced at.
    """

    name: str
    invars: list
    eqns: list
    outvars: list
    guards: list
    in_tree: Any
    in_leaves: list
    out_tree: Any
    arg_names: list
    example: tuple = ()
    stats: dict = dataclasses.field(default_factory=dict)

    # -- text --

    def equation_text(self, e: Eqn) -> str:
        """``a4 = a2 × a3``: one equation in the lecture's notation."""
        ops = [_operand(x) for x in e.ins]
        kw = {k: v for k, v in e.kwargs.items() if not (k == "keepdims" and v is False)}
        name = e.prim.name
        if name in _INFIX and len(ops) == 2 and not kw:
            body = f"{ops[0]} {_INFIX[name]} {ops[1]}"
        elif name in _PREFIX and len(ops) == 1 and not kw:
            body = f"{_PREFIX[name]}{ops[0]}"
        elif name == "getitem" and len(ops) == 2 and not isinstance(e.ins[1], Var) and not kw:
            body = f"{ops[0]}[{_short(e.ins[1].value)}]"
        else:
            body = f"{name}({', '.join(ops + [f'{k}={_short(v)}' for k, v in kw.items()])})"
        return f"{e.out!r} = {body}"

    def __str__(self) -> str:
        lines = [f"program {self.name}({', '.join(self.arg_names)}): "
                 f"{len(self.eqns)} equations, {len(self.guards)} guards"]
        for v in self.invars:
            lines.append(f"  {v!r} = {v.name}")
        guards = sorted(self.guards, key=lambda g: g.position)
        gi = 0
        for i, e in enumerate(self.eqns):
            while gi < len(guards) and guards[gi].position <= i:
                lines.append("  " + _guard_text(guards[gi]))
                gi += 1
            text = self.equation_text(e)
            note = e.rule or e.source
            lines.append(f"  {text:<36}  # {note}" if note else f"  {text}")
        for g in guards[gi:]:
            lines.append("  " + _guard_text(g))
        outs = ", ".join(_operand(o) if not isinstance(o, Var) else repr(o)
                         for o in self.outvars)
        lines.append(f"  return {outs}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Program {self.name}: {len(self.invars)} inputs, {len(self.eqns)} "
                f"equations, {len(self.outvars)} outputs, {len(self.guards)} guards>")

    @property
    def __signature__(self) -> inspect.Signature:
        """The traced function's parameters (so explain and help name them)."""
        return inspect.Signature([inspect.Parameter(n, inspect.Parameter.POSITIONAL_ONLY)
                                  for n in self.arg_names])

    # -- evaluation with the primitives (differentiable, traceable) --

    def flat_inputs(self, args: Sequence[Any]) -> list:
        """The values of the input variables in ``args`` (same structure as traced)."""
        leaves, td = _tree.flatten(tuple(args))
        if td != self.in_tree:
            raise TypeError(f"program {self.name}: the arguments' structure {td} differs from "
                            f"the traced one {self.in_tree}; trace it again for these.")
        return [x for x, slot in zip(leaves, self.in_leaves) if isinstance(slot, Var)]

    def __call__(self, *args: Any) -> Any:
        """Evaluate with chainrule's primitives: inside grad/jvp this is differentiated."""
        env: dict[int, Any] = {}
        for v, x in zip(self.invars, self.flat_inputs(args)):
            env[v.id] = x

        def read(x: Any) -> Any:
            return env[x.id] if isinstance(x, Var) else x.value

        guards = sorted(self.guards, key=lambda g: g.position)
        gi = 0
        for i, e in enumerate(self.eqns):
            while gi < len(guards) and guards[gi].position <= i:
                _check_guard(self, guards[gi], read(guards[gi].var))
                gi += 1
            env[e.out.id] = e.prim(*[read(x) for x in e.ins], **e.kwargs)
        for g in guards[gi:]:
            _check_guard(self, g, read(g.var))
        return _tree.unflatten(self.out_tree, [read(o) for o in self.outvars])


def _guard_text(g: Guard) -> str:
    if g.kind == "bool":
        return f"guard bool({g.var!r}) is {bool(g.expected)}" + (
            f"   # {g.source}" if g.source else "")
    return f"guard {g.var!r} == {_short(g.expected)}" + (f"   # {g.source}" if g.source else "")


def _check_guard(prog: Program, g: Guard, value: Any) -> None:
    from ..core import full_unwrap
    v = full_unwrap(value)
    ok = bool(v) == bool(g.expected) if g.kind == "bool" else np.array_equal(v, g.expected)
    if not ok:
        raise GuardError(
            f"program {prog.name}: {_guard_text(g)} failed for these arguments: the traced "
            "Python code takes a different branch here. Trace it again for them "
            "(cr.compile does so by itself).")
