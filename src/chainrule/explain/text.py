"""The explanation as text and as HTML: the table of rows, and how each ȧ and ā is formed."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np

from .formatting import (
    SMALL,
    UNICODE,
    aname,
    fmt,
    fmt_const,
    fmt_index,
    partial,
    symbols,
    tname,
    zeros,
)

if TYPE_CHECKING:
    from .explanation import Explanation

__all__ = ["expression", "to_text", "to_html"]

_INFIX = {"add": "+", "subtract": "-", "multiply": None, "divide": "/", "true_divide": "/",
          "power": "**", "matmul": "@", "floor_divide": "//", "remainder": "%", "mod": "%"}
_PREFIX = {"negative": "-", "positive": "+"}


def expression(ex: Explanation, i: int, sym: dict[str, str]) -> str:
    """``a4 = a2 × a3``: row ``i``'s evaluation, constants shown by value."""
    r = ex.rows[i]
    if r.op == "input":
        return f"{r.name} = {r.label}"
    step = ex._steps[i]
    names = dict(zip(step.positions, (f"a{j + 1}" for j in step.parents)))
    ops = [names.get(k) or fmt_const(v, sym) for k, v in enumerate(step.args)]
    kw = {k: v for k, v in (step.kwargs or {}).items()
          if not (k == "keepdims" and v is False)}
    name = step.prim.name
    if name in _INFIX and len(ops) == 2 and not kw:
        sign = _INFIX[name] or sym["times"]
        body = f"{ops[0]} {sign} {ops[1]}"
    elif name in _PREFIX and len(ops) == 1 and not kw:
        body = f"{_PREFIX[name]}{ops[0]}"
    elif name == "getitem" and len(ops) == 2 and 1 not in names and not kw:
        body = f"{ops[0]}[{fmt_index(step.args[1], sym)}]"
    else:
        parts = ops + [f"{k}={fmt_const(v, sym)}" for k, v in kw.items()]
        body = f"{name}({', '.join(parts)})"
    return f"{r.name} = {body}"


def _header(ex: Explanation, sym: dict[str, str]) -> list[str]:
    lines = [f"evaluation trace of {ex.name}({', '.join(ex.arg_names)})"]
    if ex.wrt is not None:
        lines.append(f"{sym['dot']}: forward mode, tangent seeded at {ex.wrt} "
                     f"({sym['dot']} = {sym['d']}a/{sym['d']}{ex.wrt})")
    if ex.output is not None:
        lines.append(f"{sym['bar']}: reverse mode, cotangent seeded at {ex.output} "
                     f"({sym['bar']} = {sym['d']}{ex.output}/{sym['d']}a)")
    return lines


def _table(ex: Explanation, sym: dict[str, str]) -> tuple[list[str], list[list[str]]]:
    head = ["", "evaluation", "value"]
    has_t = ex.wrt is not None
    has_a = ex.output is not None
    if has_t:
        head.append(sym["dot"])
    if has_a:
        head.append(sym["bar"])
    has_out = any(r.outputs for r in ex.rows)
    if has_out:
        head.append("output")
    head.append("source")
    body = []
    for i, r in enumerate(ex.rows):
        cells = [r.name, expression(ex, i, sym).split(" = ", 1)[1], fmt(r.value, sym)]
        if has_t:
            cells.append(fmt(r.tangent, sym))
        if has_a:
            cells.append(fmt(r.adjoint, sym))
        if has_out:
            cells.append(", ".join(r.outputs))
        if r.op == "input":
            cells.append(f"argument {r.label}")
        else:
            cells.append(str(r.source) if r.source else "")
        body.append(cells)
    return head, body


def _tangent_lines(ex: Explanation, sym: dict[str, str]) -> list[str]:
    lines = [f"tangents, in evaluation order: {tname('aj', sym)} = "
             f"{sym['sum']}_i {partial('aj', 'ai', sym)}{sym['cdot']}{tname('ai', sym)}"]
    for r in ex.rows:
        tn = tname(r.name, sym)
        if r.op == "input":
            seeded = bool(np.any(r.tangent != 0))
            lines.append(f"  {tn} = {fmt(r.tangent, sym)}" + ("  (seed)" if seeded else ""))
            continue
        sym_terms = " + ".join(f"{partial(r.name, j, sym)}{sym['cdot']}{tname(j, sym)}"
                               for j, _ in r.tangent_terms)
        nums = [fmt(zeros(r.value) if s is None else s, sym) for _, s in r.tangent_terms]
        line = f"  {tn} = {sym_terms}"
        if len(nums) > 1 and np.size(r.value) <= SMALL:
            line += " = " + " + ".join(nums)
        lines.append(line + f" = {fmt(r.tangent, sym)}")
    return lines


def _adjoint_lines(ex: Explanation, sym: dict[str, str]) -> list[str]:
    lines = [f"adjoints, in reverse order: {aname('ai', sym)} = "
             f"{sym['sum']}_j {aname('aj', sym)}{sym['cdot']}{partial('aj', 'ai', sym)}"
             " over the rows aj that use ai"]
    for r in reversed(ex.rows):
        an = aname(r.name, sym)
        parts, nums = [], []
        for who, c in r.adjoint_terms:
            if who == "seed":
                parts.append("seed")
            else:
                parts.append(f"{aname(who, sym)}{sym['cdot']}{partial(who, r.name, sym)}")
            nums.append(fmt(zeros(r.value) if c is None else c, sym))
        if not parts:
            note = "  (seed: not the chosen output)" if r.outputs else "  (unused)"
            lines.append(f"  {an} = {fmt(r.adjoint, sym)}{note}")
            continue
        line = f"  {an} = {' + '.join(parts)}"
        if len(nums) > 1 and np.size(r.value) <= SMALL:
            line += " = " + " + ".join(nums)
        lines.append(line + f" = {fmt(r.adjoint, sym)}")
    return lines


def to_text(ex: Explanation, ascii: bool | None = None) -> str:  # noqa: A002
    """The table (and how each ȧ and ā is formed, when filled) as aligned text."""
    sym = symbols(ex.ascii if ascii is None else ascii)
    head, body = _table(ex, sym)
    widths = [max(len(row[k]) for row in [head, *body]) for k in range(len(head))]
    out = _header(ex, sym) + [""]
    for row in [head, *body]:
        out.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    if ex.wrt is not None:
        out += [""] + _tangent_lines(ex, sym)
    if ex.output is not None:
        out += [""] + _adjoint_lines(ex, sym)
    return "\n".join(out)


def to_html(ex: Explanation) -> str:
    """The table (and the ȧ and ā lines, when filled) as an HTML fragment."""
    sym = UNICODE
    head, body = _table(ex, sym)
    e = html.escape
    parts = ["<div class='chainrule-explain'>"]
    parts += [f"<div>{e(line)}</div>" for line in _header(ex, sym)]
    parts.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in head)
                 + "</tr></thead><tbody>")
    for row in body:
        parts.append("<tr>" + "".join(f"<td><code>{e(c)}</code></td>" for c in row)
                     + "</tr>")
    parts.append("</tbody></table>")
    for lines in ((_tangent_lines(ex, sym) if ex.wrt is not None else []),
                  (_adjoint_lines(ex, sym) if ex.output is not None else [])):
        if lines:
            parts.append(f"<p>{e(lines[0])}</p><pre>"
                         + e("\n".join(x.strip() for x in lines[1:])) + "</pre>")
    parts.append("</div>")
    return "\n".join(parts)
