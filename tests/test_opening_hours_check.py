"""`crucial.check(..., opening_hours=, closures=)`: a Berlin centre open Mon-Fri 08:00-20:00 and
Sat 09:00-13:00, across the spring daylight-saving change, on pandas, polars and Spark; and the
same through the check for a random weekly schedule (the calendar's own properties are in
``test_opening_hours.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies_calendar import FIRST_DAYS, ZONES, reference_starts, weekly_schedules
from test_crucial import _to_polars

from ccmm import CCMMError
from ccmm.crucial import check
from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example

ZONE = "Europe/Berlin"
HOURS = pd.DataFrame(
    {
        "queue": [""] * 6,
        "channel": [""] * 6,
        "weekday": [0, 1, 2, 3, 4, 5],
        "opens": ["08:00"] * 5 + ["09:00"],
        "closes": ["20:00"] * 5 + ["13:00"],
    }
)
MISSING = "2024-04-02T10:30:00+02:00"  # a Tuesday after the change, inside hours
NIGHT = pd.Timestamp("2024-03-27T03:00:00+01:00")  # a Wednesday, 03:00 local


def _intervals(
    starts: pd.DatetimeIndex, *, zone: str = ZONE, queue: str | None = None
) -> pd.DataFrame:
    """Interval rows at ``starts`` (channel voice), each a copy of the clean example's first."""
    template = load_example("clean").intervals.iloc[[0]]
    frame = pd.concat([template] * len(starts), ignore_index=True)
    frame["interval_start"] = pd.DatetimeIndex(starts).tz_convert(zone).as_unit("ns")
    frame["channel"] = pd.Categorical(["voice"] * len(starts))
    if queue is not None:
        frame["queue"] = pd.Categorical([queue] * len(starts))
    return frame


def _open_fortnight() -> pd.DatetimeIndex:
    # Mon 25 March to Sat 6 April 2024: clocks go forward on Sunday 31 March.
    return reference_starts(HOURS, first=dt.date(2024, 3, 25), days=13, step=30, zone=ZONE)


def _check(intervals: Any, backend: str, spark: Any = None, **kw: Any) -> Any:
    example = load_example("clean")
    if backend == "polars":
        intervals = _to_polars(intervals)
    elif backend == "spark":
        from test_spark import to_spark

        spark.conf.set("spark.sql.session.timeZone", ZONE)
        intervals = to_spark(spark, intervals)
    kw.setdefault("opening_hours", HOURS)
    return check(
        example.facts, registry=example.registry, intervals=intervals, as_of=EXAMPLE_AS_OF, **kw
    )


def _statuses(report: Any) -> dict[str, str]:
    return {c.check: c.status for c in report.principles["cyclical"].checks}


def _scenarios(backend: str, spark: Any = None) -> None:
    fortnight = _open_fortnight()
    assert len(fortnight) == 10 * 24 + 2 * 8  # ten weekdays of 12 hours, two Saturday mornings
    complete = _check(_intervals(fortnight), backend, spark)
    assert complete.principles["cyclical"].status == "pass", complete.failures.to_string()
    assert _statuses(complete)["outside_opening_hours"] == "pass"
    assert _statuses(complete)["interval_grid"] == "pass"

    gone = fortnight[fortnight != pd.Timestamp(MISSING)]
    gap = _check(_intervals(gone), backend, spark)
    assert gap.principles["cyclical"].status == "fail"
    grid = gap.failures[gap.failures["check"] == "interval_grid"]
    assert len(grid) == 1, gap.failures.to_string()
    assert grid.iloc[0]["value"] == MISSING
    assert MISSING in grid.iloc[0]["message"] and "inside opening hours" in grid.iloc[0]["message"]
    assert set(gap.failures["check"]) == {"interval_grid"}

    at_night = fortnight.append(pd.DatetimeIndex([NIGHT]).tz_convert("UTC").as_unit(fortnight.unit))
    night = _check(_intervals(at_night), backend, spark)
    outside = night.failures[night.failures["check"] == "outside_opening_hours"]
    assert len(outside) == 1, night.failures.to_string()
    assert outside.iloc[0]["row_key"].startswith("interval_start=2024-03-27T03:00:00+01:00")
    assert set(night.failures["check"]) == {"outside_opening_hours"}
    assert night.principles["cyclical"].status == "fail"


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_a_berlin_centre_passes_inside_hours_and_fails_naming_the_gap_and_the_night(
    backend: str,
) -> None:
    _scenarios(backend)


