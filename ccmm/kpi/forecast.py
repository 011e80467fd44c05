"""Forecast accuracy (clause 52: compare actual volumes with the forecast and analyse large
deviations).

Per interval, with A the actual and F the forecast value:

* error = F − A (positive: over-forecast); absolute percentage error APE = |F − A| / A for A > 0;
* WAPE = Σ|F − A| / ΣA, a ratio of sums, defined whenever ΣA > 0;
* MAPE = mean of APE over intervals with A > 0; intervals with A = 0 are excluded and counted
  (``zero_actual_intervals``) because their APE is undefined;
* bias = Σ(F − A) / ΣA (positive: the forecast ran high);
* an interval is flagged when APE > ``threshold``, or when A = 0 while F ≠ 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccmm._errors import InputDataError
from ccmm._guard import checked_arguments
from ccmm._model import FrozenModel
from ccmm.kpi._frames import as_pandas

_SHOWN = 10


class AccuracyFigures(FrozenModel):
    """Accuracy figures over a set of intervals. NaN where a figure is undefined."""

    intervals: int
    actual_total: float
    forecast_total: float
    wape: float
    """Σ|F − A| / ΣA; NaN when ΣA = 0."""
    mape: float
    """Mean of |F − A| / A over intervals with A > 0; NaN when there are none."""
    mape_intervals: int
    zero_actual_intervals: int
    """Intervals left out of MAPE because their actual is zero."""
    bias: float
    """Σ(F − A) / ΣA; positive when the forecast ran high; NaN when ΣA = 0."""
    flagged_intervals: int


@dataclass(frozen=True)
class ForecastAccuracy:
    """Result of [`forecast_accuracy`][ccmm.kpi.forecast_accuracy].

    ``by_group``: one row per ``by`` group with the [`AccuracyFigures`][ccmm.kpi.AccuracyFigures]
    fields as columns. ``flagged``: the flagged intervals (``on`` columns, ``actual``, ``forecast``,
    ``error``, ``ape`` and ``reason``), in key order.
    """

    overall: AccuracyFigures
    by_group: pd.DataFrame
    flagged: pd.DataFrame
    on: tuple[str, ...]
    by: tuple[str, ...]
    value: str
    threshold: float


def _prepare(frame: object, name: str, on: Sequence[str], value: str) -> pd.DataFrame:
    df = as_pandas(frame, table=name, columns=[*on, value])
    absent = [c for c in [*on, value] if c not in df.columns]
    if absent:
        raise InputDataError(
            f"{name} is missing column(s) {', '.join(map(repr, absent))}; "
            f"got {', '.join(map(repr, map(str, df.columns))) or '(none)'}"
        )
    problems: list[str] = []
    series = df[value]
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        raise InputDataError(f"{name} column {value!r} must hold numbers, got dtype {series.dtype}")
    numbers = series.to_numpy(dtype=np.float64, na_value=np.nan)
    for mask, what in ((np.isnan(numbers), "are empty"), (numbers < 0, "are negative")):
        if mask.any():
            rows = np.flatnonzero(mask)
            problems.append(
                f"{name} column {value!r}: {rows.size} row(s) {what} "
                f"(rows {', '.join(map(str, rows[:_SHOWN]))}{', …' if rows.size > _SHOWN else ''})"
            )
    duplicated = df.duplicated(list(on), keep=False).to_numpy()
    if duplicated.any():
        rows = np.flatnonzero(duplicated)
        problems.append(
            f"{name}: {rows.size} row(s) share their {list(on)} key with another row "
            f"(rows {', '.join(map(str, rows[:_SHOWN]))}{', …' if rows.size > _SHOWN else ''})"
        )
    for column in on:
        empty = df[column].isna().to_numpy()
        if empty.any():
            problems.append(f"{name} column {column!r}: {int(empty.sum())} row(s) have no key")
    if problems:
        raise InputDataError(f"{name} cannot be used", problems=problems)
    return pd.DataFrame({**{c: df[c] for c in on}, value: numbers})


def _figures(
    n: npt.NDArray[Any],
    actual: npt.NDArray[Any],
    forecast: npt.NDArray[Any],
    abs_error: npt.NDArray[Any],
    error: npt.NDArray[Any],
    ape_sum: npt.NDArray[Any],
    ape_n: npt.NDArray[Any],
    flagged: npt.NDArray[Any],
) -> dict[str, npt.NDArray[Any]]:
    def ratio(num: npt.NDArray[Any], den: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        out = np.full(len(num), np.nan)
        np.divide(num, den, out=out, where=den > 0)
        return out

    return {
        "intervals": n.astype(np.int64),
        "actual_total": actual.astype(np.float64),
        "forecast_total": forecast.astype(np.float64),
        "wape": ratio(abs_error, actual),
        "mape": ratio(ape_sum, ape_n.astype(np.float64)),
        "mape_intervals": ape_n.astype(np.int64),
        "zero_actual_intervals": (n - ape_n).astype(np.int64),
        "bias": ratio(error, actual),
        "flagged_intervals": flagged.astype(np.int64),
    }


@checked_arguments
def forecast_accuracy(
    actual: object,
    forecast: object,
    *,
    on: Sequence[str] = ("interval_start", "queue"),
    value: str = "offered",
    by: Sequence[str] = ("queue",),
    threshold: float = 0.15,
) -> ForecastAccuracy:
    """Compare ``forecast`` with ``actual`` interval by interval (pandas or polars frames).

    Both frames hold the key columns ``on`` and the ``value`` column (contacts offered by
    default). Every key must appear in both frames exactly once: unmatched or duplicated keys,
    empty or negative values raise [`InputDataError`][ccmm.InputDataError] listing them, rather than
    being dropped. ``by`` (a subset of ``on``) gives per-group figures; ``threshold`` is the
    absolute percentage error above which an interval is flagged (0.15 = 15 %).
    """
    if isinstance(on, str) or isinstance(by, str):
        raise InputDataError("on and by must be sequences of column names, not strings")
    if not on:
        raise InputDataError("on must name at least one key column")
    stray = [b for b in by if b not in on]
    if stray:
        raise InputDataError(f"by must be a subset of on {list(on)}, got {stray}")
    if not (threshold >= 0 and np.isfinite(threshold)):
        raise InputDataError(f"threshold must be a finite number >= 0, got {threshold!r}")
    left = _prepare(actual, "actual", on, value).rename(columns={value: "actual"})
    right = _prepare(forecast, "forecast", on, value).rename(columns={value: "forecast"})
    merged = left.merge(right, on=list(on), how="outer", indicator=True, sort=True)
    unmatched = merged["_merge"].to_numpy() != "both"
    if unmatched.any():
        sample = merged.loc[unmatched, [*on, "_merge"]].head(_SHOWN)
        listed = [
            f"{dict(zip(on, row[:-1], strict=True))} only in "
            f"{'actual' if row[-1] == 'left_only' else 'forecast'}"
            for row in sample.itertuples(index=False)
        ]
        raise InputDataError(
            f"{int(unmatched.sum())} key(s) appear in only one of actual and forecast",
            problems=listed,
        )
    merged = merged.drop(columns="_merge")
    a = merged["actual"].to_numpy()
    f = merged["forecast"].to_numpy()
    error = f - a
    abs_error = np.abs(error)
    positive = a > 0
    ape = np.full(len(a), np.nan)
    np.divide(abs_error, a, out=ape, where=positive)
    flag = np.where(positive, ape > threshold, f != 0)
    parts = pd.DataFrame(
        {
            "n": np.ones(len(a), dtype=np.int64),
            "actual": a,
            "forecast": f,
            "abs_error": abs_error,
            "error": error,
            "ape_sum": np.where(positive, ape, 0.0),
            "ape_n": positive.astype(np.int64),
            "flagged": flag.astype(np.int64),
        }
    )
    totals = parts.sum()
    overall_cols = _figures(*(np.array([totals[c]]) for c in parts.columns))
    overall = AccuracyFigures(**{k: v[0].item() for k, v in overall_cols.items()})
    if by:
        grouped = parts.groupby([merged[b] for b in by], sort=True, observed=True, dropna=False)
        sums = grouped.sum()
        by_group = pd.concat(
            [
                sums.index.to_frame(index=False),
                pd.DataFrame(_figures(*(sums[c].to_numpy() for c in parts.columns))),
            ],
            axis=1,
        )
    else:
        by_group = pd.DataFrame(overall_cols)
    flagged = merged.loc[flag, list(on)].reset_index(drop=True)
    flagged["actual"] = a[flag]
    flagged["forecast"] = f[flag]
    flagged["error"] = error[flag]
    flagged["ape"] = ape[flag]
    flagged["reason"] = np.where(
        positive[flag], f"absolute percentage error above {threshold:g}", "actual is zero"
    )
    return ForecastAccuracy(
        overall=overall,
        by_group=by_group,
        flagged=flagged,
        on=tuple(on),
        by=tuple(by),
        value=value,
        threshold=float(threshold),
    )


__all__ = ["AccuracyFigures", "ForecastAccuracy", "forecast_accuracy"]


def __dir__() -> list[str]:
    return list(__all__)
