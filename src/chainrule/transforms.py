"""The transforms: functions in, functions out (JAX style).

Reverse mode (``grad``, ``value_and_grad``, ``vjp``, ``jacrev``, ``elementwise_grad``) opens
a :class:`~chainrule.core.ReverseTrace`, runs the function on traced inputs, and walks the
tape back once per cotangent. Forward mode (``jvp``, ``jacfwd``) opens a
:class:`~chainrule.core.JVPTrace`. ``hessian`` and ``hvp`` are forward over reverse.

Arguments and results may be pytrees. Gradients keep the structure, shape and floating
dtype of their argument; a 0-d result comes back as a NumPy scalar (``np.float64(6.0)``),
which behaves like a 0-d array. Integer and boolean arguments to a differentiating
transform are a ``TypeError``; arguments not differentiated may be anything.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import weakref
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

import numpy as np

from . import ops
from .core import (
    ByArgnum,
    FinishedJVPTrace,
    FinishedReverseTrace,
    JVPTrace,
    Primitive,
    ReverseTrace,
    Tracer,
    full_unwrap,
    primitive,
)
from .core import batching as _batching
from .core import tree as _tree

__all__ = [
    "grad", "value_and_grad", "vjp", "jvp", "jacfwd", "jacrev", "jacobian", "hessian", "hvp",
    "elementwise_grad", "stop_gradient", "checkpoint", "primitive", "vmap",
]


# ---- argument handling --------------------------------------------------------------------

def _fname(f: Callable) -> str:
    return getattr(f, "__name__", type(f).__name__)


def _as_float_leaf(x: Any, where: Callable[[], str]) -> Any:
    """A differentiable leaf: a floating or complex array (or a tracer of an outer transform).

    ``where`` builds the leaf's description for the error message (only on failure).
    """
    if isinstance(x, (np.ndarray, Tracer)):
        dtype = x.dtype
    elif x is None:
        dtype = None
    else:
        if not isinstance(x, (bool, int, np.bool_, np.integer)):
            if np.asarray(x).dtype.kind == "O":
                raise TypeError(_container_hint(where(), x))
            x = np.asarray(x)
        dtype = np.asarray(x).dtype
    if dtype is None or (dtype.kind != "f" and dtype.kind != "c"):
        what = "None" if dtype is None else f"dtype {dtype}"
        hint = (" (a Python int: write 3.0 instead of 3, or pass np.float64(x))"
                if isinstance(x, int) and not isinstance(x, bool) else "")
        raise TypeError(
            f"{where()} has {what}{hint}; only floating (real or complex) arguments can be "
            "differentiated. "
            "Convert it with x.astype(float), or leave it out of argnums if it is data.")
    return x


def _container_hint(where: str, x: Any) -> str:
    """The error for a leaf that is an object chainrule does not know as a container."""
    cls = type(x).__name__
    fix = (f"register the dataclass as a pytree: @cr.tree.register_dataclass above "
           f"class {cls} (or cr.tree.register_dataclass({cls}))"
           if dataclasses.is_dataclass(x) else
           f"register {cls} as a pytree with cr.tree.register({cls}, flatten, unflatten), "
           "or pass its arrays (a dict, list or tuple of them)")
    return (f"{where} is a {cls} object, which is neither an array nor a container "
            f"chainrule knows, so it has no derivative; {fix}.")


def _argnums_tuple(argnums: int | Sequence[int], nargs: int, fname: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, (int, np.integer)) else tuple(argnums)
    for a in nums:
        if not -nargs <= a < nargs:
            raise TypeError(f"argnums={argnums!r} for {fname}, which was called with {nargs} "
                            "positional arguments; argnums counts positional arguments from 0.")
    return tuple(a % nargs for a in nums)


def _describe(transform: str, fname: str, args: tuple, a: int, k: int) -> str:
    """'grad(f): argument 0["W"]': where leaf ``k`` of argument ``a`` sits."""
    return f"{transform}({fname}): argument {a}{_tree.paths(args[a])[k]}"


class _Wrapped:
    """The differentiated arguments of one call, flattened, with their tracers."""

    def __init__(self, transform: str, f: Callable, args: tuple, argnums: tuple[int, ...]):
        self.args = list(args)
        self.argnums = argnums
        self.leaves: list[list[Any]] = []
        self.defs: list[Any] = []
        fname = _fname(f)
        for a in argnums:
            leaves, td = _tree.flatten(args[a])
            for k, x in enumerate(leaves):  # float arrays (the usual case) pass as they are
                if x.__class__ is not np.ndarray or x.dtype.kind != "f":  # complex: here
                    leaves[k] = _as_float_leaf(
                        x, lambda a=a, k=k: _describe(transform, fname, args, a, k))
            self.leaves.append(leaves)
            self.defs.append(td)

    def substitute(self, tracers: list[list[Any]]) -> list[Any]:
        args = list(self.args)
        for a, td, ts in zip(self.argnums, self.defs, tracers):
            args[a] = _tree.unflatten(td, ts)
        return args


def _unwrap_level(x: Any, trace: Any) -> Any:
    return x._value if isinstance(x, Tracer) and x._trace is trace else x


def _shape_dtype(x: Any) -> tuple[tuple[int, ...], Any]:
    if isinstance(x, (Tracer, np.ndarray, np.generic)):
        return x.shape, x.dtype
    a = np.asarray(x)
    return a.shape, a.dtype


def _zeros_like(x: Any) -> Any:
    shape, dtype = _shape_dtype(x)
    return np.zeros(shape, dtype)


def _finish(g: Any, like: Any, avoid: tuple = ()) -> Any:
    """A gradient as returned to the user: like's shape and dtype, an owned array (a copy
    where it would be read-only or share memory with one of the caller's cotangents in
    ``avoid``: the VJP of ``x + b`` is the cotangent itself)."""
    if g is None:
        g = _zeros_like(like)
    if isinstance(g, Tracer):
        return g
    if not isinstance(g, np.ndarray):
        g = np.asarray(g)
    dtype = like.dtype if isinstance(like, (np.ndarray, np.generic)) else _shape_dtype(like)[1]
    if g.dtype != dtype:
        g = g.astype(dtype)
    if not g.flags.writeable or (avoid and any(np.may_share_memory(g, c) for c in avoid)):
        g = g.copy()
    return g[()] if g.ndim == 0 else g


def _split_aux(out: Any, has_aux: bool, name: str) -> tuple[Any, Any]:
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise TypeError(f"{name} with has_aux=True: the function must return a pair "
                        f"(output, aux); it returned {type(out).__name__}.")
    return out


def _check_like(kind: str, given: Any, primal: Any, where: str) -> Any:
    """A tangent/cotangent leaf checked against its primal's shape and dtype."""
    if isinstance(given, Tracer):
        return given
    shape, dtype = _shape_dtype(primal)
    if isinstance(given, (float, int)) and not isinstance(given, bool):
        given = np.asarray(given, dtype)  # a Python number takes the primal's dtype
    g = np.asarray(given)
    if g.shape != shape:
        raise ValueError(f"{where}: the {kind} has shape {g.shape} but its primal has shape "
                         f"{shape}; pass a {kind} of the primal's shape.")
    if g.dtype != dtype:
        if np.issubdtype(g.dtype, np.floating) and np.issubdtype(dtype, np.floating) \
                and np.can_cast(g.dtype, dtype, "same_kind"):
            if g.dtype.itemsize > dtype.itemsize:
                raise TypeError(f"{where}: the {kind} has dtype {g.dtype} but its primal has "
                                f"dtype {dtype}; pass a {kind} of dtype {dtype}.")
            g = g.astype(dtype)
        else:
            raise TypeError(f"{where}: the {kind} has dtype {g.dtype} but its primal has "
                            f"dtype {dtype}; pass a {kind} of dtype {dtype}.")
    return g


