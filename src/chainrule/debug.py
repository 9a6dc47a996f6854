"""``cr.debug_nans()``: stop at the first operation whose value, tangent or adjoint goes bad.

Used as a context manager or a decorator, like ``np.errstate``::

    with cr.debug_nans():
        cr.grad(loss)(params)

While it is active, every chainrule operation (``chainrule.numpy`` functions, and NumPy
functions applied to traced values) checks its result: the first one that turns finite
inputs into a NaN or an infinity — in its value (forward pass), its tangent (forward mode)
or an input's adjoint (backward pass) — raises ``FloatingPointError`` naming the operation,
the line of your code that called it, and a summary of its inputs. An adjoint that is NaN
because a ``where`` discarded a branch whose derivative is infinite there (``sqrt`` or
``log`` at 0) is recognised as the masked-singular-branch pattern, and the message shows the
double-``where`` rewrite.

The checks are an observer of the engine (:mod:`chainrule.core.observe`): they see every
operation applied (its value and tangent), every step of the backward pass (each adjoint),
and every share of the forward walk over a tape (``explain``'s ȧ column). The line named is
:func:`chainrule.core.observe.user_source`'s, the one ``explain`` shows for the same
operation. Outside ``debug_nans`` nothing is watching, and the engine pays one ``is None``
test per operation.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import numpy as np

from .core import JVPTracer, Primitive, ReverseTracer, Tracer, full_unwrap
from .core import observe as _observe

__all__ = ["debug_nans"]

_depth = [0]
_watch: list[Any] = []  # the entered watching() context while debug_nans is active
_sources: dict[int, tuple[Any, str]] = {}  # id(record) -> (record, "file:line: code")


def _user_line() -> str:
    """``file:line: code`` of the user's line running the operation (``user_source``)."""
    src = _observe.user_source()
    if src is None:
        return "<unknown>"
    file = src.file if src.file.startswith("<") else os.path.abspath(src.file)
    return f"{file}:{src.line}" + (f": {src.code}" if src.code else "")


def _bad(x: Any) -> np.ndarray | None:
    """The mask of non-finite entries of a floating array (None when there are none)."""
    x = full_unwrap(x)
    if not isinstance(x, (np.ndarray, np.generic, float)):
        return None
    x = np.asarray(x)
    if x.dtype.kind not in "fc":
        return None
    bad = ~np.isfinite(x)
    return bad if bad.any() else None


def _summary(args: Any) -> str:
    parts = []
    for i, a in enumerate(args):
        v = full_unwrap(a)
        if not isinstance(v, (np.ndarray, np.generic, float, int)):
            continue
        v = np.asarray(v)
        if v.dtype.kind in "fiu":
            fin = v[np.isfinite(v)] if v.dtype.kind == "f" else v
            desc = f"argument {i}: shape {v.shape}, dtype {v.dtype}"
            if fin.size:
                desc += f", min {fin.min():.4g}, max {fin.max():.4g}"
            zeros = int(np.count_nonzero(v == 0))
            nonfinite = int(v.size - fin.size)
            if zeros:
                desc += f", {zeros} zero(s)"
            if nonfinite:
                desc += f", {nonfinite} non-finite"
            parts.append(desc)
    return "; ".join(parts) or "no array arguments"


def _what(bad: np.ndarray, x: Any) -> str:
    x = np.asarray(full_unwrap(x))
    kinds = []
    if np.isnan(x[bad]).any():
        kinds.append("NaN")
    if np.isinf(x[bad]).any():
        kinds.append("inf")
    return f"{' and '.join(kinds)} ({int(bad.sum())} of {bad.size} entries)"


