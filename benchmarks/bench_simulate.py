"""Benchmark (issue 20): simulated contacts per second of ``ccmm.staffing.simulate``.

Cases: an M/M/3 queue at 80 % load (the case of Ciw's published figure, about 30,000 customers
per second), a 45-agent queue at 89 % load, and the same with abandonment (M/M/n+M). Each is
timed best of 3; the figure is counted contacts divided by wall time. Goal: >= 1,000,000 contacts
per second. Baseline, measured in the same run: Ciw (``pip install ciw``; the ``bench`` session
installs it) simulating the same M/M/3 queue, customers whose records it returns per second.

Usage: ``python benchmarks/bench_simulate.py [--quick]``
"""

from __future__ import annotations

import sys
import time

from ccmm.staffing import simulate

CIW_PUBLISHED = 30_000.0
GOAL = 1_000_000.0


def ciw_mm3(rate: float, aht: float, customers: int) -> float | None:
    """Customers per second of Ciw on M/M/3 (None when Ciw is not installed)."""
    try:
        import ciw
    except ImportError:
        return None
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=rate)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / aht)],
        number_of_servers=[3],
    )
    ciw.seed(7)
    simulation = ciw.Simulation(network)
    start = time.perf_counter()
    simulation.simulate_until_max_time(customers / rate)
    seconds = time.perf_counter() - start
    return len(simulation.get_all_records()) / seconds


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    target = 50_000 if quick else 600_000  # contacts per case
    cases = [
        ("M/M/3, 80 % load", 3 * 0.8 / 180.0, 180.0, 3, None),
        ("M/M/45, 89 % load", 40 / 240.0, 240.0, 45, None),
        ("M/M/45+M, patience 120 s", 40 / 240.0, 240.0, 45, 120.0),
    ]
    worst = float("inf")
    ciw_speed = ciw_mm3(cases[0][1], cases[0][2], 2_000 if quick else 20_000)
    if ciw_speed is None:
        print("Ciw is not installed (`pip install ciw`): only its published figure is quoted")
    else:
        print(f"baseline, Ciw M/M/3 at 80 % load (this run): {ciw_speed:,.0f} customers/s")
    for name, rate, aht, agents, patience in cases:
        runs = max(2, int(target / (rate * 1800.0)))
        best = float("inf")
        contacts = 0
        for _ in range(3):
            start = time.perf_counter()
            result = simulate(rate, aht, agents, patience=patience, replications=runs, seed=7)
            best = min(best, time.perf_counter() - start)
            contacts = result.contacts
        speed = contacts / best
        worst = min(worst, speed)
        print(
            f"{name}: {contacts:,} contacts in {best:.3f} s = {speed:,.0f} contacts/s "
            + (f"({speed / ciw_speed:,.0f}x Ciw measured, " if ciw_speed else "(")
            + f"{speed / CIW_PUBLISHED:,.0f}x Ciw's published ~{CIW_PUBLISHED:,.0f}/s)"
        )
    print(
        f"slowest case: {worst:,.0f} contacts/s; goal >= {GOAL:,.0f}: "
        f"{'met' if worst >= GOAL else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
