"""Recording a function's evaluation as a :class:`~chainrule.staging.program.Program`.

``make_program(f)(*args)`` runs ``f`` once on *staging tracers*: a trace level (the lowest
of all, opened first) whose tracers carry their concrete value and a variable. Every
primitive applied to one appends an equation. Transforms inside ``f`` (``grad``, ``jvp``,
``hessian`` ...) open higher levels as usual; their rules are written with primitives, so
the backward and forward passes are recorded too, as more equations: the program of
``value_and_grad(f)`` is the forward pass followed by the adjoint lines.

Values stay concrete while tracing, so Python control flow works: a comparison of traced
values is recorded (it is an equation whose output is a boolean array) and ``bool()`` of
it becomes a *guard*. Operations on constants only are computed at trace time and never
recorded (constant folding comes free). A plain array that is the very object a traced
value holds (``stop_gradient(x)``, a transform's ``plain`` output, a non-differentiable
primitive's result) is recognised by identity and stays tied to its variable.

While a staging trace is active, the comparison operators, ``bool()``, the
non-differentiable NumPy functions (``np.sign``, ``np.argmax`` ...) and the conversions to
Python numbers of :class:`~chainrule.core.Tracer` are replaced by staging-aware versions
(restored afterwards), so eager evaluation pays nothing for staging.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..core import Primitive, Tracer, full_unwrap
from ..core import observe as _observe
from ..core import tree as _tree
from ..numpy.dispatch import PASSTHROUGH
from .program import Const, Eqn, Guard, Program, Var

__all__ = ["make_program", "StagingTrace", "StagingTracer", "StagingError",
           "SideEffectWarning"]


class StagingError(TypeError):
    """Something in the traced function cannot be staged (recorded and replayed)."""


class SideEffectWarning(UserWarning):
    """The traced function did something that happens only while tracing (printing a
    traced value ...): a replay will not do it again."""


_ARRAY_TYPES = (np.ndarray, np.generic)


class StagingTracer(Tracer):
    """A value being recorded into a program: its concrete value and its variable."""

    __slots__ = ("_var",)

    def __repr__(self) -> str:
        self._trace.side_effect("repr() of a traced value")
        return f"StagingTracer({self._var!r}, value={self._value!r})"

    def __str__(self) -> str:
        self._trace.side_effect("str()/print() of a traced value")
        return str(self._value)

    def __format__(self, spec: str) -> str:
        self._trace.side_effect("formatting a traced value (f-string, print)")
        return format(self._value, spec)


def _nondiff(fn: Any) -> Primitive:
    """A stand-in primitive for a NumPy function without a derivative (np.less, np.sign)."""
    p = _NONDIFF.get(fn)
    if p is None:
        name = getattr(fn, "__name__", "op")
        p = _NONDIFF[fn] = Primitive(fn, name, nondiff=True)
    return p


_NONDIFF: dict[Any, Primitive] = {}


class StagingTrace(_observe.Observer):
    """One recording: the equations so far, the guards, and the identity map of values."""

    def __init__(self, sources: bool = True):
        from ..core import new_level
        self.level = new_level()
        self.eqns: list[Eqn] = []
        self.guards: list[Guard] = []
        self.nvars = 0
        self.sources = sources
        self.finished = False
        self.by_id: dict[int, Var] = {}  # id(value) -> its variable (values kept alive below)
        self.keep: list[Any] = []
        self.plain_nondiff: list[Eqn] = []  # non-differentiable results handed out as plain
        self.warned = False

    # -- variables --

    def var(self, value: Any, name: str | None = None) -> Var:
        self.nvars += 1
        v = Var(self.nvars, value, name)
        if isinstance(value, _ARRAY_TYPES):
            self.by_id.setdefault(id(value), v)
            self.keep.append(value)
        return v

    def tracer(self, value: Any, var: Var) -> StagingTracer:
        t = StagingTracer()
        t._trace = self
        t._value = value
        t._var = var
        return t

    def leaf(self, value: Any, name: str) -> StagingTracer:
        return self.tracer(value, self.var(value, name))

    def operand(self, a: Any) -> tuple[Any, Any, bool]:
        """(value for the computation, Var or Const, whether the value is a lower tracer)."""
        if isinstance(a, Tracer) and a._trace is self:
            v = a._value
            return v, a._var, isinstance(v, Tracer)
        if isinstance(a, _ARRAY_TYPES):
            known = self.by_id.get(id(a))
            if known is not None:
                return a, known, False
        return a, Const(a), isinstance(a, Tracer)

    # -- recording --

    def record(self, prim: Any, ins: tuple, kwargs: dict, ans: Any) -> Var:
        out = self.var(ans)
        rule, source = self.where() if self.sources else ("", "")
        self.eqns.append(Eqn(prim, ins, dict(kwargs), out, rule, source))
        return out

    def process(self, prim: Primitive, args: Any, kwargs: dict) -> Any:
        if self.finished:
            raise _escaped()
        vals, ins, lower = [], [], False
        for a in args:
            v, ref, low = self.operand(a)
            vals.append(v)
            ins.append(ref)
            lower = lower or low
        if kwargs:
            kwargs = {k: self.kwarg(v) for k, v in kwargs.items()}
        ans = prim(*vals, **kwargs) if lower else (
            prim.impl(*vals, **kwargs) if kwargs else prim.impl(*vals))
        return self.tracer(ans, self.record(prim, tuple(ins), kwargs, ans))

    def kwarg(self, v: Any) -> Any:
        if isinstance(v, Tracer) or (isinstance(v, _ARRAY_TYPES) and id(v) in self.by_id):
            raise StagingError(
                "a traced value was passed as a keyword argument of a primitive; staging "
                "records keyword arguments as constants. Pass it positionally.")
        return v

    def apply_nondiff(self, fn: Any, args: tuple, kwargs: dict) -> StagingTracer:
        """Record a NumPy function without a derivative (a comparison, np.sign ...)."""
        if self.finished:
            raise _escaped()
        prim = _nondiff(fn)
        vals, ins = [], []
        for a in args:
            v, ref, _ = self.operand(a)
            vals.append(full_unwrap(v))
            ins.append(ref)
        ans = fn(*vals, **kwargs)
        return self.tracer(ans, self.record(prim, tuple(ins), kwargs, ans))

    def guard(self, t: StagingTracer) -> bool:
        value = bool(full_unwrap(t))
        src = _observe.user_source() if self.sources else None
        self.guards.append(Guard(t._var, value, "bool", str(src) if src else "",
                                 len(self.eqns)))
        return value

    def side_effect(self, what: str) -> None:
        if not self.warned and not self.finished:
            self.warned = True
            warnings.warn(
                f"{what} while staging (cr.compile / make_program): it happens once, while "
                "the function is traced, and not when the compiled program is replayed. "
                "Print the function's results instead.", SideEffectWarning, stacklevel=3)

    # -- the observation point: non-differentiable primitives return plain arrays --

    def applied(self, prim: Any, args: tuple, kwargs: dict, out: Any) -> None:
        if not prim.nondiff or self.finished or not isinstance(out, _ARRAY_TYPES):
            return
        ins, staged = [], False
        for a in args:
            d = _down(a, self)
            if isinstance(d, StagingTracer):
                staged = True
                ins.append(d._var)
            elif isinstance(d, _ARRAY_TYPES) and id(d) in self.by_id:
                staged = True
                ins.append(self.by_id[id(d)])
            else:
                ins.append(Const(full_unwrap(d)))
        if staged:
            out_var = self.record(prim, tuple(ins), kwargs, out)
            self.plain_nondiff.append(self.eqns[-1])
            del out_var

    # -- labels --

    def where(self) -> tuple[str, str]:
        """Which derivative rule is running (from the engine's frames), and the user line."""
        f = sys._getframe(2)
        while f is not None:
            code = f.f_code
            if code is _BACKWARD_CODE:
                loc = f.f_locals
                node = loc.get("node")
                nv = getattr(node, "_value", None)
                rec = f" (of {nv._var!r})" if isinstance(nv, StagingTracer) else ""
                return (f"VJP of {loc['prim'].name}{rec}, argument {loc.get('argnum')}", "")
            if code is _TANGENT_CODE:
                loc = f.f_locals
                return f"JVP of {loc['prim'].name} for argument {loc.get('argnum')}", ""
            if code is _JVP_PROCESS_CODE:
                break
            f = f.f_back
        src = _observe.user_source()
        return "", str(src) if src else ""


def _escaped() -> StagingError:
    return StagingError(
        "a value traced by cr.compile / cr.make_program was used after the trace had "
        "finished: it escaped (stored in a global, a list or an attribute while the function "
        "was being traced). A compiled function must be pure: return the value instead.")


def _code_objects() -> tuple[Any, Any, Any]:
    from ..core import forward, reverse
    return (reverse.ReverseTrace.backward.__code__, forward.tangent_share.__code__,
            forward.JVPTrace.process.__code__)


_BACKWARD_CODE, _TANGENT_CODE, _JVP_PROCESS_CODE = _code_objects()


# ---- the staging-aware array interface (installed only while a trace is active) ----------

_active: list[StagingTrace] = []


def _down(x: Any, st: StagingTrace) -> Any:
    """``x`` with the tracers of levels above the staging trace peeled off."""
    while isinstance(x, Tracer) and x._trace is not st:
        x = x._value
    return x


def _staged(x: Any, st: StagingTrace) -> Any:
    """``x`` as seen by the staging trace: its StagingTracer, or None if it is a constant."""
    d = _down(x, st)
    if isinstance(d, StagingTracer):
        return d
    if isinstance(d, _ARRAY_TYPES) and id(d) in st.by_id:
        return d
    return None


def _compare(ufunc: Any, orig: Callable) -> Callable:
    def op(self: Any, other: Any) -> Any:
        st = _active[-1]
        a, b = _down(self, st), _down(other, st)
        if _staged(a, st) is not None or _staged(b, st) is not None:
            return st.apply_nondiff(ufunc, (a, b), {})
        return orig(self, other)
    return op


def _bool(orig: Callable) -> Callable:
    def to_bool(self: Any) -> bool:
        st = _active[-1]
        d = _down(self, st)
        if isinstance(d, StagingTracer):
            return st.guard(d)
        return orig(self)
    return to_bool


def _refuse(kind: str, orig: Callable) -> Callable:
    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(self, StagingTracer):
            src = _observe.user_source()
            where = f" at {src}" if src else ""
            raise StagingError(
                f"cannot convert a traced value to {kind}{where} while staging (cr.compile / "
                "cr.make_program): the compiled program replays NumPy calls and cannot "
                "replay a Python number computed from its inputs. Keep computing with "
                "NumPy/chainrule operations (np.where instead of if/else on values), or "
                "make that argument static: cr.compile(f, static_argnums=(i,)).")
        return orig(self, *args, **kwargs)
    return refuse


def _array_ufunc(orig: Callable) -> Callable:
    def dispatch(self: Any, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method == "__call__" and ufunc in PASSTHROUGH and "out" not in kwargs:
            st = _active[-1]
            downs = [_down(x, st) for x in inputs]
            if any(_staged(d, st) is not None for d in downs):
                return st.apply_nondiff(ufunc, tuple(downs), kwargs)
        return orig(self, ufunc, method, *inputs, **kwargs)
    return dispatch


def _array_function(orig: Callable) -> Callable:
    def dispatch(self: Any, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if func in PASSTHROUGH:
            st = _active[-1]
            downs = [_down(x, st) for x in args]
            if any(_staged(d, st) is not None for d in downs) and not any(
                    isinstance(v, Tracer) for v in kwargs.values()):
                return st.apply_nondiff(func, tuple(downs), kwargs)
        return orig(self, func, types, args, kwargs)
    return dispatch


def _arg_method(fn: Any) -> Callable:
    def method(self: Any, axis: Any = None) -> Any:
        st = _active[-1]
        d = _down(self, st)
        if isinstance(d, StagingTracer):
            return st.apply_nondiff(fn, (d,), {"axis": axis})
        return fn(full_unwrap(self), axis=axis)
    return method


_COMPARISONS = {"__lt__": np.less, "__le__": np.less_equal, "__gt__": np.greater,
                "__ge__": np.greater_equal, "__eq__": np.equal, "__ne__": np.not_equal}
_CONVERSIONS = {"__float__": "a Python float", "__int__": "a Python int",
                "__complex__": "a Python complex", "__index__": "an index",
                "__array__": "a NumPy array (np.asarray/np.array)",
                "tolist": "a Python list", "item": "a Python scalar (.item())"}


def _staging_methods() -> dict[str, Any]:
    new: dict[str, Any] = {}
    for name, uf in _COMPARISONS.items():
        new[name] = _compare(uf, getattr(Tracer, name))
    new["__bool__"] = _bool(Tracer.__bool__)
    for name, kind in _CONVERSIONS.items():
        new[name] = _refuse(kind, getattr(Tracer, name))
    new["__array_ufunc__"] = _array_ufunc(Tracer.__array_ufunc__)
    new["__array_function__"] = _array_function(Tracer.__array_function__)
    new["argmax"] = _arg_method(np.argmax)
    new["argmin"] = _arg_method(np.argmin)
    return new


_saved: dict[str, Any] = {}


@contextlib.contextmanager
def recording(st: StagingTrace) -> Iterator[StagingTrace]:
    """Make ``st`` the active staging trace (and watch the engine) for the block."""
    if not _active:
        for name, fn in _staging_methods().items():
            _saved[name] = Tracer.__dict__[name]
            setattr(Tracer, name, fn)
    _active.append(st)
    try:
        with _observe.watching(st):
            yield st
    finally:
        _active.remove(st)
        st.finished = True
        if not _active:
            for name, fn in _saved.items():
                setattr(Tracer, name, fn)
            _saved.clear()


def staging_active() -> bool:
    """Is a staging trace recording right now?"""
    return bool(_active)


# ---- make_program ---------------------------------------------------------------------

def _arg_names(f: Callable, n: int) -> list[str]:
    try:
        params = [p for p in inspect.signature(f).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        names = [p.name for p in params][:n]
    except (TypeError, ValueError):
        names = []
    return names + [f"x{i}" for i in range(len(names), n)]


def _leaf_names(names: list[str], args: tuple) -> list[str]:
    out = []
    for name, a in zip(names, args):
        paths = _tree.paths(a, name)
        out.extend(p.replace("[", "_").replace("]", "").replace("'", "").replace(".", "_")
                   for p in paths)
    return out


def trace_program(f: Callable, args: tuple, static: frozenset = frozenset(),
                  sources: bool = True, name: str | None = None) -> Program:
    """Run ``f(*args)`` on staging tracers and return its Program (see :func:`make_program`).

    Array leaves of the arguments become input variables; other leaves (Python numbers,
    strings, None) and the arguments at positions in ``static`` are constants of the
    program.
    """
    fname = name or getattr(f, "__name__", "f")
    names = _arg_names(f, len(args))
    st = StagingTrace(sources)
    leaves, in_tree = _tree.flatten(tuple(args))
    lnames = _leaf_names(names, args)
    if len(lnames) != len(leaves):
        lnames = [f"x{i}" for i in range(len(leaves))]
    positions = []
    for i, a in enumerate(args):
        positions.extend([i] * len(_tree.leaves(a)))
    with recording(st):
        in_leaves, traced = [], []
        for k, x in enumerate(leaves):
            if isinstance(x, _ARRAY_TYPES) and positions[k] not in static:
                t = st.leaf(x, lnames[k])
                in_leaves.append(t._var)
                traced.append(t)
            else:
                in_leaves.append(Const(x))
                traced.append(x)
        out = f(*_tree.unflatten(in_tree, traced))
        out_leaves, out_tree = _tree.flatten(out)
        outvars = []
        for o in out_leaves:
            o = _down(o, st)
            if isinstance(o, StagingTracer):
                outvars.append(o._var)
            elif isinstance(o, _ARRAY_TYPES) and id(o) in st.by_id:
                outvars.append(st.by_id[id(o)])
            elif isinstance(o, Tracer):
                raise StagingError(
                    f"{fname} returned a traced value of an inner transform "
                    f"({type(o).__name__}): it escaped that transform.")
            else:
                outvars.append(Const(o))
    # non-differentiable results handed out as plain arrays nobody recorded as input may
    # have steered Python control flow: they must come out the same on a replay
    used = {id(x) for e in st.eqns for x in e.ins if isinstance(x, Var)}
    used.update(id(v) for v in outvars if isinstance(v, Var))
    for e in st.plain_nondiff:
        if id(e.out) not in used:
            st.guards.append(Guard(e.out, e.out.value, "equal", e.source,
                                   st.eqns.index(e) + 1))
    invars = [v for v in in_leaves if isinstance(v, Var)]
    return Program(fname, invars, st.eqns, outvars, st.guards, in_tree, in_leaves, out_tree,
                   names, tuple(args))


def make_program(f: Callable, static_argnums: int | tuple = ()) -> Callable[..., Program]:
    """``make_program(f)(*args)``: the :class:`Program` of ``f``'s evaluation at ``args``.

    The program is a straight-line list of equations (``print`` it for the lecture's
    notation); transforms inside ``f`` are recorded too, so
    ``make_program(cr.value_and_grad(f))(x)`` holds the forward pass and the adjoint lines
    (each commented with the VJP rule it came from). ``static_argnums`` are recorded as
    constants.
    """
    static = frozenset((static_argnums,) if isinstance(static_argnums, int) else static_argnums)

    @functools.wraps(f)
    def program_of(*args: Any) -> Program:
        return trace_program(f, args, static)

    return program_of


# ---- derived programs: Program.grad_program / .jvp_program ---------------------------------
# Defined here, where programs are made, and attached to Program (program.py cannot import
# this module: the recording builds Programs).

def grad_program(self: Program, argnums: Any = 0) -> Program:
    """The program of ``value_and_grad`` of this (scalar) program: forward and backward
    pass as one straight-line program, each adjoint line from a primitive's VJP rule."""
    from ..transforms import value_and_grad
    return make_program(value_and_grad(self, argnums))(*self.example)


def jvp_program(self: Program) -> Program:
    """The program of ``jvp`` of this program with tangents as extra inputs: the
    primal and tangent lines side by side, each from a primitive's JVP rule."""
    from ..transforms import jvp
    n = len(self.example)

    def primal_and_tangent(*pt: Any) -> Any:
        return jvp(self, tuple(pt[:n]), tuple(pt[n:]))

    tangents = tuple(_tree.tree_map(np.ones_like, a) for a in self.example)
    return make_program(primal_and_tangent)(*self.example, *tangents)


Program.grad_program = grad_program  # type: ignore[attr-defined]
Program.jvp_program = jvp_program  # type: ignore[attr-defined]