def _check_value(prim: Primitive, args: tuple, out: Any) -> None:
    if prim.nondiff:
        return
    bad = _bad(out)
    if bad is not None and not any(_bad(a) is not None for a in args):
        raise FloatingPointError(
            f"debug_nans: the value of '{prim.name}' became {_what(bad, out)} at "
            f"{_user_line()}. Its inputs: {_summary(args)}.")
    t = out
    while isinstance(t, Tracer):
        if isinstance(t, JVPTracer):
            tbad = _bad(t._tangent)
            if tbad is not None and not any(
                    isinstance(a, JVPTracer) and _bad(a._tangent) is not None for a in args):
                raise FloatingPointError(
                    f"debug_nans: the tangent of '{prim.name}' became {_what(tbad, t._tangent)}"
                    f" at {_user_line()} (forward mode). Its inputs: {_summary(args)}.")
        t = t._value


def _check_adjoint(node: ReverseTracer, argnum: int, g: Any, gi: Any) -> None:
    bad = _bad(gi)
    if bad is None or _bad(g) is not None:
        return
    prim, args, _, _ = node._record
    where = _sources.get(id(node), (None, "<line not recorded: the forward pass ran "
                                            "outside debug_nans>"))[1]
    msg = (f"debug_nans: the adjoint of argument {argnum} of '{prim.name}' became "
           f"{_what(bad, gi)} in the backward pass; '{prim.name}' was called at {where}. "
           f"Its inputs: {_summary(args)}.")
    g_plain = np.asarray(full_unwrap(g))
    try:
        g_at_bad = np.broadcast_to(g_plain, np.shape(bad))[bad]
    except ValueError:
        g_at_bad = np.array([np.nan])
    if g_at_bad.size and np.all(g_at_bad == 0):
        msg += (
            f"\nThis is the masked-singular-branch pattern: the incoming adjoint is 0 there "
            f"(a where() or mask discarded this value), but the local derivative of "
            f"'{prim.name}' is infinite at those inputs, and 0 · ∞ = NaN. Keep the discarded "
            "branch away from the singular point — the double-where rewrite:\n"
            "    where(x > 0, sqrt(x), 0)  ->  where(x > 0, sqrt(where(x > 0, x, 1)), 0)")
    raise FloatingPointError(msg)


def _check_share(node: ReverseTracer, argnum: int, t: Any, share: Any) -> None:
    bad = _bad(share)
    if bad is None or _bad(t) is not None:
        return
    prim, args, _, _ = node._record
    where = _sources.get(id(node), (None, "<line not recorded>"))[1]
    raise FloatingPointError(
        f"debug_nans: the tangent share of argument {argnum} of '{prim.name}' became "
        f"{_what(bad, share)} (forward mode over a recorded tape); '{prim.name}' was called "
        f"at {where}. Its inputs: {_summary(args)}.")


class _NaNCheck(_observe.Observer):
    """debug_nans' observer: checks each value and tangent, adjoint and tangent share."""

    def applied(self, prim: Primitive, args: tuple, kwargs: dict, out: Any) -> None:
        _check_value(prim, args, out)
        if isinstance(out, ReverseTracer):  # its line, for a bad adjoint in the backward pass
            _sources[id(out)] = (out, _user_line())

    def adjoint(self, node: Any, parent: Any, argnum: int, g: Any, gi: Any) -> None:
        _check_adjoint(node, argnum, g, gi)

    def tangent(self, node: Any, parent: Any, argnum: int, t: Any, share: Any) -> None:
        _check_share(node, argnum, t, share)


def _install() -> None:
    _watch.append(_observe.watching(_NaNCheck()))
    _watch[-1].__enter__()


def _uninstall() -> None:
    _watch.pop().__exit__(None, None, None)
    _sources.clear()


class debug_nans(contextlib.ContextDecorator):
    """Raise ``FloatingPointError`` at the first operation that produces a NaN or inf.

    A context manager (``with cr.debug_nans(): ...``) and a decorator
    (``@cr.debug_nans()``); nesting is allowed. See the module docstring.
    """

    def __enter__(self) -> debug_nans:
        if _depth[0] == 0:
            _install()
        _depth[0] += 1
        return self

    def __exit__(self, *exc: Any) -> bool:
        _depth[0] -= 1
        if _depth[0] == 0:
            _uninstall()
        return False