# ---- reverse mode -------------------------------------------------------------------------

def _vjp(f: Callable, args: tuple, kwargs: dict, argnums: tuple[int, ...], has_aux: bool,
         name: str, once: bool = False, protect: bool = False,
         wrapped: _Wrapped | None = None) -> tuple[Any, Callable, Any]:
    """Trace ``f`` for reverse mode. ``once`` is for chainrule's own callers, which pass a
    cotangent they made themselves: the returned ``vjp_fn`` may then be called only once,
    skips the cotangent checks, and releases each record as the backward pass leaves it
    (less peak memory)."""
    if wrapped is None:
        wrapped = _Wrapped(name, f, args, argnums)
    trace = ReverseTrace()
    tracers = [[trace.leaf(x) for x in leaves] for leaves in wrapped.leaves]
    try:
        out = f(*wrapped.substitute(tracers), **kwargs)
    finally:
        trace.__class__ = FinishedReverseTrace  # its tracers may not be used again
    out, aux = _split_aux(out, has_aux, name)
    out_leaves, out_def = _tree.flatten(out)
    values = [_unwrap_level(o, trace) for o in out_leaves]
    if aux is not None:
        aux = _tree.tree_map(lambda x: _unwrap_level(x, trace), aux)

    def vjp_fn(cotangent: Any) -> tuple[Any, ...]:
        ct_leaves, ct_def = _tree.flatten(cotangent)
        if ct_def != out_def:
            raise TypeError(f"vjp_fn of {_fname(f)}: the cotangent must have the output's "
                            f"structure {out_def}, got {ct_def}.")
        seeds = []
        for o, v, c in zip(out_leaves, values, ct_leaves):
            if not once:
                c = _check_like("cotangent", c, v, f"vjp_fn of {_fname(f)}")
            if isinstance(o, Tracer) and o._trace is trace:
                seeds.append((o, c))
        cts = trace.backward(seeds, once) if seeds else [None] * len(trace.tape)
        # The caller's own cotangent arrays must not come back as (views of) gradients.
        given = () if once else tuple(c for _, c in seeds if isinstance(c, np.ndarray))
        grads = []
        for td, ts, leaves in zip(wrapped.defs, tracers, wrapped.leaves):
            grads.append(_tree.unflatten(
                td, [_finish(cts[t._index], x, given) for t, x in zip(ts, leaves)]))
        if once:
            trace.tape.clear()
        return tuple(grads)

    # Records point at their trace and the trace at its tape: a reference cycle. Clearing
    # the tape when vjp_fn is dropped frees the recorded arrays at once, without waiting
    # for Python's cycle collector.
    if not once:
        weakref.finalize(vjp_fn, trace.tape.clear)
    if protect:
        _protect_saved(trace, vjp_fn)
    return _tree.unflatten(out_def, values), vjp_fn, aux


