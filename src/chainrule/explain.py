"""The evaluation trace of your own code, as the lecture's tables, and its graph.

``cr.explain(f, *args)`` runs ``f`` once on a recording reverse trace and returns an
:class:`Explanation`: one row per value (``a1, a2, ...``), the arguments first (named by
parameter name and pytree path, ``params["W"]``), then one row per primitive operation in
execution order, with its operation and inputs, its value, and the line of your code that
produced it.

* ``.forward(wrt=..., tangent=...)`` fills the tangent column ȧ: forward mode seeded as you
  say (default: ones for the chosen argument), walking the recorded operations in order with
  their JVP rules. Each ȧ is shown as the sum of its inputs' shares,
  ``ȧ4 = ∂a4/∂a2·ȧ2 + ∂a4/∂a3·ȧ3``.
* ``.backward(output=..., cotangent=...)`` fills the adjoint column ā: reverse mode seeded at
  one output (default output 0, cotangent ones), walking the records backwards with their
  VJP rules and keeping *every* adjoint, not only the inputs'. A value used several times
  (fan-out) shows the contributions that add up to its adjoint,
  ``ā5 = ā6·∂a6/∂a5 + ā7·∂a7/∂a5``.

Both return a new :class:`Explanation`, so ``explain(f, *a).forward(...).backward(...)``
shows both columns. Renderings: ``str()`` (aligned text, unicode ȧ/ā with an ASCII fallback),
``_repr_html_`` (notebooks), :meth:`Explanation.to_dot` (graphviz DOT text),
:meth:`Explanation.to_svg` / :meth:`Explanation.save` (through graphviz's ``dot`` program).
:meth:`Explanation.cost` times the value against the value and gradient (ω, next to the
cheap-gradient bound) and each operation's forward and backward work;
:meth:`Explanation.saved` lists what the backward pass keeps alive.

Choices (DESIGN.md leaves them open):

* Every real floating leaf of every argument is traced and gets a row; other leaves
  (integers, booleans, strings) are constants, shown by value where they are used, as are
  constants inside the function (``1 + a7``). Python floats become 0-d float64 arrays.
* Outputs are the leaves of ``f``'s result in pytree order, named ``out``, ``out[0]``,
  ``out[1]``... ``output=`` counts them from 0 (negative counts from the end).
* A zero tangent or adjoint is kept symbolic during the walk (as the engine does: no work),
  and shown, and stored in ``Row.tangent``/``Row.adjoint``, as zeros of the value's shape.
* The source of an operation is the first frame outside chainrule's machinery (core, ops,
  numpy, scipy, transforms, this module) and outside NumPy; on Python 3.11+ the exact
  sub-expression is shown (``w1 * x`` rather than the whole line). Only ``explain`` pays
  for this frame walk; ``grad`` and friends never do.
"""

from __future__ import annotations

import ast
import dataclasses
import html
import inspect
import itertools
import linecache
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from .core import ReverseTrace, ReverseTracer, Tracer
from .core import tree as _tree
from .core.primitive import MissingRule, cannot_differentiate, no_rule
from .core.unbroadcast import fit_cotangent, fit_tangent

__all__ = [
    "explain", "Explanation", "Row", "Source", "CostReport", "OpCost", "SavedReport",
    "SavedArray", "GraphvizNotFoundError", "ExpressionError", "compile_expression",
]

#: Arrays with at most this many entries are shown as numbers; larger ones are summarised.
SMALL = 6

#: The cheap-gradient principle (Griewank & Walther, *Evaluating Derivatives*): reverse mode
#: computes a value and its whole gradient for a small constant times the work of the value,
#: about 3-4 in arithmetic, at most about 5 counting memory traffic.
CHEAP_GRADIENT_BOUND = 5.0


# ---- where an operation came from ---------------------------------------------------------

class Source(NamedTuple):
    """The line of user code that applied an operation."""

    file: str
    line: int
    function: str
    code: str  # the whole line, stripped
    segment: str  # the sub-expression (Python 3.11+), else the line

    def __str__(self) -> str:
        if self.file == _EXPR_FILE:  # an expression of `chainrule explain`: one line
            return self.segment or self.code
        return f"{os.path.basename(self.file)}:{self.line}  {self.segment or self.code}"


_PKG = os.path.dirname(os.path.abspath(__file__))
_MACHINERY_DIRS = tuple(os.path.join(_PKG, d) + os.sep for d in ("core", "ops", "numpy", "scipy"))
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


def _where() -> Source | None:
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


class _RecordingTrace(ReverseTrace):
    """A reverse trace that also notes, per record, the argument positions of its traced
    inputs and the user's source line. Used only by :func:`explain`."""

    def __init__(self) -> None:
        super().__init__()
        self.where: dict[int, Source | None] = {}
        self.positions: dict[int, tuple[int, ...]] = {}

    def process(self, prim: Any, args: Sequence[Any], kwargs: dict) -> Any:
        pos = tuple(i for i, a in enumerate(args) if isinstance(a, Tracer) and a._trace is self)
        vjps = prim.vjps
        if vjps is None or any(vjps[i] is None or vjps[i].__class__ is MissingRule
                               for i in pos):
            out = self._record_without_rule(prim, args, kwargs, pos)
        else:
            out = super().process(prim, args, kwargs)
        self.positions[out._index] = pos
        self.where[out._index] = _where()
        return out

    def _record_without_rule(self, prim: Any, args: Sequence[Any], kwargs: dict,
                             pos: tuple[int, ...]) -> ReverseTracer:
        """Record an operation that has no reverse-mode rule for a traced argument: the
        values and forward mode can still be explained; ``backward`` raises the engine's
        error when its walk reaches the record."""
        vals = tuple(a._value if i in pos else a for i, a in enumerate(args))
        lower = any(isinstance(v, Tracer) for v in vals)
        ans = prim(*vals, **kwargs) if lower else prim.impl(*vals, **kwargs)
        vjps = prim.vjps
        rules = []
        for i in pos:
            r = None if vjps is None else vjps[i]
            if r is None or r.__class__ is MissingRule:
                err = no_rule(prim, "reverse") if vjps is None else \
                    cannot_differentiate(prim, "reverse", i, r)

                def r(*_: Any, err: Exception = err, **__: Any) -> Any:
                    raise err
            rules.append((r, args[i], i))
        out = ReverseTracer()
        out._trace = self
        out._value = ans
        out._record = (prim, vals, kwargs or None, tuple(rules))
        out._index = len(self.tape)
        self.tape.append(out)
        return out


