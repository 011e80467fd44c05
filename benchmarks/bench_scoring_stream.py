"""Benchmark: ``evaluate_many`` streaming one million assessments (issue #14, finding 15).

Goals: 1,000,000 assessments (177 million rating rows) through ``evaluate_many`` in <= 2 GB peak
RSS, at >= 50,000 assessments/s. The baselines: before streaming, 1M assessments did not fit in
8.5 GB (named in the issue); the per-assessment ``evaluate`` loop, measured in the same run. Each
case runs in its own process so that its peak RSS is its own; the rows come as chunks of 20,000
assessments (as ``pd.read_csv(chunksize=...)`` or a database cursor would deliver them), each
built from arrays when it is asked for.
Run: ``nox -s bench`` (or ``python benchmarks/bench_scoring_stream.py [--quick]``).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator

GOAL_RATE = 50_000
GOAL_RSS_GB = 2.0
CHUNK = 20_000  # assessments per chunk


def _chunks(n: int) -> Iterator[object]:
    import numpy as np
    import pandas as pd

    import ccmm

    ids = ccmm.load_standard().item_ids
    size = len(ids)
    rng = np.random.default_rng(7)
    grades = np.array([0, 5, 10], dtype=np.int8)
    pool = CHUNK * size
    c = grades[rng.choice(3, p=[0.02, 0.08, 0.9], size=pool)]
    f = grades[rng.choice(3, p=[0.05, 0.2, 0.75], size=pool)]
    items = pd.Categorical.from_codes(np.tile(np.arange(size, dtype=np.int16), CHUNK), ids)
    years = np.repeat(rng.integers(0, 8, CHUNK).astype(np.float64), size)
    local = np.repeat(np.arange(CHUNK, dtype=np.int64), size)
    for start in range(0, n, CHUNK):
        k = min(CHUNK, n - start)
        rows = k * size
        yield pd.DataFrame({
            "assessment_id": local[:rows] + start,
            "item": items[:rows],
            "c_rate": c[:rows],
            "f_rate": f[:rows],
            "operating_years": years[:rows],
        })  # fmt: skip


def case(n: int) -> dict[str, float]:
    import ccmm

    ccmm.evaluate_many(_chunks(CHUNK))  # warm: the standard is loaded once
    start = time.perf_counter()
    out = ccmm.evaluate_many(_chunks(n))
    elapsed = time.perf_counter() - start
    assert len(out) == n
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"n": n, "seconds": elapsed, "peak_gb": peak_kib * 1024 / 1e9,
            "levels": {int(k): int(v) for k, v in out["level"].value_counts().items()}}  # fmt: skip


def main(quick: bool) -> None:
    from bench_scoring import evaluate_loop_rate

    n = 100_000 if quick else 1_000_000
    loop_rate = evaluate_loop_rate(next(iter(_chunks(300))), 300)  # type: ignore[arg-type]
    done = subprocess.run(
        [sys.executable, __file__, "--case", str(n)], capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    rate = result["n"] / result["seconds"]
    print(
        f"evaluate_many streamed: {result['n']:,} assessments ({result['n'] * 177:,} rows) in "
        f"{result['seconds']:.2f} s = {rate:,.0f} assessments/s = {rate / GOAL_RATE:.2f}x the goal "
        f"of {GOAL_RATE:,}/s ({'met' if rate >= GOAL_RATE else 'NOT met'}); baseline in this run, "
        f"one Assessment built and evaluated per id in a loop: {loop_rate:,.0f}/s, "
        f"evaluate_many is {rate / loop_rate:,.0f}x that"
    )
    print(
        f"evaluate_many streamed: peak RSS {result['peak_gb']:.2f} GB = "
        f"{result['peak_gb'] / GOAL_RSS_GB:.2f}x the goal of <= {GOAL_RSS_GB} GB "
        f"({'met' if result['peak_gb'] <= GOAL_RSS_GB else 'NOT met'}); baseline before "
        "streaming: 1M assessments did not fit in 8.5 GB"
    )
    print(f"levels: {dict(sorted(result['levels'].items()))}")


if __name__ == "__main__":
    if "--case" in sys.argv:
        print(json.dumps(case(int(sys.argv[sys.argv.index("--case") + 1]))))
    else:
        main(quick="--quick" in sys.argv)
