"""Forward mode: a tangent ȧ carried next to each value, no tape.

Applying a primitive to a :class:`JVPTracer` computes the value and sums each
differentiated argument's share of the output tangent, ``ȧ_out = Σ_i rule_i(ȧ_i, ...)``.
An argument whose tangent is zero is simply not a tracer of this level: no work is done.

:func:`push_forward` is the same computation walked over a recorded reverse tape (forward
mode over an evaluation trace, as the lecture's forward table and ``explain`` show it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import observe as _observe
from .primitive import (
    MissingRule,
    Primitive,
    Tracer,
    cannot_differentiate,
    escaped,
    new_level,
    no_rule,
)
from .unbroadcast import fit_tangent

__all__ = ["JVPTrace", "JVPTracer", "FinishedJVPTrace", "jvp_rule", "tangent_share",
           "push_forward"]


def jvp_rule(prim: Primitive, argnum: int) -> Any:
    """``prim``'s forward-mode rule for argument ``argnum``, or the engine's error."""
    jvps = prim.jvps
    if jvps is None:
        raise no_rule(prim, "forward")
    r = jvps[argnum]
    if r is None or r.__class__ is MissingRule:
        raise cannot_differentiate(prim, "forward", argnum, r)
    return r


def tangent_share(prim: Primitive, argnum: int, t: Any, ans: Any, vals: Sequence[Any],
                  kwargs: dict | None) -> Any:
    """Argument ``argnum``'s share of the output tangent, ``rule(ȧ, ans, *vals)`` (unfitted;
    ``None`` is a zero share). An error in the rule is noted with its primitive."""
    rule = jvp_rule(prim, argnum)
    try:
        return rule(t, ans, *vals, **kwargs) if kwargs else rule(t, ans, *vals)
    except Exception as e:
        if hasattr(e, "add_note"):
            e.add_note(f"(in the JVP rule of '{prim.name}' for argument {argnum})")
        raise


class JVPTracer(Tracer):
    """A value with its tangent on a forward trace."""

    __slots__ = ("_tangent",)

    def __repr__(self) -> str:
        return (f"JVPTracer(level={self._trace.level}, value={self._value!r}, "
                f"tangent={self._tangent!r})")


class JVPTrace:
    """One level of forward-mode tracing."""

    __slots__ = ("level",)

    def __init__(self) -> None:
        self.level = new_level()

    def leaf(self, value: Any, tangent: Any) -> JVPTracer:
        t = JVPTracer()
        t._trace = self
        t._value = value
        t._tangent = tangent
        return t

    def process(self, prim: Primitive, args: Sequence[Any], kwargs: dict) -> Any:
        vals = list(args)
        tangents = []
        lower = False
        for i, a in enumerate(args):
            if isinstance(a, Tracer):
                if a._trace is self:
                    v = a._value
                    vals[i] = v
                    if isinstance(v, Tracer):
                        lower = True
                    jvp_rule(prim, i)  # a missing rule fails before any work is done
                    tangents.append((i, a._tangent))
                else:
                    lower = True
        if lower:
            ans = prim(*vals, **kwargs)
        elif kwargs:
            ans = prim.impl(*vals, **kwargs)
        else:
            ans = prim.impl(*vals)
        out_tangent = None
        for i, t in tangents:
            share = tangent_share(prim, i, t, ans, vals, kwargs)
            if share is not None:
                out_tangent = share if out_tangent is None else out_tangent + share
        if out_tangent is None:
            return ans
        out = JVPTracer()
        out._trace = self
        out._value = ans
        out._tangent = fit_tangent(out_tangent, ans)
        return out


class FinishedJVPTrace(JVPTrace):
    """A forward trace whose function has returned: its tracers escaped if used again."""

    __slots__ = ()

    def process(self, prim: Primitive, args: Sequence[Any], kwargs: dict) -> Any:
        raise escaped("forward-mode (jvp, jacfwd ...)")


def push_forward(trace: Any, seeds: Sequence[tuple[Any, Any]]) -> list[Any]:
    """Forward mode over a recorded reverse tape: the tangent of every record.

    ``seeds`` pairs records (usually the inputs) with their tangents ȧ. Records are visited
    in execution order; each one's tangent is the sum of its parents' shares
    ``rule_i(ȧ_parent, ans, *args)``, fitted to its value. The result holds, at each
    record's ``_index``, its tangent (``None`` where it is zero: no work is done there).
    Each share is reported to the observers (``tangent`` events).
    """
    tape = trace.tape
    tans: list[Any] = [None] * len(tape)
    for leaf, t in seeds:
        i = leaf._index
        tans[i] = t if tans[i] is None else tans[i] + t
    for i, node in enumerate(tape):
        record = node._record
        if record is None:
            continue
        prim, vals, kw, parents = record
        ans = node._value
        total = None
        for _, parent, argnum in parents:
            t = tans[parent._index]
            if t is None:
                continue
            share = tangent_share(prim, argnum, t, ans, vals, kw)
            if share is None:
                continue
            share = fit_tangent(share, ans)
            observer = _observe.active
            if observer is not None:
                observer.tangent(node, parent, argnum, t, share)
            total = share if total is None else total + share
        if total is not None:
            tans[i] = total if tans[i] is None else tans[i] + total
    return tans
