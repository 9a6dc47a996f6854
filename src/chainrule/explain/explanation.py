"""The :class:`Explanation`: rows of one recorded call, and its ȧ and ā columns."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..core import Tracer
from ..core import tree as _tree
from . import cost as _cost
from . import graph as _graph
from . import text as _text
from .formatting import zeros
from .recording import Recording, Row, adjoints, fname, record, tangents

__all__ = ["explain", "Explanation"]


def explain(f: Callable, *args: Any, **kwargs: Any) -> Explanation:
    """The evaluation trace of ``f`` at ``args``: an :class:`Explanation`.

    Keyword arguments are passed to ``f`` as constants (not traced). See
    :mod:`chainrule.explain` for what the explanation shows and how to fill its ȧ and ā
    columns.
    """
    rec = record(f, args, kwargs)
    return Explanation(fname(f), rec, rec.rows, f=f, args=args, kwargs=kwargs)


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


class Explanation:
    """The evaluation trace of one call: rows ``a1, a2, ...`` with values, and optionally the
    forward-mode tangents ȧ and the reverse-mode adjoints ā. Made by :func:`explain`."""

    def __init__(self, fname: str, recording: Recording, rows: list[Row], *, f: Callable,
                 args: tuple, kwargs: dict, wrt: str | None = None, output: str | None = None,
                 ascii: bool | None = None):  # noqa: A002
        self.name = fname
        self.rows = rows
        self._recording = recording
        self._steps = recording.steps
        self.outputs = recording.outputs
        self.arg_names = recording.arg_names
        self._f, self._args, self._kwargs = f, args, kwargs
        self.wrt = wrt  # a description of the tangent's seed, once .forward ran
        self.output = output  # a description of the cotangent's seed, once .backward ran
        self.ascii = ascii

    def _replace(self, rows: list[Row], **changes: Any) -> Explanation:
        kw = dict(f=self._f, args=self._args, kwargs=self._kwargs, wrt=self.wrt,
                  output=self.output, ascii=self.ascii)
        kw.update(changes)
        return Explanation(self.name, self._recording, rows, **kw)

    # -- access --

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
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
        for rows, td in zip(self._recording.leaf_rows, self._recording.defs):
            out.append(_tree.unflatten(
                td, [None if j is None else self.rows[j].adjoint for j in rows]))
        return tuple(out)

    # -- forward mode --

    def _resolve_wrt(self, wrt: Any) -> list[tuple[str, list[int | None]]]:
        """``wrt`` (an argument position or name, an input label, or a sequence of them) as
        (description, row of each leaf) pairs; ``None`` marks a leaf that is not traced."""
        leaf_rows = self._recording.leaf_rows
        items = list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]
        out = []
        for w in items:
            if isinstance(w, (int, np.integer)) and not isinstance(w, bool):
                n = len(self.arg_names)
                if not -n <= w < n:
                    raise ValueError(f"wrt={w}: {self.name} was called with {n} arguments "
                                     f"({', '.join(self.arg_names)}); count them from 0.")
                k = int(w) % n
                rows = list(leaf_rows[k])
                desc = self.arg_names[k]
            elif isinstance(w, str):
                if w in self.arg_names:
                    rows = list(leaf_rows[self.arg_names.index(w)])
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
        per ``wrt`` entry. Inputs not named get ȧ = 0. The tangents are the engine's
        forward mode over the recorded tape (:func:`chainrule.core.forward.push_forward`).
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
        seeds: dict[int, Any] = {}
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
                    seeds[j] = _seed(tj, self.rows[j].value, "tangent",
                                     f"forward(wrt={desc!r}) for {self.rows[j].label}")
        tan, terms = tangents(self._recording.trace, self._steps, seeds)
        rows = [dataclasses.replace(r, tangent=zeros(r.value) if tan[i] is None else tan[i],
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

    def _adjoint_column(self, output: Any, cotangent: Any
                        ) -> tuple[str, list[Any], list[tuple]]:
        k = self._output_index(output)
        path, j_out, value = self.outputs[k]
        seed = _seed(cotangent, value, "cotangent", f"backward(output={output!r}) for {path}")
        cts, terms = adjoints(self._recording.trace, self._steps, j_out, seed)
        return path, cts, terms

    def backward(self, output: Any = 0, cotangent: Any = None) -> Explanation:
        """A new explanation with the adjoint column ā filled by reverse mode.

        ``output`` picks one output by position (default 0); ``cotangent`` is its seed
        (default: ones; a number fills every entry). Every row keeps its adjoint, and the
        contributions that add up to it (fan-out) are in ``Row.adjoint_terms``. The adjoints
        are the engine's backward pass over the recorded tape
        (:meth:`chainrule.core.ReverseTrace.backward`), watched step by step.
        """
        path, cts, terms = self._adjoint_column(output, cotangent)
        rows = [dataclasses.replace(r, adjoint=zeros(r.value) if cts[i] is None else cts[i],
                                    adjoint_terms=terms[i])
                for i, r in enumerate(self.rows)]
        return self._replace(rows, output=path)

    # -- text --

    def _expr(self, i: int, sym: dict[str, str]) -> str:
        """``a4 = a2 × a3``: the row's evaluation, constants shown by value."""
        return _text.expression(self, i, sym)

    def to_text(self, ascii: bool | None = None) -> str:  # noqa: A002
        """The table (and how each ȧ and ā is formed, when filled) as aligned text.

        ``ascii=True`` writes ȧ/ā as dot_a/bar_a and × as *; the default picks it when
        standard output cannot encode the unicode ones.
        """
        return _text.to_text(self, ascii)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        return _text.to_html(self)

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
        return _graph.to_dot(self, values, tangents, adjoints, ascii)

    def to_svg(self, **dot_options: Any) -> str:
        """The graph as SVG text, drawn by graphviz's ``dot`` program."""
        return _graph.run_dot(self.to_dot(**dot_options), "svg").decode("utf-8")

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
            data = _graph.run_dot(self.to_dot(**dot_options), ext)
        else:
            raise ValueError(f"save({path!r}): give the file an extension (.svg, .png, .dot, "
                             ".txt, .html) to choose the format.")
        with open(path, "wb") as fh:
            fh.write(data)

    # -- what a gradient costs --

    def cost(self, output: Any = None, repeat: int = 5,
             min_time: float = 1e-3) -> _cost.CostReport:
        """Time the value against the value and gradient, and each operation's work.

        ω = time(value and gradient) / time(value), where the gradient is reverse mode
        seeded at ``output`` (default: the one of ``.backward``, else output 0) with a
        cotangent of ones, run by chainrule's engine. Each measurement is the median of
        ``repeat`` runs of at least ``min_time`` seconds. Each operation's forward work
        (its NumPy implementation) and backward work (its VJP rules, with this trace's
        adjoints, or ones where the adjoint is zero) are timed the same way.
        """
        return _cost.cost(self, output, repeat, min_time)

    def saved(self) -> _cost.SavedReport:
        """What the backward pass keeps alive: every value on the tape (each row's value,
        kept by its record) and the constant arrays the records hold for their rules.
        Each distinct array is counted once; ``total`` is the sum of their ``nbytes``."""
        return _cost.saved(self)
