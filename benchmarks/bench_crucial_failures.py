"""Benchmark: what failing rows cost ``ccmm.crucial.check`` (issue #14, finding 15).

Before: ~29 µs per failing row (5M interval rows: 1.4 s clean, 31 s with 1M failing rows). Goal:
the check on 5,000,000 interval rows (+ 100,000 fact rows) with 1,000,000 failing rows (one row
in five breaks ``answered + abandoned <= offered``) takes <= 3x the same check on the clean
table, both measured in this run, each in its own process (the tables and the worker are those
of ``bench_crucial.py``). ``--quick`` shrinks the sizes 100-fold for a smoke run.
Run: ``nox -s bench`` (or ``python benchmarks/bench_crucial_failures.py [--quick]``).
"""

from __future__ import annotations

import sys

from bench_crucial import run

GOAL_RATIO = 3.0


def main(quick: bool) -> None:
    n_intervals, n_facts = (50_000, 1_000) if quick else (5_000_000, 100_000)
    clean = run("clean", n_intervals, n_facts)
    failing = run("failing", n_intervals, n_facts)
    ratio = failing["seconds"] / clean["seconds"]
    print(
        f"CRUCIAL check, {n_intervals:,} interval rows + {n_facts:,} fact rows: clean "
        f"{clean['seconds']:.2f} s; with {n_intervals // 5:,} failing rows "
        f"{failing['seconds']:.2f} s ({int(failing['failures']):,} failures kept); ratio "
        f"{ratio:.2f}x (goal <= {GOAL_RATIO:g}x: {'met' if ratio <= GOAL_RATIO else 'NOT met'}); "
        f"peak RSS clean {clean['peak_bytes'] / 2**30:.2f} GiB, failing "
        f"{failing['peak_bytes'] / 2**30:.2f} GiB"
    )


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
