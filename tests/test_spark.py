"""The Spark backend: on generated data with every defect kind, Spark, pandas and polars give the
same KPI numbers and the same CRUCIAL verdicts, failure counts and failures.

Run with ``nox -s spark`` (``pytest -m spark``); needs pyspark and Java. One ``local[2]``
session serves the module; the session time zone is set to the data's zone, because a Spark
TIMESTAMP is an instant shown (and cut into days and months) in the session zone.
"""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("pyspark")

from test_crucial import (
    AS_OF,
    DEFECTS,
    Tables,
    _analysis_log,
    _facts,
    _intervals,
    _registry,
    _to_polars,
    valid_tables,
)

import ccmm._spark.crucial as spark_crucial
from ccmm import InputDataError
from ccmm.crucial import check
from ccmm.kpi import combine, compute, kpi_computation

pytestmark = pytest.mark.spark
SPARK_SETTINGS = settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("ccmm-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def to_spark(spark: Any, df: pd.DataFrame) -> Any:
    """A pandas table as a Spark one with an explicit schema (no Arrow): aware timestamps become
    TIMESTAMP instants, midnight-only naive ones DATE, categories and text STRING, NaN null."""
    from pyspark.sql import types as T

    fields, columns = [], []
    for name in df.columns:
        s = df[name]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            spark_type: Any = T.TimestampType()
            values = [None if pd.isna(v) else v.to_pydatetime() for v in s]
        elif pd.api.types.is_datetime64_dtype(s.dtype):
            spark_type = T.DateType()
            values = [None if pd.isna(v) else v.date() for v in s]
        elif pd.api.types.is_bool_dtype(s.dtype):
            spark_type, values = T.BooleanType(), [bool(v) for v in s]
        elif pd.api.types.is_integer_dtype(s.dtype):
            spark_type, values = T.LongType(), [int(v) for v in s]
        elif pd.api.types.is_float_dtype(s.dtype):
            spark_type = T.DoubleType()
            values = [None if np.isnan(v) else float(v) for v in s]
        else:
            spark_type = T.StringType()
            values = [None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in s]
        fields.append(T.StructField(str(name), spark_type, True))
        columns.append(values)
    rows = list(zip(*columns, strict=True)) if columns else []
    return spark.createDataFrame(rows, T.StructType(fields))


def zone_of(tables: Tables) -> str:
    return str(tables.intervals["interval_start"].dt.tz)


def spark_report(spark: Any, t: Tables) -> Any:
    spark.conf.set("spark.sql.session.timeZone", zone_of(t))
    return check(
        to_spark(spark, t.facts),
        registry=to_spark(spark, t.registry),
        intervals=to_spark(spark, t.intervals),
        analysis_log=to_spark(spark, t.analysis_log),
        as_of=AS_OF,
    )


def verdicts(report: Any) -> dict[str, tuple[str, dict[str, int]]]:
    return {
        name: (p.status, {c.check: c.n_failures for c in p.checks})
        for name, p in report.principles.items()
    }


# ------------------------------------------------------------------------- interval defects
# Defects of the interval table beyond test_crucial's, so every column check and row rule that
# Spark evaluates natively is seen failing.


def _negative_offered(iv: pd.DataFrame, i: int) -> pd.DataFrame:
    iv.loc[i, "offered"] = -1
    iv.loc[i, ["answered", "abandoned", "abandoned_short", "answered_within_threshold"]] = 0
    return iv


def _infinite_wait(iv: pd.DataFrame, i: int) -> pd.DataFrame:
    iv.loc[i, "wait_seconds"] = np.inf
    return iv


def _missing_talk(iv: pd.DataFrame, i: int) -> pd.DataFrame:
    iv.loc[i, "talk_seconds"] = np.nan
    return iv


def _missing_queue(iv: pd.DataFrame, i: int) -> pd.DataFrame:
    iv["queue"] = iv["queue"].astype(object)
    iv.loc[i, "queue"] = None
    return iv


def _too_many_in_threshold(iv: pd.DataFrame, i: int) -> pd.DataFrame:
    iv.loc[i, "answered_within_threshold"] = iv.loc[i, "answered"] + 1
    return iv


def _too_many_short(iv: pd.DataFrame, i: int) -> pd.DataFrame:
    iv.loc[i, "abandoned_short"] = iv.loc[i, "abandoned"] + 2
    return iv


def _hour_long(iv: pd.DataFrame, i: int) -> pd.DataFrame:
    iv.loc[i, "interval_minutes"] = 60  # too coarse, and overlaps the next interval
    return iv


def _huge_counts(iv: pd.DataFrame, i: int) -> pd.DataFrame:
    # issue 14: in float64, 2**62 + 1 == 2**62, so this row passed the offered rule
    iv.loc[i, ["offered", "answered", "abandoned"]] = [2**62, 2**62, 1]
    return iv


def _huge_seconds(iv: pd.DataFrame, i: int) -> pd.DataFrame:
    iv.loc[i, "talk_seconds"] = 2.0**60
    return iv


INTERVAL_DEFECTS = {
    "answered_abandoned_within_offered (2**62)": _huge_counts,
    "column_in_exact_range (talk_seconds)": _huge_seconds,
    "column_minimum": _negative_offered,
    "column_finite": _infinite_wait,
    "column_not_null": _missing_talk,
    "column_not_null (queue)": _missing_queue,
    "within_threshold_within_answered": _too_many_in_threshold,
    "short_abandons_within_abandoned": _too_many_short,
    "interval_granularity": _hour_long,
}


# ----------------------------------------------------------------------------- CRUCIAL checks


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.check)
@settings(SPARK_SETTINGS, max_examples=2)  # x 17 defects, each a full check of four tables
@given(tables=valid_tables(), seed=st.integers(0, 2**16))
def test_spark_report_equals_pandas_for_every_defect(
    spark: Any, defect: Any, tables: Tables, seed: int
) -> None:
    dirty, _ = defect.apply(tables, np.random.default_rng(seed))
    expected = dirty.run()
    got = spark_report(spark, dirty)
    assert got.to_dict() == expected.to_dict()
    assert verdicts(got)[defect.principle][0] == "fail"


