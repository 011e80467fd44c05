"""ccmm.kpi.compute: ratios of sums at any roll-up, from pandas or polars, with honest errors."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccmm import CCMMError, InputDataError
from ccmm.kpi import combine, compute, compute_agents, kpi_computation, validate_intervals

TZ = "Asia/Shanghai"
EPOCH = pd.Timestamp("2024-01-25", tz=TZ)  # rows span late January to early March
KPIS = ["service_level", "abandon_rate", "answer_rate", "asa_seconds", "aht_seconds", "occupancy"]


# ----------------------------------------------------------------------------- shared strategies
@st.composite
def interval_rows(draw: st.DrawFn) -> dict[str, Any]:
    offered = draw(st.integers(0, 40))
    answered = draw(st.integers(0, offered))
    abandoned = draw(st.integers(0, offered - answered))
    return {
        "slot": draw(st.integers(0, 40 * 48)),  # half-hour slots after EPOCH
        "queue": draw(st.sampled_from(["a", "b", "c"])),
        "channel": draw(st.sampled_from(["voice", "chat"])),
        "offered": offered,
        "answered": answered,
        "abandoned": abandoned,
        "abandoned_short": draw(st.integers(0, abandoned)),
        "answered_within_threshold": draw(st.integers(0, answered)),
        # whole seconds keep float sums exact whatever the summation order
        "wait_seconds": float(draw(st.integers(0, 60)) * answered),
        "talk_seconds": float(draw(st.integers(0, 400)) * answered),
        "hold_seconds": float(draw(st.integers(0, 30)) * answered),
        "acw_seconds": float(draw(st.integers(0, 60)) * answered),
        "available_seconds": float(draw(st.integers(0, 1800))),
    }


def to_frame(rows: list[dict[str, Any]], threshold: int = 20) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(interval_rows_keys()))
    df.insert(0, "interval_start", EPOCH + pd.to_timedelta(df.pop("slot") * 30, unit="min"))
    df.insert(1, "interval_minutes", 30)
    df["threshold_seconds"] = threshold
    df["queue"] = df["queue"].astype("category")
    return df


def interval_rows_keys() -> tuple[str, ...]:
    return (
        "slot",
        "queue",
        "channel",
        "offered",
        "answered",
        "abandoned",
        "abandoned_short",
        "answered_within_threshold",
        "wait_seconds",
        "talk_seconds",
        "hold_seconds",
        "acw_seconds",
        "available_seconds",
    )


# One row per (interval, queue, channel): compute refuses a repeated key (issue 14).
interval_tables = st.lists(
    interval_rows(),
    min_size=1,
    max_size=40,
    unique_by=lambda r: (r["slot"], r["queue"], r["channel"]),
).map(to_frame)
groupings = st.sampled_from([(), ("queue",), ("queue", "channel"), ("channel",)])
freqs = st.sampled_from([None, "D", "W", "MS"])


def assert_same_kpis(left: pd.DataFrame, right: pd.DataFrame) -> None:
    assert list(left.columns) == list(right.columns)
    assert len(left) == len(right)
    for column in left.columns:
        a, b = left[column], right[column]
        if pd.api.types.is_numeric_dtype(a.dtype) and not pd.api.types.is_bool_dtype(a.dtype):
            np.testing.assert_allclose(
                a.to_numpy(dtype=float), b.to_numpy(dtype=float), rtol=1e-12, equal_nan=True
            )
        else:
            assert a.astype(object).tolist() == b.astype(object).tolist(), column


# ----------------------------------------------------------------------------- properties
@given(interval_tables, groupings, freqs, st.data())
def test_partition_then_combine_equals_all_at_once(
    df: pd.DataFrame, by: tuple[str, ...], freq: str | None, data: st.DataObject
) -> None:
    parts = data.draw(st.integers(1, 4))
    labels = np.array(
        data.draw(st.lists(st.integers(0, parts - 1), min_size=len(df), max_size=len(df)))
    )
    pieces = [compute(df[labels == k], by=by, freq=freq) for k in range(parts)]  # type: ignore[arg-type]
    assert_same_kpis(combine(pieces), compute(df, by=by, freq=freq))  # type: ignore[arg-type]


@given(interval_tables, groupings, freqs, st.randoms(use_true_random=False))
def test_row_order_does_not_change_the_result(
    df: pd.DataFrame, by: tuple[str, ...], freq: str | None, rnd: Any
) -> None:
    order = list(range(len(df)))
    rnd.shuffle(order)
    shuffled = df.iloc[order].reset_index(drop=True)
    assert_same_kpis(compute(shuffled, by=by, freq=freq), compute(df, by=by, freq=freq))  # type: ignore[arg-type]


@given(interval_tables, groupings, freqs)
def test_same_input_same_output(df: pd.DataFrame, by: tuple[str, ...], freq: str | None) -> None:
    first, second = compute(df, by=by, freq=freq), compute(df, by=by, freq=freq)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(first, second)
    assert kpi_computation(first) == kpi_computation(second)


@given(interval_tables, groupings)
def test_kpis_are_ratios_of_group_sums_never_means_of_ratios(
    df: pd.DataFrame, by: tuple[str, ...]
) -> None:
    result = compute(df, by=by)
    keys = list(by)
    sums = (
        df.groupby(keys, observed=True)[["offered", "answered_within_threshold"]].sum()
        if keys
        else None
    )
    if sums is None:
        expected = (
            [df["answered_within_threshold"].sum() / df["offered"].sum()]
            if df["offered"].sum()
            else [np.nan]
        )
    else:
        expected = [w / o if o else np.nan for o, w in sums.to_numpy()]
    np.testing.assert_allclose(result["service_level"].to_numpy(), expected, equal_nan=True)
    values = result[KPIS].to_numpy(dtype=float)
    assert not np.isinf(values).any()


@given(interval_tables, groupings, freqs)
def test_pandas_and_polars_give_the_same_numbers(
    df: pd.DataFrame, by: tuple[str, ...], freq: str | None
) -> None:
    assert_same_kpis(compute(to_polars(df), by=by, freq=freq), compute(df, by=by, freq=freq))  # type: ignore[arg-type]


def to_polars(df: pd.DataFrame) -> pl.DataFrame:
    columns: dict[str, pl.Series] = {}
    for name in df.columns:
        s = df[name]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            utc = s.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
            columns[name] = (
                pl.Series(name, utc).dt.replace_time_zone("UTC").dt.convert_time_zone(str(s.dt.tz))
            )
        elif isinstance(s.dtype, pd.CategoricalDtype):
            columns[name] = pl.Series(name, s.astype(str).tolist(), dtype=pl.Categorical)
        elif s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            columns[name] = pl.Series(name, s.astype(str).tolist())
        else:
            columns[name] = pl.Series(name, s.to_numpy())
    return pl.DataFrame(columns)


@given(interval_tables, st.integers(0, 5))
def test_more_answers_in_threshold_never_lower_service_level(df: pd.DataFrame, extra: int) -> None:
    better = df.copy()
    room = better["answered"] - better["answered_within_threshold"]
    better["answered_within_threshold"] += np.minimum(room, extra)
    before = compute(df, by=("queue",))["service_level"].to_numpy()
    after = compute(better, by=("queue",))["service_level"].to_numpy()
    assert np.all((after >= before) | np.isnan(before))


# ----------------------------------------------------------------------------- raw contacts
def test_monthly_figures_equal_those_from_the_raw_contacts() -> None:
    """Build contacts, aggregate them to half-hour intervals by hand, and compare monthly KPIs."""
    rng = np.random.default_rng(11)
    start = pd.Timestamp("2024-01-28", tz=TZ)
    contacts = []
    for _ in range(3000):
        arrival = start + pd.Timedelta(seconds=int(rng.integers(0, 10 * 86400)))  # into February
        answered = bool(rng.random() < 0.9)
        wait = int(rng.integers(0, 60))
        contacts.append(
            {
                "arrival": arrival,
                "queue": str(rng.choice(["billing", "sales"])),
                "answered": answered,
                "wait": wait,
                "short": (not answered) and wait < 5,
                "talk": int(rng.integers(30, 600)) if answered else 0,
                "hold": int(rng.integers(0, 60)) if answered else 0,
                "acw": int(rng.integers(0, 90)) if answered else 0,
            }
        )
    # aggregate by hand: one row per (half hour, queue)
    cells: dict[tuple[pd.Timestamp, str], dict[str, float]] = defaultdict(
        lambda: defaultdict(float)
    )
    for c in contacts:
        key = (c["arrival"].floor("30min"), c["queue"])
        cell = cells[key]
        cell["offered"] += 1
        cell["answered"] += c["answered"]
        cell["abandoned"] += not c["answered"]
        cell["abandoned_short"] += c["short"]
        cell["answered_within_threshold"] += c["answered"] and c["wait"] <= 20
        cell["wait_seconds"] += c["wait"] if c["answered"] else 0
        for part in ("talk", "hold", "acw"):
            cell[f"{part}_seconds"] += c[part]
    rows = []
    for (slot, queue), cell in sorted(cells.items()):
        handling = cell["talk_seconds"] + cell["hold_seconds"] + cell["acw_seconds"]
        rows.append(
            {
                "interval_start": slot,
                "interval_minutes": 30,
                "queue": queue,
                "channel": "voice",
                "threshold_seconds": 20,
                **cell,
                "available_seconds": max(0.0, 3 * 1800 - handling),
            }
        )
    intervals = pd.DataFrame(rows)
    for column in (
        "offered",
        "answered",
        "abandoned",
        "abandoned_short",
        "answered_within_threshold",
    ):
        intervals[column] = intervals[column].astype(np.int64)
    result = compute(intervals, by=("queue",), freq="MS")
    assert len(result) == 4  # two months × two queues

    available = (
        intervals.assign(month=intervals["interval_start"].dt.month)
        .groupby(["month", "queue"])["available_seconds"]
        .sum()
    )
    for row in result.itertuples(index=False):
        month_contacts = [
            c
            for c in contacts
            if c["queue"] == row.queue and c["arrival"].month == row.period.month
        ]
        offered = len(month_contacts)
        answered = [c for c in month_contacts if c["answered"]]
        handling = sum(c["talk"] + c["hold"] + c["acw"] for c in answered)
        assert row.offered == offered
        assert row.service_level == pytest.approx(sum(c["wait"] <= 20 for c in answered) / offered)
        assert row.abandon_rate == pytest.approx((offered - len(answered)) / offered)
        assert row.answer_rate == pytest.approx(len(answered) / offered)
        assert row.asa_seconds == pytest.approx(sum(c["wait"] for c in answered) / len(answered))
        assert row.aht_seconds == pytest.approx(handling / len(answered))
        idle = available[(row.period.month, row.queue)]
        assert row.occupancy == pytest.approx(handling / (handling + idle))
        assert row.period == pd.Timestamp(row.period.year, row.period.month, 1, tz=TZ)

    short = compute(
        intervals,
        by=("queue",),
        freq="MS",
        abandon_definition="excluding_short",
        service_level_definition="offered_less_short_abandons",
    )
    for row in short.itertuples(index=False):
        month_contacts = [
            c
            for c in contacts
            if c["queue"] == row.queue and c["arrival"].month == row.period.month
        ]
        n_short = sum(c["short"] for c in month_contacts)
        n_abandoned = sum(not c["answered"] for c in month_contacts)
        in_threshold = sum(c["answered"] and c["wait"] <= 20 for c in month_contacts)
        assert row.abandon_rate == pytest.approx(
            (n_abandoned - n_short) / (len(month_contacts) - n_short)
        )
        assert row.service_level == pytest.approx(in_threshold / (len(month_contacts) - n_short))


# ----------------------------------------------------------------------------- definitions, NaN
def small_table() -> pd.DataFrame:
    return to_frame(
        [
            {
                "slot": 0,
                "queue": "a",
                "channel": "voice",
                "offered": 10,
                "answered": 8,
                "abandoned": 2,
                "abandoned_short": 1,
                "answered_within_threshold": 6,
                "wait_seconds": 80.0,
                "talk_seconds": 800.0,
                "hold_seconds": 40.0,
                "acw_seconds": 160.0,
                "available_seconds": 600.0,
            },
            {**_row(1), "queue": "b"},
        ]
    )


def test_definitions_are_applied_and_recorded() -> None:
    df = small_table()
    default = compute(df, by=("queue",))
    assert default["service_level"].iloc[0] == pytest.approx(6 / 10)
    assert default["abandon_rate"].iloc[0] == pytest.approx(2 / 10)
    assert default["aht_seconds"].iloc[0] == pytest.approx(1000 / 8)
    assert default["occupancy"].iloc[0] == pytest.approx(1000 / 1600)
    by_answered = compute(df, by=("queue",), service_level_definition="answered")
    assert by_answered["service_level"].iloc[0] == pytest.approx(6 / 8)
    record = kpi_computation(by_answered)
    assert record.service_level_definition == "answered"
    assert record.abandon_definition == "all"
    assert {k.id: k.denominator for k in record.kpis}["service_level"] == "answered"
    assert record.handling_seconds_from == "talk_seconds + hold_seconds + acw_seconds"


_NOT_A_DEFINITION = st.one_of(
    st.none(),
    st.text(max_size=12).filter(
        lambda t: (
            t not in {"offered", "answered", "offered_less_short_abandons", "all"}
            and t != "excluding_short"
        )
    ),
    st.integers(),
    st.lists(st.integers(), max_size=2),
)


@given(
    option=st.sampled_from(["service_level_definition", "abandon_definition"]),
    value=_NOT_A_DEFINITION,
)
def test_a_definition_that_is_not_a_choice_is_refused_naming_the_option(
    option: str, value: object
) -> None:
    # None used to be taken as "the agent table" and ended in a KeyError.
    with pytest.raises(InputDataError) as caught:
        compute(small_table(), by=("queue",), **{option: value})
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(f"{option} must be one of ")


@given(
    junk=st.lists(
        st.one_of(st.just(pd.NA), st.none(), st.integers(), st.lists(st.text(max_size=2))),
        min_size=1,
        max_size=3,
    ),
    at=st.integers(0, 2),
)
def test_a_by_entry_that_is_not_text_is_refused_at_any_position(
    junk: list[object], at: int
) -> None:
    # typeguard looks at the first entry of a Sequence[str] only; pd.NA further on used to end
    # in "boolean value of NA is ambiguous" and a list in "unhashable type".
    by: list[object] = ["queue"]
    for value in junk:
        by.insert(min(at, len(by)), value)
    with pytest.raises(InputDataError) as caught:
        compute(small_table(), by=by)  # type: ignore[arg-type]
    # The first entry is the argument guard's (typeguard), any later one compute's own.
    message = str(caught.value)
    assert "by must name columns as text" in message or "argument by must be" in message


def test_both_bad_definitions_are_reported_at_once() -> None:
    with pytest.raises(InputDataError) as caught:
        compute(small_table(), service_level_definition=None, abandon_definition="x")
    assert [p.split(" ")[0] for p in caught.value.problems] == [
        "service_level_definition",
        "abandon_definition",
    ]


def test_zero_denominator_gives_nan_with_the_reason_never_inf() -> None:
    result = compute(small_table(), by=("queue",))
    row_b = result.index[result["queue"] == "b"][0]
    assert result.loc[row_b, KPIS].isna().all()
    undefined = {u.kpi: u for u in kpi_computation(result).undefined}
    assert set(undefined) == set(KPIS)
    assert undefined["service_level"].rows == (row_b,)
    assert "offered" in undefined["service_level"].reason
    assert "answered" in undefined["aht_seconds"].reason


def test_group_with_mixed_thresholds_has_no_service_level() -> None:
    first = small_table().iloc[:1]
    later = first.assign(  # the next interval: a repeated key would be refused
        threshold_seconds=30, interval_start=first["interval_start"] + pd.Timedelta(minutes=30)
    )
    df = pd.concat([first, later])
    result = compute(df, by=("queue",))
    assert np.isnan(result["service_level"].iloc[0])
    assert np.isnan(result["threshold_seconds"].iloc[0])
    assert result["answer_rate"].iloc[0] == pytest.approx(16 / 20)
    assert "threshold" in kpi_computation(result).undefined[0].reason


def test_handling_seconds_column_is_used_when_given() -> None:
    df = small_table().assign(handling_seconds=[500.0, 0.0])
    result = compute(df, by=("queue",))
    assert result["occupancy"].iloc[0] == pytest.approx(500 / 1100)
    assert kpi_computation(result).handling_seconds_from == "column"


def test_weeks_start_on_monday_and_days_on_local_midnight() -> None:
    df = small_table()  # 2024-01-25 is a Thursday
    weekly = compute(df, by=(), freq="W")
    assert weekly["period"].iloc[0] == pd.Timestamp("2024-01-22", tz=TZ)
    daily = compute(df, by=(), freq="D")
    assert daily["period"].iloc[0] == pd.Timestamp("2024-01-25", tz=TZ)


def test_months_follow_local_time_across_a_dst_change() -> None:
    ts = pd.to_datetime(["2024-03-31 23:30", "2024-04-01 00:00"]).tz_localize("Europe/Berlin")
    df = to_frame(
        [
            {
                "slot": 0,
                "queue": "a",
                "channel": "voice",
                "offered": 1,
                "answered": 1,
                "abandoned": 0,
                "abandoned_short": 0,
                "answered_within_threshold": 1,
                "wait_seconds": 1.0,
                "talk_seconds": 1.0,
                "hold_seconds": 0.0,
                "acw_seconds": 0.0,
                "available_seconds": 1.0,
            }
        ]
        * 2
    )
    df["interval_start"] = ts
    result = compute(df, by=(), freq="MS")
    assert list(result["period"]) == [
        pd.Timestamp("2024-03-01", tz="Europe/Berlin"),
        pd.Timestamp("2024-04-01", tz="Europe/Berlin"),
    ]


def test_agent_kpis_are_ratios_of_sums() -> None:
    agents = pd.DataFrame(
        {
            "interval_start": pd.date_range("2024-01-01 09:00", periods=4, freq="30min", tz=TZ),
            "interval_minutes": 30,
            "agent_id": ["x", "x", "y", "y"],
            "scheduled_seconds": [1800.0, 1800.0, 1800.0, 0.0],
            "attended_seconds": [1800.0, 900.0, 1800.0, 0.0],
            "in_adherence_seconds": [1700.0, 800.0, 1500.0, 0.0],
            "staffed_seconds": [1800.0, 900.0, 1800.0, 600.0],
            "available_seconds": [300.0, 100.0, 600.0, 600.0],
            "handling_seconds": [1200.0, 700.0, 1000.0, 0.0],
        }
    )
    result = compute_agents(agents)
    x, y = result.iloc[0], result.iloc[1]
    assert x["occupancy"] == pytest.approx(1900 / 2300)
    assert x["utilisation"] == pytest.approx(1900 / 2700)
    assert x["attendance_rate"] == pytest.approx(2700 / 3600)
    assert y["schedule_adherence"] == pytest.approx(1500 / 1800)
    bad = agents.assign(attended_seconds=[1800.0, 2000.0, 1800.0, 0.0])
    with pytest.raises(InputDataError, match=r"attended_seconds.*rows 1"):
        compute_agents(bad)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("change", "column", "rows"),
    [
        (lambda d: d.assign(offered=[-1, 0]), "offered", "rows 0"),
        (lambda d: d.assign(answered=[11, 0]), "answered", "rows 0"),
        (lambda d: d.assign(talk_seconds=[np.nan, 0.0]), "talk_seconds", "rows 0"),
        (lambda d: d.assign(wait_seconds=[1.0, -5.0]), "wait_seconds", "rows 1"),
        (
            lambda d: d.assign(answered_within_threshold=[9, 0]),
            "answered_within_threshold",
            "rows 0",
        ),
        (lambda d: d.assign(offered=[10.5, 0.0]), "offered", "rows 0"),
    ],
)
def test_bad_values_raise_naming_column_and_rows(change: Any, column: str, rows: str) -> None:
    with pytest.raises(InputDataError) as caught:
        compute(change(small_table()))
    assert any(column in p and rows in p for p in caught.value.problems), caught.value.problems


def test_every_problem_is_reported_at_once() -> None:
    df = small_table().assign(offered=[-1, 0], hold_seconds=[np.nan, 0.0])
    df["interval_start"] = df["interval_start"].dt.tz_localize(None)
    df = df.drop(columns="available_seconds")
    problems = validate_intervals(df)
    assert {(p.column, p.check) for p in problems} >= {
        ("interval_start", "naive_timestamp"),
        ("offered", "below_minimum"),
        ("hold_seconds", "null"),
        ("available_seconds", "missing_column"),
    }
    with pytest.raises(CCMMError) as caught:
        compute(df)
    assert len(caught.value.problems) == len(problems)


def test_unknown_by_column_and_bad_options_raise_input_errors() -> None:
    with pytest.raises(InputDataError, match="'region'"):
        compute(small_table(), by=("region",))
    with pytest.raises(InputDataError, match="freq"):
        compute(small_table(), freq="Q")  # type: ignore[arg-type]
    with pytest.raises(InputDataError, match="abandoned_short"):
        compute(small_table().drop(columns="abandoned_short"), abandon_definition="excluding_short")
    with pytest.raises(InputDataError, match="DataFrame"):
        compute([{"offered": 1}])
    with pytest.raises(InputDataError, match="string"):
        compute(small_table(), by="queue")


@pytest.mark.parametrize("name", ["offered", "answered", "talk_seconds", "threshold_seconds"])
def test_a_by_column_the_roll_up_adds_up_is_refused_not_crashed_on(name: str) -> None:
    # Grouping by a summed (or per-group) column used to end in pandas' own ValueError.
    for frame in (small_table(), to_polars(small_table())):
        with pytest.raises(InputDataError, match=f"by names column '{name}', which the roll-up"):
            compute(frame, by=("queue", name))
    # The interval length is neither summed nor read per group: a fair label.
    assert_same_kpis(
        compute(to_polars(small_table()), by=("interval_minutes",)),
        compute(small_table(), by=("interval_minutes",)),
    )


def test_polars_bad_input_is_reported_the_same_way() -> None:
    df = small_table().assign(answered=[11, 0])
    with pytest.raises(InputDataError, match=r"'answered'.*rows 0"):
        compute(to_polars(df))
    naive = to_polars(small_table()).with_columns(
        pl.col("interval_start").dt.replace_time_zone(None)
    )
    with pytest.raises(InputDataError, match="time-zone-aware"):
        compute(naive)


def test_empty_table_gives_empty_result_and_combines() -> None:
    empty = small_table().iloc[:0]
    assert len(compute(empty, by=())) == 0
    whole = compute(small_table(), by=())
    assert_same_kpis(combine([compute(empty, by=()), whole]), whole)


def test_combine_refuses_results_computed_differently() -> None:
    df = small_table()
    with pytest.raises(InputDataError, match="other settings"):
        combine(
            [
                compute(df, by=("queue",)),
                compute(df, by=("queue",), service_level_definition="answered"),
            ]
        )
    with pytest.raises(InputDataError, match="record"):
        combine([pd.DataFrame({"a": [1]})])


def test_extra_columns_are_ignored_and_may_be_grouped_on() -> None:
    df = small_table().assign(site=["north", "south"], note=["x", "y"])
    result = compute(df, by=("site",))
    assert list(result["site"]) == ["north", "south"]
    assert "note" not in result.columns


# ------------------------------------------------- issue 14: numbers compute cannot sum exactly
COUNTS = ["offered", "answered", "abandoned", "abandoned_short", "answered_within_threshold"]
DURATIONS = ["wait_seconds", "talk_seconds", "hold_seconds", "acw_seconds", "available_seconds"]
MAX_EXACT = 2**53


def _problems(df: Any) -> list[str]:
    with pytest.raises(InputDataError) as caught:
        compute(df)
    return list(caught.value.problems)


@given(
    df=interval_tables,
    column=st.sampled_from(COUNTS + DURATIONS),
    value=st.one_of(
        st.integers(MAX_EXACT + 1, 2**64 - 1),
        st.floats(MAX_EXACT * 1.01, 1e300),
    ),
    data=st.data(),
)
def test_a_value_beyond_the_exact_range_is_refused_naming_its_row(
    df: pd.DataFrame, column: str, value: int | float, data: st.DataObject
) -> None:
    row = data.draw(st.integers(0, len(df) - 1))
    if isinstance(value, int):
        dtype = np.uint64 if value >= 2**63 else np.int64
        cells = df[column].to_numpy().astype(dtype)
        cells[row] = value
        bad = df.assign(**{column: cells})
    else:
        bad = df.assign(**{column: df[column].astype(float)})
        bad.loc[row, column] = value
    problems = _problems(bad)
    assert any(f"{column!r}" in p and "2**53" in p and f"rows {row}" in p for p in problems)
    assert any(p.startswith(f"intervals column {column!r}") for p in problems), problems


@given(
    df=interval_tables,
    column=st.sampled_from(DURATIONS + COUNTS),
    sign=st.sampled_from([1.0, -1.0]),
    data=st.data(),
)
def test_an_infinite_value_is_refused_naming_its_row(
    df: pd.DataFrame, column: str, sign: float, data: st.DataObject
) -> None:
    row = data.draw(st.integers(0, len(df) - 1))
    bad = df.assign(**{column: df[column].astype(float)})
    bad.loc[row, column] = sign * np.inf
    problems = _problems(bad)
    assert any(f"{column!r}: 1 row(s) are infinite (rows {row})" in p for p in problems), problems


@given(n=st.integers(2, 30), share=st.floats(0.51, 1.0), column=st.sampled_from(COUNTS[:1]))
def test_column_totals_past_the_exact_range_are_refused(n: int, share: float, column: str) -> None:
    # Every cell is within range; the column total is not: sums would wrap or round.
    cell = int(MAX_EXACT * share / (n // 2 + 1)) * 2
    df = to_frame([{**_row(slot), "offered": cell, "answered": 0} for slot in range(n)])
    running = np.cumsum(np.full(n, float(cell)))
    first = int(np.flatnonzero(running > MAX_EXACT)[0]) if running[-1] > MAX_EXACT else None
    if first is None:
        assert len(compute(df)) == 1
        return
    problems = _problems(df)
    assert any("column total" in p and f"rows {first}" in p for p in problems), problems


@given(cells=st.lists(st.integers(0, 2**50), min_size=1, max_size=8), dtype=st.sampled_from(
    ["int64", "uint64", "float64"]))  # fmt: skip
def test_sums_within_the_exact_range_equal_python_integer_sums(
    cells: list[int], dtype: str
) -> None:
    df = to_frame([{**_row(slot), "talk_seconds": 0.0} for slot in range(len(cells))])
    df["offered"] = np.array(cells, dtype=dtype)
    df["answered"] = np.zeros(len(cells), dtype=dtype)
    df["talk_seconds"] = np.array(cells, dtype=dtype)
    result = compute(df, by=())
    assert int(result["offered"].iloc[0]) == sum(cells)
    assert float(result["talk_seconds"].iloc[0]) == float(sum(cells))


def _row(slot: int) -> dict[str, Any]:
    return {
        "slot": slot,
        "queue": "a",
        "channel": "voice",
        "offered": 0,
        "answered": 0,
        "abandoned": 0,
        "abandoned_short": 0,
        "answered_within_threshold": 0,
        "wait_seconds": 0.0,
        "talk_seconds": 0.0,
        "hold_seconds": 0.0,
        "acw_seconds": 0.0,
        "available_seconds": 0.0,
    }


def test_reported_overflows_of_issue_14_are_refused() -> None:
    df = small_table()
    talk = np.array([2**63 + 5, 0], dtype=np.uint64)
    assert any("talk_seconds" in p for p in _problems(df.assign(talk_seconds=talk)))
    assert any("offered" in p for p in _problems(df.assign(offered=[2**62, 0], answered=0,
                                                          abandoned=0)))  # fmt: skip
    assert any("offered" in p for p in _problems(df.assign(offered=[10**17, 10**17])))
    assert any("infinite" in p for p in _problems(df.assign(offered=[np.inf, 0.0])))


@given(df=interval_tables, by=groupings, data=st.data())
def test_a_repeated_interval_key_is_refused_listing_the_rows(
    df: pd.DataFrame, by: tuple[str, ...], data: st.DataObject
) -> None:
    row = data.draw(st.integers(0, len(df) - 1))
    doubled = pd.concat([df, df.iloc[[row]]], ignore_index=True)
    with pytest.raises(InputDataError) as caught:
        compute(doubled, by=by)
    (problem,) = [p for p in caught.value.problems if "repeat" in p]
    assert f"rows {row}, {len(df)})" in problem
    assert "(interval_start, queue, channel) key" in problem


def test_an_empty_value_in_an_extra_by_column_forms_its_own_group() -> None:
    # docs/kpi.md: queue and channel are required cells; an extra column may be empty.
    df = small_table().assign(site=["north", None])
    result = compute(df, by=("site",))
    assert result["site"].isna().sum() == 1
    assert list(result["offered"]) == [10, 0]
    with pytest.raises(InputDataError, match=r"'queue': 1 row\(s\) are empty"):
        compute(small_table().assign(queue=["a", None]), by=("queue",))


@given(
    st.sampled_from(["intervals", "agents"]),
    st.sampled_from(["interval_start", "offered", "agent_id", "unknown"]),
    st.integers(0, 3),
)
def test_validating_a_table_with_a_column_name_twice_is_refused_naming_it(
    table: str, column: str, rows: int
) -> None:
    # Junk harness (lead, 100 examples): validate_agents raised AttributeError on a frame with
    # 'interval_start' twice; df[name] of a doubled name is a table, not a column.
    from ccmm.kpi import validate_agents

    frame = pd.DataFrame([[None, None]] * rows, columns=[column, column])
    validate = validate_intervals if table == "intervals" else validate_agents
    with pytest.raises(InputDataError, match=f"duplicated column name\\(s\\) '{column}'"):
        validate(frame)
