"""``cr.compile(f)``: trace once per key, replay as plain NumPy; ``cr.codegen``: its source.

The key of a call is the arguments' pytree structure, each array leaf's type, shape and
dtype, and the value of every other leaf (Python numbers, strings, None: they are static)
and of the arguments named in ``static_argnums``. The first call for a key traces ``f``
(:func:`~chainrule.staging.trace.trace_program`), optimises the program
(:mod:`~chainrule.staging.optimize`) and turns it into a Python function of NumPy calls
(:mod:`~chainrule.staging.emit`); later calls run that function: no tracers, no tape.

Python control flow on traced values becomes guards: a replay whose guards fail traces
``f`` again for the new path and keeps both variants. The cache holds at most
``max_traces`` programs (oldest evicted); a function that keeps retracing gets a
:class:`RetraceWarning` saying why.

Called with traced arguments (inside ``grad`` of a compiled function) or while another
staging trace records, a compiled function simply runs ``f``, so it composes both ways.
"""

from __future__ import annotations

import builtins
import functools
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import Tracer
from ..core import tree as _tree
from .emit import _Retrace, buffer_vars, emit
from .optimize import PASSES, optimize
from .program import Program
from .trace import StagingError, staging_active, trace_program

__all__ = ["compile", "codegen", "Compiled", "RetraceWarning"]


class RetraceWarning(UserWarning):
    """A compiled function was traced again many times (new shapes, new static values or
    another branch on every call): compiling it gains nothing."""


class _Variant:
    __slots__ = ("program", "run", "source", "calls", "in_slots")

    def __init__(self, program: Program, run: Callable, source: str, calls: int):
        self.program = program
        self.run = run
        self.source = source
        self.calls = calls
        self.in_slots = [i for i, s in enumerate(program.in_leaves) if hasattr(s, "id")]


def _static_key(x: Any) -> Any:
    try:
        hash(x)
    except TypeError:
        raise StagingError(
            f"cr.compile: an argument leaf of type {type(x).__name__} is neither an array nor "
            "hashable, so it cannot be part of the cache key. Pass arrays (np.asarray) or "
            "hashable static values.") from None
    return (type(x), x)


def _non_reentrant(buffered: Callable, plain: Callable) -> Callable:
    """``buffered`` (which writes into buffers it owns), or ``plain`` when a call is
    already running (recursion, another thread): the buffers are never shared."""
    lock = threading.Lock()

    def run(*args: Any) -> Any:
        if not lock.acquire(blocking=False):
            return plain(*args)
        try:
            return buffered(*args)
        finally:
            lock.release()
    return run


class Compiled:
    """A compiled function (see :func:`compile`). ``.stats`` has the trace count and the
    last trace's times; ``.program(*args)``/``.source(*args)`` the program and code that
    a call with ``args`` runs."""

    def __init__(self, f: Callable, static_argnums: Any = (), optimize: Any = True,
                 max_traces: int = 32, warn_after: int = 8):
        self.f = f
        self.static = frozenset((static_argnums,) if isinstance(static_argnums, int)
                                else static_argnums)
        self.passes = PASSES + ("buffers",) if optimize is True else tuple(optimize or ())
        self.max_traces = max_traces
        self.warn_after = warn_after
        self.cache: OrderedDict[Any, list[_Variant]] = OrderedDict()
        self.stats: dict[str, Any] = {"traces": 0, "replays": 0}
        self.reasons: list[str] = []
        self._warned = False
        functools.update_wrapper(self, f)

    # -- keys --

    def key(self, args: tuple) -> tuple[Any, list]:
        leaves, td = _tree.flatten(args)
        parts: list[Any] = [td]
        positions = None
        if self.static:
            positions = []
            for i, a in enumerate(args):
                positions.extend([i] * len(_tree.leaves(a)))
        for k, x in enumerate(leaves):
            if positions is not None and positions[k] in self.static:
                parts.append(_static_key(x))
            elif isinstance(x, np.ndarray):
                parts.append((x.shape, x.dtype))
            elif isinstance(x, np.generic):
                parts.append((np.generic, x.dtype))
            else:
                parts.append(_static_key(x))
        return tuple(parts), leaves

    # -- calls --

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs:
            raise TypeError(
                f"cr.compile({getattr(self.f, '__name__', 'f')}): keyword arguments are not "
                "supported by compiled calls; pass them positionally (or bind them first "
                "with functools.partial).")
        if staging_active() or any(isinstance(x, Tracer) for x in _tree.leaves(args)):
            return self.f(*args)
        key, leaves = self.key(args)
        variants = self.cache.get(key)
        failed = None
        if variants is not None:
            for v in variants:
                try:
                    out = v.run(*[leaves[i] for i in v.in_slots])
                except _Retrace as r:
                    failed = v.program.guards[r.index]
                    continue
                self.stats["replays"] += 1
                return _tree.unflatten(v.program.out_tree, out)
        v = self._trace(args, key, failed)
        out = v.run(*[leaves[i] for i in v.in_slots])
        return _tree.unflatten(v.program.out_tree, out)

    def _trace(self, args: tuple, key: Any, failed: Any) -> _Variant:
        t0 = time.perf_counter()
        prog = trace_program(self.f, args, self.static, sources=failed is not None)
        t1 = time.perf_counter()
        opt = optimize(prog, self.passes)
        t2 = time.perf_counter()
        name = "compiled_" + "".join(c if c.isalnum() else "_" for c in prog.name)
        src, glb, calls = emit(opt, name)
        code = builtins.compile(src, f"<cr.compile {prog.name}>", "exec")
        exec(code, glb)
        run = glb[name]
        bufs = buffer_vars(opt) if "buffers" in self.passes else set()
        if bufs:  # the buffered version, and the plain one for a re-entrant call
            bsrc, bglb, _ = emit(opt, name, buffers=bufs)
            exec(builtins.compile(bsrc, f"<cr.compile {prog.name}>", "exec"), bglb)
            run, src = _non_reentrant(bglb[name], run), bsrc
        opt.stats["buffers"] = len(bufs)
        t3 = time.perf_counter()
        v = _Variant(opt, run, src, calls)
        self.stats.update(traces=self.stats["traces"] + 1, trace_s=t1 - t0,
                          optimize_s=t2 - t1, emit_s=t3 - t2, total_s=t3 - t0,
                          equations=len(opt.eqns), removed=opt.stats)
        self.cache.setdefault(key, []).append(v)
        self.cache.move_to_end(key)
        if failed is not None:
            self.reasons.append(f"a guard failed: {failed.source or failed.var}")
        elif self.stats["traces"] > 1:
            self.reasons.append("new argument shapes, dtypes, structure or static values")
        while sum(len(vs) for vs in self.cache.values()) > self.max_traces:
            k, vs = next(iter(self.cache.items()))
            vs.pop(0)
            if not vs:
                del self.cache[k]
        if self.stats["traces"] > self.warn_after and not self._warned:
            self._warned = True
            recent = "; ".join(dict.fromkeys(self.reasons[-4:]))
            warnings.warn(
                f"cr.compile({prog.name}) has traced {self.stats['traces']} times ({recent}). "
                "Each trace costs far more than an eager call. Keep shapes fixed, pass "
                "changing numbers as arrays rather than Python scalars, or use np.where "
                "instead of if/else on traced values.", RetraceWarning, stacklevel=3)
        return v

    def _variant(self, args: tuple) -> _Variant:
        key, leaves = self.key(args)
        for v in self.cache.get(key, []):
            try:
                v.run(*[leaves[i] for i in v.in_slots])
                return v
            except _Retrace:
                continue
        return self._trace(args, key, None)

    def program(self, *args: Any) -> Program:
        """The optimised program a call with ``args`` runs (tracing if needed)."""
        return self._variant(args).program

    def source(self, *args: Any) -> str:
        """The Python source a call with ``args`` runs."""
        return self._variant(args).source

    def __repr__(self) -> str:
        return f"<compiled {getattr(self.f, '__name__', 'f')}: {self.stats['traces']} traces>"