# ---- the rows -----------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, eq=False)
class Row:
    """One value of the evaluation trace.

    ``op`` is ``"input"`` for an argument, else the primitive's name; ``inputs`` names the
    rows the operation used (in argument order; a row used twice appears twice); ``label``
    is the argument's name and path for an input. ``tangent``/``adjoint`` are ``None`` until
    :meth:`Explanation.forward`/:meth:`Explanation.backward` fill them. ``tangent_terms``
    holds ``(input row, share of ȧ)`` pairs whose sum is ``tangent``; ``adjoint_terms``
    holds ``(using row or "seed", contribution to ā)`` pairs whose sum is ``adjoint``; a
    ``None`` share is a symbolic zero.
    """

    name: str
    op: str
    inputs: tuple[str, ...]
    value: Any
    tangent: Any = None
    adjoint: Any = None
    source: Source | None = None
    label: str = ""
    outputs: tuple[str, ...] = ()
    tangent_terms: tuple[tuple[str, Any], ...] = ()
    adjoint_terms: tuple[tuple[str, Any], ...] = ()


class _Record(NamedTuple):
    prim: Any
    args: tuple  # unwrapped positional arguments
    kwargs: dict | None
    parents: tuple[int, ...]  # row index of each traced argument, in argument order
    positions: tuple[int, ...]  # their argument positions
    rules: tuple  # their VJP rules


# ---- number formatting --------------------------------------------------------------------

def _num(v: Any) -> str:
    v = v.item() if hasattr(v, "item") else v
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, complex):
        return f"{v:.6g}"
    if isinstance(v, float):
        if v == 0:
            return "0"
        return f"{v:.6g}"
    return str(v)


def _nested(a: np.ndarray) -> str:
    if a.ndim == 0:
        return _num(a)
    return "[" + ", ".join(_nested(x) for x in a) + "]"


def _fmt(v: Any, sym: dict[str, str]) -> str:
    """A value as numbers (small) or as dtype[shape], mean and range (large)."""
    if v is None:
        return ""
    if not isinstance(v, (np.ndarray, np.generic)):
        if isinstance(v, (int, float, complex, bool)):
            return _num(v)
        v = np.asarray(v)
    a = np.asarray(v)
    if a.size <= SMALL:
        return _nested(a)
    head = f"{a.dtype}[{','.join(str(n) for n in a.shape)}]"
    if a.dtype.kind in "fiu" and a.size:
        return (f"{head} mean {_num(float(a.mean()))} {sym['in']} "
                f"[{_num(a.min())}, {_num(a.max())}]")
    return head


