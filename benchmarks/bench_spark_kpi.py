"""Benchmark for issue 16: ``ccmm.kpi.compute`` on Spark against a hand-written ``groupBy`` of
the same sums, on ``local[2]``, same run.

The interval table is generated in Spark (``bench_spark.spark_intervals``: 1,000 queues of
consecutive half hours, counts from hashes of the row id); both sides read it the same way.
The baseline is ``groupBy(queue, channel, month).agg(sum(...), min/max(threshold_seconds))``
of the very columns ``compute(by=("queue", "channel"), freq="MS")`` sums, collected to the
driver; ``compute`` validates too (one aggregation job with the screen; see docs/spark.md).
Prints seconds (best of ``--repeats``, after one warm-up run of each), the JVM's CPU seconds
(steadier than wall-clock time on a shared machine), the number of Spark jobs each ran, the
ratio compute / baseline (goal <= 1.2x) and the load average at the time.

    python benchmarks/bench_spark_kpi.py [--rows N] [--repeats K]   # default 10 million rows
    python benchmarks/bench_spark_kpi.py --quick                    # 200,000 rows
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_kpi import SUMS
from bench_spark import local_session, spark_intervals


def _jvm_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200,000 rows, a smoke run")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    rows = args.rows or (200_000 if args.quick else 10_000_000)

    from pyspark.sql import functions as F

    import ccmm.kpi as kpi

    spark = local_session("ccmm-bench-kpi")
    jvm_pid = int(spark.sparkContext._jvm.ProcessHandle.current().pid())
    intervals = spark_intervals(spark, rows)

    def baseline() -> Any:
        month = F.to_date(F.date_trunc("month", "interval_start")).alias("period")
        return (
            intervals.groupBy("queue", "channel", month)
            .agg(
                *(F.sum(c).alias(c) for c in SUMS),
                F.min("threshold_seconds").alias("low"),
                F.max("threshold_seconds").alias("high"),
            )
            .collect()
        )

    def ccmm_compute() -> Any:
        return kpi.compute(intervals, by=("queue", "channel"), freq="MS")

    tracker = spark.sparkContext.statusTracker()

    def run(name: str, fn: Callable[[], Any]) -> tuple[float, float, int, Any]:
        spark.sparkContext.setJobGroup(name, name)
        before = set(tracker.getJobIdsForGroup(name))
        cpu, t0 = _jvm_cpu_seconds(jvm_pid), time.perf_counter()
        out = fn()
        seconds, cpu = time.perf_counter() - t0, _jvm_cpu_seconds(jvm_pid) - cpu
        jobs = len(set(tracker.getJobIdsForGroup(name)) - before)
        return seconds, cpu, jobs, out

    run("baseline", baseline)  # warm-up: JIT and code generation
    run("compute", ccmm_compute)
    best: dict[str, tuple[float, float, int]] = {}
    samples: dict[str, list[float]] = {"baseline": [], "compute": []}
    for _ in range(args.repeats):
        for name, fn in (("baseline", baseline), ("compute", ccmm_compute)):
            seconds, cpu, jobs, out = run(name, fn)
            samples[name].append(seconds)
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, cpu, jobs)
            if name == "compute":
                result = out
            else:
                groups = len(out)
    assert len(result) == groups, (len(result), groups)
    load = os.getloadavg()
    (b_s, b_cpu, b_jobs), (c_s, c_cpu, c_jobs) = best["baseline"], best["compute"]
    print(f"bench_spark_kpi: {rows:,} interval rows, local[2], {groups} groups")
    print(f"  baseline groupBy().agg(sum ...): {b_s:8.2f} s (JVM CPU {b_cpu:.2f} s, {b_jobs} jobs)")
    print(f"  ccmm.kpi.compute (validated):    {c_s:8.2f} s (JVM CPU {c_cpu:.2f} s, {c_jobs} jobs)")
    print(
        f"  ratio compute / baseline: {c_s / b_s:.2f}x wall, {c_cpu / b_cpu:.2f}x CPU "
        f"(goal <= 1.2x); load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    ratios = sorted(c / b for b, c in zip(samples["baseline"], samples["compute"], strict=True))
    print(f"  each run's ratio (sorted): {', '.join(f'{r:.2f}' for r in ratios)}")
    spark.stop()


if __name__ == "__main__":
    main()
