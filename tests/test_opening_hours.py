"""Opening hours and closures (``ccmm.crucial._calendar``): the intervals that must be present.

The calendar steps intervals in UTC and reads them on the local clock; the reference in
``strategies_calendar`` enumerates local wall-clock times day by day and localises them. Across
daylight-saving changes in several zones, the two agree exactly.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies_calendar import FIRST_DAYS, ZONES, reference_starts, weekly_schedules

from ccmm import CCMMError
from ccmm.crucial._calendar import compare_with_hours, expected_starts, read_schedule

STEP = 30
NS = 60 * 10**9


def _rows(starts: pd.DatetimeIndex, offered: int = 5) -> dict[str, np.ndarray]:
    n = len(starts)
    return {
        "queue": np.array(["q"] * n, dtype=object),
        "channel": np.array(["voice"] * n, dtype=object),
        "start_ns": starts.as_unit("ns").asi8.astype(np.int64),
        "minutes": np.full(n, float(STEP)),
        "offered": np.full(n, float(offered)),
    }


def _compare(rows: dict[str, np.ndarray], hours: pd.DataFrame, zone: str, closures=None):
    return compare_with_hours(
        rows["queue"],
        rows["channel"],
        rows["start_ns"],
        rows["minutes"],
        rows["offered"],
        schedule=read_schedule(hours, closures),
        time_zone=zone,
    )


@given(
    hours=weekly_schedules(step=STEP),
    zone=st.sampled_from(ZONES),
    first=st.sampled_from(FIRST_DAYS),
    days=st.integers(1, 15),
)
def test_the_calendar_expects_exactly_the_wall_clock_intervals_inside_hours(
    hours, zone: str, first: dt.date, days: int
) -> None:
    reference = reference_starts(hours, first=first, days=days, step=STEP, zone=zone)
    assume(len(reference) > 0)
    first_ns = int(reference[0].value)
    expected = expected_starts(
        read_schedule(hours),
        queue="q",
        channel="voice",
        first_ns=first_ns,
        end_ns=int(reference[-1].value) + STEP * NS,
        minutes=STEP,
        time_zone=zone,
    )
    assert expected.tolist() == reference.as_unit("ns").asi8.tolist()


@given(
    hours=weekly_schedules(step=STEP),
    zone=st.sampled_from(ZONES),
    first=st.sampled_from(FIRST_DAYS),
    days=st.integers(1, 15),
    data=st.data(),
)
def test_intervals_inside_hours_pass_and_one_removed_is_exactly_the_gap(
    hours, zone: str, first: dt.date, days: int, data
) -> None:
    reference = reference_starts(hours, first=first, days=days, step=STEP, zone=zone)
    assume(len(reference) > 0)
    complete = _compare(_rows(reference), hours, zone)
    assert complete.missing == () and len(complete.outside) == 0
    assume(len(reference) >= 3)
    gone = data.draw(st.integers(1, len(reference) - 2), label="removed")
    kept = reference.delete(gone)
    found = _compare(_rows(kept), hours, zone)
    assert found.missing == (("q", "voice", int(reference[gone].value)),)
    assert len(found.outside) == 0


@given(
    hours=weekly_schedules(step=STEP),
    zone=st.sampled_from(ZONES),
    first=st.sampled_from(FIRST_DAYS),
    days=st.integers(2, 10),
    data=st.data(),
)
def test_volume_outside_hours_is_exactly_the_rows_added_outside(
    hours, zone: str, first: dt.date, days: int, data
) -> None:
    reference = reference_starts(hours, first=first, days=days, step=STEP, zone=zone)
    assume(len(reference) >= 2)
    grid = pd.date_range(reference[0], reference[-1], freq=f"{STEP}min")
    closed = grid.difference(reference)
    assume(len(closed) > 0)
    added = closed[data.draw(st.lists(st.integers(0, len(closed) - 1), min_size=1, unique=True))]
    starts = reference.append(added).sort_values()
    rows = _rows(starts)
    found = _compare(rows, hours, zone)
    assert found.missing == ()
    flagged = pd.DatetimeIndex(rows["start_ns"][found.outside]).tz_localize("UTC")
    assert list(flagged) == list(added.sort_values())
    # Zero-volume intervals outside hours are fine.
    rows["offered"][:] = 0
    assert len(_compare(rows, hours, zone).outside) == 0


BERLIN_HOURS = pd.DataFrame(
    {
        "queue": [""] * 6,
        "channel": [None] * 6,
        "weekday": [0, 1, 2, 3, 4, 5],
        "opens": ["08:00"] * 5 + ["09:00"],
        "closes": ["20:00"] * 5 + ["13:00"],
    }
)


def test_a_berlin_week_across_the_spring_change_with_a_holiday_closure() -> None:
    # Mon 2024-03-25 .. Mon 2024-04-01; clocks go forward on Sunday 31 March; Good Friday
    # (29 March) closed by a closure for every queue.
    closures = pd.DataFrame({"date": ["2024-03-29"], "queue": [None], "channel": [""]})
    reference = reference_starts(
        BERLIN_HOURS, first=dt.date(2024, 3, 25), days=8, step=STEP, zone="Europe/Berlin"
    )
    friday = reference.tz_convert("Europe/Berlin").date == dt.date(2024, 3, 29)
    open_days = reference[~friday]
    found = _compare(_rows(open_days), BERLIN_HOURS, "Europe/Berlin", closures)
    assert found.missing == () and len(found.outside) == 0
    # 4 weekdays and Monday x 24 half-hours + Saturday 8 half-hours.
    assert len(open_days) == 5 * 24 + 8
    monday = open_days.tz_convert("Europe/Berlin")[-24:]
    assert monday[0].isoformat() == "2024-04-01T08:00:00+02:00"


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"weekday": [7]}, "weekday must be 0 (Monday) to 6 (Sunday), got 7"),
        ({"weekday": ["Mon"]}, "weekday must be 0 (Monday) to 6 (Sunday), got 'Mon'"),
        ({"opens": ["8am"]}, "must be HH:MM, got '8am'"),
        ({"closes": ["24:30"]}, "must be HH:MM, got '24:30'"),
        ({"opens": ["24:00"]}, "must be HH:MM, got '24:00'"),
        ({"closes": ["08:00"]}, "the same time"),
    ],
)
def test_bad_opening_hours_are_ccmm_errors_naming_the_row(hours, message: str) -> None:
    table = {"queue": ["q"], "channel": ["voice"], "weekday": [0], "opens": ["08:00"]}
    table["closes"] = ["20:00"]
    table.update(hours)
    with pytest.raises(CCMMError) as caught:
        read_schedule(pd.DataFrame(table))
    assert "opening_hours row 0: " in str(caught.value) and message in str(caught.value)


def test_missing_columns_and_bad_closure_dates_are_ccmm_errors() -> None:
    with pytest.raises(CCMMError, match="missing column"):
        read_schedule(pd.DataFrame({"weekday": [0]}))
    with pytest.raises(CCMMError, match="closures row 0: date must be YYYY-MM-DD"):
        read_schedule(
            BERLIN_HOURS, pd.DataFrame({"date": ["Easter"], "queue": [""], "channel": [""]})
        )


def test_a_queue_no_window_names_is_unscheduled() -> None:
    hours = BERLIN_HOURS.assign(queue="billing")
    start = pd.DatetimeIndex(["2024-03-25T08:00:00+01:00"]).tz_convert("UTC")
    found = _compare(_rows(start), hours, "Europe/Berlin")
    assert found.unscheduled == (("q", "voice"),)