def _fmt_const(v: Any, sym: dict[str, str]) -> str:
    """A constant operand or keyword value, short."""
    if v is None or isinstance(v, (bool, str, type)):
        return repr(v) if isinstance(v, str) else str(getattr(v, "__name__", v))
    if isinstance(v, (int, float, complex, np.generic)):
        return _num(v)
    if isinstance(v, np.ndarray):
        if v.size <= SMALL:
            return _nested(v)
        return f"const {v.dtype}[{','.join(str(n) for n in v.shape)}]"
    if isinstance(v, np.dtype):
        return str(v)
    if isinstance(v, tuple):
        inner = ", ".join(_fmt_const(x, sym) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    if isinstance(v, list):
        return "[" + ", ".join(_fmt_const(x, sym) for x in v) + "]"
    if isinstance(v, slice):
        return _fmt_slice(v)
    return type(v).__name__


def _fmt_slice(s: slice) -> str:
    parts = ["" if s.start is None else str(s.start), "" if s.stop is None else str(s.stop)]
    if s.step is not None:
        parts.append(str(s.step))
    return ":".join(parts)


def _fmt_index(idx: Any, sym: dict[str, str]) -> str:
    items = idx if isinstance(idx, tuple) else (idx,)
    out = []
    for it in items:
        if isinstance(it, slice):
            out.append(_fmt_slice(it))
        elif it is None:
            out.append("None")
        elif it is Ellipsis:
            out.append("...")
        else:
            out.append(_fmt_const(it, sym))
    return ", ".join(out)


_UNICODE = {"dot": "ȧ", "bar": "ā", "times": "×", "arrow": "→", "d": "∂", "cdot": "·",
            "in": "in", "sum": "Σ", "mu": "µs"}
_ASCII = {"dot": "dot_a", "bar": "bar_a", "times": "*", "arrow": "->", "d": "d", "cdot": "*",
          "in": "in", "sum": "sum", "mu": "us"}

_INFIX = {"add": "+", "subtract": "-", "multiply": None, "divide": "/", "true_divide": "/",
          "power": "**", "matmul": "@", "floor_divide": "//", "remainder": "%", "mod": "%"}
_PREFIX = {"negative": "-", "positive": "+"}


def _can_encode(stream: Any) -> bool:
    enc = getattr(stream, "encoding", None)
    if enc is None:  # a text buffer (io.StringIO) holds any character
        return True
    try:
        "ȧā×→∂·Σµ".encode(enc)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _symbols(ascii: bool | None) -> dict[str, str]:  # noqa: A002
    if ascii is None:
        ascii = not _can_encode(sys.stdout)
    return _ASCII if ascii else _UNICODE


def _tname(name: str, sym: dict[str, str]) -> str:
    return sym["dot"] + name[1:]


def _aname(name: str, sym: dict[str, str]) -> str:
    return sym["bar"] + name[1:]


def _partial(out: str, inp: str, sym: dict[str, str]) -> str:
    if sym is _ASCII:
        return f"d{out}/d{inp}"
    return f"{sym['d']}{out}/{sym['d']}{inp}"


def _quote_paths(paths: list[str]) -> list[str]:
    # core.tree writes dict keys with repr ("['W']"); show them as params["W"].
    return [re.sub(r"\['((?:[^'\\]|\\.)*)'\]", r'["\1"]', p) for p in paths]


def _arg_names(f: Callable, n: int) -> list[str]:
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    names: list[str] = []
    for p in params:
        if len(names) >= n:
            break
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        elif p.kind is p.VAR_POSITIONAL:
            names.extend(f"{p.name}[{k}]" for k in range(n - len(names)))
    names.extend(f"arg{k}" for k in range(len(names), n))
    return names


def _as_input(x: Any) -> Any:
    """``x`` as a traced input (a real floating array), or None for a constant."""
    if isinstance(x, Tracer):
        raise TypeError(
            "explain(f, *args) records a trace of concrete values, but it was given a value "
            "traced by another transform (grad, jvp, ...); call explain outside of it.")
    if isinstance(x, np.ndarray):
        return x if x.dtype.kind == "f" else None
    if isinstance(x, (float, np.floating)) and not isinstance(x, bool):
        return np.asarray(x)
    return None


def _zeros(v: Any) -> np.ndarray:
    return np.zeros(np.shape(v), getattr(v, "dtype", None) or np.asarray(v).dtype)


def _seed(given: Any, like: Any, kind: str, where: str) -> np.ndarray:
    """A tangent or cotangent for ``like``: ones by default, a number fills the shape."""
    shape, dtype = np.shape(like), np.asarray(like).dtype
    if dtype.kind != "f":
        raise TypeError(f"{where} has dtype {dtype}; only real floating values have a {kind}.")
    if given is None:
        return np.ones(shape, dtype)
    if isinstance(given, Tracer):
        raise TypeError(f"{where}: the {kind} must be a concrete array, not a traced value.")
    g = np.asarray(given)
    if g.dtype.kind not in "fiu":
        raise TypeError(f"{where}: the {kind} has dtype {g.dtype}; pass real numbers.")
    if g.ndim == 0 and shape != ():
        return np.full(shape, g, dtype)
    if g.shape != shape:
        raise ValueError(f"{where}: the {kind} has shape {g.shape} but the value has shape "
                         f"{shape}; pass a {kind} of the value's shape (or one number).")
    return g.astype(dtype)


# ---- explain ------------------------------------------------------------------------------

def explain(f: Callable, *args: Any, **kwargs: Any) -> Explanation:
    """The evaluation trace of ``f`` at ``args``: an :class:`Explanation`.

    Keyword arguments are passed to ``f`` as constants (not traced). See the module's
    docstring for what the explanation shows and how to fill its ȧ and ā columns.
    """
    names = _arg_names(f, len(args))
    trace = _RecordingTrace()
    labels: list[str] = []
    leaf_rows: list[list[int | None]] = []  # per argument, per leaf: row index or None
    defs = []
    traced_args = []
    for name, a in zip(names, args):
        leaves, td = _tree.flatten(a)
        paths = _quote_paths(_tree.paths(a))
        new, rows = [], []
        for leaf, path in zip(leaves, paths):
            x = _as_input(leaf)
            if x is None:
                new.append(leaf)
                rows.append(None)
                continue
            t = trace.leaf(x)
            trace.positions[t._index] = ()
            trace.where[t._index] = None
            labels.append(name + path)
            new.append(t)
            rows.append(t._index)
        leaf_rows.append(rows)
        defs.append(td)
        traced_args.append(_tree.unflatten(td, new))
    try:
        out = f(*traced_args, **kwargs)
    except Exception as e:
        if hasattr(e, "add_note"):
            e.add_note(f"(while explain recorded {_fname(f)})")
        raise
    out_leaves, out_def = _tree.flatten(out)
    out_paths = _quote_paths(_tree.paths(out, "out"))
    outputs: list[tuple[str, int | None, Any]] = []
    for path, o in zip(out_paths, out_leaves):
        if isinstance(o, Tracer):
            if o._trace is not trace:
                raise TypeError(f"explain({_fname(f)}): output {path} is a value traced by "
                                "another transform; call explain outside of it.")
            outputs.append((path, o._index, o._value))
        else:
            outputs.append((path, None, o))
    records: list[_Record | None] = []
    rows: list[Row] = []
    tape = trace.tape
    for t in tape:
        i = t._index
        rec = t._record
        marks = tuple(p for p, j, _ in outputs if j == i)
        if rec is None:
            records.append(None)
            rows.append(Row(f"a{i + 1}", "input", (), t._value, label=labels[i],
                            outputs=marks))
            continue
        prim, vals, kw, parents = rec
        r = _Record(prim, tuple(vals), kw, tuple(p._index for _, p, _ in parents),
                    trace.positions[i], tuple(rule for rule, _, _ in parents))
        records.append(r)
        rows.append(Row(f"a{i + 1}", prim.name, tuple(f"a{j + 1}" for j in r.parents),
                        t._value, source=trace.where.get(i), outputs=marks))
    # The explanation keeps the values it shows; the tracers themselves are let go.
    tape.clear()
    return Explanation(_fname(f), rows, records, outputs, out_def, names, leaf_rows, defs,
                       f=f, args=args, kwargs=kwargs)


def _fname(f: Callable) -> str:
    return getattr(f, "__name__", type(f).__name__)


# ---- the explanation ----------------------------------------------------------------------

class Explanation:
    """The evaluation trace of one call: rows ``a1, a2, ...`` with values, and optionally the
    forward-mode tangents ȧ and the reverse-mode adjoints ā. Made by :func:`explain`."""

    def __init__(self, fname: str, rows: list[Row], records: list[_Record | None],
                 outputs: list[tuple[str, int | None, Any]], out_def: Any, arg_names: list[str],
                 leaf_rows: list[list[int | None]], defs: list[Any], *, f: Callable,
                 args: tuple, kwargs: dict, wrt: str | None = None, output: str | None = None,
                 ascii: bool | None = None):  # noqa: A002
        self.name = fname
        self.rows = rows
        self._records = records
        self.outputs = outputs
        self._out_def = out_def
        self.arg_names = arg_names
        self._leaf_rows = leaf_rows
        self._defs = defs
        self._f, self._args, self._kwargs = f, args, kwargs
        self.wrt = wrt  # a description of the tangent's seed, once .forward ran
        self.output = output  # a description of the cotangent's seed, once .backward ran
        self.ascii = ascii

    def _replace(self, rows: list[Row], **changes: Any) -> Explanation:
        kw = dict(f=self._f, args=self._args, kwargs=self._kwargs, wrt=self.wrt,
                  output=self.output, ascii=self.ascii)
        kw.update(changes)
        return Explanation(self.name, rows, self._records, self.outputs, self._out_def,
                           self.arg_names, self._leaf_rows, self._defs, **kw)

    # -- access --

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, key: int | str) -> Row:
        """A row by position or by name (``ex["a5"]``) or input label (``ex["w1"]``)."""
        if isinstance(key, (int, np.integer)):
            return self.rows[key]
        for r in self.rows:
            if r.name == key or (r.op == "input" and r.label == key):
                return r
        raise KeyError(f"no row {key!r}; rows are a1..a{len(self.rows)}")

    def gradient(self) -> tuple[Any, ...]:
        """The adjoints of the inputs, one per argument, in the argument's structure (as
        ``cr.vjp``'s ``vjp_fn`` returns them); ``None`` for leaves that are not traced."""
        if self.output is None:
            raise ValueError("no adjoints yet: call .backward(output=..., cotangent=...) first")
        out = []
        for rows, td in zip(self._leaf_rows, self._defs):
            out.append(_tree.unflatten(
                td, [None if j is None else self.rows[j].adjoint for j in rows]))
        return tuple(out)

    # -- forward mode --

    def _resolve_wrt(self, wrt: Any) -> list[tuple[str, list[int | None]]]:
        """``wrt`` (an argument position or name, an input label, or a sequence of them) as
        (description, row of each leaf) pairs; ``None`` marks a leaf that is not traced."""
        items = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
        out = []
        for w in items:
            if isinstance(w, (int, np.integer)) and not isinstance(w, bool):
                n = len(self.arg_names)
                if not -n <= w < n:
                    raise ValueError(f"wrt={w}: {self.name} was called with {n} arguments "
                                     f"({', '.join(self.arg_names)}); count them from 0.")
                k = int(w) % n
                rows = list(self._leaf_rows[k])
                desc = self.arg_names[k]
            elif isinstance(w, str):
                if w in self.arg_names:
                    rows = list(self._leaf_rows[self.arg_names.index(w)])
                else:
                    rows = [j for j, r in enumerate(self.rows) if r.op == "input"
                            and (r.label == w or r.name == w)]
                    if not rows:
                        labels = [r.label for r in self.rows if r.op == "input"]
                        raise ValueError(
                            f"wrt={w!r}: {self.name} has no argument or input of that name; "
                            f"its arguments are {self.arg_names} and its traced inputs "
                            f"{labels}.")
                desc = w
            else:
                raise TypeError(f"wrt must be an argument position or name (or a sequence of "
                                f"them), got {type(w).__name__}.")
            if all(j is None for j in rows):
                raise TypeError(f"wrt={w!r}: that argument has no real floating entries, so it "
                                "has no tangent; pass floats (e.g. 1.0 rather than 1).")
            out.append((desc, rows))
        return out

    def forward(self, wrt: Any = 0, tangent: Any = None) -> Explanation:
        """A new explanation with the tangent column ȧ filled by forward mode.

        ``wrt`` names an argument by position or name (or an input by its label, e.g.
        ``'params["W"]'``), or is a list of them; ``tangent`` is its tangent, in its
        structure (default: ones; a number fills every entry), or a list of tangents, one
        per ``wrt`` entry. Inputs not named get ȧ = 0.
        """
        chosen = self._resolve_wrt(wrt)
        many = isinstance(wrt, (list, tuple))
        if many and tangent is not None:
            if not isinstance(tangent, (list, tuple)) or len(tangent) != len(chosen):
                raise ValueError(f"wrt names {len(chosen)} arguments: pass a list of "
                                 f"{len(chosen)} tangents, one per wrt entry (or none).")
            tans = list(tangent)
        else:
            tans = [tangent] * len(chosen)
        n = len(self.rows)
        tan: list[Any] = [None] * n
        for (desc, rows), t in zip(chosen, tans):
            if len(rows) == 1:
                per = [t]
            elif t is None or isinstance(t, (int, float, np.number)):
                per = [t] * len(rows)
            else:
                per = _tree.flatten(t)[0]
                if len(per) != len(rows):
                    raise ValueError(f"the tangent for {desc} has {len(per)} leaves but "
                                     f"{desc} has {len(rows)}; pass a tangent of the "
                                     "argument's structure (or one number).")
            for j, tj in zip(rows, per):
                if j is not None:
                    tan[j] = _seed(tj, self.rows[j].value, "tangent",
                                   f"forward(wrt={desc!r}) for {self.rows[j].label}")
        terms: list[tuple[tuple[str, Any], ...]] = [()] * n
        for i, rec in enumerate(self._records):
            if rec is None:
                continue
            prim, args, kw = rec.prim, rec.args, rec.kwargs or {}
            ans = self.rows[i].value
            shares = []
            total = None
            for j, p in zip(rec.parents, rec.positions):
                t = tan[j]
                if t is None:
                    shares.append((f"a{j + 1}", None))
                    continue
                jvps = prim.jvps
                if jvps is None:
                    raise no_rule(prim, "forward")
                rule = jvps[p]
                if rule is None or rule.__class__ is MissingRule:
                    raise cannot_differentiate(prim, "forward", p, rule)
                try:
                    s = rule(t, ans, *args, **kw)
                    if s is not None:
                        s = fit_tangent(s, ans)
                except Exception as e:
                    if hasattr(e, "add_note"):
                        e.add_note(f"(in the JVP rule of '{prim.name}' for argument {p}, "
                                   f"row a{i + 1})")
                    raise
                shares.append((f"a{j + 1}", s))
                if s is not None:
                    total = s if total is None else total + s
            tan[i] = total
            terms[i] = tuple(shares)
        rows = [dataclasses.replace(r, tangent=_zeros(r.value) if tan[i] is None else tan[i],
                                    tangent_terms=terms[i])
                for i, r in enumerate(self.rows)]
        desc = ", ".join(d for d, _ in chosen)
        return self._replace(rows, wrt=desc)

    # -- reverse mode --

    def _output_index(self, output: Any) -> int:
        n = len(self.outputs)
        if not isinstance(output, (int, np.integer)) or isinstance(output, bool):
            paths = [p for p, _, _ in self.outputs]
            if isinstance(output, str) and output in paths:
                return paths.index(output)
            raise TypeError(f"output must be the position of one of {self.name}'s outputs "
                            f"{paths} (from 0), got {output!r}.")
        if not -n <= output < n:
            raise ValueError(f"output={output}: {self.name} has {n} output"
                             f"{'s' if n != 1 else ''} "
                             f"({', '.join(p for p, _, _ in self.outputs)}); count from 0.")
        return int(output) % n

    def _adjoints(self, output: Any, cotangent: Any) -> tuple[str, list[Any], list[tuple]]:
        k = self._output_index(output)
        path, j_out, value = self.outputs[k]
        seed = _seed(cotangent, value, "cotangent", f"backward(output={output!r}) for {path}")
        n = len(self.rows)
        cts: list[Any] = [None] * n
        terms: list[list[tuple[str, Any]]] = [[] for _ in range(n)]
        if j_out is not None:
            cts[j_out] = seed
            terms[j_out].append(("seed", seed))
        for i in range(n - 1, -1, -1):
            rec = self._records[i]
            if rec is None:
                continue
            g = cts[i]
            ans = self.rows[i].value
            kw = rec.kwargs or {}
            for j, p, rule in zip(rec.parents, rec.positions, rec.rules):
                if g is None:
                    terms[j].append((f"a{i + 1}", None))
                    continue
                try:
                    gi = rule(g, ans, *rec.args, **kw)
                    if gi is not None:
                        gi = fit_cotangent(gi, self.rows[j].value)
                except Exception as e:
                    if hasattr(e, "add_note"):
                        e.add_note(f"(in the VJP rule of '{rec.prim.name}' for argument {p}, "
                                   f"row a{i + 1})")
                    raise
                terms[j].append((f"a{i + 1}", gi))
                if gi is not None:
                    cts[j] = gi if cts[j] is None else cts[j] + gi
        # contributions in the order of the rows that made them (the lecture's ā6 ... + ā7 ...)
        ordered = [tuple(sorted(t, key=lambda c: -1 if c[0] == "seed" else int(c[0][1:])))
                   for t in terms]
        return path, cts, ordered

    def backward(self, output: Any = 0, cotangent: Any = None) -> Explanation:
        """A new explanation with the adjoint column ā filled by reverse mode.

        ``output`` picks one output by position (default 0); ``cotangent`` is its seed
        (default: ones; a number fills every entry). Every row keeps its adjoint, and the
        contributions that add up to it (fan-out) are in ``Row.adjoint_terms``.
        """
        path, cts, terms = self._adjoints(output, cotangent)
        rows = [dataclasses.replace(r, adjoint=_zeros(r.value) if cts[i] is None else cts[i],
                                    adjoint_terms=terms[i])
                for i, r in enumerate(self.rows)]
        return self._replace(rows, output=path)

    # -- text --

    def _expr(self, i: int, sym: dict[str, str]) -> str:
        """``a4 = a2 × a3``: the row's evaluation, constants shown by value."""
        r = self.rows[i]
        if r.op == "input":
            return f"{r.name} = {r.label}"
        rec = self._records[i]
        names = dict(zip(rec.positions, (f"a{j + 1}" for j in rec.parents)))
        ops = [names.get(k) or _fmt_const(v, sym) for k, v in enumerate(rec.args)]
        kw = {k: v for k, v in (rec.kwargs or {}).items()
              if not (k == "keepdims" and v is False)}
        name = rec.prim.name
        if name in _INFIX and len(ops) == 2 and not kw:
            sign = _INFIX[name] or sym["times"]
            body = f"{ops[0]} {sign} {ops[1]}"
        elif name in _PREFIX and len(ops) == 1 and not kw:
            body = f"{_PREFIX[name]}{ops[0]}"
        elif name == "getitem" and len(ops) == 2 and 1 not in names and not kw:
            body = f"{ops[0]}[{_fmt_index(rec.args[1], sym)}]"
        else:
            parts = ops + [f"{k}={_fmt_const(v, sym)}" for k, v in kw.items()]
            body = f"{name}({', '.join(parts)})"
        return f"{r.name} = {body}"

    def _header(self, sym: dict[str, str]) -> list[str]:
        lines = [f"evaluation trace of {self.name}({', '.join(self.arg_names)})"]
        if self.wrt is not None:
            lines.append(f"{sym['dot']}: forward mode, tangent seeded at {self.wrt} "
                         f"({sym['dot']} = {sym['d']}a/{sym['d']}{self.wrt})")
        if self.output is not None:
            lines.append(f"{sym['bar']}: reverse mode, cotangent seeded at {self.output} "
                         f"({sym['bar']} = {sym['d']}{self.output}/{sym['d']}a)")
        return lines

    def _table(self, sym: dict[str, str]) -> tuple[list[str], list[list[str]]]:
        head = ["", "evaluation", "value"]
        has_t = self.wrt is not None
        has_a = self.output is not None
        if has_t:
            head.append(sym["dot"])
        if has_a:
            head.append(sym["bar"])
        has_out = any(r.outputs for r in self.rows)
        if has_out:
            head.append("output")
        head.append("source")
        body = []
        for i, r in enumerate(self.rows):
            expr = self._expr(i, sym)
            cells = [r.name, expr.split(" = ", 1)[1], _fmt(r.value, sym)]
            if has_t:
                cells.append(_fmt(r.tangent, sym))
            if has_a:
                cells.append(_fmt(r.adjoint, sym))
            if has_out:
                cells.append(", ".join(r.outputs))
            if r.op == "input":
                cells.append(f"argument {r.label}")
            else:
                cells.append(str(r.source) if r.source else "")
            body.append(cells)
        return head, body

    def _tangent_lines(self, sym: dict[str, str]) -> list[str]:
        lines = [f"tangents, in evaluation order: {_tname('aj', sym)} = "
                 f"{sym['sum']}_i {_partial('aj', 'ai', sym)}{sym['cdot']}{_tname('ai', sym)}"]
        for r in self.rows:
            tn = _tname(r.name, sym)
            if r.op == "input":
                seeded = bool(np.any(r.tangent != 0))
                lines.append(f"  {tn} = {_fmt(r.tangent, sym)}" + ("  (seed)" if seeded else ""))
                continue
            sym_terms = " + ".join(f"{_partial(r.name, j, sym)}{sym['cdot']}{_tname(j, sym)}"
                                   for j, _ in r.tangent_terms)
            nums = [_fmt(_zeros(r.value) if s is None else s, sym) for _, s in r.tangent_terms]
            line = f"  {tn} = {sym_terms}"
            if len(nums) > 1 and np.size(r.value) <= SMALL:
                line += " = " + " + ".join(nums)
            lines.append(line + f" = {_fmt(r.tangent, sym)}")
        return lines

    def _adjoint_lines(self, sym: dict[str, str]) -> list[str]:
        lines = [f"adjoints, in reverse order: {_aname('ai', sym)} = "
                 f"{sym['sum']}_j {_aname('aj', sym)}{sym['cdot']}{_partial('aj', 'ai', sym)}"
                 " over the rows aj that use ai"]
        for r in reversed(self.rows):
            an = _aname(r.name, sym)
            parts, nums = [], []
            for who, c in r.adjoint_terms:
                if who == "seed":
                    parts.append("seed")
                else:
                    parts.append(f"{_aname(who, sym)}{sym['cdot']}{_partial(who, r.name, sym)}")
                nums.append(_fmt(_zeros(r.value) if c is None else c, sym))
            if not parts:
                note = "  (seed: not the chosen output)" if r.outputs else "  (unused)"
                lines.append(f"  {an} = {_fmt(r.adjoint, sym)}{note}")
                continue
            line = f"  {an} = {' + '.join(parts)}"
            if len(nums) > 1 and np.size(r.value) <= SMALL:
                line += " = " + " + ".join(nums)
            lines.append(line + f" = {_fmt(r.adjoint, sym)}")
        return lines

    def to_text(self, ascii: bool | None = None) -> str:  # noqa: A002
        """The table (and how each ȧ and ā is formed, when filled) as aligned text.

        ``ascii=True`` writes ȧ/ā as dot_a/bar_a and × as *; the default picks it when
        standard output cannot encode the unicode ones.
        """
        sym = _symbols(self.ascii if ascii is None else ascii)
        head, body = self._table(sym)
        widths = [max(len(row[k]) for row in [head, *body]) for k in range(len(head))]
        out = self._header(sym) + [""]
        for row in [head, *body]:
            out.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if self.wrt is not None:
            out += [""] + self._tangent_lines(sym)
        if self.output is not None:
            out += [""] + self._adjoint_lines(sym)
        return "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        sym = _UNICODE
        head, body = self._table(sym)
        e = html.escape
        parts = ["<div class='chainrule-explain'>"]
        parts += [f"<div>{e(line)}</div>" for line in self._header(sym)]
        parts.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in head)
                     + "</tr></thead><tbody>")
        for row in body:
            parts.append("<tr>" + "".join(f"<td><code>{e(c)}</code></td>" for c in row)
                         + "</tr>")
        parts.append("</tbody></table>")
        for lines in ((self._tangent_lines(sym) if self.wrt is not None else []),
                      (self._adjoint_lines(sym) if self.output is not None else [])):
            if lines:
                parts.append(f"<p>{e(lines[0])}</p><pre>"
                             + e("\n".join(x.strip() for x in lines[1:])) + "</pre>")
        parts.append("</div>")
        return "\n".join(parts)

    # -- the graph --

    def to_dot(self, values: bool = True, tangents: bool = True, adjoints: bool = True,
               ascii: bool = False) -> str:  # noqa: A002
        """The computational graph as graphviz DOT text.

        Operations and inputs are nodes; edges carry the values from the row that made them
        to the rows that use them (labelled with the value's name). Inputs are blue boxes,
        outputs green double-bordered nodes. ``values``, ``tangents``, ``adjoints`` add those
        numbers (when filled) to the node labels. Leaves are drawn at the bottom, as in the
        lecture.
        """
        sym = _ASCII if ascii else _UNICODE

        def q(s: str) -> str:
            return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

        lines = [f"digraph {q(self.name)} {{", "  rankdir=BT;",
                 '  node [fontname="Helvetica", fontsize=11];',
                 '  edge [fontname="Helvetica", fontsize=9];']
        for i, r in enumerate(self.rows):
            if r.op == "input":
                label = [f"{r.name} = {r.label}"]
                style = 'shape=box, style="rounded,filled", fillcolor="#dbe9f6"'
            else:
                label = [r.op, self._expr(i, sym)]
                style = "shape=ellipse"
            if values:
                label.append(f"value {_fmt(r.value, sym)}")
            if tangents and self.wrt is not None:
                label.append(f"{_tname(r.name, sym)} = {_fmt(r.tangent, sym)}")
            if adjoints and self.output is not None:
                label.append(f"{_aname(r.name, sym)} = {_fmt(r.adjoint, sym)}")
            if r.outputs:
                style += ', peripheries=2, style="filled", fillcolor="#e3f1df"' \
                    if r.op != "input" else ", peripheries=2"
            lines.append(f"  n{i + 1} [label={q(chr(10).join(label))}, {style}];")
        for i, r in enumerate(self.rows):
            for j in dict.fromkeys(r.inputs):  # one edge per distinct input
                k = int(j[1:])
                lines.append(f"  n{k} -> n{i + 1} [label={q(j)}];")
        for k, (path, j, value) in enumerate(self.outputs):
            label = path if j is not None else f"{path} = {_fmt(value, sym)} (constant)"
            lines.append(f"  out{k} [label={q(label)}, shape=plaintext];")
            if j is not None:
                lines.append(f"  n{j + 1} -> out{k};")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def to_svg(self, **dot_options: Any) -> str:
        """The graph as SVG text, drawn by graphviz's ``dot`` program."""
        return _run_dot(self.to_dot(**dot_options), "svg").decode("utf-8")

    def save(self, path: str | os.PathLike, **dot_options: Any) -> None:
        """Write the graph or the table, by the file's extension: ``.dot``/``.gv`` (DOT text),
        ``.txt`` (the table), ``.html``, or any format graphviz's ``dot`` writes (``.svg``,
        ``.png``, ``.pdf``...; needs ``dot`` installed)."""
        path = os.fspath(path)
        ext = os.path.splitext(path)[1].lower().lstrip(".")
        if ext in ("dot", "gv"):
            data = self.to_dot(**dot_options).encode("utf-8")
        elif ext == "txt":
            data = (self.to_text(ascii=False) + "\n").encode("utf-8")
        elif ext in ("html", "htm"):
            data = self._repr_html_().encode("utf-8")
        elif ext:
            data = _run_dot(self.to_dot(**dot_options), ext)
        else:
            raise ValueError(f"save({path!r}): give the file an extension (.svg, .png, .dot, "
                             ".txt, .html) to choose the format.")
        with open(path, "wb") as fh:
            fh.write(data)

    # -- what a gradient costs --

    def cost(self, output: Any = None, repeat: int = 5, min_time: float = 1e-3) -> CostReport:
        """Time the value against the value and gradient, and each operation's work.

        ω = time(value and gradient) / time(value), where the gradient is reverse mode
        seeded at ``output`` (default: the one of ``.backward``, else output 0) with a
        cotangent of ones, run by chainrule's engine. Each measurement is the median of
        ``repeat`` runs of at least ``min_time`` seconds. Each operation's forward work
        (its NumPy implementation) and backward work (its VJP rules, with this trace's
        adjoints, or ones where the adjoint is zero) are timed the same way.
        """
        if output is None:
            paths = [p for p, _, _ in self.outputs]
            k = paths.index(self.output) if self.output in paths else self._output_index(0)
        else:
            k = self._output_index(output)
        path = self.outputs[k][0]
        f, kwargs = self._f, self._kwargs
        # The value is timed on the inputs as the trace sees them (Python floats as arrays).
        args = tuple(_tree.tree_map(lambda x: v if (v := _as_input(x)) is not None else x, a)
                     for a in self._args)

        def value() -> Any:
            return f(*args, **kwargs)

        def value_and_grad() -> Any:
            trace = ReverseTrace()
            new = []
            for a in args:
                leaves, td = _tree.flatten(a)
                new.append(_tree.unflatten(td, [
                    trace.leaf(x) if (x := _as_input(leaf)) is not None else leaf
                    for leaf in leaves]))
            out = _tree.flatten(f(*new, **kwargs))[0][k]
            if isinstance(out, Tracer) and out._trace is trace:
                trace.backward([(out, np.ones(out._value.shape, out._value.dtype))], once=True)
            trace.tape.clear()

        t_value, t_grad = _median_times([value, value_and_grad], repeat, min_time)
        _, cts, _ = self._adjoints(k, None)
        ops = []
        for i, rec in enumerate(self._records):
            if rec is None:
                continue
            impl, a, kw = rec.prim.impl, rec.args, rec.kwargs or {}
            ans = self.rows[i].value
            g = cts[i] if cts[i] is not None else np.ones(np.shape(ans), np.asarray(ans).dtype)
            likes = [self.rows[j].value for j in rec.parents]

            def bwd(rec=rec, g=g, ans=ans, a=a, kw=kw, likes=likes) -> None:
                for rule, like in zip(rec.rules, likes):
                    gi = rule(g, ans, *a, **kw)
                    if gi is not None:
                        fit_cotangent(gi, like)

            tf, tb = _median_times([lambda impl=impl, a=a, kw=kw: impl(*a, **kw), bwd],
                                   repeat, min_time)
            if not rec.rules:
                tb = 0.0
            ops.append(OpCost(self.rows[i].name, rec.prim.name, self._expr(i, _ASCII), tf, tb))
        return CostReport(self.name, path, t_value, t_grad, t_grad / t_value if t_value else
                          float("inf"), CHEAP_GRADIENT_BOUND, ops, repeat)

    def saved(self) -> SavedReport:
        """What the backward pass keeps alive: every value on the tape (each row's value,
        kept by its record) and the constant arrays the records hold for their rules.
        Each distinct array is counted once; ``total`` is the sum of their ``nbytes``."""
        entries: dict[int, SavedArray] = {}
        row_of = {id(r.value): r.name for r in self.rows}
        for r in self.rows:
            v = r.value
            if isinstance(v, (np.ndarray, np.generic)) and id(v) not in entries:
                entries[id(v)] = SavedArray(r.name, np.shape(v), np.asarray(v).dtype,
                                            int(v.nbytes), r.op, r.name, [])
        for i, rec in enumerate(self._records):
            if rec is None:
                continue
            name = self.rows[i].name
            for v in rec.args:
                if not isinstance(v, (np.ndarray, np.generic)):
                    continue
                e = entries.get(id(v))
                if e is None:
                    e = entries[id(v)] = SavedArray("const", np.shape(v), np.asarray(v).dtype,
                                                    int(v.nbytes), rec.prim.name, name, [])
                if name not in e.used_by and row_of.get(id(v)) != name:
                    e.used_by.append(name)
        items = list(entries.values())
        return SavedReport(self.name, items, sum(e.nbytes for e in items))


