"""Benchmark for issue 4: time of ``ccmm.planning.plan()`` on the example assessment.

The example centre (CC-CMM-OC 2017, 177 items) reaches L2; the plan goes to L3 and to L4. The
issue names no baseline, so the figure is given as a ratio against one ``ccmm.evaluate()`` of
the same assessment, measured in this run (best of 5 repeats of a batch of calls). A plan
evaluates the assessment before and after, so a ratio of a few is expected.

    python benchmarks/bench_planning.py           # 200 calls per batch
    python benchmarks/bench_planning.py --quick   # 20 calls per batch, a smoke run
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import ccmm
from ccmm.examples import load_example_assessment
from ccmm.planning import margin, plan


def best_seconds(call: Callable[[], object], calls: int, repeats: int = 5) -> float:
    """Best time per call over ``repeats`` batches of ``calls`` calls."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def main(argv: list[str]) -> None:
    calls = 20 if "--quick" in argv else 200
    assessment = load_example_assessment()
    standard = ccmm.load_standard()
    baseline = best_seconds(lambda: ccmm.evaluate(assessment, standard), calls)
    print(f"evaluate() on the example (baseline): {baseline * 1e3:.3f} ms")
    for target in (3, 4):
        result = plan(assessment, target, standard)
        seconds = best_seconds(lambda t=target: plan(assessment, t, standard), calls)
        print(
            f"plan() L2 -> L{target} ({len(result.steps)} steps): {seconds * 1e3:.3f} ms, "
            f"{seconds / baseline:.1f}x evaluate()"
        )
    seconds = best_seconds(lambda: margin(assessment, standard), calls)
    print(f"margin() at L2: {seconds * 1e3:.3f} ms, {seconds / baseline:.1f}x evaluate()")


if __name__ == "__main__":
    main(sys.argv[1:])
