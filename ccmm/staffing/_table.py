"""Reading an interval table for the queueing models (private).

`estimate_patience` and `model_fit` both need, per interval, the calls, the handle time and the
staffed agents of a pandas or polars interval table; this module finds those columns, checks the
numbers and reports every bad column at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ccmm._errors import InputDataError
from ccmm._model import FrozenModel
from ccmm.staffing._inputs import FloatArray


@dataclass(frozen=True)
class IntervalColumns:
    """The numbers of an interval table, one array element per row (float64)."""

    frame: pd.DataFrame
    seconds: FloatArray
    offered: FloatArray
    answered: FloatArray
    abandoned: FloatArray
    abandoned_short: FloatArray
    handling: FloatArray
    agents: FloatArray
    extra: dict[str, FloatArray]

    @property
    def whole_agents(self) -> FloatArray:
        """Staffed agents rounded to whole agents (halves up), as the Erlang models need."""
        rounded: FloatArray = np.floor(self.agents + 0.5)
        return rounded

    @property
    def aht(self) -> FloatArray:
        """Handle time per answered call (NaN without answers)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            value: FloatArray = np.where(self.answered > 0, self.handling / self.answered, np.nan)
        return value

    def group_keys(self, by: tuple[str, ...]) -> NDArray[np.object_]:
        """One string per row joining its ``by`` values (unit separator between them)."""
        if not by:
            return np.full(len(self.frame), "", dtype=object)
        joined: NDArray[np.object_] = (
            self.frame[list(by)].astype(str).agg("\x1f".join, axis=1).to_numpy(dtype=object)
        )
        return joined


def column_values(frame: pd.DataFrame, name: str) -> FloatArray:
    """Column ``name`` as float64 (anything not a number becomes NaN, caught by the checks)."""
    values: FloatArray = pd.to_numeric(frame[name], errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    return values


def read_interval_columns(
    intervals: object,
    *,
    purpose: str,
    by: Sequence[str],
    agents: str | None,
    extra: Sequence[str] = (),
    optional: Sequence[str] = (),
    short_abandons_out: bool = False,
) -> IntervalColumns:
    """Find and check the columns ``purpose`` (the calling function's name) needs.

    Handle time: ``handling_seconds``, else ``talk_seconds + hold_seconds + acw_seconds``.
    Staffed agents: the column ``agents`` names, else an ``agents`` column, else
    ``staffed_seconds`` divided by the interval length. With ``short_abandons_out`` the short
    abandons are taken out of both offered and abandoned calls. ``extra`` columns are required,
    ``optional`` ones read when present; both end up in ``extra``. Every number must be finite and
    >= 0; every problem is reported at once, naming the column and the first rows (1-based).
    """
    from ccmm.kpi._frames import as_pandas

    frame = as_pandas(intervals, table="intervals")
    handle = (
        ["handling_seconds"]
        if "handling_seconds" in frame.columns
        else ["talk_seconds", "hold_seconds", "acw_seconds"]
    )
    if agents is None:
        agents_source = "agents" if "agents" in frame.columns else "staffed_seconds"
    else:
        agents_source = agents
    needed = [
        *by,
        "interval_minutes",
        "offered",
        "answered",
        "abandoned",
        *(["abandoned_short"] if short_abandons_out else []),
        *handle,
        agents_source,
        *extra,
    ]
    absent = [name for name in needed if name not in frame.columns]
    extra = [*extra, *(name for name in optional if name in frame.columns)]
    if absent:
        raise InputDataError(
            f"{purpose} needs column(s) {', '.join(map(repr, absent))}"
            + (
                " (staffed agents: an 'agents' or 'staffed_seconds' column, or agents=)"
                if agents_source in absent
                else ""
            )
        )
    seconds = column_values(frame, "interval_minutes") * 60.0
    short = (
        np.nan_to_num(column_values(frame, "abandoned_short"), nan=0.0)
        if "abandoned_short" in frame.columns
        else np.zeros(len(frame))
    )
    removed = short if short_abandons_out else np.zeros(len(frame))
    staffed = column_values(frame, agents_source)
    if agents_source == "staffed_seconds":
        with np.errstate(divide="ignore", invalid="ignore"):
            staffed = staffed / seconds
    numbers = {
        "interval_minutes": seconds,
        "offered": column_values(frame, "offered") - removed,
        "abandoned": column_values(frame, "abandoned") - removed,
        "answered": column_values(frame, "answered"),
        "handle time": sum((column_values(frame, name) for name in handle), np.zeros(len(frame))),
        "agents": staffed,
        **{name: column_values(frame, name) for name in extra},
    }
    after = " (after removing short abandons)" if short_abandons_out else ""
    bad = [
        f"{name} must be finite and >= 0{after}, got rows "
        + ", ".join(str(int(i) + 1) for i in np.flatnonzero(~(np.isfinite(v) & (v >= 0)))[:5])
        for name, v in numbers.items()
        if np.any(~(np.isfinite(v) & (v >= 0)))
    ]
    if bad:
        raise InputDataError(f"invalid interval table ({len(bad)} problem(s))", problems=bad)
    return IntervalColumns(
        frame=frame,
        seconds=seconds,
        offered=numbers["offered"],
        answered=numbers["answered"],
        abandoned=numbers["abandoned"],
        abandoned_short=short,
        handling=numbers["handle time"],
        agents=staffed,
        extra={name: numbers[name] for name in extra},
    )


def keyed_rows(by: tuple[str, ...], items: Sequence[FrozenModel]) -> pd.DataFrame:
    """One row per item: its ``key`` spread over the ``by`` columns, then its other fields."""
    rows = []
    for item in items:
        row: dict[str, object] = dict(zip(by, item.key, strict=True))  # type: ignore[attr-defined]
        row.update(item.model_dump(exclude={"key"}))
        rows.append(row)
    return pd.DataFrame(rows)
