"""Hypothesis strategies shared by the staffing tests (built once)."""

from __future__ import annotations

import pandas as pd
from hypothesis import strategies as st

traffic_values = st.floats(min_value=0.0, max_value=20_000.0, allow_nan=False)
small_traffic = st.floats(min_value=0.01, max_value=300.0, allow_nan=False)
aht_values = st.floats(min_value=30.0, max_value=900.0, allow_nan=False)
calls_values = st.floats(min_value=0.0, max_value=3_000.0, allow_nan=False)
sl_targets = st.floats(min_value=0.05, max_value=0.99, allow_nan=False)
threshold_values = st.floats(min_value=0.0, max_value=120.0, allow_nan=False)
patience_values = st.floats(min_value=10.0, max_value=1_200.0, allow_nan=False)

# Busy half hours (at least 10 Erlangs): calls per half hour and AHT in seconds.
busy_queues = st.tuples(
    st.integers(min_value=100, max_value=400), st.integers(min_value=180, max_value=400)
)
seeds = st.integers(min_value=0, max_value=2**31 - 1)

HALF_HOUR = 1800.0


def simulated_interval_table(
    configs: list[tuple[int, float, int, int, int]],
    *,
    patience: float | None,
    seed: int,
    queue: str = "billing",
) -> pd.DataFrame:
    """An interval table of half hours simulated by ``ccmm.staffing.simulate``.

    ``configs``: (calls per half hour, AHT seconds, agents who really worked, agents the table
    records as staffed, replications). Every replication becomes one row; rows start on
    2024-03-04 (Europe/Berlin) and follow each other half an hour apart.
    """
    from ccmm.staffing import simulate

    frames = []
    for i, (calls, aht, worked, recorded, replications) in enumerate(configs):
        counts = simulate(
            calls / HALF_HOUR,
            aht,
            worked,
            patience=patience,
            replications=replications,
            seed=seed + 7919 * i,
        ).per_replication
        frames.append(
            counts.to_frame().drop(columns="waited").assign(staffed_seconds=recorded * HALF_HOUR)
        )
    table = pd.concat(frames, ignore_index=True)
    table.insert(0, "channel", "voice")
    table.insert(0, "queue", queue)
    table.insert(0, "interval_minutes", 30)
    starts = pd.date_range("2024-03-04", periods=len(table), freq="30min", tz="Europe/Berlin")
    table.insert(0, "interval_start", starts)
    return table.assign(abandoned_short=0, threshold_seconds=20)
