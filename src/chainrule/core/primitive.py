"""Primitives and the tracer base class: the dispatch at the heart of chainrule.

A *primitive* is a plain NumPy implementation plus its derivative rules, defined side by
side:

* ``p.defjvp(rule_0, rule_1, ...)`` — forward mode. ``rule_i(ȧ_i, ans, *args, **kw)``
  returns argument ``i``'s share of the output tangent; the shares are summed.
* ``p.defvjp(rule_0, rule_1, ...)`` — reverse mode. ``rule_i(ā, ans, *args, **kw)``
  returns the cotangent (adjoint) of argument ``i`` given the output's adjoint ``ā``.
* ``p.defdiagonal(rule_0, ...)`` — both at once, where ∂out/∂arg_i is diagonal
  (elementwise; any symmetric Jacobian, such as softmax's, qualifies too): ā·∂ and ȧ·∂
  are the same function of the incoming derivative.
* ``p.deflinear(vjp_0, ...)`` — for a primitive linear in each differentiable argument
  separately (reshape, sum, getitem, matmul in each factor; not ``add``, which is affine
  in each): the VJPs (transposes) are given, each JVP is the primitive applied to the
  tangent.

Complex values (docs/complex.md). A cotangent of a complex value w = p + iq is
c = ∂L/∂p - i ∂L/∂q (autograd's and JAX's convention): it pairs with a tangent as
Re Σ c·ẇ, so a VJP is the plain transpose of the JVP, never a conjugate transpose. Hence
a holomorphic f has ā_z = ā f'(z) and ȧ = ȧ_z f'(z), and one ``defdiagonal`` rule
``d * f'(z)`` serves both modes on complex input exactly as on real input; no conjugation
is applied by the engine. A real-valued function of z (|z|, arg z, Re, Im) has
ȧ = Re(b ż) and ā_z = ā b for one complex factor b, so its diagonal rule returns
``d * b`` and the fitting step (:mod:`chainrule.core.unbroadcast`) keeps the real part of
a complex derivative fitted to a real value (for the tangent: Re(b ż); for the cotangent
of a real input reaching complex outputs: Re(ā a)). Only non-holomorphic complex-valued
rules (``conjugate``) need their own, conjugating, rule.

``None`` in place of a rule marks that argument as not differentiable. Rules are written
with chainrule's own operations, so a rule applied to traced values is itself traced:
that is all higher-order differentiation needs.

A rule may return a value that is broadcast against its argument (``ā`` for ``x + y`` with
``x`` of shape (3, 1)): the machine sums it back to the argument's shape and casts it to
the argument's dtype (see :mod:`chainrule.core.unbroadcast`). Rules therefore read like the
math.

When a primitive is applied, the arguments are scanned for tracers; the trace with the
highest level processes the call (unwrapping its own tracers, recording or propagating
derivatives) and re-applies the primitive to the unwrapped values, so lower levels see it
next. Values of different levels never mix (no perturbation confusion).

The errors for a missing or unusable rule are made here, next to :class:`MissingRule`, so
both modes raise the same ones.
"""

from __future__ import annotations

import ast
import functools
import inspect
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from . import observe as _observe

__all__ = ["Primitive", "Tracer", "primitive", "full_unwrap", "plain", "new_level",
           "MissingRule", "ByArgnum", "NoRuleError", "no_rule", "cannot_differentiate",
           "escaped", "document_primitives"]

_level_counter = [0]


def new_level() -> int:
    """A fresh, strictly increasing trace level: later (inner) transforms get higher ones."""
    _level_counter[0] += 1
    return _level_counter[0]


class Tracer:
    """Base class of traced values. Subclasses carry ``_trace`` and ``_value``.

    The array interface (operators, methods, NumPy dispatch) is attached to this class by
    :mod:`chainrule.numpy`, which owns the functions those methods call.
    """

    __slots__ = ("_trace", "_value")
    _trace: Any
    _value: Any


def full_unwrap(x: Any) -> Any:
    """The plain NumPy value under every level of tracing."""
    while isinstance(x, Tracer):
        x = x._value
    return x


def plain(x: Any) -> Any:
    """``x`` with every traced value replaced by its plain value (in lists and tuples too)."""
    if isinstance(x, Tracer):
        return full_unwrap(x)
    if type(x) is list or type(x) is tuple:
        return type(x)(plain(i) for i in x)
    return x


# ---- the errors of a missing rule ---------------------------------------------------------

class NoRuleError(NotImplementedError, TypeError):
    """A primitive lacks the derivative rule the requested mode needs."""


