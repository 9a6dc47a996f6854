"""The timing harness shared by chainrule's benchmarks.

Import this module *before* NumPy (each benchmark starts with ``import _harness``): it pins
OpenBLAS, OpenMP and MKL to one thread through the environment, so the BLAS library starts
single-threaded; :func:`pin_threads` then also limits the loaded BLAS with threadpoolctl
(when installed) and torch (when imported) at run time.

Method
------
A *contender* is a zero-argument callable that computes a value and a gradient from NumPy
inputs and returns NumPy outputs (conversions in and out are part of what is timed).

1. Warm-up: every contender runs for ``warmup_s`` seconds; the harness picks for each how
   many back-to-back calls make one *sample* of about ``sample_s`` seconds.
2. Interleaved rounds: a round takes one sample of every contender, in an order that
   rotates from round to round, so drifts in machine load (other processes, frequency
   changes) reach every contender alike. ``gc.collect()`` runs between samples, outside
   the timed region, so no contender pays for another's garbage; the collector stays
   enabled inside a sample, as in real use. Objects alive before the rounds start are
   frozen (``gc.freeze``), so collections do not rescan torch's and NumPy's modules.
3. Statistics: a contender's time is the median per-call time over the rounds, its spread
   the interquartile range (IQR). The *ratio* to the baseline is the median over rounds of
   the paired ratio (contender / baseline, same round), which cancels load that changes
   between rounds; the ratio of the two medians is also kept in the JSON output.

Results print as an aligned text table; :func:`markdown` renders the same table for
documents, and :func:`save` writes Markdown and JSON under ``benchmarks/results/``
(git-ignored).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import math
import os
import platform
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # not available on Windows: page faults are then not counted
    resource = None

_NUMPY_WAS_LOADED = "numpy" in sys.modules
_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
for _var in _THREAD_VARS:
    os.environ[_var] = "1"

import numpy as np  # noqa: E402

__all__ = ["Contender", "Stats", "Target", "Table", "measure", "stats_table", "pin_threads",
           "optional", "machine_notes", "markdown", "render", "save", "parse_args",
           "assert_close", "paired_ratio", "fmt_time", "report", "settle", "HERE", "RESULTS"]

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

_limiter: Any = None


def pin_threads() -> None:
    """Limit every loaded BLAS/OpenMP pool to one thread (threadpoolctl, if installed)."""
    global _limiter
    if _limiter is not None:
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        _limiter = False
        return
    _limiter = threadpool_limits(limits=1)


def optional(name: str) -> Any:
    """Import an optional contender (``autograd``, ``torch``); ``None`` if not installed.

    torch is pinned to one intra-op and one inter-op thread as it is imported.
    """
    try:
        mod = importlib.import_module(name)
    except ImportError:
        return None
    if name == "torch":
        mod.set_num_threads(1)
        try:
            mod.set_num_interop_threads(1)
        except RuntimeError:  # only allowed before torch's first parallel work
            pass
    pin_threads()  # torch brings its own OpenMP runtime: limit it too
    return mod


# ---- measuring ----------------------------------------------------------------------------

@dataclass
class Contender:
    """A named zero-argument callable that returns (value, gradient) as NumPy objects."""

    name: str
    fn: Callable[[], Any]


@dataclass
class Stats:
    """Per-call times (seconds) of one contender over the rounds, and its summaries."""

    name: str
    number: int  # calls per sample
    times: list[float]  # per-call seconds, one per round
    median: float = 0.0
    q1: float = 0.0
    q3: float = 0.0
    ratio: float = math.nan  # median over rounds of (this / baseline), same round
    ratio_of_medians: float = math.nan
    faults: float = 0.0  # median minor page faults per call (fresh memory the OS had to map)

    @property
    def iqr_pct(self) -> float:
        return 100.0 * (self.q3 - self.q1) / self.median if self.median else math.nan


def _minor_faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt if resource else 0


def _sample(fn: Callable[[], Any], number: int) -> tuple[float, float]:
    """Seconds per call, and minor page faults per call, over ``number`` calls."""
    clock = time.perf_counter
    f0 = _minor_faults()
    t0 = clock()
    for _ in range(number):
        fn()
    t1 = clock()
    return (t1 - t0) / number, (_minor_faults() - f0) / number


def measure(contenders: Sequence[Contender], baseline: str, rounds: int = 30,
            sample_s: float = 0.02, warmup_s: float = 0.2) -> dict[str, Stats]:
    """Time the contenders in interleaved rounds; return their statistics by name."""
    pin_threads()
    names = [c.name for c in contenders]
    if baseline not in names:
        raise ValueError(f"baseline {baseline!r} is not one of the contenders {names}")
    numbers = {}
    for c in contenders:
        c.fn()  # first call: imports, caches, allocator growth
        spent, calls = 0.0, 0
        t_end = time.perf_counter() + warmup_s
        while True:
            spent += _sample(c.fn, 1)[0]
            calls += 1
            if time.perf_counter() >= t_end and calls >= 3:
                break
        per_call = spent / calls
        numbers[c.name] = max(1, round(sample_s / per_call))
    times: dict[str, list[float]] = {c.name: [] for c in contenders}
    faults: dict[str, list[float]] = {c.name: [] for c in contenders}
    n = len(contenders)
    # Everything alive now (modules, torch's and our own objects) moves to the permanent
    # generation: the collections between samples then cost microseconds, not the tens of
    # milliseconds a full collection takes with torch loaded.
    gc.collect()
    gc.freeze()
    try:
        for r in range(rounds):
            k = r % n
            for c in (*contenders[k:], *contenders[:k]):
                gc.collect()
                t, f = _sample(c.fn, numbers[c.name])
                times[c.name].append(t)
                faults[c.name].append(f)
    finally:
        gc.unfreeze()
    base = np.asarray(times[baseline])
    out = {}
    for c in contenders:
        t = np.asarray(times[c.name])
        q1, med, q3 = np.percentile(t, [25, 50, 75])
        out[c.name] = Stats(c.name, numbers[c.name], t.tolist(), float(med), float(q1),
                            float(q3), float(np.median(t / base)),
                            float(med / np.median(base)), float(np.median(faults[c.name])))
    return out


def paired_ratio(a: Stats, b: Stats) -> float:
    """The median over rounds of a's time / b's time in the same round."""
    return float(np.median(np.asarray(a.times) / np.asarray(b.times)))


def assert_close(name: str, got: Any, want: Any, rtol: float, atol: float) -> None:
    """Check a contender's (value, gradient) against the baseline's before timing."""
    g_leaves, w_leaves = _leaves(got), _leaves(want)
    if len(g_leaves) != len(w_leaves):
        raise AssertionError(f"{name}: {len(g_leaves)} outputs, baseline has {len(w_leaves)}")
    for i, (g, w) in enumerate(zip(g_leaves, w_leaves, strict=True)):
        if isinstance(w, np.ndarray) and w.ndim and np.asarray(g).dtype != w.dtype:
            raise AssertionError(f"{name}: output leaf {i} has dtype {np.asarray(g).dtype}, "
                                 f"the baseline's has {w.dtype}")
        g, w = np.asarray(g), np.asarray(w)
        if g.shape != w.shape or not np.allclose(g, w, rtol=rtol, atol=atol):
            err = np.max(np.abs(g - w)) if g.shape == w.shape else "shape"
            raise AssertionError(f"{name}: output leaf {i} differs from the hand-derived "
                                 f"baseline (shape {g.shape} vs {w.shape}, max |diff| {err})")


def _leaves(tree: Any) -> list[Any]:
    if isinstance(tree, dict):
        return [x for k in sorted(tree) for x in _leaves(tree[k])]
    if isinstance(tree, (list, tuple)):
        return [x for t in tree for x in _leaves(t)]
    return [tree]


# ---- tables -------------------------------------------------------------------------------

@dataclass
class Target:
    """A stated performance target: ``value <= limit`` passes."""

    what: str
    value: float
    limit: float
    unit: str = "x"

    @property
    def ok(self) -> bool:
        return bool(self.value <= self.limit)

    def _parts(self) -> tuple[str, str, str]:
        sep = "" if self.unit == "x" else " "
        return ("PASS" if self.ok else "MISS", f"{self.value:.2f}{sep}{self.unit}",
                f"{self.limit:g}{sep}{self.unit}")

    def line(self) -> str:
        verdict, value, limit = self._parts()
        return f"{verdict}  {self.what}: {value} (target <= {limit})"

    def markdown(self) -> str:
        verdict, value, limit = self._parts()
        return f"**{verdict}** {self.what}: {value} (target ≤ {limit})"


@dataclass
class Table:
    """One benchmark's result: a titled table, notes, targets, and raw data for JSON."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def fmt_time(seconds: float) -> str:
    """A duration with a unit chosen for three significant figures."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def stats_table(key: str, title: str, stats: dict[str, Stats], baseline: str,
                extra: Sequence[tuple[str, Callable[[Stats], str]]] = (),
                notes: Sequence[str] = (), targets: Sequence[Target] = (),
                data: dict[str, Any] | None = None) -> Table:
    """The standard table: contender, median, IQR, ratio to baseline, then ``extra`` columns."""
    columns = ["contender", "median", "IQR", "vs hand", *[h for h, _ in extra]]
    rows = []
    for s in stats.values():
        rows.append([s.name, fmt_time(s.median), f"±{s.iqr_pct / 2:.1f}%", f"{s.ratio:.2f}x",
                     *[f(s) for _, f in extra]])
    raw = {name: {"median_s": s.median, "q1_s": s.q1, "q3_s": s.q3, "calls_per_sample":
                  s.number, "rounds": len(s.times), "ratio_paired": s.ratio,
                  "ratio_of_medians": s.ratio_of_medians, "page_faults_per_call": s.faults,
                  "times_s": s.times}
           for name, s in stats.items()}
    info = {"baseline": baseline, "contenders": raw, **(data or {})}
    return Table(key, title, columns, rows, list(notes), list(targets), info)


def _is_numeric(cell: str) -> bool:
    return bool(cell) and (cell[0].isdigit() or cell[0] in "±-")


def render(table: Table) -> str:
    """The aligned plain-text form printed to the terminal."""
    cols = list(zip(table.columns, *table.rows, strict=True))
    widths = [max(len(c) for c in col) for col in cols]
    right = [all(_is_numeric(r[i]) for r in table.rows) for i in range(len(widths))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if r else c.ljust(w)
                         for c, w, r in zip(cells, widths, right, strict=True)).rstrip()

    rule = "-" * len(line(table.columns))
    out = [table.title, rule, line(table.columns), rule, *[line(r) for r in table.rows], rule]
    for n in table.notes:
        out += textwrap.wrap(n, width=max(len(rule), 88), initial_indent="  ",
                             subsequent_indent="    ")
    out += [f"  {t.line()}" for t in table.targets]
    return "\n".join(out)


def markdown(table: Table, level: int = 3) -> str:
    """The same table as GitHub Markdown, with notes and targets as a list below it."""
    right = [all(_is_numeric(r[i]) for r in table.rows) for i in range(len(table.columns))]
    out = [f"{'#' * level} {table.title}", "",
           "| " + " | ".join(table.columns) + " |",
           "|" + "|".join("---:" if r else ":---" for r in right) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in table.rows]
    extra = [*table.notes, *[t.markdown() for t in table.targets]]
    if extra:
        out += [""] + [f"- {e}" for e in extra]
    return "\n".join(out)


# ---- machine notes, arguments, saving -------------------------------------------------------

def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas() -> str:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        threadpool_info = None
    if threadpool_info is not None:
        pools = []
        for p in threadpool_info():
            n = p.get("num_threads")
            desc = " ".join(str(x) for x in (p.get("internal_api"), p.get("version")) if x)
            layer = p.get("threading_layer")
            desc += f" ({layer + ', ' if layer else ''}{n} thread{'' if n == 1 else 's'})"
            pools.append(desc)
        if pools:
            return "; ".join(pools)
    try:
        cfg = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{cfg.get('name')} {cfg.get('version', '')} (threads pinned by environment)"
    except Exception:
        return "unknown (threads pinned by environment)"


def machine_notes() -> dict[str, str]:
    """What a reader needs to interpret the numbers."""
    pin_threads()
    import chainrule

    notes = {
        "cpu": f"{_cpu_model()}, {os.cpu_count()} logical CPUs",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": _blas(),
        "chainrule": f"{chainrule.__version__} (git {_git('rev-parse', '--short', 'HEAD') or '?'}"
                     f"{', src modified' if _git('status', '--porcelain', '../src') else ''})",
    }
    for name in ("autograd", "torch"):
        try:
            v = metadata.version(name)
        except metadata.PackageNotFoundError:
            notes[name] = "not installed"
            continue
        mod = sys.modules.get(name)
        if mod is None:
            v += " (not loaded)"
        elif name == "torch":
            v += (f" ({mod.get_num_threads()} intra-op, {mod.get_num_interop_threads()} "
                  "inter-op thread)")
        notes[name] = v
    if _NUMPY_WAS_LOADED:
        notes["warning"] = ("numpy was imported before the harness; BLAS threads were "
                            "limited only at run time")
    return notes


def parse_args(description: str, argv: Sequence[str] | None, rounds: int | None = 30,
               sample_ms: float | None = 20.0) -> argparse.Namespace:
    """The options every benchmark accepts (``None`` defaults are left for :func:`settle`)."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--rounds", type=int, default=None,
                   help=f"interleaved rounds (default {rounds or 'per benchmark'})")
    p.add_argument("--sample-ms", type=float, default=None,
                   help=f"target duration of one sample in ms (default "
                        f"{sample_ms or 'per benchmark'})")
    p.add_argument("--warmup-s", type=float, default=0.3, help="warm-up per contender (s)")
    p.add_argument("--quick", action="store_true",
                   help="a smoke run: 5 rounds, short samples (numbers are rough)")
    p.add_argument("--markdown", action="store_true", help="also print the Markdown table")
    p.add_argument("--no-save", action="store_true",
                   help="do not write benchmarks/results/<name>.md and .json")
    p.add_argument("--strict", action="store_true", help="exit with status 1 if a target is missed")
    p.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    p.add_argument("--no-autograd", action="store_true", help="leave HIPS autograd out")
    args = p.parse_args(argv)
    return settle(args, rounds, sample_ms) if rounds is not None else args