@pytest.mark.parametrize("kind", sorted(INTERVAL_DEFECTS))
@SPARK_SETTINGS
@given(tables=valid_tables(), data=st.data())
def test_spark_native_interval_checks_equal_pandas_and_polars(
    spark: Any, kind: str, tables: Tables, data: st.DataObject
) -> None:
    rows = data.draw(st.lists(st.integers(0, len(tables.intervals) - 1), min_size=1, max_size=3))
    iv = tables.intervals.copy()
    for i in rows:
        iv = INTERVAL_DEFECTS[kind](iv, i)
    dirty = replace(tables, intervals=iv)
    expected = dirty.run()
    got = spark_report(spark, dirty)
    polars = check(
        _to_polars(dirty.facts),
        registry=_to_polars(dirty.registry),
        intervals=_to_polars(dirty.intervals),
        analysis_log=_to_polars(dirty.analysis_log),
        as_of=AS_OF,
    )
    assert verdicts(got) == verdicts(expected) == verdicts(polars)
    assert got.to_dict() == expected.to_dict()
    assert kind.split(" ")[0] in set(got.failures["check"])


@SPARK_SETTINGS
@given(tables=valid_tables(), seed=st.integers(0, 2**16))
def test_failures_are_a_bounded_sample_with_exact_counts(
    spark: Any, tables: Tables, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spark_crucial, "FAILURE_SAMPLE", 3)
    iv = tables.intervals.copy()
    rng = np.random.default_rng(seed)
    hit = rng.choice(len(iv), size=int(rng.integers(4, 12)), replace=False)
    iv.loc[hit, "abandoned"] = iv.loc[hit, "offered"] - iv.loc[hit, "answered"] + 1
    dirty = replace(tables, intervals=iv)
    expected = dirty.run()
    got = spark_report(spark, dirty)
    assert verdicts(got) == verdicts(expected)
    check_id = "answered_abandoned_within_offered"
    n = got.principles["logical"].checks[0].n_failures
    assert n == len(hit) == int((expected.failures["check"] == check_id).sum())
    sample = got.failures[got.failures["check"] == check_id]
    assert len(sample) == 3
    assert set(sample["row_key"]) <= set(expected.failures["row_key"])


def fixed_tables(seed: int = 3) -> Tables:
    rng = np.random.default_rng(seed)
    registry = _registry(rng)
    facts = _facts(rng, 3, 2)
    intervals = _intervals(rng, "UTC", "2024-06-01", 30)
    return Tables(facts, registry, intervals, _analysis_log(facts, registry))


