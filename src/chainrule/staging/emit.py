"""A Program as Python source: one NumPy call per line (what ``compile`` runs, what
``codegen`` prints).

Each equation becomes ``out = impl(in, ...)`` with the primitive's plain implementation
(``np.sin``; ``a + b`` where the implementation is the ufunc ``np.add``). Small constants
are written as literals; larger arrays and values with no literal form are names bound in
the function's globals (``readable=True`` writes them out at the top instead, so the
source stands alone). Guards become ``if`` tests that raise :class:`_Retrace`.
"""

from __future__ import annotations

import keyword
import math
import re
from typing import Any

import numpy as np

from .program import Const, Program, Var

__all__ = ["emit", "_Retrace"]


class _Retrace(Exception):
    """A guard of a compiled program failed: the Python code takes another path."""

    def __init__(self, index: int):
        super().__init__(index)
        self.index = index


_INFIX = {np.add: "+", np.subtract: "-", np.multiply: "*", np.true_divide: "/",
          np.matmul: "@", np.power: "**"}
_PREFIX = {np.negative: "-"}


def _identifier(name: str, taken: set) -> str:
    base = re.sub(r"\W", "_", name) or "v"
    if base[0].isdigit() or keyword.iskeyword(base) or base in ("np",):
        base = "_" + base
    out, k = base, 1
    while out in taken:
        k += 1
        out = f"{base}_{k}"
    taken.add(out)
    return out


def literal(v: Any) -> str | None:
    """Python source that evaluates to ``v`` exactly (given ``np``), or None."""
    if v is None or v is Ellipsis or isinstance(v, (bool, str)):
        return repr(v)
    if isinstance(v, int):
        return repr(v)
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else f"float({str(v)!r})"
    if isinstance(v, slice):
        parts = [literal(x) for x in (v.start, v.stop, v.step)]
        return None if None in parts else f"slice({', '.join(parts)})"
    if isinstance(v, tuple):
        parts = [literal(x) for x in v]
        if None in parts:
            return None
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    if isinstance(v, np.dtype):
        return f"np.dtype({v.str!r})" if v.kind != "V" else None
    if isinstance(v, type) and getattr(np, v.__name__, None) is v:
        return f"np.{v.__name__}"
    if isinstance(v, np.generic) and v.dtype.kind in "biuf":
        inner = literal(v.item())
        return None if inner is None else f"np.{v.dtype.name}({inner})"
    return None


def _array_source(v: np.ndarray) -> str:
    """Exact source for an array (for the readable, standalone form)."""
    dt = f"np.dtype({v.dtype.str!r})"
    if v.size and v.dtype.kind in "biuf":
        first = v.flat[0]
        if np.all(v == first) and not (v.dtype.kind == "f" and np.isnan(first)) and \
                (v.dtype.kind != "f" or not np.signbit(v).any() or np.signbit(v).all()):
            return f"np.full({v.shape!r}, {literal(first.item())}, dtype={dt})"
    if v.size <= 16 and v.dtype.kind in "biuf":
        body = literal(tuple(v.ravel().tolist()))
        if body is not None:
            return f"np.array({body}, dtype={dt}).reshape({v.shape!r})"
    return (f"np.frombuffer(bytes.fromhex({v.tobytes().hex()!r}), dtype={dt})"
            f".reshape({v.shape!r}).copy()")


def _reduce_ufunc(impl: Any) -> Any:
    """The ufunc whose ``reduce`` a chainrule reduction's implementation calls, or None."""
    name = getattr(impl, "__name__", "")
    if name.endswith("_reduce"):
        uf = getattr(np, name[:-len("_reduce")], None)
        if isinstance(uf, np.ufunc):
            return uf
    return None


_READABLE_REDUCE = {"add": "np.sum", "maximum": "np.max", "minimum": "np.min",
                    "multiply": "np.prod"}


