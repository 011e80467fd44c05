"""Benchmark of the level evaluator (issue: deterministic level evaluator).

Prints the median time of ``evaluate`` on a validated 177-item assessment, and the throughput of
``evaluate_many`` on 10,000 assessments (1.77 million rows). Goals on a 2-core machine:
``evaluate`` <= 0.5 ms median, ``evaluate_many`` >= 20,000 assessments/s.
Run: ``nox -s bench`` (or ``python benchmarks/bench_scoring.py [--quick]``).
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
import pandas as pd

import ccmm
from ccmm.examples import load_example_assessment


def evaluate_loop_rate(frame: pd.DataFrame, n: int) -> float:
    """The baseline: assessments/s building one ``Assessment`` per id and calling ``evaluate``."""
    size = len(ccmm.load_standard().item_ids)
    start = time.perf_counter()
    for k in range(-1, n):  # -1: the first assessment once more, to warm up; not timed
        if k == 0:
            start = time.perf_counter()
        rows = frame.iloc[max(k, 0) * size : (max(k, 0) + 1) * size]
        triples = zip(rows["item"], rows["c_rate"], rows["f_rate"], strict=True)
        ccmm.evaluate(
            ccmm.Assessment(
                standard_id="cc-cmm-oc",
                edition="2017",
                organisation=str(k),
                assessed_on="2026-01-01",
                operating_years=float(rows["operating_years"].iloc[0]),
                scores={i: ccmm.ItemScore(c_rate=int(a), f_rate=int(b)) for i, a, b in triples},
            )
        )
    return n / (time.perf_counter() - start)


def main(quick: bool = False) -> None:
    assessment = load_example_assessment()
    ccmm.evaluate(assessment)  # warm: the standard is loaded once
    timings = []
    for _ in range(500 if quick else 5000):
        start = time.perf_counter()
        ccmm.evaluate(assessment)
        timings.append(time.perf_counter() - start)
    median_ms = statistics.median(timings) * 1e3
    print(f"evaluate: median {median_ms:.3f} ms per call over {len(timings)} calls "
          f"(goal <= 0.5 ms: {'met' if median_ms <= 0.5 else 'NOT met'})")  # fmt: skip

    standard = ccmm.load_standard()
    ids = np.array(standard.item_ids)
    n = 1000 if quick else 10_000
    rng = np.random.default_rng(7)
    grades = np.array([0, 5, 10])
    c = grades[rng.choice(3, p=[0.02, 0.08, 0.9], size=(n, ids.size))]
    f = grades[rng.choice(3, p=[0.05, 0.2, 0.75], size=(n, ids.size))]
    frame = pd.DataFrame({
        "assessment_id": np.repeat(np.arange(n), ids.size),
        "item": np.tile(ids, n),
        "c_rate": c.ravel(),
        "f_rate": f.ravel(),
        "operating_years": np.repeat(rng.integers(0, 8, n), ids.size),
    })  # fmt: skip
    ccmm.evaluate_many(frame.head(ids.size))
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        out = ccmm.evaluate_many(frame)
        runs.append(time.perf_counter() - start)
    best = min(runs)
    rate = n / best
    verdict = "met" if rate >= 20_000 else "NOT met"
    print(
        f"evaluate_many: {n:,} assessments ({len(frame):,} rows) in {best:.3f} s (best of 3) = "
        f"{rate:,.0f} assessments/s (goal >= 20,000/s: {verdict})"
    )
    loop_rate = evaluate_loop_rate(frame, min(n, 300))
    print(f"baseline, building and evaluating one Assessment per id in a loop: {loop_rate:,.0f}/s; "
          f"evaluate_many is {rate / loop_rate:.1f}x that")  # fmt: skip
    print(f"levels: {out['level'].value_counts().sort_index().to_dict()}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
