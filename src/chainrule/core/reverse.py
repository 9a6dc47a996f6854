"""Reverse mode: a flat tape in execution order, walked backwards once.

Every traced value of a reverse trace *is* its tape record (micrograd's ``Value`` idea): it
holds the primitive that made it, the unwrapped arguments and keyword arguments the VJP
rules need, and its parents with their argument positions. The tape is the list of those
records in the order they were made, so the backward pass is a single loop from the end —
no graph search, no recursion — and a 10^5-operation graph is no harder than a small one.

Adjoints (ā) live in a list indexed by record position. ``None`` is a symbolic zero: it is
never allocated, and records whose adjoint stays zero are skipped.
"""

from __future__ import annotations

from typing import Any, Sequence

from .fit import fit_cotangent
from .primitive import Primitive, Tracer, new_level

__all__ = ["ReverseTrace", "ReverseTracer", "NoRuleError"]


class NoRuleError(NotImplementedError, TypeError):
    """A primitive lacks the derivative rule the requested mode needs."""


def no_rule(prim: Primitive, mode: str, argnum: int | None = None) -> NoRuleError:
    where = "" if argnum is None else f" for argument {argnum}"
    if mode == "reverse":
        why = ("reverse mode (grad, vjp, jacrev, value_and_grad) needs a VJP rule to send "
               "the output's adjoint back to the inputs")
        fix = f"define it with {prim.name}.defvjp(...), or use forward mode (jvp, jacfwd)"
    else:
        why = ("forward mode (jvp, jacfwd, hessian, hvp) needs a JVP rule to push the "
               "input's tangent to the output")
        fix = f"define it with {prim.name}.defjvp(...), or use reverse mode (grad, vjp, jacrev)"
    return NoRuleError(f"primitive '{prim.name}' has no {mode}-mode rule{where}: {why}; {fix}.")


class ReverseTracer(Tracer):
    """A value recorded on a reverse trace; also its own tape record."""

    __slots__ = ("_index", "_prim", "_args", "_kwargs", "_parents")

    def __repr__(self) -> str:
        return f"ReverseTracer(level={self._trace.level}, value={self._value!r})"


class ReverseTrace:
    """One level of reverse-mode tracing: a tape of :class:`ReverseTracer` records."""

    __slots__ = ("level", "tape")

    def __init__(self) -> None:
        self.level = new_level()
        self.tape: list[ReverseTracer] = []

    def leaf(self, value: Any) -> ReverseTracer:
        """An input of the traced function."""
        t = ReverseTracer()
        t._trace = self
        t._value = value
        t._prim = None
        t._args = ()
        t._kwargs = None
        t._parents = ()
        t._index = len(self.tape)
        self.tape.append(t)
        return t

    def process(self, prim: Primitive, args: Sequence[Any], kwargs: dict) -> Any:
        vjps = prim.vjps
        vals = list(args)
        parents = []
        lower = False
        for i, a in enumerate(args):
            if isinstance(a, Tracer):
                if a._trace is self:
                    v = a._value
                    vals[i] = v
                    if isinstance(v, Tracer):
                        lower = True
                    if vjps is None:
                        raise no_rule(prim, "reverse")
                    if vjps[i] is not None:
                        parents.append((i, a))
                else:
                    lower = True
        if lower:
            ans = prim(*vals, **kwargs)
        elif kwargs:
            ans = prim.impl(*vals, **kwargs)
        else:
            ans = prim.impl(*vals)
        if not parents:
            return ans
        out = ReverseTracer()
        out._trace = self
        out._value = ans
        out._prim = prim
        out._args = vals
        out._kwargs = kwargs or None
        out._parents = parents
        tape = self.tape
        out._index = len(tape)
        tape.append(out)
        return out

    def backward(self, seeds: Sequence[tuple[ReverseTracer, Any]]) -> list[Any]:
        """Walk the tape once from the last seeded record; return the adjoint list.

        ``seeds`` pairs output records with their adjoints. The result holds, at each leaf's
        ``_index``, that leaf's adjoint (``None`` where it is zero).
        """
        tape = self.tape
        cts: list[Any] = [None] * len(tape)
        start = -1
        for t, g in seeds:
            i = t._index
            cts[i] = g if cts[i] is None else cts[i] + g
            if i > start:
                start = i
        for i in range(start, -1, -1):
            g = cts[i]
            if g is None:
                continue
            node = tape[i]
            prim = node._prim
            if prim is None:
                continue
            cts[i] = None
            ans = node._value
            args = node._args
            kw = node._kwargs
            vjps = prim.vjps
            for argnum, parent in node._parents:
                try:
                    rule = vjps[argnum]
                    gi = rule(g, ans, *args) if kw is None else rule(g, ans, *args, **kw)
                    if gi is None:
                        continue
                    gi = fit_cotangent(gi, parent._value)
                except Exception as e:
                    if hasattr(e, "add_note"):
                        e.add_note(f"(in the VJP rule of '{prim.name}' for argument {argnum})")
                    raise
                j = parent._index
                prev = cts[j]
                cts[j] = gi if prev is None else prev + gi
        return cts
