"""Primitives and the tracer base class: the dispatch at the heart of chainrule.

A *primitive* is a plain NumPy implementation plus its derivative rules, defined side by
side:

* ``p.defjvp(rule_0, rule_1, ...)`` — forward mode. ``rule_i(ȧ_i, ans, *args, **kw)``
  returns argument ``i``'s share of the output tangent; the shares are summed.
* ``p.defvjp(rule_0, rule_1, ...)`` — reverse mode. ``rule_i(ā, ans, *args, **kw)``
  returns the cotangent (adjoint) of argument ``i`` given the output's adjoint ``ā``.

``None`` in place of a rule marks that argument as not differentiable. Rules are written
with chainrule's own operations, so a rule applied to traced values is itself traced:
that is all higher-order differentiation needs.

A rule may return a value that is broadcast against its argument (``ā`` for ``x + y`` with
``x`` of shape (3, 1)): the machine sums it back to the argument's shape and casts it to
the argument's dtype (see :mod:`chainrule.core.fit`). Rules therefore read like the math.

When a primitive is applied, the arguments are scanned for tracers; the trace with the
highest level processes the call (unwrapping its own tracers, recording or propagating
derivatives) and re-applies the primitive to the unwrapped values, so lower levels see it
next. Values of different levels never mix (no perturbation confusion).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Primitive", "Tracer", "primitive", "full_unwrap", "new_level"]

_level_counter = [0]


def new_level() -> int:
    """A fresh, strictly increasing trace level: later (inner) transforms get higher ones."""
    _level_counter[0] += 1
    return _level_counter[0]


class Tracer:
    """Base class of traced values. Subclasses carry ``_trace`` and ``_value``.

    The array interface (operators, methods, NumPy dispatch) is attached to this class by
    :mod:`chainrule.ops`, which owns the primitives those methods apply.
    """

    __slots__ = ("_trace", "_value")
    _trace: Any
    _value: Any


def full_unwrap(x: Any) -> Any:
    """The plain NumPy value under every level of tracing."""
    while isinstance(x, Tracer):
        x = x._value
    return x


class Primitive:
    """An operation with an implementation on plain arrays and its JVP and VJP rules.

    Use :func:`primitive` (or ``Primitive(impl)``) and then ``defvjp``/``defjvp``.
    A primitive made with ``nondiff=True`` has no derivative: applied to traced values it
    computes on the plain values and returns a plain array (``argmax``, comparisons...).
    """

    __slots__ = ("name", "impl", "vjps", "jvps", "nondiff", "__dict__")

    def __init__(self, impl: Callable[..., Any], name: str | None = None, nondiff: bool = False):
        self.impl = impl
        self.name = name or getattr(impl, "__name__", "primitive")
        self.vjps: tuple[Any, ...] | None = None
        self.jvps: tuple[Any, ...] | None = None
        self.nondiff = nondiff
        self.__doc__ = getattr(impl, "__doc__", None)
        self.__wrapped__ = impl

    def defvjp(self, *rules: Callable[..., Any] | None) -> Primitive:
        """Set one reverse-mode rule per positional argument: ``rule_i(ā, ans, *args, **kw)``."""
        self.vjps = self._padded(rules, "reverse")
        return self

    def defjvp(self, *rules: Callable[..., Any] | None) -> Primitive:
        """Set one forward-mode rule per positional argument: ``rule_i(ȧ_i, ans, *args, **kw)``."""
        self.jvps = self._padded(rules, "forward")
        return self

    def _padded(self, rules: tuple, mode: str) -> tuple:
        # Arguments past the last rule get a stand-in that raises NoRuleError when used, so
        # the lookup on the hot path needs no bounds check.
        return rules + tuple(MissingRule(self, mode, i) for i in range(len(rules), _MAX_ARGS))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        top = None
        level = 0
        for a in args:
            if isinstance(a, Tracer):
                t = a._trace
                if t.level > level:
                    top = t
                    level = t.level
        if top is None:
            return self.impl(*args, **kwargs) if kwargs else self.impl(*args)
        if self.nondiff:
            return self.impl(*[full_unwrap(a) for a in args], **kwargs)
        return top.process(self, args, kwargs)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


_MAX_ARGS = 16


class MissingRule:
    """Stands in for a rule that was never defined; raises when a derivative needs it."""

    __slots__ = ("prim", "mode", "argnum")

    def __init__(self, prim: Primitive, mode: str, argnum: int):
        self.prim, self.mode, self.argnum = prim, mode, argnum

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from .reverse import no_rule
        raise no_rule(self.prim, self.mode, self.argnum)


def primitive(impl: Callable[..., Any] | None = None, *, name: str | None = None,
              nondiff: bool = False) -> Any:
    """Make a primitive from a function of plain NumPy arrays (usable as a decorator).

    >>> @primitive
    ... def cube(x):
    ...     return x ** 3
    >>> cube.defvjp(lambda g, ans, x: 3 * g * x ** 2)   # ā·3x²
    >>> cube.defjvp(lambda t, ans, x: 3 * t * x ** 2)   # ȧ·3x²
    """
    if impl is None:
        return lambda f: Primitive(f, name=name, nondiff=nondiff)
    return Primitive(impl, name=name, nondiff=nondiff)
