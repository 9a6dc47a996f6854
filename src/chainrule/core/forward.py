"""Forward mode: a tangent ȧ carried next to each value, no tape.

Applying a primitive to a :class:`JVPTracer` computes the value and sums each
differentiated argument's share of the output tangent, ``ȧ_out = Σ_i rule_i(ȧ_i, ...)``.
An argument whose tangent is zero is simply not a tracer of this level: no work is done.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .fit import fit_tangent
from .primitive import MissingRule, Primitive, Tracer, new_level
from .reverse import cannot_differentiate, escaped, no_rule

__all__ = ["JVPTrace", "JVPTracer"]


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
        jvps = prim.jvps
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
                    if jvps is None:
                        raise no_rule(prim, "forward")
                    r = jvps[i]
                    if r is None or r.__class__ is MissingRule:
                        raise cannot_differentiate(prim, "forward", i, r)
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
            try:
                rule = jvps[i]
                share = rule(t, ans, *vals, **kwargs) if kwargs else rule(t, ans, *vals)
            except Exception as e:
                if hasattr(e, "add_note"):
                    e.add_note(f"(in the JVP rule of '{prim.name}' for argument {i})")
                raise
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