def no_rule(prim: Primitive, mode: str, argnum: int | None = None) -> NoRuleError:
    """The error for a primitive with no ``mode`` rule (for argument ``argnum``)."""
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
    """The error for a traced value passed where ``prim`` has no usable rule for it."""
    if rule is None:
        return TypeError(
            f"argument {argnum} of '{prim.name}' is marked not differentiable (its {mode}-mode "
            "rule is None), but a traced value was passed there. Pass "
            "chainrule.stop_gradient(value) if its derivative should be ignored, or give "
            "the primitive a rule for that argument.")
    return no_rule(prim, mode, argnum)


def autograd_style_vjp(prim: Primitive, argnum: int, rule: Any,
                       nargs: int | None = None) -> TypeError | None:
    """The error for a VJP rule written as HIPS autograd's maker ``lambda ans, x: lambda g:``.

    Checked where it is cheap: at ``defvjp`` (a first parameter named ``ans``) and on the
    error path of the backward pass (``nargs`` given: a rule taking ``ans`` and the
    ``nargs`` arguments, but no adjoint). ``None`` when the rule looks like chainrule's.
    """
    code = getattr(rule, "__code__", None)
    if code is None or code.co_flags & 0x04:  # not a Python function, or it takes *args
        return None
    params = code.co_varnames[:code.co_argcount]
    if not params or not (params[0] == "ans" or (nargs is not None and len(params) == nargs + 1
                                                 and params[0] not in ("g", "ct", "ā"))):
        return None
    inputs = ", ".join(params[1:]) or "x"
    return TypeError(
        f"the VJP rule for argument {argnum} of '{prim.name}' is written as HIPS autograd's "
        f"VJP maker `lambda {', '.join(params)}: lambda g: ...` (a function of the output "
        "that returns a function of the adjoint). chainrule's defvjp takes the rule itself, "
        f"with the adjoint first: `{prim.name}.defvjp(lambda g, ans, {inputs}: ...)`, "
        f"returning ā_{params[1] if len(params) > 1 else 'x'} for the adjoint g = ā of the "
        "output; e.g. autograd's `lambda ans, x: lambda g: g * cos(x)` becomes "
        "`lambda g, ans, x: g * cos(x)`.")


def escaped(kind: str) -> TypeError:
    """The error for a tracer used after its transform has returned."""
    return TypeError(
        f"a traced value from a {kind} transform that has already returned was used in a new "
        "operation: it escaped its transform (stored in a global, a list or an attribute "
        "while the function was being differentiated), and its derivative can no longer be "
        "recorded. Return it from the function instead (as an output, or as aux with "
        "has_aux=True), or store chainrule.stop_gradient(x), which is a plain array.")


# ---- batch levels (vmap) ------------------------------------------------------------------

class BatchLevel:
    """Base class of trace levels whose values carry a batch axis (``core.batching``)."""

    __slots__ = ()


batch_levels = [0]  # how many batch levels are open (0: the nondiff path is the plain one)


def _strip_to_batch(x: Any) -> Any:
    """``x`` with the differentiation levels above its outermost batch level removed."""
    while isinstance(x, Tracer) and not isinstance(x._trace, BatchLevel):
        x = x._value
    return x


def _has_batch_level(args: tuple) -> bool:
    for a in args:
        while isinstance(a, Tracer):
            if isinstance(a._trace, BatchLevel):
                return True
            a = a._value
    return False


# ---- primitives ---------------------------------------------------------------------------

_MAX_ARGS = 16


class MissingRule:
    """Stands in for a rule that was never defined; raises when a derivative needs it."""

    __slots__ = ("prim", "mode", "argnum")

    def __init__(self, prim: Primitive, mode: str, argnum: int):
        self.prim, self.mode, self.argnum = prim, mode, argnum

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise no_rule(self.prim, self.mode, self.argnum)


class ByArgnum:
    """The rules of a variadic primitive: ``rules[i]`` is ``rule`` with ``i`` bound first.

    ``concatenate(*xs)`` has one rule for every argument, and that rule needs to know which
    argument it serves: ``rule(i, g, ans, *xs, **kw)``.
    """

    __slots__ = ("rule",)

    def __init__(self, rule: Callable[..., Any]):
        self.rule = rule

    def __getitem__(self, i: int) -> Callable[..., Any]:
        rule = self.rule
        return lambda *a, **k: rule(i, *a, **k)

    def __len__(self) -> int:
        return 1 << 30


def _linear_jvp(prim: Primitive, i: int) -> Callable[..., Any]:
    """ȧ = p(..., ȧ_i, ...): the JVP of a primitive linear in argument ``i``."""
    def rule(t: Any, ans: Any, *args: Any, **kwargs: Any) -> Any:
        return prim(*args[:i], t, *args[i + 1:], **kwargs)
    return rule