def _special(e: Any, ops: list, readable: bool) -> str | None:
    """The NumPy spelling of a chainrule implementation that is a thin wrapper (the same
    NumPy call, without the wrapper's Python frame), where the input's type allows it."""
    name = e.prim.name
    x = e.ins[0] if e.ins else None
    if not isinstance(x, Var) or not isinstance(x.value, np.ndarray):
        return None
    uf = _reduce_ufunc(e.prim.impl)
    if uf is not None and len(ops) == 1 and set(e.kwargs) <= {"axis", "keepdims"}:
        axis = e.kwargs.get("axis")
        keep = e.kwargs.get("keepdims", False)
        if type(axis) is list or literal(axis) is None or not isinstance(keep, bool):
            return None
        args = [ops[0]] + ([] if axis is None and readable else [f"axis={literal(axis)}"])
        if keep:
            args.append("keepdims=True")
        if readable and uf.__name__ in _READABLE_REDUCE:
            return f"{_READABLE_REDUCE[uf.__name__]}({', '.join(args)})"
        return f"np.{uf.__name__}.reduce({', '.join(args)})"
    if e.kwargs:
        return None
    if name == "reshape" and len(ops) == 2:
        return f"{ops[0]}.reshape({ops[1]})"
    if name == "swapaxes" and len(ops) == 3:
        if x.value.ndim == 2 and {e.ins[1].value, e.ins[2].value} in ({0, 1}, {-1, -2},
                                                                       {0, -1}, {1, -2}):
            return f"{ops[0]}.T"
        return f"{ops[0]}.swapaxes({ops[1]}, {ops[2]})"
    if name == "getitem" and len(ops) == 2 and isinstance(e.ins[1], Const):
        idx = e.ins[1].value
        lit = literal(idx)
        if lit is not None:
            return f"{ops[0]}[{_index_text(idx) if readable else lit}]"
    return None


def _index_text(idx: Any) -> str:
    items = idx if isinstance(idx, tuple) else (idx,)
    parts = []
    for it in items:
        if isinstance(it, slice):
            parts.append(":".join("" if v is None else repr(v)
                                  for v in ((it.start, it.stop) if it.step is None
                                            else (it.start, it.stop, it.step))))
        elif it is None:
            parts.append("None")
        elif it is Ellipsis:
            parts.append("...")
        else:
            parts.append(literal(it) or repr(it))
    return ", ".join(parts) + ("," if isinstance(idx, tuple) and len(idx) == 1 else "")


def buffer_vars(prog: Program) -> set[int]:
    """The variables whose arrays can live in buffers reused across calls: results of
    ufuncs (``out=`` exists), at least 1-d, that no output of the program shares memory
    with (a returned view of a buffer would change under the caller on the next call)."""
    outs = [o.value for o in prog.outvars if isinstance(o, Var)
            and isinstance(o.value, np.ndarray)]
    out_ids = {o.id for o in prog.outvars if isinstance(o, Var)}
    got = set()
    for e in prog.eqns:
        v = e.out.value
        if not (isinstance(e.prim.impl, np.ufunc) and not e.kwargs and e.prim.impl.nout == 1
                and isinstance(v, np.ndarray) and v.ndim >= 1 and e.out.id not in out_ids):
            continue
        if any(np.may_share_memory(v, o) for o in outs):
            continue
        got.add(e.out.id)
    return got


