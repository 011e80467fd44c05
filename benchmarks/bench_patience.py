"""Benchmark (issue 20): coverage of ``estimate_patience``'s confidence interval.

Data: one queue's half-hour intervals simulated (M/M/n+M, ``ccmm.staffing.simulate``'s engine)
with a known mean patience, 48 intervals per dataset around full load (the test's design,
``tests/test_staffing_patience.py``). For each patience the share of datasets whose interval
holds the true patience is printed with its 95 % binomial (Wilson score) interval; the issue's goal
is >= 90 % (the confidence interval is a 95 % one). Baseline: the nominal 95 %.

Usage: ``python benchmarks/bench_patience.py [--quick] [--seeds N] [--patience P ...]``
(``--patience`` picks some of the values, e.g. to run them in separate processes).
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ccmm.staffing import estimate_patience

# The tests' simulated interval tables (tests/strategies_staffing.py), one definition for both.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from strategies_staffing import simulated_interval_table

# (calls per half hour, aht, agents): around full load, where abandonment tells most.
CONFIGS = [(100, 180, 9), (150, 200, 16), (60, 240, 8), (200, 180, 19)]
PATIENCES = (30.0, 60.0, 120.0, 300.0, 600.0)
GOAL = 0.90
Z95 = 1.959963984540054  # the standard normal's 97.5 % quantile


def wilson_interval(hits: int, trials: int) -> tuple[float, float]:
    """95 % Wilson score interval of a binomial share (stays inside [0, 1], fine at 0 or n hits)."""
    share = hits / trials
    scale = 1.0 + Z95**2 / trials
    centre = (share + Z95**2 / (2 * trials)) / scale
    half = Z95 * math.sqrt(share * (1 - share) / trials + Z95**2 / (4 * trials**2)) / scale
    return max(0.0, centre - half), min(1.0, centre + half)


def simulated_intervals(patience: float, seed: int) -> pd.DataFrame:
    """48 half-hour intervals of one queue simulated with a known mean patience."""
    configs = [(calls, float(aht), agents, agents, 12) for calls, aht, agents in CONFIGS]
    return simulated_interval_table(configs, patience=patience, seed=seed)


def main(argv: list[str]) -> int:
    seeds = 30 if "--quick" in argv else 200
    if "--seeds" in argv:
        seeds = int(argv[argv.index("--seeds") + 1])
    patiences: tuple[float, ...] = PATIENCES
    if "--patience" in argv:
        chosen = argv[argv.index("--patience") + 1 :]
        patiences = tuple(float(p) for p in chosen if not p.startswith("--"))
    worst = 1.0
    for patience in patiences:
        start = time.perf_counter()
        hits = 0
        ratios = []
        for seed in range(seeds):
            (group,) = estimate_patience(simulated_intervals(patience, 1000 + seed)).groups
            assert group.lower_seconds is not None and group.upper_seconds is not None
            hits += group.lower_seconds <= patience <= group.upper_seconds
            ratios.append(float(group.patience_seconds or math.nan) / patience)
        share = hits / seeds
        worst = min(worst, share)
        low, high = wilson_interval(hits, seeds)
        print(
            f"patience {patience:5.0f} s: interval holds it in {hits}/{seeds} datasets = "
            f"{share:.1%} (95 % binomial interval {low:.1%} to {high:.1%}); "
            f"median estimate/true {np.median(ratios):.3f}; "
            f"{time.perf_counter() - start:.1f} s"
        )
    print(
        f"lowest coverage {worst:.1%} (nominal 95 %); goal >= {GOAL:.0%}: "
        f"{'met' if worst >= GOAL else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