class Primitive:
    """An operation with an implementation on plain arrays and its JVP and VJP rules.

    ``Primitive(impl, name)`` (or the decorator :func:`primitive`), then ``defvjp``/
    ``defjvp`` (or ``defdiagonal``/``deflinear``). A primitive made with ``nondiff=True``
    has no derivative: applied to traced values it computes on the plain values and
    returns a plain array (``argmax``, comparisons...). ``doc`` is its docstring (what
    ``help()`` shows); :func:`document_primitives` fills it from a module's source.
    """

    __slots__ = ("name", "impl", "vjps", "jvps", "batch", "nondiff", "__dict__")

    def __init__(self, impl: Callable[..., Any], name: str | None = None,
                 nondiff: bool = False, doc: str | None = None):
        self.impl = impl
        self.name = name or getattr(impl, "__name__", "primitive")
        self.vjps: Any = None
        self.jvps: Any = None
        self.batch: Any = None
        self.nondiff = nondiff
        self.__name__ = self.__qualname__ = self.name
        self.__doc__ = doc
        self.__wrapped__ = impl

    def defvjp(self, *rules: Callable[..., Any] | None) -> Primitive:
        """Set one reverse-mode rule per positional argument: ``rule_i(ā, ans, *args, **kw)``.

        (Not autograd's VJP *maker* ``lambda ans, x: lambda g: ...``: that form is refused
        here, or at its first use, with the rewrite.)
        """
        for i, r in enumerate(rules):
            err = autograd_style_vjp(self, i, r)
            if err is not None:
                raise err
        self.vjps = self._padded(rules, "reverse")
        return self

    def defjvp(self, *rules: Callable[..., Any] | None) -> Primitive:
        """Set one forward-mode rule per positional argument: ``rule_i(ȧ_i, ans, *args, **kw)``."""
        self.jvps = self._padded(rules, "forward")
        return self

    def defdiagonal(self, *rules: Callable[..., Any] | None) -> Primitive:
        """Set both modes' rules at once, for arguments whose Jacobian is diagonal.

        ``rule_i(d, ans, *args, **kw)`` multiplies the incoming derivative ``d`` by
        ∂out/∂arg_i entry by entry. A diagonal Jacobian is its own transpose, so the same
        function is the VJP (``d`` = ā) and the JVP (``d`` = ȧ_i).
        """
        self.defvjp(*rules)
        return self.defjvp(*rules)

    def deflinear(self, *vjp_rules: Callable[..., Any] | None) -> Primitive:
        """Set the VJPs of a primitive linear in each differentiable argument; derive the JVPs.

        ``vjp_rules`` are the transposes (``None`` for a non-differentiable argument). The JVP
        of argument ``i`` is the primitive itself with the tangent in that place:
        ȧ = p(..., ȧ_i, ...) (exact because p is linear in argument ``i``).
        """
        self.defvjp(*vjp_rules)
        return self.defjvp(*[None if r is None else _linear_jvp(self, i)
                             for i, r in enumerate(vjp_rules)])

    def defbatch(self, rule: Callable[..., Any]) -> Primitive:
        """Set the batching rule ``rule(vals, batched, **kw)`` used by ``vmap``: the result
        for arguments whose ``batched[i]`` ones carry a leading batch axis, with the batch
        axis first (see :mod:`chainrule.core.batching`)."""
        self.batch = rule
        return self

    def has_rule(self, mode: str, argnum: int) -> bool:
        """Can ``mode`` ("reverse" or "forward") differentiate argument ``argnum``?"""
        rules = self.vjps if mode == "reverse" else self.jvps
        if rules is None:
            return False
        try:
            r = rules[argnum]
        except IndexError:
            return False
        return r is not None and r.__class__ is not MissingRule

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
            out = self.impl(*args, **kwargs) if kwargs else self.impl(*args)
        elif self.nondiff:
            if batch_levels[0] and _has_batch_level(args):
                # under vmap the batch axis must survive: only differentiation levels go
                if isinstance(top, BatchLevel):
                    out = top.process(self, args, kwargs)
                else:
                    return self(*[_strip_to_batch(a) for a in args], **kwargs)
            else:
                out = self.impl(*[full_unwrap(a) for a in args], **kwargs)
        else:
            out = top.process(self, args, kwargs)
        # The observation point (explain, debug_nans): one test per call while unobserved.
        if _observe.active is not None:
            _observe.active.applied(self, args, kwargs, out)
        return out

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def primitive(impl: Callable[..., Any] | None = None, *, name: str | None = None,
              nondiff: bool = False, doc: str | None = None) -> Any:
    """Make a differentiable primitive from a function of plain NumPy arrays (a decorator too).

    ``p = primitive(impl)`` (or ``@primitive``), then ``p.defvjp(rule_0, rule_1, ...)`` with
    ``rule_i(ā, ans, *args, **kwargs) -> ā_i`` and ``p.defjvp(rule_0, ...)`` with
    ``rule_i(ȧ_i, ans, *args, **kwargs) -> share of ȧ_out``; ``None`` marks an argument as
    not differentiable. Write rules with chainrule operations (``import chainrule.numpy as
    np``) so they can be differentiated again. A rule may return a result broadcast against
    its argument; it is summed back to the argument's shape. A Python number returned by
    ``impl`` becomes a NumPy array.

    >>> @primitive
    ... def cube(x):
    ...     return x ** 3
    >>> cube.defvjp(lambda g, ans, x: 3 * g * x ** 2)   # ā_x = ā·3x²
    >>> cube.defjvp(lambda t, ans, x: 3 * t * x ** 2)   # ȧ = ȧ_x·3x²
    """
    def make(fn: Callable[..., Any]) -> Primitive:
        @functools.wraps(fn)
        def impl_array(*args: Any, **kwargs: Any) -> Any:
            out = fn(*args, **kwargs)
            return out if isinstance(out, (np.ndarray, np.generic)) else np.asarray(out)
        return Primitive(impl_array, name or getattr(fn, "__name__", "primitive"),
                         nondiff=nondiff, doc=doc if doc is not None else fn.__doc__)

    return make if impl is None else make(impl)


