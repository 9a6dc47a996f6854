"""Run every chainrule benchmark and print the combined Markdown table (``make bench``).

Each benchmark prints its own aligned table as it finishes; at the end this script prints
all of them as one Markdown document, with the machine notes, and writes it to
``benchmarks/results/all.md`` (and ``all.json``), which are git-ignored.

Options are those of the single benchmarks (``--rounds``, ``--quick``, ``--strict``, ...);
``--only per_op,iris_mlp`` runs a subset. Without ``--rounds``, each benchmark uses its own
default.
"""

from __future__ import annotations

import _harness as H  # first: pins BLAS to one thread before NumPy loads

# isort: split
import sys
import time

import bench_compile
import bench_fluidsim
import bench_iris_mlp
import bench_jacobian
import bench_landscape
import bench_mlp784
import bench_per_op

BENCHMARKS = (("per_op", bench_per_op), ("iris_mlp", bench_iris_mlp), ("mlp784", bench_mlp784),
              ("landscape", bench_landscape), ("fluidsim", bench_fluidsim),
              ("compile", bench_compile), ("jacobian", bench_jacobian))


def main(argv: list[str] | None = None) -> int:
    import argparse

    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--only", default="")
    known, rest = pre.parse_known_args(argv)
    args = H.parse_args(__doc__.splitlines()[0] + " Also: --only NAME[,NAME].", rest,
                        rounds=None, sample_ms=None)
    only = {x.strip() for x in known.only.split(",") if x.strip()}
    unknown = only - {name for name, *_ in BENCHMARKS}
    if unknown:
        print(f"unknown benchmark(s) {sorted(unknown)}; choose from "
              f"{[name for name, *_ in BENCHMARKS]}", file=sys.stderr)
        return 2

    notes = H.machine_notes()
    print("machine: " + "; ".join(f"{k} {v}" for k, v in notes.items()))
    print()
    tables: list[H.Table] = []
    methods = []
    for name, mod in BENCHMARKS:
        if only and name not in only:
            continue
        a = H.settle(args, mod.ROUNDS, mod.SAMPLE_MS)
        t0 = time.perf_counter()
        got = mod.run(a)
        methods.append(f"{name}: {a.rounds} rounds, samples of ~{a.sample_ms:g} ms "
                       f"({time.perf_counter() - t0:.0f} s)")
        for t in got:
            print(H.render(t))
            print()
        tables += got

    notes = H.machine_notes()  # again: torch and autograd are loaded now
    notes["method"] = ("interleaved rounds (every contender once per round, rotating "
                       "order); median per call; IQR: ± half the interquartile range; "
                       "'vs hand': median of same-round ratios to the hand-derived NumPy; "
                       + "; ".join(methods))
    print("## chainrule benchmarks")
    print()
    for k, v in notes.items():
        print(f"- {k}: {v}")
    print()
    for t in tables:
        print(H.markdown(t))
        print()
    if not args.no_save:
        path = H.save("all", tables, notes)
        print(f"saved {path.relative_to(H.HERE.parent)} and {path.with_suffix('.md').name}")
    missed = [t for table in tables for t in table.targets if not t.ok]
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