def emit(prog: Program, name: str = "compiled", readable: bool = False,
         comments: bool = False, buffers: set[int] | frozenset = frozenset()
         ) -> tuple[str, dict[str, Any], int]:
    """(source of ``def name(inputs...)``, its globals, NumPy calls in it).

    The function takes the input variables' values in order and returns the tuple of the
    output leaves. The variables in ``buffers`` are written with ``out=`` into arrays
    allocated once (see :func:`buffer_vars`): the function is then not re-entrant.
    """
    glb: dict[str, Any] = {"np": np, "_Retrace": _Retrace, "_array_equal": np.array_equal}
    taken = set(glb) | {name}
    names: dict[int, str] = {}
    pre: list[str] = []  # readable: constants written out before the function
    impl_names: dict[int, str] = {}
    const_names: dict[int, str] = {}

    def vname(v: Var) -> str:
        n = names.get(v.id)
        if n is None:
            n = names[v.id] = _identifier(f"a{v.id}", taken)
        return n

    params = []
    for v in prog.invars:
        params.append(vname(v) if not readable else names.setdefault(
            v.id, _identifier(v.name or f"a{v.id}", taken)))

    def const(x: Any, hint: str = "c") -> str:
        lit = literal(x)
        if lit is not None and (readable or len(lit) < 40):
            return lit
        n = const_names.get(id(x))
        if n is None:
            n = const_names[id(x)] = _identifier(f"{hint}{len(const_names)}", taken)
            if readable and isinstance(x, np.ndarray):
                pre.append(f"{n} = {_array_source(x)}")
            else:
                glb[n] = x
                if readable:
                    pre.append(f"# {n}: {type(x).__name__} (not writable as source; "
                               "bound in the globals)")
        return n

    def operand(x: Any) -> str:
        return vname(x) if isinstance(x, Var) else const(x.value)

    def impl_of(prim: Any) -> str:
        impl = prim.impl
        if isinstance(impl, np.ufunc) and getattr(np, impl.__name__, None) is impl:
            return f"np.{impl.__name__}"
        if impl in (np.argmax, np.argmin, np.sign, np.floor, np.ceil, np.round, np.isnan,
                    np.isfinite, np.where):
            return f"np.{impl.__name__}"
        n = impl_names.get(id(prim))
        if n is None:
            n = impl_names[id(prim)] = _identifier(prim.name, taken)
            glb[n] = impl
        return n

    body: list[str] = []
    calls = 0
    guards = sorted(enumerate(prog.guards), key=lambda g: g[1].position)
    gi = 0

    def emit_guard(k: int) -> None:
        g = prog.guards[k]
        var = operand(g.var)
        if g.kind == "bool":
            test = f"not {var}" if g.expected else var
        else:
            test = f"not _array_equal({var}, {const(g.expected, 'g')})"
        note = f"  # guard: {g.source}" if comments and g.source else ""
        body.append(f"    if {test}:{note}")
        body.append(f"        raise _Retrace({k})")

    for i, e in enumerate(prog.eqns):
        while gi < len(guards) and guards[gi][1].position <= i:
            emit_guard(guards[gi][0])
            gi += 1
        ops = [operand(x) for x in e.ins]
        impl = e.prim.impl
        if e.out.id in buffers:
            buf = _identifier(f"_buf{e.out.id}", taken)
            glb[buf] = np.empty_like(e.out.value)
            expr = f"{impl_of(e.prim)}({', '.join(ops)}, out={buf})"
        elif impl in _INFIX and len(ops) == 2 and not e.kwargs:
            expr = f"{ops[0]} {_INFIX[impl]} {ops[1]}"
        elif (special := _special(e, ops, readable)) is not None:
            expr = special
        elif impl in _PREFIX and len(ops) == 1 and not e.kwargs:
            expr = f"{_PREFIX[impl]}{ops[0]}"
        else:
            kws = [f"{k}={const(v, 'k')}" for k, v in e.kwargs.items()]
            expr = f"{impl_of(e.prim)}({', '.join(ops + kws)})"
        line = f"    {vname(e.out)} = {expr}"
        calls += 1
        if comments:
            note = e.rule or e.source
            if note:
                line = f"{line:<48}  # {note}"
        body.append(line)
    for k, _ in guards[gi:]:
        emit_guard(k)
    outs = [operand(o) if isinstance(o, Var) else const(o.value, "c") for o in prog.outvars]
    body.append(f"    return ({', '.join(outs)}{',' if len(outs) == 1 else ''})")
    head = f"def {name}({', '.join(params)}):"
    src = "\n".join(pre + ([""] if pre else []) + [head] + body) + "\n"
    return src, glb, calls
