"""How explain writes numbers, constants and the symbols ȧ, ā, ∂ (unicode or ASCII)."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

#: Arrays with at most this many entries are shown as numbers; larger ones are summarised.
SMALL = 6

UNICODE = {"dot": "ȧ", "bar": "ā", "times": "×", "arrow": "→", "d": "∂", "cdot": "·",
           "in": "in", "sum": "Σ", "mu": "µs"}
ASCII = {"dot": "dot_a", "bar": "bar_a", "times": "*", "arrow": "->", "d": "d", "cdot": "*",
         "in": "in", "sum": "sum", "mu": "us"}


def _can_encode(stream: Any) -> bool:
    enc = getattr(stream, "encoding", None)
    if enc is None:  # a text buffer (io.StringIO) holds any character
        return True
    try:
        "ȧā×→∂·Σµ".encode(enc)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def symbols(ascii: bool | None) -> dict[str, str]:  # noqa: A002
    """The symbol table: ASCII when asked, or (``None``) when stdout cannot encode unicode."""
    if ascii is None:
        ascii = not _can_encode(sys.stdout)
    return ASCII if ascii else UNICODE


def tname(name: str, sym: dict[str, str]) -> str:
    """The tangent's name of row ``name``: a4 -> ȧ4."""
    return sym["dot"] + name[1:]


def aname(name: str, sym: dict[str, str]) -> str:
    """The adjoint's name of row ``name``: a4 -> ā4."""
    return sym["bar"] + name[1:]


def partial(out: str, inp: str, sym: dict[str, str]) -> str:
    """∂out/∂inp."""
    if sym is ASCII:
        return f"d{out}/d{inp}"
    return f"{sym['d']}{out}/{sym['d']}{inp}"


def zeros(v: Any) -> np.ndarray:
    """Zeros of ``v``'s shape and dtype (a symbolic zero, made concrete for display)."""
    return np.zeros(np.shape(v), getattr(v, "dtype", None) or np.asarray(v).dtype)


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


def fmt(v: Any, sym: dict[str, str]) -> str:
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


def fmt_const(v: Any, sym: dict[str, str]) -> str:
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
        inner = ", ".join(fmt_const(x, sym) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    if isinstance(v, list):
        return "[" + ", ".join(fmt_const(x, sym) for x in v) + "]"
    if isinstance(v, slice):
        return _fmt_slice(v)
    return type(v).__name__


def _fmt_slice(s: slice) -> str:
    parts = ["" if s.start is None else str(s.start), "" if s.stop is None else str(s.stop)]
    if s.step is not None:
        parts.append(str(s.step))
    return ":".join(parts)


def fmt_index(idx: Any, sym: dict[str, str]) -> str:
    """An index as written between brackets: ``0, 1:3, ...``."""
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
            out.append(fmt_const(it, sym))
    return ", ".join(out)


def fmt_seconds(s: float, sym: dict[str, str]) -> str:
    """A duration in s, ms or µs."""
    if s >= 1:
        return f"{s:.3g} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3g} ms"
    return f"{s * 1e6:.3g} {sym['mu']}"


def fmt_bytes(n: float) -> str:
    """A size in B, KiB, MiB or GiB."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)