def vjp(f: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """``(f(*primals), vjp_fn)``; ``vjp_fn(ā)`` returns one cotangent per primal.

    ``ā`` has the structure, shapes and dtypes of ``f``'s output. With ``has_aux=True``,
    ``f`` returns ``(out, aux)`` and ``vjp`` returns ``(out, vjp_fn, aux)``. ``vjp_fn`` may
    be called many times (the tape is walked once per call).
    """
    out, fn, aux = _vjp(f, primals, {}, tuple(range(len(primals))), has_aux, "vjp",
                        protect=True)
    return (out, fn, aux) if has_aux else (out, fn)


def _protect_saved(trace: ReverseTrace, vjp_fn: Callable) -> None:
    """Make the arrays the backward pass will read read-only while ``vjp_fn`` lives.

    Writing into one of them in place (``x += 1``) between ``vjp`` and ``vjp_fn(ā)`` would
    silently change the gradient; read-only, the write fails at once, where it is made
    (NumPy's "assignment destination is read-only"). The flags are restored when
    ``vjp_fn`` is released.
    """
    touched: list[np.ndarray] = []
    seen: set[int] = set()

    def protect(a: Any) -> None:
        while isinstance(a, np.ndarray) and id(a) not in seen:
            seen.add(id(a))
            if a.flags.writeable:
                a.flags.writeable = False
                touched.append(a)
            a = a.base

    for node in trace.tape:
        protect(node._value)
        if node._record is not None:
            for v in node._record[1]:
                protect(v)

    def depth(a: np.ndarray) -> int:
        n = 0
        while isinstance(a.base, np.ndarray):
            a, n = a.base, n + 1
        return n

    def restore(arrays: list[np.ndarray] = touched) -> None:
        for a in sorted(arrays, key=depth):  # a base before its views
            try:
                a.flags.writeable = True
            except ValueError:  # its base is read-only for reasons of its own
                pass
    weakref.finalize(vjp_fn, restore)


def _holomorphic_inputs(wrapped: _Wrapped, name: str, f: Callable) -> None:
    """holomorphic=True differentiates complex inputs only (JAX's rule)."""
    for leaves in wrapped.leaves:
        for x in leaves:
            dt = _shape_dtype(x)[1]
            if dt.kind != "c":
                raise TypeError(f"{name}({_fname(f)}, holomorphic=True): an input has dtype "
                                f"{dt}; holomorphic differentiation needs complex inputs "
                                "(pass x.astype(complex), or drop holomorphic=True).")


def _scalar_seed(out: Any, f: Callable, name: str, has_aux: bool,
                 holomorphic: bool = False) -> Any:
    if isinstance(out, (tuple, list, dict)):
        hint = ("; if the extra outputs are auxiliary data, use has_aux=True and return "
                "(loss, aux)" if isinstance(out, tuple) and not has_aux else "")
        raise TypeError(f"{name}({_fname(f)}): the function must return a real scalar, but it "
                        f"returned a {type(out).__name__}{hint}.")
    shape, dtype = _shape_dtype(out)
    if math.prod(shape) != 1:
        raise TypeError(
            f"{name}({_fname(f)}): the function must return a real scalar (size 1), but the "
            f"output has shape {shape}. For a non-scalar output use jacrev/jacfwd (the full "
            "Jacobian), vjp (a vector-Jacobian product), or elementwise_grad (the gradient "
            "of the sum), or reduce it (e.g. .sum()) first.")
    if holomorphic:
        if dtype.kind != "c":
            raise TypeError(f"{name}({_fname(f)}, holomorphic=True): the output has dtype "
                            f"{dtype}; holomorphic differentiation needs a complex output.")
    elif dtype.kind == "c":
        raise TypeError(f"{name}({_fname(f)}): the output has dtype {dtype}; grad needs a real "
                        "output. For f'(z) of a holomorphic f pass holomorphic=True (autograd's "
                        "holomorphic_grad); for a real loss take its real part or abs first.")
    elif dtype.kind != "f":
        raise TypeError(f"{name}({_fname(f)}): the output has dtype {dtype}; grad needs a real "
                        "floating output (an integer or boolean output has no derivative).")
    return np.ones(shape, dtype)


def value_and_grad(f: Callable, argnums: int | Sequence[int] = 0,
                   has_aux: bool = False, holomorphic: bool = False) -> Callable:
    """``f``'s value and its gradient: ``(value, grad)``, or ``((value, aux), grad)``."""
    return _value_and_grad(f, argnums, has_aux, "value_and_grad", holomorphic)


def _value_and_grad(f: Callable, argnums: int | Sequence[int], has_aux: bool,
                    name: str, holomorphic: bool = False) -> Callable:
    nums_for: dict[int, tuple[int, ...]] = {}  # argnums normalised, by number of arguments

    @functools.wraps(f)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> Any:
        nums = nums_for.get(len(args))
        if nums is None:
            nums = nums_for[len(args)] = _argnums_tuple(argnums, len(args), _fname(f))
        if holomorphic:
            _holomorphic_inputs(_Wrapped(name, f, args, nums), name, f)
        out, fn, aux = _vjp(f, args, kwargs, nums, has_aux, name, once=True)
        seed = _scalar_seed(out, f, name, has_aux, holomorphic)
        grads = fn(seed)
        g = grads if not isinstance(argnums, (int, np.integer)) else grads[0]
        return ((out, aux), g) if has_aux else (out, g)

    return value_and_grad_f


def grad(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
         holomorphic: bool = False) -> Callable:
    """The gradient of a real scalar function: ``grad(f)(x)`` has x's structure, shape, dtype.

    ``argnums`` picks the differentiated positional arguments (an int, or a tuple for a
    tuple of gradients). With ``has_aux=True``, ``f`` returns ``(loss, aux)`` and the
    result is ``(grad, aux)``. An output that does not depend on the argument gives zeros.

    Complex inputs (docs/complex.md): for a real ``f`` of z = x + iy the gradient is
    ∂f/∂x - i ∂f/∂y (autograd's and JAX's convention; step along its conjugate to ascend).
    ``holomorphic=True`` (JAX's spelling): ``f`` is complex-valued and holomorphic in
    complex inputs, and the result is f'(z).
    """
    vg = _value_and_grad(f, argnums, has_aux, "grad", holomorphic)

    @functools.wraps(f)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        (out, g) = vg(*args, **kwargs)
        return (g, out[1]) if has_aux else g

    grad_f.__name__ = f"grad({_fname(f)})"
    return grad_f


def elementwise_grad(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """The gradient of ``sum(f(x))``: a VJP with a cotangent of ones.

    For an elementwise ``f`` this is the derivative at every entry (``elementwise_grad(np.tanh)``
    gives 1 - tanh²).
    """
    @functools.wraps(f)
    def egrad_f(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args), _fname(f))
        out, fn, _ = _vjp(f, args, kwargs, nums, False, "elementwise_grad", once=True)
        grads = fn(_tree.tree_map(lambda o: np.ones(*_shape_dtype(o)), out))
        return grads if not isinstance(argnums, (int, np.integer)) else grads[0]

    return egrad_f


# ---- forward mode -------------------------------------------------------------------------

def _jvp(f: Callable, args: tuple, kwargs: dict, argnums: tuple[int, ...],
         tangents: Sequence[list[Any]], name: str) -> tuple[Any, Any]:
    wrapped = _Wrapped(name, f, args, argnums)
    trace = JVPTrace()
    tracers = [[trace.leaf(x, t) for x, t in zip(leaves, ts)]
               for leaves, ts in zip(wrapped.leaves, tangents)]
    try:
        out = f(*wrapped.substitute(tracers), **kwargs)
    finally:
        trace.__class__ = FinishedJVPTrace  # its tracers may not be used again
    out_leaves, out_def = _tree.flatten(out)
    values, tans = [], []
    for o in out_leaves:
        if isinstance(o, Tracer) and o._trace is trace:
            values.append(o._value)
            tans.append(o._tangent)
        else:
            values.append(o)
            tans.append(_zeros_like(o))
    return _tree.unflatten(out_def, values), _tree.unflatten(out_def, tans)


def jvp(f: Callable, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """``(f(*primals), ȧ_out)``: the Jacobian-vector product in one forward pass.

    ``primals`` and ``tangents`` are tuples (one entry per argument of ``f``); each tangent
    has its primal's structure, shape and dtype.
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp(f, primals, tangents): primals and tangents must be tuples, one "
                        "entry per argument of f, e.g. jvp(f, (x,), (v,)).")
    if len(primals) != len(tangents):
        raise TypeError(f"jvp({_fname(f)}): {len(primals)} primals but {len(tangents)} "
                        "tangents; pass one tangent per primal.")
    argnums = tuple(range(len(primals)))
    ts = []
    for i, (p, t) in enumerate(zip(primals, tangents)):
        pl, pd = _tree.flatten(p)
        tl, td = _tree.flatten(t)
        if pd != td:
            raise TypeError(f"jvp({_fname(f)}): tangent {i} has structure {td} but its primal "
                            f"has {pd}; pass a tangent of the primal's structure.")
        where = f"jvp({_fname(f)}): tangent {i}"
        ts.append([_check_like("tangent", tv, pv, where) for tv, pv in zip(tl, pl)])
    return _jvp(f, tuple(primals), {}, argnums, ts, "jvp")


# ---- Jacobians and Hessians ---------------------------------------------------------------

def _stack_rows(stacked: Any, out_shape: tuple[int, ...], in_shape: tuple[int, ...],
                leading_out: bool) -> Any:
    """A block stacked by basis vector — ``(n_out, *in_shape)`` in reverse mode, ``(n_in,
    *out_shape)`` in forward mode — laid out as out.shape + in.shape."""
    if leading_out:
        jac = ops.reshape(stacked, out_shape + in_shape)
    else:  # rows indexed by input entry, each of out_shape: move the input axis last
        stacked = ops.reshape(stacked, (int(np.prod(in_shape)),) + out_shape)
        moved = ops.moveaxis(stacked, 0, -1) if stacked.ndim > 1 else stacked
        jac = ops.reshape(moved, out_shape + in_shape)
    # A scalar's derivative comes back as a NumPy scalar, as grad's does.
    return jac[()] if isinstance(jac, np.ndarray) and jac.ndim == 0 else jac


def _basis_batch(shape: tuple[int, ...], dtype: Any, start: int, stop: int) -> np.ndarray:
    """Rows ``start:stop`` of the identity over ``shape``'s entries, each of ``shape``."""
    n = int(np.prod(shape))
    eye = np.zeros((stop - start, n), dtype=dtype)
    eye[np.arange(stop - start), np.arange(start, stop)] = 1
    return eye.reshape((stop - start,) + tuple(shape))


def _chunks(n: int, chunk_size: int | None) -> list[tuple[int, int]]:
    step = n if not chunk_size or chunk_size >= n else int(chunk_size)
    return [(i, min(i + step, n)) for i in range(0, n, max(step, 1))] or [(0, 0)]


def _join_chunks(parts: list[Any]) -> Any:
    if len(parts) == 1:
        return parts[0]
    return ops.concatenate_pieces(*parts) if any(isinstance(p, Tracer) for p in parts) \
        else np.concatenate([np.asarray(p) for p in parts])


def jacfwd(f: Callable, argnums: int | Sequence[int] = 0, holomorphic: bool = False,
           chunk_size: int | None = None) -> Callable:
    """The Jacobian by forward mode: the JVPs of all input basis vectors in one batched
    pass (``vmap`` of ``jvp``); ``chunk_size`` bounds how many go at once (memory).

    The result has shape ``out.shape + in.shape``; for pytree outputs, the output's
    structure holds those arrays, and with a tuple ``argnums`` each holds a tuple. Complex
    inputs need ``holomorphic=True`` (the entries are then ∂f_i/∂z_j), as in JAX.
    """
    @functools.wraps(f)
    def jac_f(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args), _fname(f))
        wrapped = _Wrapped("jacfwd", f, args, nums)
        if holomorphic:
            _holomorphic_inputs(wrapped, "jacfwd", f)
        else:
            for leaves in wrapped.leaves:
                for x in leaves:
                    if _shape_dtype(x)[1].kind == "c":
                        raise TypeError(
                            f"jacfwd({_fname(f)}): an input is complex; a Jacobian over "
                            "complex inputs is defined for holomorphic functions: pass "
                            "holomorphic=True, or use jvp/vjp (or jacrev of a real output).")
        primal: list[Any] = []  # the output, from the first batched pass (it has no batch)
        per_input: list[list[Any]] = []  # [input leaf] -> per output leaf: (n_in, *out.shape)
        for k, leaves in enumerate(wrapped.leaves):
            for j, x in enumerate(leaves):
                shape, dtype = _shape_dtype(x)

                def tangents_of(e: Any, k: int = k, j: int = j) -> list[Any]:
                    ts = [[_zeros_like(y) if (kk, jj) != (k, j) else e
                           for jj, y in enumerate(ls)] for kk, ls in enumerate(wrapped.leaves)]
                    out, tan = _jvp(f, args, kwargs, nums, ts, "jacfwd")
                    if not primal:
                        primal.append(out)
                    return _tree.flatten(tan)[0]

                parts = [_vmap_quiet(tangents_of, _basis_batch(shape, dtype, a, b))
                         for a, b in _chunks(int(np.prod(shape)), chunk_size)]
                per_input.append([_join_chunks([p[oi] for p in parts])
                                  for oi in range(len(parts[0]))])
        out_values, out_def = _tree.flatten(primal[0] if primal else f(*args, **kwargs))
        return _assemble(out_values, out_def, wrapped, argnums,
                         lambda oi, idx: per_input[idx][oi], leading_out=False)

    return jac_f


def jacrev(f: Callable, argnums: int | Sequence[int] = 0, holomorphic: bool = False,
           chunk_size: int | None = None) -> Callable:
    """The Jacobian by reverse mode: one tape, and the VJPs of all output basis vectors in
    one batched backward pass (``vmap`` of the VJP); ``chunk_size`` bounds how many go at
    once (memory).

    Same layout as :func:`jacfwd`: ``out.shape + in.shape``. A complex output needs
    ``holomorphic=True`` (JAX's rule); a real output of complex inputs has rows
    ∂f_i/∂x - i ∂f_i/∂y, as :func:`grad`.
    """
    @functools.wraps(f)
    def jac_f(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args), _fname(f))
        wrapped = _Wrapped("jacrev", f, args, nums)
        if holomorphic:
            _holomorphic_inputs(wrapped, "jacrev", f)
        out, fn, _ = _vjp(f, args, kwargs, nums, False, "jacrev", wrapped=wrapped)
        out_values, out_def = _tree.flatten(out)
        per_output: list[list[Any]] = []  # [output leaf] -> per input leaf: (n_out, *in.shape)
        for i, o in enumerate(out_values):
            shape, dtype = _shape_dtype(o)
            if holomorphic and dtype.kind != "c":
                raise TypeError(f"jacrev({_fname(f)}, holomorphic=True): output {i} has dtype "
                                f"{dtype}; holomorphic differentiation needs complex outputs.")
            if dtype.kind == "c" and not holomorphic:
                raise TypeError(f"jacrev({_fname(f)}): output {i} is complex ({dtype}); pass "
                                "holomorphic=True for a holomorphic function, or differentiate "
                                "its real and imaginary parts separately.")
            if not np.issubdtype(dtype, np.floating) and dtype.kind != "c":
                raise TypeError(f"jacrev({_fname(f)}): output {i} has dtype {dtype}; only "
                                "real floating outputs have a Jacobian.")

            def grads_of(e: Any, i: int = i) -> list[Any]:
                cts = [e if ii == i else _zeros_like(v) for ii, v in enumerate(out_values)]
                return [leaf for g in fn(_tree.unflatten(out_def, cts))
                        for leaf in _tree.flatten(g)[0]]

            parts = [_vmap_quiet(grads_of, _basis_batch(shape, dtype, a, b))
                     for a, b in _chunks(int(np.prod(shape)), chunk_size)]
            per_output.append([_join_chunks([p[idx] for p in parts])
                               for idx in range(len(parts[0]))])
        return _assemble(out_values, out_def, wrapped, argnums,
                         lambda oi, idx: per_output[oi][idx], leading_out=True)

    return jac_f