def _as_primitive(prim: Any, what: str) -> Primitive:
    if not isinstance(prim, Primitive):
        raise TypeError(f"{what}: {getattr(prim, '__name__', prim)!r} is not a chainrule "
                        "primitive; make it one first (@cr.primitive above its def, or "
                        "f = cr.primitive(f)).")
    return prim


def defvjp(prim: Primitive, *rules: Callable[..., Any] | None) -> Primitive:
    """HIPS autograd's function form, ``defvjp(f, rule_0, ...)``: ``f.defvjp(rule_0, ...)``.

    The rules are chainrule's, ``rule_i(ā, ans, *args)``; autograd's makers
    ``lambda ans, x: lambda g: ...`` are refused with the rewrite.
    """
    return _as_primitive(prim, "defvjp").defvjp(*rules)


def defjvp(prim: Primitive, *rules: Callable[..., Any] | None) -> Primitive:
    """HIPS autograd's function form, ``defjvp(f, rule_0, ...)``: ``f.defjvp(rule_0, ...)``,
    with ``rule_i(ȧ_i, ans, *args)`` (autograd's own form too)."""
    return _as_primitive(prim, "defjvp").defjvp(*rules)


# ---- docstrings ---------------------------------------------------------------------------

def _generated_doc(p: Primitive) -> str:
    if p.nondiff:
        return f"{p.name}: chainrule primitive without a derivative (returns plain arrays)."
    modes = [m for m, rules in (("VJP", p.vjps), ("JVP", p.jvps)) if rules is not None]
    return (f"{p.name}: chainrule primitive with {' and '.join(modes) or 'no'} rules "
            f"(defined in {p.__dict__.get('__module__', 'chainrule')}).")


def document_primitives(module_name: str) -> None:
    """Give each module-level primitive of ``module_name`` its attribute docstring.

    The rule tables follow the attribute-docstring convention: a bare string literal right
    after ``name = Primitive(...)`` documents it (the math of its rules). Python drops such
    strings, so they are read back from the module's source here and set as ``__doc__``,
    which ``help()`` shows. Primitives without one get a generated line.
    """
    module = sys.modules[module_name]
    namespace = vars(module)
    docs: dict[str, str] = {}
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):  # no source (frozen, zipped without sources)
        tree = None
    if tree is not None:
        body = tree.body
        for stmt, nxt in zip(body, body[1:]):
            if (isinstance(stmt, ast.Assign) and isinstance(nxt, ast.Expr)
                    and isinstance(nxt.value, ast.Constant) and isinstance(nxt.value.value, str)):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        docs[target.id] = inspect.cleandoc(nxt.value.value)
    for key, obj in namespace.items():
        if isinstance(obj, Primitive):
            obj.__dict__.setdefault("__module__", module_name)
            if key in docs:
                obj.__doc__ = docs[key]
            elif not obj.__doc__:
                obj.__doc__ = _generated_doc(obj)

