"""Frame plumbing shared by the KPI functions: accepting pandas or polars, and period keys.

polars is never imported unless the caller passed a polars frame.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccmm._frames import as_pandas, is_polars_frame

Freq = Literal["D", "W", "MS"]
FREQS: tuple[Freq, ...] = ("D", "W", "MS")


def period_index(
    timestamps: pd.Series[Any], freq: Freq
) -> tuple[npt.NDArray[np.intp], pd.DatetimeIndex]:
    """Each row's period as a position into the returned, sorted, time-zone-aware period starts.

    Days and months are calendar days and months in the timestamps' own time zone; weeks start
    on Monday (ISO 8601). Vectorised: the period boundaries are built for the span of the data
    only, and rows are placed among them by binary search on the underlying instants, so no
    per-row calendar arithmetic is needed. ``timestamps`` must be tz-aware and without NaT.
    """
    tz = timestamps.dt.tz
    unit = timestamps.dt.unit
    instants = timestamps.array.asi8
    if instants.size == 0:
        return np.zeros(0, dtype=np.intp), pd.DatetimeIndex([], tz=tz).as_unit(unit)
    span = np.array([instants.min(), instants.max()]).astype(f"datetime64[{unit}]")
    ends = pd.DatetimeIndex(span).tz_localize("UTC")
    first, last = ends.tz_convert(tz).tz_localize(None).to_numpy()
    if freq == "D":
        naive = np.arange(first.astype("datetime64[D]"), last.astype("datetime64[D]") + 1)
    elif freq == "MS":
        months = np.arange(first.astype("datetime64[M]"), last.astype("datetime64[M]") + 1)
        naive = months.astype("datetime64[D]")
    else:
        day = first.astype("datetime64[D]").astype(np.int64)
        # 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
        monday = np.datetime64(int(day - (day + 3) % 7), "D")
        naive = np.arange(monday, last.astype("datetime64[D]") + 1, np.timedelta64(7, "D"))
    starts = pd.DatetimeIndex(naive.astype("datetime64[s]")).tz_localize(
        tz, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward"
    )
    starts = starts.as_unit(unit)
    position = np.searchsorted(starts.asi8, instants, side="right") - 1
    return position.astype(np.intp, copy=False), starts


__all__ = ["FREQS", "Freq", "as_pandas", "is_polars_frame", "period_index"]