def jacobian(f: Callable, argnums: int | Sequence[int] = 0,
             chunk_size: int | None = None) -> Callable:
    """The Jacobian, in the mode the shapes call for (the lecture's rule): forward mode
    (:func:`jacfwd`, one pass per input entry, batched) when there are at least as many
    output entries as input entries, reverse mode (:func:`jacrev`, one pass per output
    entry, batched) otherwise. Deciding needs the output's size: ``f`` is evaluated once
    more, on plain values. Use ``jacfwd``/``jacrev`` to choose yourself.
    """
    fwd = jacfwd(f, argnums, chunk_size=chunk_size)
    rev = jacrev(f, argnums, chunk_size=chunk_size)

    @functools.wraps(f)
    def jac_f(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args), _fname(f))
        n_in = sum(int(np.size(leaf)) for a in nums for leaf in _tree.flatten(args[a])[0])
        n_out = sum(int(np.size(leaf)) for leaf in _tree.flatten(f(*args, **kwargs))[0])
        return (fwd if n_out >= n_in else rev)(*args, **kwargs)

    return jac_f


def _assemble(out_values: list, out_def: Any, wrapped: _Wrapped, argnums: Any,
              rows_for: Callable[[int, int], list], leading_out: bool) -> Any:
    """The Jacobian pytree: output structure outside, argument structure inside.

    ``rows_for(oi, idx)`` is the block for output leaf ``oi`` and input leaf ``idx``, stacked
    by input entry (forward mode) or by output entry (reverse mode).
    """
    results = []
    for oi, o in enumerate(out_values):
        oshape = _shape_dtype(o)[0]
        per_arg = []
        idx = 0
        for k, leaves in enumerate(wrapped.leaves):
            blocks = []
            for x in leaves:
                blocks.append(_stack_rows(rows_for(oi, idx), oshape, _shape_dtype(x)[0],
                                          leading_out))
                idx += 1
            per_arg.append(_tree.unflatten(wrapped.defs[k], blocks))
        results.append(per_arg[0] if isinstance(argnums, (int, np.integer)) else tuple(per_arg))
    return _tree.unflatten(out_def, results)


