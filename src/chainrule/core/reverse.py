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

from collections.abc import Sequence
from typing import Any

from numpy import ndarray

from . import observe as _observe
from .primitive import (
    MissingRule,
    NoRuleError,
    Primitive,
    Tracer,
    autograd_style_vjp,
    cannot_differentiate,
    escaped,
    new_level,
    no_rule,
)
from .unbroadcast import fit_cotangent

__all__ = ["ReverseTrace", "ReverseTracer", "NoRuleError", "FinishedReverseTrace"]


class ReverseTracer(Tracer):
    """A value recorded on a reverse trace; also its own tape record."""

    # _record: (primitive, unwrapped args, kwargs or None, ((vjp rule, parent, argnum), ...));
    # None for an input of the traced function.
    __slots__ = ("_index", "_record")

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
        t._record = None
        t._index = len(self.tape)
        self.tape.append(t)
        return t

    def process(self, prim: Primitive, args: Sequence[Any], kwargs: dict) -> Any:
        # The per-operation hot path: unwrap this level's tracers, compute, record once.
        # One- and two-argument primitives (nearly all calls) take the unrolled branches.
        vjps = prim.vjps
        if vjps is None:
            vjps = self.unusable_rules(prim)
        n = len(args)
        if n == 1:
            a = args[0]  # the only argument, so it is this level's tracer
            v = a._value
            vals = (v,)
            if isinstance(v, Tracer):
                ans = prim(v, **kwargs)
            else:
                ans = prim.impl(v, **kwargs) if kwargs else prim.impl(v)
            r = vjps[0]
            if r is None or r.__class__ is MissingRule:
                r = self.unusable_rule(prim, 0, r)
            parents = ((r, a, 0),)
        elif n == 2:
            a, b = args
            lower = False
            if isinstance(a, Tracer):
                if a._trace is self:
                    va = a._value
                    lower = isinstance(va, Tracer)
                else:
                    va = a
                    a = None
                    lower = True
            else:
                va = a
                a = None
            if isinstance(b, Tracer):
                if b._trace is self:
                    vb = b._value
                    lower = lower or isinstance(vb, Tracer)
                else:
                    vb = b
                    b = None
                    lower = True
            else:
                vb = b
                b = None
            vals = (va, vb)
            if lower:
                ans = prim(va, vb, **kwargs)
            else:
                ans = prim.impl(va, vb, **kwargs) if kwargs else prim.impl(va, vb)
            if a is not None:
                ra = vjps[0]
                if ra is None or ra.__class__ is MissingRule:
                    ra = self.unusable_rule(prim, 0, ra)
                parents = ((ra, a, 0),)
            if b is not None:
                rb = vjps[1]
                if rb is None or rb.__class__ is MissingRule:
                    rb = self.unusable_rule(prim, 1, rb)
                parents = ((ra, a, 0), (rb, b, 1)) if a is not None else ((rb, b, 1),)
        else:
            vals, parents, ans = self._process_many(prim, args, kwargs, vjps)
        out = ReverseTracer()
        out._trace = self
        out._value = ans
        out._record = (prim, vals, kwargs or None, parents)
        tape = self.tape
        out._index = len(tape)
        tape.append(out)
        return out

    def _process_many(self, prim: Primitive, args: Sequence[Any], kwargs: dict,
                      vjps: Any) -> tuple[Any, Any, Any]:
        vals = list(args)
        parents = []
        lower = False
        for i, a in enumerate(args):
            if isinstance(a, Tracer):
                if a._trace is self:
                    v = vals[i] = a._value
                    if isinstance(v, Tracer):
                        lower = True
                    r = vjps[i]
                    if r is None or r.__class__ is MissingRule:
                        r = self.unusable_rule(prim, i, r)
                    parents.append((r, a, i))
                else:
                    lower = True
        ans = prim(*vals, **kwargs) if lower else prim.impl(*vals, **kwargs)
        return tuple(vals), tuple(parents), ans

    def unusable_rules(self, prim: Primitive) -> Any:
        """Called when ``prim`` has no VJP rules at all; raises the engine's error."""
        raise no_rule(prim, "reverse")

    def unusable_rule(self, prim: Primitive, argnum: int, rule: Any) -> Any:
        """Called when argument ``argnum`` is traced but ``rule`` (None, or a missing rule)
        cannot differentiate it; raises the engine's error. A subclass may return a
        stand-in rule instead, which raises when the backward pass reaches it."""
        raise cannot_differentiate(prim, "reverse", argnum, rule)

    def backward(self, seeds: Sequence[tuple[ReverseTracer, Any]],
                 once: bool = False) -> list[Any]:
        """Walk the tape once from the last seeded record; return the adjoint list.

        ``seeds`` pairs output records with their adjoints. The result holds, at each leaf's
        ``_index``, that leaf's adjoint (``None`` where it is zero). With ``once``, each
        record's saved values are released as soon as the walk has passed it.
        """
        tape = self.tape
        observer = _observe.active
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
            record = node._record
            if record is None:
                continue
            cts[i] = None
            prim, args, kw, parents = record
            ans = node._value
            for rule, parent, argnum in parents:
                try:
                    gi = rule(g, ans, *args) if kw is None else rule(g, ans, *args, **kw)
                    if gi is None:
                        continue
                    pv = parent._value
                    if gi.__class__ is not ndarray or gi.dtype is not pv.dtype or \
                            gi.shape != pv.shape:
                        gi = fit_cotangent(gi, pv)
                    if observer is not None:
                        observer.adjoint(node, parent, argnum, g, gi)
                except Exception as e:
                    maker = autograd_style_vjp(prim, argnum, rule, len(args))
                    if maker is not None:  # the error path only: cheap to look here
                        raise maker from e
                    if hasattr(e, "add_note"):
                        e.add_note(f"(in the VJP rule of '{prim.name}' for argument {argnum})")
                    raise
                j = parent._index
                prev = cts[j]
                cts[j] = gi if prev is None else prev + gi
            if once:  # observers may read the record during its rules; release it after
                node._record = None
        return cts


class FinishedReverseTrace(ReverseTrace):
    """A reverse trace whose function has returned: its tape can still be walked, but its
    tracers can no longer take part in new operations."""

    __slots__ = ()

    def process(self, prim: Primitive, args: Sequence[Any], kwargs: dict) -> Any:
        raise escaped("reverse-mode (grad, vjp, jacrev ...)")