def settle(args: argparse.Namespace, rounds: int, sample_ms: float) -> argparse.Namespace:
    """A copy of ``args`` with a benchmark's defaults filled in and ``--quick`` applied."""
    args = argparse.Namespace(**vars(args))
    if args.rounds is None:
        args.rounds = rounds
    if args.sample_ms is None:
        args.sample_ms = sample_ms
    if args.quick:
        args.rounds = min(args.rounds, 5)
        args.sample_ms = min(args.sample_ms, 5.0)
        args.warmup_s = min(args.warmup_s, 0.05)
    return args


def save(name: str, tables: Sequence[Table], notes: dict[str, str] | None = None) -> Path:
    """Write ``results/<name>.md`` and ``results/<name>.json``; return the JSON path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    notes = notes if notes is not None else machine_notes()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    md = [f"## chainrule benchmarks: {name}", "", f"Run {stamp}.", ""]
    md += [f"- {k}: {v}" for k, v in notes.items()] + [""]
    md += [markdown(t) + "\n" for t in tables]
    (RESULTS / f"{name}.md").write_text("\n".join(md))
    payload = {"name": name, "time": stamp, "machine": notes,
               "tables": [{"key": t.key, "title": t.title, "columns": t.columns,
                           "rows": t.rows, "notes": t.notes,
                           "targets": [{"what": x.what, "value": x.value, "limit": x.limit,
                                        "unit": x.unit, "ok": x.ok} for x in t.targets],
                           "data": t.data} for t in tables]}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=1))
    return path


def report(name: str, tables: Sequence[Table], args: argparse.Namespace,
           header: bool = True) -> int:
    """Print the tables (and Markdown when asked), save them; the exit status for --strict."""
    notes = machine_notes()
    if header:
        print("machine: " + "; ".join(f"{k} {v}" for k, v in notes.items()))
        print(f"method: {args.rounds} interleaved rounds, samples of ~{args.sample_ms:g} ms; "
              "median per call; IQR: ± half the interquartile range; 'vs hand': median of "
              "same-round ratios to the hand-derived NumPy")
        print()
    for t in tables:
        print(render(t))
        print()
    if args.markdown:
        for t in tables:
            print(markdown(t))
            print()
    if not args.no_save:
        path = save(name, tables, notes)
        print(f"saved {path.relative_to(HERE.parent)} and {path.with_suffix('.md').name}")
    missed = [t for table in tables for t in table.targets if not t.ok]
    return 1 if (args.strict and missed) else 0
