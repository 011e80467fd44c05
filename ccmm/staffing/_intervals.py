"""Required agents per interval of a forecast interval table (private)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ccmm._errors import InputDataError
from ccmm._guard import checked_arguments
from ccmm.staffing._inputs import FloatArray, FloatResult, Problems, nonnegative, positive
from ccmm.staffing._results import StaffingResult
from ccmm.staffing._search import agents_for_service_level, erlang_a_agents_for_service_level


@checked_arguments
def staff_intervals(
    frame: pd.DataFrame,
    *,
    target_service_level: float,
    threshold_seconds: float,
    calls_column: str = "offered",
    aht_column: str = "aht_seconds",
    interval_column: str = "interval_minutes",
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
    patience_seconds: float | None = None,
) -> pd.DataFrame:
    """Required agents per interval of a forecast interval table (pandas).

    ``frame`` holds forecast calls (``calls_column``), AHT in seconds (``aht_column``) and the
    interval length in minutes (``interval_column``, as in the canonical interval table). Returns
    a copy with ``agents_required``, ``agents_scheduled``, ``expected_service_level`` (answered
    within ``threshold_seconds``), ``expected_asa_seconds``, ``expected_occupancy`` and
    ``expected_abandon_rate`` added, row order and index unchanged. Erlang C, or Erlang A when
    ``patience_seconds`` is given (then abandonment is modelled; under Erlang C it is 0 by
    assumption).
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputDataError(
            f"staff_intervals needs a pandas DataFrame, got {type(frame).__name__}"
        )
    needed = [calls_column, aht_column, interval_column]
    absent = [name for name in needed if name not in frame.columns]
    if absent:
        raise InputDataError(
            f"interval table is missing column(s) {', '.join(map(repr, absent))}; "
            f"got {', '.join(map(repr, map(str, frame.columns))) or '(none)'}"
        )
    problems = Problems()
    columns: dict[str, FloatArray] = {}
    for name in needed:
        values = pd.to_numeric(frame[name], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        columns[name] = values
    calls = nonnegative(f"column {calls_column!r}", columns[calls_column], problems)
    aht = positive(f"column {aht_column!r}", columns[aht_column], problems)
    minutes = positive(f"column {interval_column!r}", columns[interval_column], problems)
    problems.raise_if_any()
    result: StaffingResult
    abandon: FloatResult
    if patience_seconds is None:
        result = agents_for_service_level(
            calls,
            aht,
            interval_seconds=minutes * 60.0,
            target_service_level=target_service_level,
            threshold_seconds=threshold_seconds,
            max_occupancy=max_occupancy,
            shrinkage=shrinkage,
        )
        abandon = np.zeros(len(frame))
    else:
        result_a = erlang_a_agents_for_service_level(
            calls,
            aht,
            patience_seconds=patience_seconds,
            interval_seconds=minutes * 60.0,
            target_service_level=target_service_level,
            threshold_seconds=threshold_seconds,
            max_occupancy=max_occupancy,
            shrinkage=shrinkage,
        )
        result, abandon = result_a, result_a.abandon_probability
    out = frame.copy()
    out["agents_required"] = np.asarray(result.agents, dtype=np.int64)
    out["agents_scheduled"] = np.asarray(result.scheduled, dtype=np.int64)
    out["expected_service_level"] = np.asarray(result.service_level, dtype=np.float64)
    out["expected_asa_seconds"] = np.asarray(result.asa_seconds, dtype=np.float64)
    out["expected_occupancy"] = np.asarray(result.occupancy, dtype=np.float64)
    out["expected_abandon_rate"] = np.asarray(abandon, dtype=np.float64)
    return out
