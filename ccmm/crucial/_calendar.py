"""Opening hours and closures: which intervals of a queue and channel must be present.

A centre closed at night, on Sundays or on holidays exports no rows for those intervals; with
its opening hours the interval-grid check (112.1) asks only for the intervals inside them. This
module holds the calendar logic once, for every backend: it reads the ``opening_hours`` and
``closures`` tables into a `Schedule` and computes, for one queue and channel, the interval
starts that must be present (`expected_starts`). Backends only compare their rows with it.

Opening hours are local wall-clock times in the zone of ``interval_start``: an interval is
inside when its local start time and its end fall within a window of its local weekday (a
window whose ``closes`` is not after ``opens`` runs past midnight into the next day). The
candidate intervals are stepped in UTC from the group's first interval and then read on the
local clock, so a daylight-saving day has 46 or 50 half-hours where the window covers the
change, as the ACD records them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ccmm._errors import InputDataError
from ccmm._text import quote

if TYPE_CHECKING:
    import numpy.typing as npt
    import pandas as pd

MINUTES_PER_DAY = 24 * 60
_NS_PER_MINUTE = 60 * 10**9
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::00)?")
#: Most candidate intervals one queue and channel may span (a year of 5-minute intervals).
MAX_CANDIDATES = 366 * MINUTES_PER_DAY // 5


@dataclass(frozen=True)
class Window:
    """One opening window: ``weekday`` (0 = Monday) from ``opens`` to ``closes`` (minutes after
    local midnight; ``closes <= opens`` means the window ends the next day). ``queue`` and
    ``channel`` None apply to every queue or channel."""

    queue: str | None
    channel: str | None
    weekday: int
    opens: int
    closes: int

    def applies(self, queue: str, channel: str) -> bool:
        return self.queue in (None, queue) and self.channel in (None, channel)


@dataclass(frozen=True)
class Closure:
    """A local date on which ``queue`` and ``channel`` (None: every one) stay closed."""

    date: dt.date
    queue: str | None
    channel: str | None

    def applies(self, queue: str, channel: str) -> bool:
        return self.queue in (None, queue) and self.channel in (None, channel)


@dataclass(frozen=True)
class Schedule:
    """Opening windows and closures, as read from the two tables."""

    windows: tuple[Window, ...]
    closures: tuple[Closure, ...] = ()

    def scheduled(self, queue: str, channel: str) -> bool:
        """Whether any window names this queue and channel (else it has no opening hours)."""
        return any(w.applies(queue, channel) for w in self.windows)


def _frame(table: object, name: str) -> pd.DataFrame:
    import pandas as pd

    from ccmm.kpi._frames import as_pandas

    frame = as_pandas(table, table=name)
    return frame.reset_index(drop=True) if isinstance(frame, pd.DataFrame) else frame


def _optional_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _clock(value: Any, *, end: bool) -> int | None:
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    match = _CLOCK.fullmatch(str(value).strip())
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and (minutes or not end)):
        return None
    return hours * 60 + minutes


def _missing_columns(frame: pd.DataFrame, name: str, needed: tuple[str, ...]) -> None:
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        raise InputDataError(
            f"{name} table is missing column(s) {', '.join(map(repr, absent))}; "
            f"got {', '.join(map(repr, map(str, frame.columns))) or '(none)'}"
        )


def read_schedule(opening_hours: object, closures: object = None) -> Schedule:
    """A `Schedule` from an ``opening_hours`` table and an optional ``closures`` table.

    ``opening_hours``: columns ``queue``, ``channel`` (empty = every one), ``weekday``
    (0 = Monday … 6 = Sunday), ``opens`` and ``closes`` (local ``HH:MM``; ``24:00`` closes at
    midnight; a ``closes`` not after ``opens`` runs past midnight); several rows per day are
    allowed. ``closures``: ``date`` (local ``YYYY-MM-DD``), ``queue``, ``channel`` (empty = every
    one). Raises `InputDataError` naming every bad row at once.
    """
    import pandas as pd

    hours = _frame(opening_hours, "opening_hours")
    _missing_columns(hours, "opening_hours", ("queue", "channel", "weekday", "opens", "closes"))
    problems: list[str] = []
    windows: list[Window] = []
    for i, row in enumerate(hours.to_dict("records")):
        where = f"opening_hours row {i}"
        weekday = row["weekday"]
        try:
            day = int(weekday)
        except (TypeError, ValueError):
            day = -1
        if not (0 <= day <= 6) or str(weekday).strip() not in {str(day), f"{day}.0"}:
            problems.append(
                f"{where}: weekday must be 0 (Monday) to 6 (Sunday), got {quote(weekday)}"
            )
            continue
        opens, closes = _clock(row["opens"], end=False), _clock(row["closes"], end=True)
        if opens is None or closes is None:
            bad = row["opens"] if opens is None else row["closes"]
            problems.append(f"{where}: opens and closes must be HH:MM, got {quote(bad)}")
            continue
        if opens == closes:
            problems.append(f"{where}: opens and closes are the same time; use 00:00 to 24:00")
            continue
        windows.append(
            Window(_optional_text(row["queue"]), _optional_text(row["channel"]), day, opens, closes)
        )
    closed: list[Closure] = []
    if closures is not None:
        table = _frame(closures, "closures")
        _missing_columns(table, "closures", ("date", "queue", "channel"))
        dates = pd.to_datetime(table["date"], errors="coerce", format="ISO8601")
        for i, (raw, when) in enumerate(zip(table["date"], dates, strict=True)):
            if pd.isna(when):
                problems.append(f"closures row {i}: date must be YYYY-MM-DD, got {quote(raw)}")
                continue
            closed.append(
                Closure(
                    when.date(),
                    _optional_text(table["queue"].iloc[i]),
                    _optional_text(table["channel"].iloc[i]),
                )
            )
    if problems:
        raise InputDataError("the opening hours cannot be used", problems=problems)
    return Schedule(tuple(windows), tuple(closed))


def expected_starts(
    schedule: Schedule,
    *,
    queue: str,
    channel: str,
    first_ns: int,
    end_ns: int,
    minutes: int,
    time_zone: str,
) -> npt.NDArray[np.int64]:
    """UTC nanosecond starts of the ``minutes``-long intervals inside opening hours, from
    ``first_ns`` (a present interval, which anchors the grid) up to ``end_ns`` (exclusive)."""
    import pandas as pd

    step = minutes * _NS_PER_MINUTE
    count = max(0, -(-(end_ns - first_ns) // step))
    if count > MAX_CANDIDATES:
        raise InputDataError(
            f"intervals of queue {queue!r}, channel {channel!r} span {count:,} intervals of "
            f"{minutes} minutes; at most {MAX_CANDIDATES:,} are compared with opening hours"
        )
    candidates = first_ns + step * np.arange(count, dtype=np.int64)
    local = pd.DatetimeIndex(candidates, tz="UTC").tz_convert(time_zone)
    tod = np.asarray(local.hour * 60 + local.minute)
    weekday = np.asarray(local.day_of_week)
    date = local.tz_localize(None).normalize().to_numpy()
    one_day = np.timedelta64(1, "D")
    inside = np.zeros(count, dtype=bool)
    # The local date each inside interval's window opened on (closures apply to it).
    opened = date.copy()
    for w in schedule.windows:
        if not w.applies(queue, channel):
            continue
        if w.closes > w.opens:
            hit = (weekday == w.weekday) & (tod >= w.opens) & (tod + minutes <= w.closes)
        else:  # past midnight: the evening part, then the morning of the next day
            evening = (weekday == w.weekday) & (tod >= w.opens)
            evening &= tod + minutes <= MINUTES_PER_DAY + w.closes
            morning = (weekday == (w.weekday + 1) % 7) & (tod + minutes <= w.closes)
            opened = np.where(morning & ~inside, date - one_day, opened)
            hit = evening | morning
        inside |= hit
    for c in schedule.closures:
        if c.applies(queue, channel):
            inside &= opened != np.datetime64(c.date, "ns")
    return candidates[inside]


@dataclass(frozen=True)
class HoursFindings:
    """What the rows of an interval table show against opening hours.

    ``missing``: (queue, channel, UTC ns start) of every interval inside hours with no row;
    ``outside``: positions of rows outside hours that carry volume (``offered > 0``);
    ``unscheduled``: (queue, channel) pairs no opening window names (the plain grid applies).
    """

    missing: tuple[tuple[str, str, int], ...]
    outside: npt.NDArray[np.intp]
    unscheduled: tuple[tuple[str, str], ...]


def compare_with_hours(
    queue: npt.NDArray[Any],
    channel: npt.NDArray[Any],
    start_ns: npt.NDArray[np.int64],
    minutes: npt.NDArray[np.float64],
    offered: npt.NDArray[np.float64],
    *,
    schedule: Schedule,
    time_zone: str,
) -> HoursFindings:
    """Compare interval rows (columns as arrays; rows without a start or length left out by the
    caller) with ``schedule``: which inside intervals are missing, which rows lie outside."""
    missing: list[tuple[str, str, int]] = []
    outside: list[npt.NDArray[np.intp]] = []
    unscheduled: list[tuple[str, str]] = []
    keys = np.array([f"{q}\x00{c}" for q, c in zip(queue, channel, strict=True)], dtype=object)
    for key in sorted(set(keys.tolist())):
        q, c = key.split("\x00", 1)
        rows = np.flatnonzero(keys == key)
        if not schedule.scheduled(q, c):
            unscheduled.append((q, c))
            continue
        lengths, counts = np.unique(minutes[rows], return_counts=True)
        length = int(lengths[np.argmax(counts)])
        starts = start_ns[rows]
        first = int(starts.min())
        end = int((starts + (minutes[rows] * _NS_PER_MINUTE).astype(np.int64)).max())
        expected = expected_starts(
            schedule,
            queue=q,
            channel=c,
            first_ns=first,
            end_ns=end,
            minutes=length,
            time_zone=time_zone,
        )
        present = np.isin(expected, starts)
        missing.extend((q, c, int(s)) for s in expected[~present])
        off_hours = ~np.isin(starts, expected) & (np.nan_to_num(offered[rows]) > 0)
        outside.append(rows[off_hours])
    positions = np.sort(np.concatenate(outside)) if outside else np.zeros(0, dtype=np.intp)
    return HoursFindings(tuple(missing), positions.astype(np.intp), tuple(unscheduled))


__all__ = [
    "MAX_CANDIDATES",
    "Closure",
    "HoursFindings",
    "Schedule",
    "Window",
    "compare_with_hours",
    "expected_starts",
    "read_schedule",
]
