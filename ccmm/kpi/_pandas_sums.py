"""The pandas KPI backend (polars frames arrive converted): validate, then sum per group.

Implements [`KpiBackend`][ccmm.kpi._core.KpiBackend]: the vectorised validation of
`ccmm.kpi._validate` and one ``groupby().sum()``; the ratios are the shared core's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ccmm.kpi._core import GroupSums, RollupPlan
from ccmm.kpi._frames import as_pandas, period_index
from ccmm.kpi._record import PERIOD_COLUMN
from ccmm.kpi._validate import duplicate_key_problem, validate_table


def select(frame: Any, *, table: str, columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` as pandas (a polars frame converted, only ``columns``)."""
    return as_pandas(frame, table=table, columns=columns)


def group_sums(frame: pd.DataFrame, plan: RollupPlan) -> GroupSums:
    """Every problem of ``frame`` raised at once, else its sums per group of ``plan``."""
    problems = validate_table(frame, plan.spec)
    duplicated = duplicate_key_problem(frame, plan.key, plan.spec.name)
    plan.refuse([*problems, *([] if duplicated is None else [duplicated])])
    return _sums(frame, plan)


def _sums(df: pd.DataFrame, plan: RollupPlan) -> GroupSums:
    sum_columns = list(plan.sum_columns)
    keys: list[Any] = [df[name] for name in plan.by]
    if plan.freq is not None:
        position, starts = period_index(df["interval_start"], plan.freq)
        keys.insert(0, pd.Series(position, index=df.index, name=PERIOD_COLUMN, copy=False))
    value_columns = sum_columns + (["threshold_seconds"] if plan.with_threshold else [])
    low = high = None
    if keys:
        grouped = df[value_columns].groupby(keys, sort=True, observed=True, dropna=False)
        sums = grouped[sum_columns].sum().reset_index()
        if plan.with_threshold:
            low = grouped["threshold_seconds"].min().to_numpy(dtype=np.float64)
            high = grouped["threshold_seconds"].max().to_numpy(dtype=np.float64)
    else:
        # No rows, no group: an empty result, as when grouping an empty table.
        rows = 1 if len(df) else 0
        sums = pd.DataFrame({c: [df[c].sum()][:rows] for c in sum_columns})
        if plan.with_threshold:
            low = np.array([df["threshold_seconds"].min()][:rows], dtype=np.float64)
            high = np.array([df["threshold_seconds"].max()][:rows], dtype=np.float64)
    if plan.freq is not None:
        sums[PERIOD_COLUMN] = starts[sums[PERIOD_COLUMN].to_numpy()]
    return GroupSums(sums=sums, threshold_low=low, threshold_high=high, input_rows=len(df))


__all__ = ["group_sums", "select"]