def compile(f: Callable, static_argnums: Any = (), optimize: Any = True,
            max_traces: int = 32, warn_after: int = 8) -> Compiled:
    """``f`` traced once per argument key and replayed as plain NumPy calls.

    Same signature as ``f`` (positional arguments). ``optimize`` is True (every pass), or
    the pass names to apply (``("dce", "cse")``; see :mod:`chainrule.staging.optimize`;
    ``"buffers"``: intermediate ufunc results are written with ``out=`` into arrays kept
    from call to call — never the returned ones), or False. ``static_argnums`` are baked
    into the program (part of the cache key).
    Composes with the transforms: ``cr.compile(cr.value_and_grad(loss))``,
    ``cr.compile(cr.hessian(f))``. The function must be pure: Python side effects happen
    while tracing only.
    """
    return Compiled(f, static_argnums, optimize, max_traces, warn_after)


def codegen(f: Callable, *args: Any, name: str | None = None, optimize: Any = True,
            static_argnums: Any = ()) -> str:
    """The readable Python source of ``f`` compiled at ``args``: named variables, one
    NumPy call per line, each adjoint line commented with the rule it came from.

    ``exec`` it (with ``import numpy as np``; it imports what else it needs) and call the
    function with the same arguments, flattened to their array leaves, to get ``f``'s
    output leaves as a tuple.
    """
    static = frozenset((static_argnums,) if isinstance(static_argnums, int) else static_argnums)
    prog = trace_program(f, args, static, sources=True)
    opt = globals()["optimize"](prog, PASSES if optimize is True else tuple(optimize or ()))
    fname = name or "".join(c if c.isalnum() else "_" for c in prog.name).strip("_") or "f"
    src, glb, calls = emit(opt, fname, readable=True, comments=True)
    imports = _imports(glb)
    header = [f'"""{prog.name}({", ".join(opt.arg_names)}) by chainrule.codegen: '
              f'{calls} NumPy calls ({opt.stats["equations_traced"]} traced; removed: '
              + (", ".join(f"{k} {opt.stats[k]}" for k in PASSES if opt.stats[k]) or "nothing")
              + ')."""',
              "import numpy as np", *imports, ""]
    return "\n".join(header) + "\n" + src


def _imports(glb: dict[str, Any]) -> list[str]:
    """Import lines for the implementations the source names (chainrule primitives)."""
    import sys

    lines = []
    for n, obj in glb.items():
        if n in ("np", "_Retrace", "_array_equal") or not callable(obj):
            continue
        found = None
        for modname, mod in list(sys.modules.items()):
            if not modname.startswith("chainrule.") or mod is None:
                continue
            for attr, val in vars(mod).items():
                if getattr(val, "impl", None) is obj and not attr.startswith("__"):
                    found = (modname, attr)
                    break
            if found:
                break
        if found:
            lines.append(f"from {found[0]} import {found[1]} as _{n}_primitive; "
                         f"{n} = _{n}_primitive.impl")
        else:
            lines.append(f"# {n}: a user-defined implementation; bind it before exec")
    return lines
