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

from .fit import fit_cotangent
from .primitive import MissingRule, Primitive, Tracer, new_level

__all__ = ["ReverseTrace", "ReverseTracer", "NoRuleError"]


debug_hook: Any = None
"""Called as ``hook(node, record, parent, ā, ā_parent)`` after each VJP rule while
:func:`chainrule.debug_nans` is active (``None`` otherwise: one test per rule call)."""


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


def cannot_differentiate(prim: Primitive, mode: str, argnum: int, rule: Any) -> Exception:
    """The error for a traced value passed where ``prim`` has no rule for it."""
    if rule is None:
        return TypeError(
            f"argument {argnum} of '{prim.name}' is marked not differentiable (its {mode}-mode "
            "rule is None), but a traced value was passed there. Pass "
            "chainrule.stop_gradient(value) if its derivative should be ignored, or give "
            "the primitive a rule for that argument.")
    return no_rule(prim, mode, argnum)


def _argnum(args: Sequence[Any], parent: ReverseTracer) -> int:
    """The argument position of ``parent`` in a record's arguments (for error messages)."""
    return next(k for k, v in enumerate(args) if v is parent._value)


class ReverseTracer(Tracer):
    """A value recorded on a reverse trace; also its own tape record."""

    # _record: (primitive, unwrapped args, kwargs or None, ((vjp rule, parent), ...));
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
            raise no_rule(prim, "reverse")
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
                raise cannot_differentiate(prim, "reverse", 0, r)
            parents = ((r, a),)
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
                    raise cannot_differentiate(prim, "reverse", 0, ra)
                parents = ((ra, a),)
            if b is not None:
                rb = vjps[1]
                if rb is None or rb.__class__ is MissingRule:
                    raise cannot_differentiate(prim, "reverse", 1, rb)
                parents = ((ra, a), (rb, b)) if a is not None else ((rb, b),)
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
                        raise cannot_differentiate(prim, "reverse", i, r)
                    parents.append((r, a))
                else:
                    lower = True
        ans = prim(*vals, **kwargs) if lower else prim.impl(*vals, **kwargs)
        return tuple(vals), tuple(parents), ans

    def backward(self, seeds: Sequence[tuple[ReverseTracer, Any]],
                 once: bool = False) -> list[Any]:
        """Walk the tape once from the last seeded record; return the adjoint list.

        ``seeds`` pairs output records with their adjoints. The result holds, at each leaf's
        ``_index``, that leaf's adjoint (``None`` where it is zero). With ``once``, each
        record's saved values are released as soon as the walk has passed it.
        """
        tape = self.tape
        hook = debug_hook
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
            if once:
                node._record = None
            prim, args, kw, parents = record
            ans = node._value
            for rule, parent in parents:
                try:
                    gi = rule(g, ans, *args) if kw is None else rule(g, ans, *args, **kw)
                    if gi is None:
                        continue
                    if hook is not None:
                        hook(node, record, parent, g, gi)
                    pv = parent._value
                    if gi.__class__ is not ndarray or gi.dtype is not pv.dtype or \
                            gi.shape != pv.shape:
                        gi = fit_cotangent(gi, pv)
                except Exception as e:
                    if hasattr(e, "add_note"):
                        e.add_note(f"(in the VJP rule of '{prim.name}' for argument "
                                   f"{_argnum(args, parent)})")
                    raise
                j = parent._index
                prev = cts[j]
                cts[j] = gi if prev is None else prev + gi
        return cts


def escaped(kind: str) -> TypeError:
    return TypeError(
        f"a traced value from a {kind} transform that has already returned was used in a new "
        "operation: it escaped its transform (stored in a global, a list or an attribute "
        "while the function was being differentiated), and its derivative can no longer be "
        "recorded. Return it from the function instead (as an output, or as aux with "
        "has_aux=True), or store chainrule.stop_gradient(x), which is a plain array.")


class FinishedReverseTrace(ReverseTrace):
    """A reverse trace whose function has returned: its tape can still be walked, but its
    tracers can no longer take part in new operations."""

    __slots__ = ()

    def process(self, prim: Primitive, args: Sequence[Any], kwargs: dict) -> Any:
        raise escaped("reverse-mode (grad, vjp, jacrev ...)")

