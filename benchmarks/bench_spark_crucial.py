"""Benchmark of the CRUCIAL interval checks on Spark (issue 16) against hand-written Spark SQL.

On ``local[2]``, one interval table generated in Spark (``bench_spark.spark_intervals``: 1,000
queues of consecutive half hours) and cached, then, in the same session and alternating:

- ccmm: the interval table's column checks, row rules and grid exactly as
  ``ccmm.crucial.check`` runs them for a Spark interval table (the Spark backend of the engine);
- baseline: the same rules written by hand in Spark SQL: one aggregation counting every column
  condition (null/NaN, infinite, below the minimum, beyond 2**53 for counts and durations) and
  every row relation, and a window (lag over queue and channel, ordered by start) counting each
  gap or overlap.

Prints the best of ``--repeat`` runs of each and the ratio (goal: <= 1.5x at 10 million rows).

    python benchmarks/bench_spark_crucial.py [--rows N] [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_spark import local_session, spark_intervals

MAX_EXACT = 2**53
COUNTS = (
    "interval_minutes",
    "offered",
    "answered",
    "abandoned",
    "answered_within_threshold",
    "threshold_seconds",
)
SECONDS = ("wait_seconds", "talk_seconds", "hold_seconds", "acw_seconds", "available_seconds")
MINIMUM = dict.fromkeys((*COUNTS, *SECONDS), 0) | {"interval_minutes": 1}


def baseline(frame: Any) -> int:
    """The interval checks hand-written in Spark SQL; returns the number of failing cases."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    def count(condition: Any) -> Any:
        return F.count(F.when(condition, True))

    conditions = []
    for c in ("interval_start", "queue", "channel"):
        conditions.append(F.col(c).isNull())
    for c in COUNTS:
        col = F.col(c)
        conditions += [col.isNull(), F.coalesce(col < MINIMUM[c], F.lit(False))]
        conditions.append(F.coalesce(col > MAX_EXACT, F.lit(False)))
    for c in SECONDS:
        col = F.col(c)
        conditions += [col.isNull() | F.isnan(col), col.isin(float("inf"), float("-inf"))]
        conditions.append(F.coalesce(col < MINIMUM[c], F.lit(False)))
        conditions.append(F.coalesce(col > MAX_EXACT, F.lit(False)) & ~F.isnan(col))
    offered, answered, abandoned = F.col("offered"), F.col("answered"), F.col("abandoned")
    conditions += [
        F.coalesce(answered + abandoned > offered, F.lit(False)),
        F.coalesce(F.col("answered_within_threshold") > answered, F.lit(False)),
        F.coalesce(F.col("interval_minutes") > 30, F.lit(False)),
    ]
    counted = frame.agg(*(count(c).alias(f"c{i}") for i, c in enumerate(conditions))).first()
    total = sum(int(v) for v in counted)
    order = Window.partitionBy("queue", "channel").orderBy("_s", "_m")
    runs = frame.select(
        "queue",
        "channel",
        F.unix_micros("interval_start").alias("_s"),
        F.col("interval_minutes").cast("double").alias("_m"),
    )
    prev_end = F.lag("_s").over(order) + (F.lag("_m").over(order) * 60e6).cast("long")
    breaks = runs.select(F.col("_s"), prev_end.alias("_pe")).where(
        F.col("_pe").isNotNull() & (F.col("_s") != F.col("_pe"))
    )
    return total + int(breaks.count())


def ccmm_interval_checks(frame: Any) -> int:
    """The Spark backend's interval checks as ``ccmm.crucial.check`` runs them."""
    from ccmm._spark.crucial import SparkTable
    from ccmm.crucial._engine import Collector, applicable_rules

    out = Collector()
    backend = SparkTable(frame)
    backend.table_checks(applicable_rules("intervals", list(frame.columns), out), out)
    backend.grid(out)
    return sum(out.failed.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    spark = local_session("ccmm-bench-crucial")
    try:
        frame = spark_intervals(spark, args.rows).cache()
        frame.count()
        ccmm_interval_checks(frame)  # warm-up: JIT, code generation
        times: dict[str, list[float]] = {"ccmm": [], "baseline": []}
        found: dict[str, int] = {}
        for _ in range(args.repeat):
            for name, fn in (("ccmm", ccmm_interval_checks), ("baseline", baseline)):
                t0 = time.perf_counter()
                found[name] = fn(frame)
                times[name].append(time.perf_counter() - t0)
        best = {k: min(v) for k, v in times.items()}
        print(
            f"CRUCIAL interval checks on Spark local[2], {args.rows:,} rows (best of {args.repeat})"
        )
        print(f"  ccmm (Spark backend): {best['ccmm']:.2f} s ({found['ccmm']} failures)")
        print(f"  hand-written Spark SQL: {best['baseline']:.2f} s ({found['baseline']} failures)")
        print(f"  ratio {best['ccmm'] / best['baseline']:.2f}x (goal <= 1.5x)")
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