def test_missing_columns_raise_naming_every_table(spark: Any) -> None:
    tables = fixed_tables()
    with pytest.raises(InputDataError) as info:
        check(
            to_spark(spark, tables.facts.drop(columns=["value"])),
            registry=tables.registry,
            intervals=to_spark(spark, tables.intervals.drop(columns=["offered", "answered"])),
            as_of=AS_OF,
        )
    text = "\n".join(info.value.problems)
    assert "facts table is missing required column(s) 'value'" in text
    assert "intervals table is missing required column(s) 'offered', 'answered'" in text


# ---------------------------------------------------------------------------------------- KPIs

GROUPINGS = [(), ("queue",), ("queue", "channel")]


def kpi_intervals(seed: int, tz: str, day: str, minutes: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    iv = pd.concat(
        [_intervals(rng, tz, day, minutes), _intervals(rng, tz, "2024-04-29", 30)],
        ignore_index=True,
    )
    iv["threshold_seconds"] = np.where(
        (iv["queue"] == "q2") & (rng.uniform(size=len(iv)) < 0.05), 30, 20
    )
    iv.loc[rng.uniform(size=len(iv)) < 0.1, "offered"] = 0
    iv["answered"] = np.minimum(iv["answered"], iv["offered"])
    iv["abandoned"] = np.minimum(iv["abandoned"], iv["offered"] - iv["answered"])
    iv["abandoned_short"] = np.minimum(iv["abandoned_short"], iv["abandoned"])
    iv["answered_within_threshold"] = np.minimum(iv["answered_within_threshold"], iv["answered"])
    return iv


kpi_tables = st.builds(
    kpi_intervals,
    st.integers(0, 2**32 - 1),
    st.sampled_from(("Europe/Berlin", "America/New_York", "Asia/Shanghai", "UTC")),
    st.sampled_from(("2024-03-30", "2024-10-26", "2024-06-01")),
    st.sampled_from((15, 30)),
)


def assert_same_numbers(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    for name in expected.columns:
        e, g = expected[name], got[name]
        if pd.api.types.is_numeric_dtype(e.dtype):
            np.testing.assert_allclose(
                g.to_numpy(dtype=float), e.to_numpy(dtype=float), rtol=1e-12, equal_nan=True
            )
        elif isinstance(e.dtype, pd.DatetimeTZDtype):
            assert list(g) == list(e), name
        else:
            assert [str(v) for v in g] == [str(v) for v in e], name
    g_rec, e_rec = kpi_computation(got), kpi_computation(expected)
    assert g_rec == e_rec


@pytest.mark.parametrize("freq", [None, "D", "W", "MS"])
@SPARK_SETTINGS
@given(
    df=kpi_tables,
    by=st.sampled_from(GROUPINGS),
    definitions=st.sampled_from(
        [
            ("offered", "all"),
            ("answered", "excluding_short"),
            ("offered_less_short_abandons", "all"),
        ]
    ),
)
def test_spark_pandas_and_polars_give_the_same_kpis(
    spark: Any, freq: Any, df: pd.DataFrame, by: tuple[str, ...], definitions: tuple[str, str]
) -> None:
    spark.conf.set("spark.sql.session.timeZone", str(df["interval_start"].dt.tz))
    options: dict[str, Any] = {
        "by": by,
        "freq": freq,
        "service_level_definition": definitions[0],
        "abandon_definition": definitions[1],
    }
    expected = compute(df, **options)
    assert_same_numbers(compute(to_spark(spark, df), **options), expected)
    assert_same_numbers(compute(_to_polars(df), **options), expected)


@SPARK_SETTINGS
@given(df=kpi_tables, parts=st.integers(1, 5), cut=st.floats(0.1, 0.9))
def test_partitioning_and_splitting_do_not_change_the_kpis(
    spark: Any, df: pd.DataFrame, parts: int, cut: float
) -> None:
    spark.conf.set("spark.sql.session.timeZone", str(df["interval_start"].dt.tz))
    expected = compute(df, freq="D")
    shuffled = to_spark(spark, df).repartition(parts)
    assert_same_numbers(compute(shuffled, freq="D"), expected)
    # A Spark part and a pandas part combine exactly into the result for all rows.
    k = int(len(df) * cut)
    halves = [compute(to_spark(spark, df.iloc[:k]), freq="D"), compute(df.iloc[k:], freq="D")]
    assert_same_numbers(combine(halves), expected)


def test_invalid_intervals_raise_the_same_problems_as_pandas(spark: Any) -> None:
    spark.conf.set("spark.sql.session.timeZone", "Asia/Shanghai")
    df = kpi_intervals(7, "Asia/Shanghai", "2024-06-01", 30)
    bad = df.copy()
    bad.loc[[3, 150, 151], "answered"] = bad.loc[[3, 150, 151], "offered"] + 1  # across slices
    bad.loc[[5, 170], "offered"] = -2
    bad.loc[9, "talk_seconds"] = np.nan
    bad["interval_minutes"] = bad["interval_minutes"].astype(float)
    bad.loc[11, "interval_minutes"] = 29.5
    with pytest.raises(InputDataError) as pandas_error:
        compute(bad)
    with pytest.raises(InputDataError) as spark_error:
        compute(to_spark(spark, bad))
    assert spark_error.value.problems == pandas_error.value.problems
    assert len(spark_error.value.problems) == 5


@pytest.mark.parametrize(
    ("column", "value"),
    [("answered", "offered + 1"), ("offered", -1), ("queue", None), ("wait_seconds", 0.5)],
)
def test_one_failing_row_alone_is_never_summed(spark: Any, column: str, value: Any) -> None:
    # One bad row, nothing else odd (no repeated key, one interval length, finite totals): only
    # the screen in the one pass can catch it.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    df = kpi_intervals(15, "UTC", "2024-06-01", 30)
    bad = df.copy()
    if column == "wait_seconds":  # a fraction where whole numbers are held as doubles is fine
        bad["offered"] = bad["offered"].astype(float)
        column, value = "offered", 2.5
    bad[column] = bad[column].astype(object) if value is None else bad[column]
    bad.loc[57, column] = bad.loc[57, "offered"] + 1 if value == "offered + 1" else value
    with pytest.raises(InputDataError) as pandas_error:
        compute(bad)
    with pytest.raises(InputDataError) as spark_error:
        compute(to_spark(spark, bad))
    assert spark_error.value.problems == pandas_error.value.problems
    assert pandas_error.value.problems
    assert all(p.endswith("(rows 57)") for p in pandas_error.value.problems)


def _weeks_of_intervals(seed: int) -> pd.DataFrame:
    """24 days of clean 30-minute intervals for two queues (1,152 slots each): more than two of
    the one pass's 512-slot words per queue, and every 64-slot lane of them."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-05-02", periods=12, freq="2D").strftime("%Y-%m-%d")
    return pd.concat([_intervals(rng, "UTC", day, 30) for day in days], ignore_index=True)


def test_a_clean_table_over_many_words_is_summed_by_the_one_pass_alone(
    spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A screen that flagged clean rows (a lane or word counted wrongly) would still give the
    # right numbers, through the exact validation: so that path must not run here.
    import ccmm._spark.kpi as spark_kpi

    def exact_validation_ran(*args: Any) -> None:
        raise AssertionError("the screen flagged a clean table")

    spark.conf.set("spark.sql.session.timeZone", "UTC")
    df = _weeks_of_intervals(5)
    monkeypatch.setattr(spark_kpi, "_exact_problems", exact_validation_ran)
    for freq in (None, "W"):
        assert_same_numbers(compute(to_spark(spark, df), freq=freq), compute(df, freq=freq))


@pytest.mark.parametrize("freq", [None, "MS"])
def test_the_one_pass_shuffles_the_table_once(
    spark: Any, monkeypatch: pytest.MonkeyPatch, freq: str | None
) -> None:
    # Both grouping steps run after one exchange (the partial sums'); a second exchange is
    # another Spark job, 40-60 ms a roll-up whatever the table's size. The plan is read before it
    # runs: with adaptive execution it is the plan as planned, every exchange in it.
    import ccmm._spark.kpi as spark_kpi

    plans: list[str] = []
    collect = spark_kpi._by_column

    def planned(result: Any) -> dict[str, list[Any]]:
        plans.append(str(result._jdf.queryExecution().executedPlan().toString()))
        return collect(result)

    spark.conf.set("spark.sql.session.timeZone", "UTC")
    df = _weeks_of_intervals(7)
    monkeypatch.setattr(spark_kpi, "_by_column", planned)
    got = compute(to_spark(spark, df), by=("queue",), freq=freq)
    assert_same_numbers(got, compute(df, by=("queue",), freq=freq))
    assert len(plans) == 1
    assert plans[0].count("Exchange") == 1, plans[0]


def test_a_repeated_key_is_caught_in_every_lane_and_at_both_edges_of_a_word(spark: Any) -> None:
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    df = _weeks_of_intervals(6)
    slot = df["interval_start"].map(lambda t: int(t.timestamp()) // 1800) % 512
    wanted = [slot == 64 * lane + 32 for lane in range(8)] + [slot == 0, slot == 511]
    picked = [int(np.flatnonzero(where.to_numpy())[0]) for where in wanted]
    assert len(set(picked)) == len(picked) == 10
    for row in picked:
        bad = pd.concat([df, df.iloc[[row]]], ignore_index=True)
        with pytest.raises(InputDataError) as pandas_error:
            compute(bad)
        with pytest.raises(InputDataError) as spark_error:
            compute(to_spark(spark, bad))
        assert spark_error.value.problems == pandas_error.value.problems
        assert "repeat" in " ".join(pandas_error.value.problems)


def test_naive_timestamps_are_refused(spark: Any) -> None:
    from pyspark.sql import functions as F

    df = to_spark(spark, kpi_intervals(1, "UTC", "2024-06-01", 30))
    naive = df.withColumn("interval_start", F.col("interval_start").cast("timestamp_ntz"))
    with pytest.raises(InputDataError, match="must hold time-zone-aware timestamps"):
        compute(naive)


def test_spark_is_imported_only_when_a_spark_frame_is_passed() -> None:
    code = (
        "import sys, ccmm, ccmm.kpi, ccmm.crucial; "
        "print(sorted(m for m in sys.modules if m.startswith('ccmm._spark.')), "
        "'pyspark.sql.session' in sys.modules and 'pyspark' in sys.modules)"
    )
    lean = "import sys, ccmm, ccmm.kpi; print('pyspark' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split(" ")[0] == "[]"
    out = subprocess.run([sys.executable, "-c", lean], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_as_of_and_tolerance_are_checked_before_spark_runs(spark: Any) -> None:
    tables = fixed_tables()
    with pytest.raises(InputDataError, match="tolerance must be a number"):
        check(to_spark(spark, tables.facts), registry=tables.registry, as_of=AS_OF, tolerance=2)
    with pytest.raises(InputDataError, match="as_of must be a date"):
        check(to_spark(spark, tables.facts), registry=tables.registry, as_of="soon")
    assert isinstance(AS_OF, dt.date)


def test_out_of_range_infinite_and_repeated_rows_raise_the_same_problems_as_pandas(
    spark: Any,
) -> None:
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    df = kpi_intervals(11, "UTC", "2024-06-01", 30)
    bad = df.copy()
    bad["talk_seconds"] = bad["talk_seconds"].astype(float)
    bad.loc[[4, 140], "talk_seconds"] = np.inf
    bad["wait_seconds"] = bad["wait_seconds"].astype(float)
    bad.loc[7, "wait_seconds"] = 2.0**60
    bad = pd.concat([bad, bad.iloc[[2, 150]]], ignore_index=True)  # repeated keys
    with pytest.raises(InputDataError) as pandas_error:
        compute(bad)
    with pytest.raises(InputDataError) as spark_error:
        compute(to_spark(spark, bad))
    assert spark_error.value.problems == pandas_error.value.problems
    assert len(pandas_error.value.problems) == 3


def test_a_column_total_past_the_exact_range_is_refused_as_in_pandas(spark: Any) -> None:
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    df = kpi_intervals(12, "UTC", "2024-06-01", 30)
    df["available_seconds"] = 2.0**50
    with pytest.raises(InputDataError) as pandas_error:
        compute(df)
    with pytest.raises(InputDataError) as spark_error:
        compute(to_spark(spark, df).repartition(3))
    assert spark_error.value.problems == pandas_error.value.problems
    assert "column total" in pandas_error.value.problems[0]


@pytest.mark.parametrize("name", ["rows", "k0", "slot", "s0", "lo_step", "{frame}", "a}{b"])
def test_a_by_column_named_like_the_roll_ups_own_columns_gives_the_pandas_kpis(
    spark: Any, name: str
) -> None:
    # The one pass names its own columns by position, and its SQL goes through str.format:
    # neither may meet a name from the frame.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    df = kpi_intervals(13, "UTC", "2024-06-01", 30)
    df[name] = np.where(df["queue"] == "q1", "left", "right")
    for freq in (None, "D"):
        expected = compute(df, by=("queue", name), freq=freq)
        assert_same_numbers(compute(to_spark(spark, df), by=("queue", name), freq=freq), expected)
    bad = pd.concat([df, df.iloc[[4]]], ignore_index=True)
    with pytest.raises(InputDataError) as pandas_error:
        compute(bad, by=(name,))
    with pytest.raises(InputDataError) as spark_error:
        compute(to_spark(spark, bad), by=(name,))
    assert spark_error.value.problems == pandas_error.value.problems


@pytest.mark.parametrize("name", ["offered", "threshold_seconds"])
def test_a_by_column_the_roll_up_adds_up_is_refused_as_in_pandas(spark: Any, name: str) -> None:
    df = kpi_intervals(14, "UTC", "2024-06-01", 30)
    with pytest.raises(InputDataError) as pandas_error:
        compute(df, by=("queue", name))
    with pytest.raises(InputDataError) as spark_error:
        compute(to_spark(spark, df), by=("queue", name))
    assert spark_error.value.problems == pandas_error.value.problems
    assert f"by names column {name!r}, which the roll-up adds up" in pandas_error.value.problems[0]


# Values a numeric cell can hold that sit on or past some check's edge.
_EDGE_VALUES = [0.0, 1.0, -1.0, 0.5, 2.0**53, 2.0**53 + 2.0, 1e300, -1e300]
_SPECIAL = [math.inf, -math.inf, math.nan, None]


@pytest.mark.parametrize(
    ("spark_type", "kind", "nullable", "minimum"),
    [
        ("double", "float", False, 0.0),
        ("double", "int", False, 0.0),  # whole numbers in a fractional type
        ("double", "float", True, 0.0),
        ("double", "float", False, None),
        ("float", "int", True, None),
        ("bigint", "int", False, 1.0),
        ("bigint", "float", True, None),
        ("decimal(38,2)", "int", False, 0.0),
    ],
)
def test_the_roll_up_screen_flags_exactly_the_rows_some_check_flags(
    spark: Any, spark_type: str, kind: str, nullable: bool, minimum: float | None
) -> None:
    """The one-pass roll-up counts failing rows with one compact condition per column; the exact
    validation has one per check. They must flag the same rows: a row the screen missed would be
    summed unchecked, a row it flagged needlessly costs the exact validation."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from ccmm._spark.kpi_validate import table_checks
    from ccmm._tables import load_table_spec

    spec = load_table_spec("intervals")
    columns = [
        c.model_copy(update={"kind": kind, "nullable": nullable, "minimum": minimum})
        if c.name == "wait_seconds"
        else c
        for c in spec.columns
    ]
    spec = spec.model_copy(update={"columns": tuple(columns)})
    integral = spark_type in ("bigint",)
    values = [v for v in _EDGE_VALUES if not integral or (v.is_integer() and abs(v) < 2.0**62)]
    values += [v for v in _SPECIAL if not integral or v is None]
    if spark_type.startswith("decimal"):
        values = [v for v in values if v is None or (math.isfinite(v) and abs(v) < 1e30)]
    cast = f"CAST(v AS {spark_type.upper()})"
    rows = [(float(v) if v is not None else None,) for v in values]
    frame = spark.createDataFrame(rows, T.StructType([T.StructField("v", T.DoubleType())]))
    frame = frame.select(
        F.expr(cast).alias("wait_seconds"),
        F.expr("CAST(v AS DOUBLE)").alias("talk_seconds"),  # a second column, for the relations
    )
    checks = table_checks(frame, spec)
    conditions = [c for c in checks.conditions if c.column == "wait_seconds"]
    assert conditions, "the column has checks"
    any_check = " OR ".join(f"coalesce({c.sql}, false)" for c in conditions)
    screen = [s for s in checks.screen if "`wait_seconds`" in s and "`talk_seconds`" not in s]
    assert len(screen) == 1
    got = frame.select(
        F.expr(f"coalesce({screen[0]}, false)").alias("screen"),
        F.expr(any_check).alias("checks"),
        F.col("wait_seconds").cast("string").alias("value"),
    ).collect()
    assert [(r["value"], r["screen"]) for r in got] == [(r["value"], r["checks"]) for r in got]
    assert any(r["checks"] for r in got) and not all(r["checks"] for r in got)
