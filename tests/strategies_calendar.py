"""Hypothesis strategies for opening hours (``ccmm.crucial._calendar``).

`weekly_schedules` draws an opening-hours table (several windows a day, some past midnight);
`reference_starts` enumerates the intervals inside it independently of ccmm: local wall-clock
times window by window, day by day, localised in the zone (a time the clock skips is dropped, a
time it repeats gives both instants).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import strategies as st

#: Zones whose daylight-saving shifts are whole hours (and one without any).
ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Shanghai", "UTC")
#: First days whose following fortnight crosses a daylight-saving change in some zone.
FIRST_DAYS = (
    dt.date(2024, 3, 25),
    dt.date(2024, 3, 5),
    dt.date(2024, 10, 22),
    dt.date(2024, 3, 28),
    dt.date(2024, 10, 31),
    dt.date(2024, 4, 3),
    dt.date(2024, 6, 10),
)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def weekly_schedules(draw: st.DrawFn, *, step: int = 30) -> pd.DataFrame:
    """An opening-hours table for queue ``q``/channel ``voice``: per weekday zero to two
    windows on the ``step``-minute grid, one of them possibly past midnight."""
    slots = 24 * 60 // step
    rows = []
    for weekday in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, slots), max_size=4)))
        for a, b in zip(cuts[::2], cuts[1::2], strict=False):
            if a < b:
                rows.append((weekday, a * step, b * step))
        if draw(st.integers(0, 5)) == 0:  # a night window: from late evening into the next day
            opens = draw(st.integers(slots * 3 // 4, slots - 1)) * step
            closes = draw(st.integers(1, slots // 4)) * step
            taken = any(w == weekday and (b > opens) for w, _, b in rows) or any(
                w == (weekday + 1) % 7 and a < closes for w, a, _ in rows
            )
            if not taken:
                rows.append((weekday, opens, closes))
    return pd.DataFrame(
        {
            "queue": ["q"] * len(rows),
            "channel": ["voice"] * len(rows),
            "weekday": [w for w, _, _ in rows],
            "opens": [_clock(a) for _, a, _ in rows],
            "closes": [_clock(b) if b < 24 * 60 else "24:00" for _, _, b in rows],
        }
    )


def reference_starts(
    hours: pd.DataFrame, *, first: dt.date, days: int, step: int, zone: str
) -> pd.DatetimeIndex:
    """Every interval start inside ``hours`` from local midnight of ``first`` through the day
    ``first + days - 1`` (a night window that opens on the last day runs into the next; one that
    opened the day before runs into the first), sorted, as UTC instants."""
    walls: list[pd.Timestamp] = []
    for k in range(-1, days):  # the day before: its night window runs into the first day
        day = first + dt.timedelta(days=k)
        for row in hours.itertuples(index=False):
            if row.weekday != day.weekday():
                continue
            opens = _minutes(row.opens)
            closes = _minutes(row.closes)
            end = closes if closes > opens else closes + 24 * 60
            walls.extend(
                pd.Timestamp(day) + pd.Timedelta(minutes=m)
                for m in range(opens, end, step)
                if m + step <= end
            )
    local = pd.DatetimeIndex(walls, dtype="datetime64[ns]")
    local = local[local >= pd.Timestamp(first)]
    instants = set()
    for ambiguous in (True, False):  # a repeated wall time is two instants
        zoned = local.tz_localize(zone, ambiguous=[ambiguous] * len(local), nonexistent="NaT")
        instants.update(zoned[~zoned.isna()].tz_convert("UTC"))
    return pd.DatetimeIndex(sorted(instants), dtype="datetime64[ns, UTC]")


def _minutes(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)
