"""The engine's one observation point: what explain, debug_nans (and tests) watch.

An *observer* is any object with these methods (subclass :class:`Observer`, whose methods
do nothing, and override what you need):

* ``applied(prim, args, kwargs, out)`` — after every application of a primitive, traced or
  plain; ``out`` is what the call returns (a tracer, or a plain array).
* ``adjoint(node, parent, argnum, g, gi)`` — in the backward pass
  (:meth:`ReverseTrace.backward <chainrule.core.reverse.ReverseTrace.backward>`), after
  each VJP rule: ``g`` is ``node``'s adjoint ā, ``gi`` the contribution to ``parent``
  (argument ``argnum``), already fitted to the parent's shape and dtype.
* ``tangent(node, parent, argnum, t, share)`` — in the forward walk over a recorded tape
  (:func:`chainrule.core.forward.push_forward`), after each JVP rule: ``t`` is ``parent``'s
  tangent ȧ, ``share`` its part of ``node``'s tangent, fitted to the node.

``with watching(observer): ...`` adds an observer for the block; several can be active
(``debug_nans`` around ``explain``). While none is, the engine pays one ``is None`` test
per operation and per backward step.

:func:`user_source` finds the line of user code that is running an operation (the first
frame outside chainrule's machinery and NumPy): explain's rows and debug_nans' messages
both use it, so they point at the same line.
"""

from __future__ import annotations

import contextlib
import itertools
import linecache
import os
import sys
from collections.abc import Iterator
from typing import Any, NamedTuple

import numpy as np

__all__ = ["Observer", "watching", "active", "Source", "user_source", "EXPRESSION_FILE"]


class Observer:
    """An observer that sees nothing: subclass it and override what you need."""

    def applied(self, prim: Any, args: tuple, kwargs: dict, out: Any) -> None:
        """After a primitive was applied (see the module docstring)."""

    def adjoint(self, node: Any, parent: Any, argnum: int, g: Any, gi: Any) -> None:
        """After a VJP rule sent ``gi`` from ``node`` to ``parent``."""

    def tangent(self, node: Any, parent: Any, argnum: int, t: Any, share: Any) -> None:
        """After a JVP rule pushed ``share`` from ``parent`` to ``node``."""


class _Fanout:
    """Several observers as one."""

    __slots__ = ("observers",)

    def __init__(self, observers: tuple) -> None:
        self.observers = observers

    def applied(self, *event: Any) -> None:
        for o in self.observers:
            o.applied(*event)

    def adjoint(self, *event: Any) -> None:
        for o in self.observers:
            o.adjoint(*event)

    def tangent(self, *event: Any) -> None:
        for o in self.observers:
            o.tangent(*event)


active: Any = None
"""The observer the engine calls: ``None`` (nobody watches), one observer, or a fan-out."""

_stack: list[Any] = []


def _refresh() -> None:
    global active
    active = None if not _stack else _stack[0] if len(_stack) == 1 else _Fanout(tuple(_stack))


@contextlib.contextmanager
def watching(observer: Any) -> Iterator[Any]:
    """Let ``observer`` see the engine's events inside the ``with`` block."""
    _stack.append(observer)
    _refresh()
    try:
        yield observer
    finally:
        # remove this one (not necessarily the last: generators may interleave)
        for i in range(len(_stack) - 1, -1, -1):
            if _stack[i] is observer:
                del _stack[i]
                break
        _refresh()


# ---- where an operation came from ---------------------------------------------------------

EXPRESSION_FILE = "<chainrule expression>"
"""The file name of expressions compiled by ``chainrule explain`` (shown without a line)."""


class Source(NamedTuple):
    """The line of user code that applied an operation."""

    file: str
    line: int
    function: str
    code: str  # the whole line, stripped
    segment: str  # the sub-expression (Python 3.11+), else the line

    def __str__(self) -> str:
        if self.file == EXPRESSION_FILE:  # an expression of `chainrule explain`: one line
            return self.segment or self.code
        return f"{os.path.basename(self.file)}:{self.line}  {self.segment or self.code}"


_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# chainrule's machinery: what differentiates. nn/, landscape/, lecture.py ... are code that
# *uses* the machinery, so an operation inside a layer points at the layer's line.
_MACHINERY_DIRS = tuple(os.path.join(_PKG, d) + os.sep
                        for d in ("core", "ops", "numpy", "scipy", "explain", "staging"))
_MACHINERY_FILES = frozenset(os.path.join(_PKG, f) for f in (
    "transforms.py", "explain.py", "check.py", "__init__.py", "debug.py"))
_NUMPY_DIR = os.path.dirname(os.path.abspath(np.__file__)) + os.sep
_machinery_cache: dict[str, bool] = {}


def _is_machinery(filename: str) -> bool:
    r = _machinery_cache.get(filename)
    if r is None:
        full = os.path.abspath(filename) if not filename.startswith("<") else filename
        r = (full.startswith(_MACHINERY_DIRS) or full in _MACHINERY_FILES
             or full.startswith(_NUMPY_DIR))
        _machinery_cache[filename] = r
    return r


def user_source() -> Source | None:
    """The first frame of user code on the stack, with the sub-expression being evaluated."""
    f = sys._getframe(1)
    while f is not None and _is_machinery(f.f_code.co_filename):
        f = f.f_back
    if f is None:
        return None
    code = f.f_code
    lineno = f.f_lineno or code.co_firstlineno
    text = linecache.getline(code.co_filename, lineno).rstrip("\n")
    segment = ""
    positions = getattr(code, "co_positions", None)
    if positions is not None and f.f_lasti >= 0:
        pos = next(itertools.islice(positions(), f.f_lasti // 2, None), None)
        if pos is not None and pos[0] is not None and pos[2] is not None:
            line0, line1, c0, c1 = pos
            first = linecache.getline(code.co_filename, line0).rstrip("\n").encode()
            if line1 == line0 and c1 is not None:
                segment = first[c0:c1].decode("utf-8", "replace")
            else:
                segment = first[c0:].decode("utf-8", "replace").rstrip() + " ..."
            if line0 != lineno:
                lineno, text = line0, first.decode("utf-8", "replace")
    return Source(code.co_filename, lineno, code.co_name, text.strip(), segment.strip())
