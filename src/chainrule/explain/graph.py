"""The explanation as a graph: graphviz DOT text, and SVG (or any format) through ``dot``."""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

from .formatting import ASCII, UNICODE, aname, fmt, tname
from .text import expression

if TYPE_CHECKING:
    from .explanation import Explanation

__all__ = ["GraphvizNotFoundError", "to_dot", "run_dot"]


class GraphvizNotFoundError(RuntimeError):
    """graphviz's ``dot`` program is not installed."""


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(ex: Explanation, values: bool = True, tangents: bool = True, adjoints: bool = True,
           ascii: bool = False) -> str:  # noqa: A002
    """The graph as DOT text (see :meth:`Explanation.to_dot`)."""
    sym = ASCII if ascii else UNICODE
    q = _quote
    lines = [f"digraph {q(ex.name)} {{", "  rankdir=BT;",
             '  node [fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9];']
    for i, r in enumerate(ex.rows):
        if r.op == "input":
            label = [f"{r.name} = {r.label}"]
            style = 'shape=box, style="rounded,filled", fillcolor="#dbe9f6"'
        else:
            label = [r.op, expression(ex, i, sym)]
            style = "shape=ellipse"
        if values:
            label.append(f"value {fmt(r.value, sym)}")
        if tangents and ex.wrt is not None:
            label.append(f"{tname(r.name, sym)} = {fmt(r.tangent, sym)}")
        if adjoints and ex.output is not None:
            label.append(f"{aname(r.name, sym)} = {fmt(r.adjoint, sym)}")
        if r.outputs:
            style += ', peripheries=2, style="filled", fillcolor="#e3f1df"' \
                if r.op != "input" else ", peripheries=2"
        lines.append(f"  n{i + 1} [label={q(chr(10).join(label))}, {style}];")
    for i, r in enumerate(ex.rows):
        for j in dict.fromkeys(r.inputs):  # one edge per distinct input
            k = int(j[1:])
            lines.append(f"  n{k} -> n{i + 1} [label={q(j)}];")
    for k, (path, j, value) in enumerate(ex.outputs):
        label = path if j is not None else f"{path} = {fmt(value, sym)} (constant)"
        lines.append(f"  out{k} [label={q(label)}, shape=plaintext];")
        if j is not None:
            lines.append(f"  n{j + 1} -> out{k};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def run_dot(dot: str, fmt: str) -> bytes:
    """DOT text rendered by graphviz's ``dot`` program in format ``fmt`` (svg, png, pdf...)."""
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