# ---- reports ------------------------------------------------------------------------------

def _median_times(fns: Sequence[Callable[[], Any]], repeat: int,
                  min_time: float) -> list[float]:
    """Seconds per call of each function: the median of ``repeat`` batches, each at least
    ``min_time`` long. The functions' batches alternate, so that a change in the machine's
    load during the measurement affects all of them alike (their ratio is what matters)."""
    loops = []
    for fn in fns:  # calibrate: loops per batch
        n = 1
        while True:
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            dt = time.perf_counter() - t0
            if dt >= min_time or n >= 1 << 20:
                break
            n = n * 10 if dt <= 0 else max(2 * n, int(n * min_time / dt * 1.2) + 1)
        loops.append(n)
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(max(repeat, 1)):
        for fn, n, ts in zip(fns, loops, times):
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            ts.append((time.perf_counter() - t0) / n)
    return [statistics.median(ts) for ts in times]


def _t(s: float, sym: dict[str, str]) -> str:
    if s >= 1:
        return f"{s:.3g} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3g} ms"
    return f"{s * 1e6:.3g} {sym['mu']}"


@dataclasses.dataclass
class OpCost:
    """One operation's forward (implementation) and backward (VJP rules) time, in seconds."""

    name: str
    op: str
    expression: str
    forward: float
    backward: float

    @property
    def total(self) -> float:
        return self.forward + self.backward