def hessian(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """The Hessian, forward over reverse: ``jacfwd(jacrev(f))``.

    With an int ``argnums`` the result has shape ``x.shape + x.shape``; with a tuple it is
    nested tuples ``H[a][b]`` = ∂²f / ∂x_a ∂x_b (JAX's layout).
    """
    h = jacfwd(jacrev(f, argnums), argnums)

    @functools.wraps(f)
    def hessian_f(*args: Any, **kwargs: Any) -> Any:
        # checked here too, so that a misuse names hessian rather than its inner jacfwd
        _Wrapped("hessian", f, args, _argnums_tuple(argnums, len(args), _fname(f)))
        return h(*args, **kwargs)

    hessian_f.__name__ = f"hessian({_fname(f)})"
    return hessian_f


def hvp(f: Callable, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, ...]:
    """The Hessian-vector products ``H v``, one per primal, without forming H.

    Forward over reverse: ``jvp(grad(f, all arguments), primals, tangents)``.
    """
    if isinstance(primals, (tuple, list)):  # a misuse names hvp and f, not the inner jvp
        _Wrapped("hvp", f, tuple(primals), tuple(range(len(primals))))
    n = len(primals)
    g = grad(f, argnums=tuple(range(n)))
    return jvp(functools.wraps(f)(lambda *xs: g(*xs)), primals, tangents)[1]


# ---- control of differentiation ------------------------------------------------------------

def _stop_impl(x: Any) -> Any:
    return x


_stop = Primitive(_stop_impl, "stop_gradient", nondiff=True)


def stop_gradient(x: Any) -> Any:
    """``x``'s value with no derivative, at every level of nesting (a pytree is fine)."""
    return _tree.tree_map(lambda v: _stop(v) if isinstance(v, Tracer) else v, x)


_P = ParamSpec("_P")
_T = TypeVar("_T")


def checkpoint(f: Callable[_P, _T]) -> Callable[_P, _T]:
    """``f``, but its intermediate values are not kept for the backward pass.

    Reverse mode records one tape entry for the whole call and, during the backward pass,
    runs ``f`` again under its own ``vjp`` to get the adjoints: memory for time. ``f`` takes
    pytrees of arrays and returns a single array. Forward mode differentiates through it.
    """
    fname = _fname(f)

    @functools.wraps(f)
    def checkpointed(*args: Any) -> Any:  # typed as f: Callable[_P, _T]
        leaves, td = _tree.flatten(list(args))
        if not any(isinstance(x, Tracer) for x in leaves):
            return f(*args)
        diff = [i for i, x in enumerate(leaves)
                if isinstance(x, Tracer) and np.issubdtype(x.dtype, np.floating)]

        def on_leaves(*ls: Any) -> Any:
            out = f(*_tree.unflatten(td, ls))
            if isinstance(out, (tuple, list, dict)):
                raise TypeError(f"checkpoint({fname}): the function must return a single "
                                f"array, got a {type(out).__name__}.")
            return out

        def on_diff(ls: tuple, *xs: Any) -> Any:
            full = list(ls)
            for i, x in zip(diff, xs):
                full[i] = x
            return on_leaves(*full)

        cache: dict[str, Any] = {}

        def vjp_rule(i: int, g: Any, ans: Any, *ls: Any) -> Any:
            # One recomputation per backward step, not per input. A step asks for each
            # input at most once, so an input asked for again means a new step, even when
            # the caller passes the same (possibly mutated) cotangent object again.
            if cache.get("g") is not g or i in cache["served"]:
                _, fn = vjp(lambda *xs: on_diff(ls, *xs), *[ls[k] for k in diff])
                cache["g"], cache["grads"], cache["served"] = g, fn(g), set()
            cache["served"].add(i)
            return cache["grads"][diff.index(i)] if i in diff else None

        def jvp_rule(i: int, t: Any, ans: Any, *ls: Any) -> Any:
            if i not in diff:
                return None
            prims = [ls[k] for k in diff]
            tans = [t if k == i else np.zeros(*_shape_dtype(ls[k])) for k in diff]
            return jvp(lambda *xs: on_diff(ls, *xs), prims, tans)[1]

        p = Primitive(on_leaves, f"checkpoint({fname})")
        p.vjps = ByArgnum(vjp_rule)
        p.jvps = ByArgnum(jvp_rule)
        return p(*leaves)

    return checkpointed  # type: ignore[return-value]  (functools.wraps keeps f's signature)


def _accept_argnum(transform: Callable) -> Callable:
    """``transform`` also accepting autograd's spelling ``argnum=`` for ``argnums=``."""
    @functools.wraps(transform)
    def accepting(f: Callable, *args: Any, argnum: Any = None, **kwargs: Any) -> Callable:
        if argnum is not None:
            if args or "argnums" in kwargs:
                raise TypeError(f"{transform.__name__}: pass argnums= or argnum= (autograd's "
                                "spelling of the same thing), not both.")
            kwargs["argnums"] = argnum
        return transform(f, *args, **kwargs)
    return accepting


# autograd's argnum= (the same meaning); applied last, so internal calls are unaffected
grad = _accept_argnum(grad)
value_and_grad = _accept_argnum(value_and_grad)
elementwise_grad = _accept_argnum(elementwise_grad)
jacfwd = _accept_argnum(jacfwd)
jacrev = _accept_argnum(jacrev)
jacobian = _accept_argnum(jacobian)
hessian = _accept_argnum(hessian)

_ = full_unwrap  # re-exported through chainrule for advanced use


# ---- batching -----------------------------------------------------------------------------

_UNMAPPED = object()  # None inside an in_axes pytree (a pytree flattens None away)


def _mark_unmapped(spec: Any) -> Any:
    if spec is None:
        return _UNMAPPED
    if isinstance(spec, dict):
        return type(spec)((k, _mark_unmapped(v)) for k, v in spec.items())
    if isinstance(spec, (list, tuple)) and not hasattr(spec, "_fields"):
        return type(spec)(_mark_unmapped(v) for v in spec)
    return spec


def _leaf_axes(spec: Any, arg: Any, nleaves: int, where: str) -> list[Any]:
    """One ``in_axes`` entry (an int, None, or a pytree like ``arg``) as one axis per leaf."""
    if spec is None or isinstance(spec, int):
        return [spec] * nleaves
    axes = [None if a is _UNMAPPED else a for a in _tree.flatten(_mark_unmapped(spec))[0]]
    if len(axes) != nleaves:
        raise ValueError(f"{where}: in_axes {spec!r} does not match the argument's structure "
                         f"({nleaves} arrays); give an int, None, or a pytree of ints/None "
                         "with the argument's structure.")
    return axes


def _batched_call(f: Callable, size: int, make_args: Callable[[Any], tuple],
                  warn: bool = True) -> tuple[list[Any], Any]:
    """Run ``f(*make_args(trace))`` on a new batch level of ``size``; its output's leaves
    with the batch axis first (an output that does not depend on the batch is broadcast)
    and their tree."""
    trace = _batching.BatchTrace(size, warn=warn)
    _batching.batch_levels[0] += 1
    try:
        out = f(*make_args(trace))
    finally:
        _batching.batch_levels[0] -= 1
        trace.__class__ = _batching.FinishedBatchTrace
    leaves, td = _tree.flatten(out)
    return [leaf._value if isinstance(leaf, Tracer) and leaf._trace is trace
            else ops.broadcast_to(leaf, (size,) + tuple(np.shape(leaf))) for leaf in leaves], td


def _vmap_quiet(f: Callable, batch: np.ndarray) -> Any:
    """``vmap(f)(batch)`` for the Jacobians' basis batches (no warnings: a primitive without
    a batching rule is looped as the Jacobians always were)."""
    leaves, td = _batched_call(f, batch.shape[0], lambda trace: (trace.leaf(batch),), warn=False)
    return _tree.unflatten(td, leaves)


def vmap(f: Callable, in_axes: Any = 0, out_axes: Any = 0,
         axis_size: int | None = None) -> Callable:
    """``f`` mapped over an axis of its arguments, in one call: ``vmap(f)(xs)[i] = f(xs[i])``.

    ``in_axes``: an int (the mapped axis of every argument), ``None`` (not mapped), or a
    tuple with one entry per positional argument, each an int, None or a pytree of them
    with that argument's structure (JAX's prefix convention). ``out_axes`` (an int, or one
    per output leaf) says where the batch axis goes in the results. ``axis_size`` is needed
    only when no argument is mapped. Each primitive is applied once to the whole batch by
    its batching rule (a primitive without one is looped, with a warning).
    Composes with the other transforms in any order: ``vmap(grad(f))`` gives per-example
    gradients, ``grad(vmap(f))``, ``jacfwd(vmap(f))``.
    """
    fname = _fname(f)

    @functools.wraps(f)
    def mapped(*args: Any) -> Any:
        where = f"vmap({fname})"
        if isinstance(in_axes, (tuple, list)):
            if len(in_axes) != len(args):
                raise ValueError(f"{where}: in_axes has {len(in_axes)} entries for "
                                 f"{len(args)} arguments; give one per positional argument.")
            specs = list(in_axes)
        else:
            specs = [in_axes] * len(args)
        flat = [_tree.flatten(a) for a in args]
        axes = [_leaf_axes(s, a, len(lv), where) for s, a, (lv, _) in zip(specs, args, flat)]
        size = axis_size
        for (leaves, _), ax in zip(flat, axes):
            for leaf, k in zip(leaves, ax):
                if k is None:
                    continue
                n = np.shape(leaf)
                if not n:
                    raise ValueError(f"{where}: a 0-d argument cannot be mapped over axis {k}; "
                                     "pass in_axes=None for it.")
                if size is None:
                    size = n[k]
                elif n[k] != size:
                    raise ValueError(f"{where}: mapped axes have different sizes ({size} and "
                                     f"{n[k]}); every mapped argument needs the same length.")
        if size is None:
            raise ValueError(f"{where}: no argument is mapped (all in_axes are None); pass "
                             "axis_size= to say how many copies to make.")
        def make_args(trace: Any) -> tuple:
            return tuple(_tree.unflatten(td, [
                leaf if k is None else trace.leaf(ops.moveaxis(leaf, k, 0) if k else leaf)
                for leaf, k in zip(leaves, ax)]) for (leaves, td), ax in zip(flat, axes))

        leaves, td = _batched_call(f, size, make_args)
        oax = out_axes if isinstance(out_axes, (tuple, list)) else [out_axes] * len(leaves)
        if len(oax) != len(leaves):
            raise ValueError(f"{where}: out_axes has {len(oax)} entries for {len(leaves)} "
                             "outputs.")
        results = [ops.moveaxis(v, 0, k) if k else v for v, k in zip(leaves, oax)]
        return _tree.unflatten(td, results)

    return mapped
