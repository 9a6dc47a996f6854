"""Program optimisations, each one switchable and counted.

* ``fold`` — constant folding: an equation whose inputs are all constants is computed now.
  (The tracer already computes operations on constants at trace time, so this finds only
  what the other passes expose.)
* ``fit`` — unbroadcast/fit steps that do nothing where shapes are known: ``sum_to``,
  ``broadcast_to``, ``cast``, ``reshape`` whose output has its input's shape and dtype.
* ``zeros`` — symbolic zeros and ones resolved at compile time: ``x + 0``, ``x - 0``,
  ``x × 1``, ``x / 1``, ``x ** 1`` (with the constant 0 or 1 not changing ``x``'s shape
  or dtype) are ``x`` — exact in IEEE arithmetic, NaN and ±0 included (``x × 0`` is
  not, so it stays).
* ``cse`` — common-subexpression elimination: the same primitive on the same inputs with
  the same keyword arguments is computed once (``sin(a5)`` of the forward pass and of
  ``cos``'s VJP rule).
* ``dce`` — dead-code elimination: equations nobody reads (values the function computes
  and drops, cotangents of inputs that are not asked for) are removed.

:func:`optimize` returns a new :class:`Program` whose ``stats`` counts what each pass
removed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..core import unbroadcast as _fit
from .program import Const, Eqn, Program, Var

__all__ = ["optimize", "PASSES"]

PASSES = ("fold", "fit", "zeros", "cse", "dce")

_FIT_NAMES = frozenset({"sum_to", "broadcast_to", "cast", "reshape", "squeeze",
                        "expand_dims", "ravel", "astype"})
_FITS = (_fit.sum_to, _fit.broadcast_to, _fit.cast)


def _same_layout(a: Any, b: Any) -> bool:
    return (getattr(a, "shape", None) == getattr(b, "shape", ()) and
            getattr(a, "dtype", None) == getattr(b, "dtype", None) and
            isinstance(a, np.ndarray) == isinstance(b, np.ndarray))


def _is_const(x: Any, k: float) -> bool:
    if not isinstance(x, Const):
        return False
    v = x.value
    if isinstance(v, bool) or not isinstance(v, (int, float, np.ndarray, np.generic)):
        return False
    try:
        arr = np.asarray(v)
        return arr.dtype.kind in "fiu" and bool(np.all(arr == k)) and not np.signbit(arr).any()
    except (TypeError, ValueError):
        return False


def _identity_of(e: Eqn) -> Any:
    """The input ``e`` passes through unchanged (as a pass would prove it), else None."""
    name = e.prim.name
    ins = e.ins
    out = e.out.value
    if (e.prim in _FITS or name in _FIT_NAMES) and ins and isinstance(ins[0], Var):
        if _same_layout(ins[0].value, out):
            return ("fit", ins[0])
    if len(ins) == 2 and not e.kwargs:
        a, b = ins
        if name in ("add", "subtract") and isinstance(a, Var) and _is_const(b, 0.0) \
                and _same_layout(a.value, out):
            return ("zeros", a)
        if name == "add" and isinstance(b, Var) and _is_const(a, 0.0) \
                and _same_layout(b.value, out):
            return ("zeros", b)
        if name in ("multiply", "divide", "power") and isinstance(a, Var) and _is_const(b, 1.0) \
                and _same_layout(a.value, out):
            return ("zeros", a)
        if name == "multiply" and isinstance(b, Var) and _is_const(a, 1.0) \
                and _same_layout(b.value, out):
            return ("zeros", b)
    return None


def _key_of(v: Any) -> Any:
    """A hashable stand-in for a constant or keyword value (identity for arrays)."""
    if isinstance(v, Var):
        return ("v", v.id)
    if isinstance(v, Const):
        v = v.value
    if isinstance(v, (np.ndarray, np.generic)):
        if v.size <= 16:
            return ("a", v.dtype.str, v.shape, v.tobytes())
        return ("id", id(v))
    if isinstance(v, (tuple, list)):
        return (type(v).__name__,) + tuple(_key_of(x) for x in v)
    if isinstance(v, slice):
        return ("s", _key_of(v.start), _key_of(v.stop), _key_of(v.step))
    try:
        hash(v)
    except TypeError:
        return ("id", id(v))
    return (type(v).__name__, v)


def _drop_broadcasts(eqns: list, outvars: list, guards: list, stats: dict) -> list:
    """``broadcast_to(x, s)`` read only by ufuncs whose result has shape ``s`` anyway: the
    ufunc broadcasts ``x`` itself (same values), so they read ``x``."""
    pinned = {o.id for o in outvars if isinstance(o, Var)} | {g.var.id for g in guards}
    readers: dict[int, list[Eqn]] = {}
    for e in eqns:
        for x in e.ins:
            if isinstance(x, Var):
                readers.setdefault(x.id, []).append(e)
    swap: dict[int, Any] = {}
    for e in eqns:
        if e.prim is not _fit.broadcast_to or not isinstance(e.ins[0], Var) \
                or e.out.id in pinned:
            continue
        rs = readers.get(e.out.id, [])
        if rs and all(isinstance(r.prim.impl, np.ufunc) and not r.kwargs
                      and r.out.shape == e.out.shape and
                      any(isinstance(x, Var) and x.id != e.out.id and x.shape == e.out.shape
                          for x in r.ins) for r in rs):
            swap[e.out.id] = e.ins[0]
            stats["fit"] += 1
    if not swap:
        return eqns
    return [dataclasses.replace(e, ins=tuple(swap.get(x.id, x) if isinstance(x, Var) else x
                                             for x in e.ins)) for e in eqns]


def optimize(prog: Program, passes: Any = PASSES) -> Program:
    """``prog`` with the ``passes`` applied (names from :data:`PASSES`); ``.stats`` counts
    the equations each removed."""
    passes = frozenset(PASSES if passes is True else () if not passes else passes)
    unknown = passes - set(PASSES) - {"buffers"}  # buffers: chosen when the code is emitted
    if unknown:
        raise ValueError(f"unknown optimisation passes {sorted(unknown)}; the passes are "
                         f"{PASSES}")
    stats = {p: 0 for p in PASSES}
    stats["equations_traced"] = len(prog.eqns)
    alias: dict[int, Any] = {}  # var id -> what replaces it (a Var or a Const)
    seen: dict[Any, Var] = {}
    eqns: list[Eqn] = []

    def sub(x: Any) -> Any:
        return alias.get(x.id, x) if isinstance(x, Var) else x

    producer: dict[int, Eqn] = {}
    for e in prog.eqns:
        ins = tuple(sub(x) for x in e.ins)
        if "fit" in passes and e.prim.name == "reshape" and ins and isinstance(ins[0], Var):
            prev = producer.get(ins[0].id)
            if prev is not None and prev.prim is e.prim and not prev.kwargs:
                ins = (prev.ins[0],) + ins[1:]  # reshape(reshape(x, s1), s2) = reshape(x, s2)
        if ins != e.ins:
            e = dataclasses.replace(e, ins=ins)
        producer[e.out.id] = e
        if "fold" in passes and ins and not any(isinstance(x, Var) for x in ins) \
                and not e.prim.nondiff:
            alias[e.out.id] = Const(e.prim.impl(*[x.value for x in ins], **e.kwargs))
            stats["fold"] += 1
            continue
        ident = _identity_of(e)
        if ident is not None and ident[0] in passes:
            alias[e.out.id] = ident[1]
            stats[ident[0]] += 1
            continue
        if "cse" in passes:
            try:
                key = (id(e.prim), tuple(_key_of(x) for x in ins),
                       tuple(sorted((k, _key_of(v)) for k, v in e.kwargs.items())))
                hash(key)
            except TypeError:
                key = None
            if key is not None:
                prev = seen.get(key)
                if prev is not None:
                    alias[e.out.id] = prev
                    stats["cse"] += 1
                    continue
                seen[key] = e.out
        eqns.append(e)
    outvars = [sub(o) for o in prog.outvars]
    guards = [dataclasses.replace(g, var=sub(g.var)) for g in prog.guards]
    if "fit" in passes:
        eqns = _drop_broadcasts(eqns, outvars, guards, stats)
    # a guard on a value that folded to a constant is decided: keep it only if it is live
    guards = [g for g in guards if isinstance(g.var, Var)]
    if "dce" in passes:
        live = {o.id for o in outvars if isinstance(o, Var)}
        live.update(g.var.id for g in guards)
        kept = []
        for e in reversed(eqns):
            if e.out.id in live:
                kept.append(e)
                live.update(x.id for x in e.ins if isinstance(x, Var))
            else:
                stats["dce"] += 1
        eqns = kept[::-1]
    # guards are placed by how many equations came before them
    if len(eqns) != len(prog.eqns):
        order = {e.out.id: i for i, e in enumerate(eqns)}
        placed = []
        for g in guards:
            pos = order.get(g.var.id, -1) + 1
            placed.append(dataclasses.replace(g, position=max(pos, 0)))
        guards = placed
    stats["equations"] = len(eqns)
    return dataclasses.replace(prog, eqns=eqns, outvars=outvars, guards=guards, stats=stats)