@dataclasses.dataclass
class CostReport:
    """What a gradient costs: ω = time(value and gradient) / time(value), per-op times."""

    function: str
    output: str
    value_time: float
    value_and_grad_time: float
    omega: float
    bound: float
    ops: list[OpCost]
    repeat: int

    @property
    def within_bound(self) -> bool:
        return self.omega <= self.bound

    def dominant(self, k: int = 5) -> list[OpCost]:
        """The ``k`` operations with the most forward + backward time."""
        return sorted(self.ops, key=lambda o: -o.total)[:k]

    def to_text(self, ascii: bool | None = None, top: int = 5) -> str:  # noqa: A002
        sym = _symbols(ascii)
        lines = [
            f"what a gradient of {self.function} costs (median of {self.repeat} runs):",
            f"  value                    {_t(self.value_time, sym)}",
            f"  value and gradient       {_t(self.value_and_grad_time, sym)}   (reverse mode, "
            f"seeded at {self.output})",
            f"  omega = {self.omega:.3g}   (cheap-gradient bound: about 4-5, "
            "Griewank & Walther)",
        ]
        if not self.within_bound:
            lines.append("  above the bound: on arrays this small, chainrule's per-operation "
                         "bookkeeping (tracing,\n  recording, the Python calls of the rules) "
                         "outweighs the arithmetic the bound counts.")
        total = sum(o.total for o in self.ops) or 1.0
        lines.append(f"operations by forward + backward work (top {min(top, len(self.ops))} "
                     f"of {len(self.ops)}):")
        for o in self.dominant(top):
            lines.append(f"  {o.name:<5} {o.op:<10} forward {_t(o.forward, sym):>9}   "
                         f"backward {_t(o.backward, sym):>9}   {100 * o.total / total:4.0f}%   "
                         f"{o.expression}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


@dataclasses.dataclass
class SavedArray:
    """An array the backward pass keeps alive."""

    name: str  # the row whose value it is, or "const"
    shape: tuple[int, ...]
    dtype: Any
    nbytes: int
    op: str  # the operation that saved it: "input", the producing op, or the using op
    saved_by: str  # the row whose record holds it
    used_by: list[str]  # the rows whose VJP rules receive it as an argument


def _bytes(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


@dataclasses.dataclass
class SavedReport:
    """What the backward pass keeps alive; ``total`` bytes, each array counted once."""

    function: str
    arrays: list[SavedArray]
    total: int

    def to_text(self) -> str:
        lines = [f"what the backward pass of {self.function} keeps alive: {len(self.arrays)} "
                 f"arrays, {_bytes(self.total)} ({self.total} bytes)"]
        head = ["row", "shape", "dtype", "bytes", "saved by", "used by"]
        body = [[a.name, str(tuple(a.shape)), str(a.dtype), str(a.nbytes),
                 f"{a.saved_by} ({a.op})", ", ".join(a.used_by)] for a in self.arrays]
        widths = [max(len(r[k]) for r in [head, *body]) for k in range(len(head))]
        for r in [head, *body]:
            lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


# ---- graphviz -----------------------------------------------------------------------------

class GraphvizNotFoundError(RuntimeError):
    """graphviz's ``dot`` program is not installed."""


def _run_dot(dot: str, fmt: str) -> bytes:
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFoundError(
            "drawing the graph needs graphviz's `dot` program, which is not on PATH. Install "
            "it (Debian/Ubuntu: `apt-get install graphviz`, the package named graphviz; "
            "macOS: `brew install graphviz`), or use .to_dot() / .save('graph.dot') and "
            "render the DOT text elsewhere.")
    proc = subprocess.run([exe, f"-T{fmt}"], input=dot.encode("utf-8"), capture_output=True,
                          timeout=60)
    if proc.returncode != 0:
        raise RuntimeError(f"dot -T{fmt} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout


# ---- expressions (the command line) -------------------------------------------------------

class ExpressionError(ValueError):
    """An expression for ``chainrule explain`` that cannot be evaluated safely."""


_EXPR_FILE = "<chainrule expression>"
_CONSTANTS = {"pi": np.pi, "e": np.e, "inf": np.inf}
_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.MatMult, ast.FloorDiv, ast.Mod)
_UNARY = (ast.USub, ast.UAdd)


def _allowed_functions() -> dict[str, dict[str, Any]]:
    """chainrule.numpy's (and .linalg's) own functions: chainrule's primitives and the
    functions chainrule defines. NumPy's pass-through names (file I/O among them) are out."""
    from . import numpy as cnp

    def own(ns: Any) -> dict[str, Any]:
        out = {}
        for n in dir(ns):
            if n.startswith("_"):
                continue
            obj = getattr(ns, n, None)
            if isinstance(obj, type) or not callable(obj):
                continue
            mod = getattr(obj, "__module__", "") or ""
            if mod == "chainrule" or mod.startswith("chainrule."):
                out[n] = obj
        return out

    return {"": own(cnp), "linalg": own(cnp.linalg)}


def _check_node(node: ast.AST, funcs: dict[str, dict[str, Any]], variables: list[str],
                expr: str) -> None:
    def bad(what: str) -> ExpressionError:
        col = getattr(node, "col_offset", None)
        where = f" at column {col + 1}" if col is not None else ""
        return ExpressionError(f"{what}{where} in {expr!r}: an expression may use numbers, "
                               "variables, + - * / ** @, calls of chainrule.numpy functions "
                               "(sin, exp, np.sum(x, axis=0), ...), indexing and tuples.")

    if isinstance(node, ast.Expression):
        _check_node(node.body, funcs, variables, expr)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise bad(f"the constant {node.value!r} is not a number")
    elif isinstance(node, ast.Name):
        if node.id.startswith("_") or node.id == "np":
            raise bad(f"the name {node.id!r} cannot be used as a value")
        if node.id not in variables and node.id not in _CONSTANTS:
            if node.id in funcs[""]:
                raise bad(f"{node.id!r} is a function; call it, e.g. {node.id}(x)")
            variables.append(node.id)
    elif isinstance(node, ast.BinOp):
        if not isinstance(node.op, _BINOPS):
            raise bad(f"the operator {type(node.op).__name__} is not allowed")
        _check_node(node.left, funcs, variables, expr)
        _check_node(node.right, funcs, variables, expr)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, _UNARY):
            raise bad(f"the operator {type(node.op).__name__} is not allowed")
        _check_node(node.operand, funcs, variables, expr)
    elif isinstance(node, (ast.Tuple, ast.List)):
        for elt in node.elts:
            _check_node(elt, funcs, variables, expr)
    elif isinstance(node, ast.Call):
        fn = node.func
        if isinstance(fn, ast.Name):
            if fn.id not in funcs[""]:
                raise bad(f"{fn.id!r} is not a chainrule.numpy function")
        elif isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name) \
                and fn.value.id == "np":
            if fn.attr not in funcs[""]:
                raise bad(f"np.{fn.attr} is not a chainrule.numpy function")
        elif isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Attribute) \
                and isinstance(fn.value.value, ast.Name) and fn.value.value.id == "np" \
                and fn.value.attr == "linalg":
            if fn.attr not in funcs["linalg"]:
                raise bad(f"np.linalg.{fn.attr} is not a chainrule.numpy.linalg function")
        else:
            raise bad("only chainrule.numpy functions can be called")
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise bad("*args is not allowed")
            _check_node(a, funcs, variables, expr)
        for k in node.keywords:
            if k.arg is None:
                raise bad("**kwargs is not allowed")
            _check_node(k.value, funcs, variables, expr)
    elif isinstance(node, ast.Subscript):
        _check_node(node.value, funcs, variables, expr)
        _check_node(node.slice, funcs, variables, expr)
    elif isinstance(node, ast.Slice):
        for part in (node.lower, node.upper, node.step):
            if part is not None:
                _check_node(part, funcs, variables, expr)
    elif isinstance(node, ast.Attribute):
        raise bad("attribute access is allowed only for np.<function> calls")
    else:
        raise bad(f"{type(node).__name__} is not allowed")