def spark_session(zone: str) -> Any:
    """A local Spark session whose session time zone is ``zone`` (opening hours are read in it)."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.conf.set("spark.sql.session.timeZone", zone)
    return spark


@pytest.mark.spark
def test_the_same_three_results_on_spark() -> None:
    spark = spark_session(ZONE)
    _scenarios("spark", spark)
    # Opening hours given as a Spark frame are read on the driver.
    from test_spark import to_spark

    report = _check(
        _intervals(_open_fortnight()), "spark", spark, opening_hours=to_spark(spark, HOURS)
    )
    assert report.principles["cyclical"].status == "pass", report.failures.to_string()


def test_without_opening_hours_the_closed_nights_are_gaps_as_before() -> None:
    example = load_example("clean")
    report = check(
        example.facts,
        registry=example.registry,
        intervals=_intervals(_open_fortnight()),
        as_of=EXAMPLE_AS_OF,
    )
    assert "outside_opening_hours" not in _statuses(report)
    assert _statuses(report)["interval_grid"] == "fail"


def test_a_closure_date_is_not_expected_and_zero_volume_at_night_is_fine() -> None:
    fortnight = _open_fortnight()
    friday = fortnight[fortnight.tz_convert(ZONE).date != dt.date(2024, 3, 29)]
    closures = pd.DataFrame({"date": ["2024-03-29"], "queue": [""], "channel": [""]})
    closed = _check(_intervals(friday), "pandas", closures=closures)
    assert _statuses(closed)["interval_grid"] == "pass", closed.failures.to_string()
    without = _check(_intervals(friday), "pandas")
    assert (without.failures["check"] == "interval_grid").sum() == 24  # 12 hours of half-hours
    quiet = _intervals(fortnight.append(pd.DatetimeIndex([NIGHT]).tz_convert("UTC")))
    quiet.loc[len(quiet) - 1, "offered"] = 0
    quiet.loc[len(quiet) - 1, ["answered", "abandoned"]] = 0
    report = _check(quiet, "pandas")
    assert _statuses(report)["outside_opening_hours"] == "pass", report.failures.to_string()


def test_a_queue_the_opening_hours_do_not_name_keeps_the_plain_grid() -> None:
    other = HOURS.assign(queue="other")
    report = _check(_intervals(_open_fortnight()), "pandas", opening_hours=other)
    assert _statuses(report)["interval_grid"] == "fail"  # every closed night is a gap again
    assert _statuses(report)["outside_opening_hours"] == "not_checked"  # no scheduled row


def test_closures_without_opening_hours_are_refused() -> None:
    example = load_example("clean")
    closures = pd.DataFrame({"date": ["2024-03-29"], "queue": [""], "channel": [""]})
    with pytest.raises(CCMMError, match="closures need opening_hours"):
        check(example.facts, registry=example.registry, as_of=EXAMPLE_AS_OF, closures=closures)


def test_bad_opening_hours_are_ccmm_errors_naming_the_row() -> None:
    bad = HOURS.assign(opens=["08:00", "8h", "08:00", "08:00", "08:00", "09:00"])
    with pytest.raises(CCMMError, match="opening_hours row 1"):
        _check(_intervals(_open_fortnight()), "pandas", opening_hours=bad)


#: A random weekly schedule in a zone, over a span of days that may cross a DST change.
SCHEDULES = {
    "hours": weekly_schedules(step=30),
    "zone": st.sampled_from(ZONES),
    "first": st.sampled_from(FIRST_DAYS),
    "days": st.integers(2, 8),
}


def reports_of(frames: tuple[Any, ...], **kw: Any) -> list[Any]:
    """The check of the clean example's facts with each interval table of ``frames``."""
    example = load_example("clean")
    return [
        check(example.facts, registry=example.registry, intervals=f, as_of=EXAMPLE_AS_OF, **kw)
        for f in frames
    ]


