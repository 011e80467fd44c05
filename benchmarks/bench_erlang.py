"""Benchmark (issue 6): required agents for 100,000 half-hour intervals, ccmm vs pyworkforce.

Intervals: calls uniform 1-2000, AHT uniform 120-600 s, target 80 % answered in 20 s. ccmm solves
all intervals in one vectorised call; the baseline is pyworkforce's ``ErlangC`` looped in Python,
timed on a 2,000-interval sample and extrapolated linearly to the full count (said in the output).
Goals: >= 1000x faster than pyworkforce (issue 20; issue 6 asked 300x) and <= 0.1 s for 100,000
intervals.

Issue 14, item 14: Erlang A with long patience. The worst time of one scalar
``erlang_a_service_level`` call over patience 1 s ... 1e300 s (goal <= 50 ms), against the 0.1
series alone (its time grows linearly with patience; timed at 1e3-1e5 s, extrapolated).

Usage: ``python benchmarks/bench_erlang.py [--quick]`` (``--quick``: 10,000 intervals, 200-sample).
"""

from __future__ import annotations

import sys
import time

import numpy as np

from ccmm.staffing import agents_for_service_level

INTERVAL_MINUTES = 30
TARGET_LEVEL = 0.8
TARGET_SECONDS = 20.0
RATIO_GOAL = 1000.0
SECONDS_GOAL = 0.1
# Best of several runs: the figure is the machine's capability, not its momentary load.
REPEATS = 15


def _best_of(repeats: int, run: object) -> float:
    return _best_of_both(repeats, run)[0]


def _best_of_both(repeats: int, run: object) -> tuple[float, float]:
    """Best wall time and best CPU time (this process) of ``repeats`` runs.

    On a shared machine the wall time of a short vectorised run suffers more from other
    processes (cache, memory bandwidth) than a long Python loop does; the CPU time of this
    process shows the ratio with less of that noise. Both are printed.
    """
    walls, cpus = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        run()  # type: ignore[operator]
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    size = 10_000 if quick else 100_000
    sample = 200 if quick else 2_000
    rng = np.random.default_rng(6)
    calls = rng.uniform(1, 2000, size)
    aht = rng.uniform(120, 600, size)

    def ours() -> object:
        return agents_for_service_level(
            calls,
            aht,
            interval_seconds=INTERVAL_MINUTES * 60.0,
            target_service_level=TARGET_LEVEL,
            threshold_seconds=TARGET_SECONDS,
        )

    ours()  # warm-up (imports, first-touch allocations)
    ours_seconds, ours_cpu = _best_of_both(REPEATS, ours)
    agents = np.asarray(ours().agents)  # type: ignore[attr-defined]

    try:
        from pyworkforce.queuing import ErlangC
    except ImportError:
        print("pyworkforce is not installed: `pip install pyworkforce` to measure the baseline")
        print(f"ccmm: {size:,} intervals in {ours_seconds:.4f} s (goal <= {SECONDS_GOAL} s)")
        return 0

    def theirs() -> list[int]:
        found = []
        for c, h in zip(calls[:sample], aht[:sample], strict=True):
            model = ErlangC(
                transactions=float(c),
                aht=float(h) / 60.0,
                asa=TARGET_SECONDS / 60.0,
                interval=INTERVAL_MINUTES,
            )
            found.append(model.required_positions(service_level=TARGET_LEVEL)["raw_positions"])
        return found

    # Best of 3, as ours is a best of several: its time varies by a quarter from run to run here.
    sample_seconds, sample_cpu = _best_of_both(3, theirs)
    their_seconds = sample_seconds * size / sample
    their_cpu = sample_cpu * size / sample
    disagree = int(np.sum(np.asarray(theirs()) != agents[:sample]))
    ratio = their_seconds / ours_seconds
    print(
        f"Erlang C staffing, {size:,} half-hour intervals, target {TARGET_LEVEL:.0%} in "
        f"{TARGET_SECONDS:g} s"
    )
    print(f"  ccmm (vectorised, best of {REPEATS}):        {ours_seconds:.4f} s")
    print(
        f"  pyworkforce ErlangC (Python loop):   {their_seconds:.2f} s  "
        f"(extrapolated from {sample:,} intervals timed at {sample_seconds:.2f} s)"
    )
    print(f"  ratio: ccmm is {ratio:,.0f}x faster")
    print(
        f"  CPU time of this process: ccmm {ours_cpu:.4f} s, pyworkforce {their_cpu:.2f} s "
        f"(extrapolated) -> {their_cpu / ours_cpu:,.0f}x"
    )
    print(f"  agent counts differing from pyworkforce on the sample: {disagree} of {sample:,}")
    print(
        f"  goal >= {RATIO_GOAL:g}x: {'met' if ratio >= RATIO_GOAL else 'NOT met'}; "
        f"goal <= {SECONDS_GOAL} s: {'met' if ours_seconds <= SECONDS_GOAL else 'NOT met'}"
        + (" (quick run: sizes shrunk, goals apply to the full run)" if quick else "")
    )
    _erlang_a_patience(quick)
    return 0


PATIENCE_GOAL_SECONDS = 0.05


def _erlang_a_patience(quick: bool) -> None:
    from ccmm.staffing import erlang_a_service_level
    from ccmm.staffing._erlang_a_kernel import erlang_a_flat
    from ccmm.staffing._erlang_core import erlang_b_flat

    calls, aht, agents, interval = 100.0, 300.0, 10, 1800.0  # the case: 16.7 Erlangs
    exponents = range(0, 301, 30 if quick else 5)
    worst, worst_at = 0.0, 0.0
    for exponent in exponents:
        patience = 10.0**exponent
        seconds = _best_of(
            3,
            lambda p=patience: erlang_a_service_level(
                calls,
                aht,
                agents,
                patience_seconds=p,
                threshold_seconds=20.0,
                interval_seconds=interval,
            ),
        )
        if seconds > worst:
            worst, worst_at = seconds, patience
    inverse_b = 1.0 / erlang_b_flat(np.array([calls * aht / interval]), np.array([agents]))
    series = {}
    for patience in (1e3, 1e4, 1e5):
        series[patience] = _best_of(
            1,
            lambda p=patience: erlang_a_flat(
                np.array([calls / interval]),
                np.array([aht]),
                np.array([p]),
                np.array([float(agents)]),
                inverse_b,
                np.array([20.0]),
            ),
        )
    per_second = series[1e5] / 1e5
    print(
        f"Erlang A, one call ({calls:g} calls, AHT {aht:g} s, {agents} agents per half hour), "
        f"patience 1 s to 1e300 s ({len(exponents)} values)"
    )
    print(f"  ccmm worst per call: {worst * 1e3:.1f} ms (at patience {worst_at:.0e} s)")
    print(
        "  baseline, the 0.1 series alone: "
        + ", ".join(f"{p:.0e} s -> {t * 1e3:.0f} ms" for p, t in series.items())
        + f"; linear, so 1e300 s -> ~{per_second * 1e300:.0e} s"
    )
    print(
        f"  goal <= {PATIENCE_GOAL_SECONDS * 1e3:.0f} ms per call: "
        f"{'met' if worst <= PATIENCE_GOAL_SECONDS else 'NOT met'}"
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