def compile_expression(expr: str, names: Sequence[str] | None = None
                       ) -> tuple[Callable[..., Any], list[str]]:
    """A function of the expression's variables, evaluated with chainrule.numpy.

    ``expr`` is NumPy syntax (``"sin(w1*x + w0)"``, ``"np.sum(x**2)"``, ``"(sin(a), cos(a))"``):
    numbers, variables, arithmetic, calls of chainrule.numpy functions (unqualified or as
    ``np.*``/``np.linalg.*``), indexing and tuples; nothing else is accepted (it is parsed
    with :mod:`ast` and checked before it is compiled, and runs with no builtins). Returns
    ``(function, parameter names)``: the parameters are ``names`` when given (every variable
    of the expression must be among them), else the variables in order of appearance.
    """
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as e:
        col = f" at column {e.offset}" if e.offset else ""
        raise ExpressionError(f"could not parse {expr!r}{col}: {e.msg}") from None
    funcs = _allowed_functions()
    variables: list[str] = []
    _check_node(tree, funcs, variables, expr)
    if names is not None:
        names = list(names)
        for v in variables:
            if v not in names:
                raise ExpressionError(
                    f"the expression uses the variable {v!r}, which has no value; pass it, "
                    f"e.g. --at {v}=1.0 (arrays as --at {v}=[1,2,3]).")
        for n in names:
            if not n.isidentifier() or n.startswith("_") or n == "np" or n in funcs[""]:
                raise ExpressionError(f"{n!r} cannot be a variable name (it is not an "
                                      "identifier, or it names a function).")
    else:
        names = variables
    lam = ast.Lambda(
        args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=n) for n in names],
                           kwonlyargs=[], kw_defaults=[], defaults=[]),
        body=tree.body)
    ast.copy_location(lam, tree.body)
    code = compile(ast.fix_missing_locations(ast.Expression(body=lam)), _EXPR_FILE, "eval")
    text = expr.strip()
    linecache.cache[_EXPR_FILE] = (len(text), None, [text + "\n"], _EXPR_FILE)
    np_ns = types.SimpleNamespace(**funcs[""], linalg=types.SimpleNamespace(**funcs["linalg"]),
                                  **_CONSTANTS)
    namespace = {"__builtins__": {}, "np": np_ns, **_CONSTANTS, **funcs[""]}
    fn = eval(code, namespace)  # noqa: S307 - the tree was checked node by node above
    fn.__name__ = "f"
    fn.__qualname__ = "f"
    return fn, list(names)