def _half_hours_open(
    hours: pd.DataFrame, zone: str, first: dt.date, days: int
) -> pd.DatetimeIndex:
    """The half-hour starts inside ``hours`` over ``days`` days: at least three (else the
    example is dropped), so that an inner one can be removed."""
    reference = reference_starts(hours, first=first, days=days, step=30, zone=zone)
    assume(len(reference) >= 3)
    return reference


# A check runs pandera schemas per example: a bounded number of examples keeps the suite short.
@settings(max_examples=12)
@given(**SCHEDULES, data=st.data())
def test_through_the_check_a_random_schedule_passes_and_one_removed_is_exactly_that_gap(
    hours: pd.DataFrame, zone: str, first: dt.date, days: int, data: st.DataObject
) -> None:
    reference = _half_hours_open(hours, zone, first, days)

    def run(starts: pd.DatetimeIndex) -> Any:
        return reports_of((_intervals(starts, zone=zone, queue="q"),), opening_hours=hours)[0]

    complete = run(reference)
    assert _statuses(complete)["interval_grid"] == "pass", complete.failures.to_string()
    assert _statuses(complete)["outside_opening_hours"] == "pass"
    gone = data.draw(st.integers(1, len(reference) - 2), label="removed")
    report = run(reference.delete(gone))
    grid = report.failures[report.failures["check"] == "interval_grid"]
    expected = reference[gone].tz_convert(zone).isoformat()
    assert grid["value"].tolist() == [expected], grid.to_string()
    assert "outside_opening_hours" not in set(report.failures["check"])


def test_suggest_judges_112_1_against_the_opening_hours() -> None:
    from ccmm.evidence import suggest

    example = load_example("clean")
    fortnight = _open_fortnight()
    at_night = fortnight.append(pd.DatetimeIndex([NIGHT]).tz_convert("UTC").as_unit(fortnight.unit))

    def item(intervals: pd.DataFrame, **kw: Any) -> Any:
        found = suggest(
            registry=example.registry,
            facts=example.facts,
            intervals=intervals,
            as_of=EXAMPLE_AS_OF,
            **kw,
        )
        return found.get("112.1")

    without = item(_intervals(fortnight))
    assert without.f_rate < 10  # every closed night is a gap
    assert {e.check: e.status for e in without.f_evidence}["crucial.outside_opening_hours"] == (
        "not_run"
    )
    inside = item(_intervals(fortnight), opening_hours=HOURS)
    assert inside.f_rate == 10
    night = item(_intervals(at_night), opening_hours=HOURS)
    evidence = {e.check: e for e in night.f_evidence}["crucial.outside_opening_hours"]
    assert (evidence.status, evidence.n_offending) == ("fail", 1)
    assert night.f_rate < 10
    with pytest.raises(CCMMError, match="opening_hours row 0"):
        item(_intervals(fortnight), opening_hours=HOURS.assign(weekday=7))


@settings(max_examples=10)
@given(**SCHEDULES, data=st.data())
def test_pandas_and_polars_agree_on_gaps_and_volume_outside_hours(
    hours: pd.DataFrame, zone: str, first: dt.date, days: int, data: st.DataObject
) -> None:
    reference = _half_hours_open(hours, zone, first, days)
    grid = pd.date_range(reference[0], reference[-1], freq="30min")
    dropped = data.draw(st.lists(st.integers(0, len(reference) - 1), max_size=3, unique=True))
    closed = grid.difference(reference)
    added = (
        data.draw(st.lists(st.integers(0, len(closed) - 1), max_size=3, unique=True))
        if len(closed)
        else []
    )
    starts = reference.delete(dropped).append(closed[added]).sort_values()
    assume(len(starts) > 0)
    intervals = _intervals(starts, zone=zone, queue="q")
    reports = reports_of((intervals, _to_polars(intervals)), opening_hours=hours)
    pd.testing.assert_frame_equal(reports[0].failures, reports[1].failures)
    assert reports[0].principles == reports[1].principles
    outside = reports[0].failures[reports[0].failures["check"] == "outside_opening_hours"]
    assert len(outside) == len(added)
