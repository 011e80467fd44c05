"""Benchmark of the Spark backend (issue 10): KPI roll-up and full CRUCIAL check on 50 million
interval rows on ``local[2]``, against pandas on the largest table pandas handles here.

The Spark interval table is generated in Spark (``spark.range``; 1,000 queues of consecutive
half hours, counts from hashes of the row id), never in pandas. The fact table (100,000 rows),
registry and analysis log are small pandas tables, as in a real lake where the intervals are
the big part. Prints for each engine the seconds of ``ccmm.kpi.compute`` (by queue and channel,
monthly) and ``ccmm.crucial.check``, rows per second, and peak memory: for Spark the driver
JVM (which runs the local executors too) and the Python driver, for pandas its own process.
pandas runs in a subprocess on ``--pandas-rows`` rows (default 10 million, the size
bench_crucial.py checks on this 2-core, 23 GB machine). ``--quick`` shrinks both to seconds.

    python benchmarks/bench_spark.py [--quick] [--rows N] [--pandas-rows N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_crucial import AS_OF, make_tables

N_FACTS = 100_000
QUEUES = 1_000


def _peak_kib(pid: int | str = "self") -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def run_pandas(rows: int) -> dict[str, float]:
    import ccmm.crucial as crucial
    import ccmm.kpi as kpi

    tables = make_tables(rows, N_FACTS)
    t0 = time.perf_counter()
    result = kpi.compute(tables["intervals"], by=("queue", "channel"), freq="MS")
    t1 = time.perf_counter()
    report = crucial.check(
        tables["facts"], registry=tables["registry"], intervals=tables["intervals"], as_of=AS_OF
    )
    t2 = time.perf_counter()
    return {
        "rows": float(len(tables["intervals"])),
        "kpi_s": t1 - t0,
        "check_s": t2 - t1,
        "groups": float(len(result)),
        "failures": float(sum(p.n_failures for p in report.principles.values())),
        "peak_mib": _peak_kib() / 1024,
    }


def spark_intervals(spark: Any, rows: int) -> Any:
    from pyspark.sql import functions as F

    per_queue = max(1, rows // QUEUES)

    def draw(salt: int, modulus: int) -> Any:
        return F.pmod(F.hash(F.col("id"), F.lit(salt)), F.lit(modulus))

    base = 1_709_247_600  # 2024-03-01T00:00:00+01:00 (Europe/Berlin)
    df = spark.range(rows).select(
        F.timestamp_seconds(F.lit(base) + (F.col("id") % per_queue) * 1800).alias("interval_start"),
        F.lit(30).alias("interval_minutes"),
        F.concat(F.lit("q"), (F.col("id") / per_queue).cast("long").cast("string")).alias("queue"),
        F.lit("voice").alias("channel"),
        draw(1, 60).alias("offered"),
        draw(2, 101).alias("_a"),
        F.lit(20).alias("threshold_seconds"),
        (draw(3, 1800)).cast("double").alias("available_seconds"),
    )
    answered = (F.col("offered") * F.col("_a") / 100).cast("long")
    df = df.withColumn("answered", answered).drop("_a")
    return df.select(
        "interval_start",
        "interval_minutes",
        "queue",
        "channel",
        "offered",
        "answered",
        (F.col("offered") - F.col("answered")).alias("abandoned"),
        (F.col("answered") * 0.8).cast("long").alias("answered_within_threshold"),
        "threshold_seconds",
        (F.col("answered") * 12.0).alias("wait_seconds"),
        (F.col("answered") * 200.0).alias("talk_seconds"),
        (F.col("answered") * 10.0).alias("hold_seconds"),
        (F.col("answered") * 30.0).alias("acw_seconds"),
        "available_seconds",
    )


def local_session(name: str) -> Any:
    """The benchmarks' Spark session: local[2], 6 GiB driver, Europe/Berlin, quiet."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName(name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "6g")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.session.timeZone", "Europe/Berlin")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark(rows: int) -> dict[str, float]:
    import ccmm.crucial as crucial
    import ccmm.kpi as kpi

    spark = local_session("ccmm-bench")
    jvm_pid = int(spark.sparkContext._jvm.ProcessHandle.current().pid())
    small = make_tables(1, N_FACTS)
    intervals = spark_intervals(spark, rows)
    t0 = time.perf_counter()
    result = kpi.compute(intervals, by=("queue", "channel"), freq="MS")
    t1 = time.perf_counter()
    report = crucial.check(
        small["facts"], registry=small["registry"], intervals=intervals, as_of=AS_OF
    )
    t2 = time.perf_counter()
    out = {
        "rows": float(kpi.kpi_computation(result).input_rows),
        "kpi_s": t1 - t0,
        "check_s": t2 - t1,
        "groups": float(len(result)),
        "failures": float(sum(p.n_failures for p in report.principles.values())),
        "jvm_peak_mib": _peak_kib(jvm_pid) / 1024,
        "python_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    spark.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--rows", type=int, default=None, help="Spark interval rows")
    parser.add_argument("--pandas-rows", type=int, default=None, help="pandas interval rows")
    parser.add_argument("--pandas-only", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pandas_only is not None:
        print(json.dumps(run_pandas(args.pandas_only)))
        return
    rows = args.rows or (200_000 if args.quick else 50_000_000)
    pandas_rows = args.pandas_rows or (100_000 if args.quick else min(rows, 10_000_000))

    child = subprocess.run(
        [sys.executable, __file__, "--pandas-only", str(pandas_rows)],
        capture_output=True,
        text=True,
        check=True,
    )
    pandas = json.loads(child.stdout.strip().splitlines()[-1])
    spark = run_spark(rows)

    def per_second(r: dict[str, float], key: str) -> float:
        return r["rows"] / r[key] if r[key] else float("inf")

    print(f"Spark backend, local[2], {os.cpu_count()} CPUs")
    print(
        f"  Spark  {spark['rows']:>12,.0f} interval rows: KPI roll-up {spark['kpi_s']:8.1f} s "
        f"({per_second(spark, 'kpi_s'):,.0f} rows/s), CRUCIAL check {spark['check_s']:8.1f} s "
        f"({per_second(spark, 'check_s'):,.0f} rows/s); peak driver memory: JVM "
        f"{spark['jvm_peak_mib']:,.0f} MiB, Python {spark['python_peak_mib']:,.0f} MiB"
    )
    print(
        f"  pandas {pandas['rows']:>12,.0f} interval rows: KPI roll-up {pandas['kpi_s']:8.1f} s "
        f"({per_second(pandas, 'kpi_s'):,.0f} rows/s), CRUCIAL check {pandas['check_s']:8.1f} s "
        f"({per_second(pandas, 'check_s'):,.0f} rows/s); peak memory {pandas['peak_mib']:,.0f} MiB"
    )
    print(
        "  Spark / pandas time per row: KPI "
        f"{per_second(pandas, 'kpi_s') / per_second(spark, 'kpi_s'):.2f}x, CRUCIAL "
        f"{per_second(pandas, 'check_s') / per_second(spark, 'check_s'):.2f}x"
    )
    print(
        f"  groups: Spark {spark['groups']:.0f}, pandas {pandas['groups']:.0f}; failures found: "
        f"Spark {spark['failures']:.0f}, pandas {pandas['failures']:.0f}"
    )


if __name__ == "__main__":
    main()
