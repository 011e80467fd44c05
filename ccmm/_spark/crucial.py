"""CRUCIAL checks with a Spark interval table: the same report as [`ccmm.crucial.check`][].

The interval table is the large one (years of half-hours for every queue), so it stays in Spark:
its column checks (from ``tables/intervals.yaml``) and row rules (the predicates of
`ccmm.crucial._rules`) become Spark SQL conditions counted in one aggregation pass, and the
interval grid is a window over each queue and channel. For each failing check only a bounded
sample of rows (the first by table key) reaches the driver; the counts are exact. The fact
table, registry and analysis log hold monthly values and one row per metric; given as Spark
frames they are collected and checked by the pandas engine itself, so those checks cannot drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ccmm._exact import EXACT_TEXT, MAX_EXACT
from ccmm._spark._frames import (
    from_cells,
    functions,
    is_floating,
    is_integral,
    is_numeric,
    kind_ok,
    selectable,
    session_time_zone,
    to_pandas,
    type_name,
    window,
)
from ccmm._tables import TableSpec, load_table_spec
from ccmm.crucial._engine import (
    EXACT_FLOAT_LIMIT,
    EXPECTED_KIND,
    AtMost,
    Collector,
    Predicate,
    ReferencedWhenFlagged,
    RowRule,
    Schedule,
    TextPresent,
    expected_starts,
    fill,
    fmt,
    grid_problem,
    is_count_or_duration,
    missing_inside_hours,
    skip_grid,
)

#: Failure cases kept per check and column; ``n_failures`` counts them all.
FAILURE_SAMPLE = 1000


class _Finding:
    """One counted condition: a check on a column, the Spark condition of a failing row, the
    cells shown for it, and how its message is filled."""

    def __init__(
        self, check: str, column: str, condition: Any, value: Any, expected: Any, fixed: str
    ) -> None:
        self.check = check
        self.column = column
        self.condition = condition
        self.value = value
        self.expected = expected
        self.fixed = fixed  # the expected text when it does not vary per row


def _text_missing(frame: Any, name: str) -> Any:
    F = functions()
    col = frame[name].cast("string")
    # Python's str.strip() removes Unicode whitespace; (?U) gives Java's \s the same reach.
    return col.isNull() | (F.regexp_replace(col, r"(?U)\s", "") == "")


def _failing(frame: Any, predicate: Predicate) -> Any:
    """The Spark condition under which a row breaks ``predicate`` (null never fails AtMost)."""
    F = functions()
    if isinstance(predicate, AtMost):
        left = _sum(frame, predicate.left)
        right = _number(frame, predicate.right)
        cond = F.coalesce(left > right, F.lit(False))
        cond = cond & ~F.isnan(left) & ~F.isnan(right)
        names = [*predicate.left, *([predicate.right] if isinstance(predicate.right, str) else [])]
        if not all(is_integral(type_name(frame, c)) for c in names):
            return cond
        # Integers beyond float64's exact sums are summed as decimals (exact), as pandas does.
        limit = F.lit(EXACT_FLOAT_LIMIT)
        big = F.lit(False)
        for c in names:
            big = big | F.coalesce(F.abs(frame[c]) >= limit, F.lit(False))
        exact_left = _sum(frame, predicate.left, "decimal(38,0)")
        exact_right = _number(frame, predicate.right, "decimal(38,0)")
        exact = F.coalesce(exact_left > exact_right, F.lit(False))
        return F.when(big, exact).otherwise(cond)
    if isinstance(predicate, TextPresent):
        return _text_missing(frame, predicate.column)
    assert isinstance(predicate, ReferencedWhenFlagged)
    flag = predicate.flag
    if type_name(frame, flag) != "boolean":
        return F.lit(False)  # only a boolean true counts as set, as in pandas
    return F.coalesce(frame[flag], F.lit(False)) & _text_missing(frame, predicate.reference)


def _number(frame: Any, column: str | float, as_type: str = "double") -> Any:
    F = functions()
    if isinstance(column, str):
        return frame[column].cast(as_type)
    return F.lit(float(column)).cast(as_type)


def _sum(frame: Any, columns: tuple[str, ...], as_type: str = "double") -> Any:
    total = _number(frame, columns[0], as_type)
    for name in columns[1:]:
        total = total + _number(frame, name, as_type)
    return total


def _rule_finding(frame: Any, rule: RowRule) -> _Finding:
    F = functions()
    predicate = rule.predicate
    value: Any = frame[rule.column]
    expected: Any = F.lit("")
    if isinstance(predicate, AtMost):
        names = [*predicate.left, *([predicate.right] if isinstance(predicate.right, str) else [])]
        # Integers are shown exactly (as decimals), as the pandas engine shows them.
        as_type = (
            "decimal(38,0)" if all(is_integral(type_name(frame, c)) for c in names) else "double"
        )
        if isinstance(predicate.right, str) or len(predicate.left) > 1:
            value = _sum(frame, predicate.left, as_type)
        if isinstance(predicate.right, str):
            expected = _number(frame, predicate.right, as_type)
        else:
            expected = _number(frame, predicate.right)
    return _Finding(rule.check, rule.column, _failing(frame, predicate), value, expected, "")


def _column_findings(frame: Any, spec: TableSpec, out: Collector) -> list[_Finding]:
    """Spark conditions for the column checks pandera runs on pandas (same ids, same rules)."""
    F = functions()
    findings: list[_Finding] = []
    for column in spec.columns:
        name = column.name
        if name not in frame.columns:
            continue
        spark_type = type_name(frame, name)
        col = frame[name]
        if not kind_ok(column.kind, spark_type):
            out.add(
                "column_type",
                spec.name,
                [""],
                name,
                [spark_type],
                [
                    fill(
                        "column_type",
                        column=name,
                        value=spark_type,
                        expected=EXPECTED_KIND[column.kind],
                    )
                ],
            )
        floating = is_floating(spark_type)
        if not column.nullable:
            missing = col.isNull() | F.isnan(col) if floating else col.isNull()
            findings.append(_Finding("column_not_null", name, missing, col, F.lit(""), ""))
        if not is_numeric(spark_type):
            continue
        if column.kind in ("int", "float") and floating:
            infinite = col.isin(float("inf"), float("-inf"))
            findings.append(_Finding("column_finite", name, infinite, col, F.lit(""), ""))
        if column.minimum is not None:
            below = F.coalesce(col < F.lit(column.minimum), F.lit(False))
            findings.append(
                _Finding("column_minimum", name, below, col, F.lit(""), fmt(column.minimum))
            )
        if is_count_or_duration(column):
            huge = F.coalesce(col > F.lit(MAX_EXACT), F.lit(False))
            if floating:
                huge = huge & ~F.isnan(col) & ~col.isin(float("inf"), float("-inf"))
            findings.append(
                _Finding("column_in_exact_range", name, huge, col, F.lit(""), EXACT_TEXT)
            )
        if column.maximum is not None:
            above = F.coalesce(col > F.lit(column.maximum), F.lit(False))
            if floating:
                above = above & ~F.isnan(col)  # NaN is missing, not large
            findings.append(
                _Finding("column_maximum", name, above, col, F.lit(""), fmt(column.maximum))
            )
    for column in spec.columns:
        if column.allowed is None or column.name not in frame.columns:
            continue
        text = frame[column.name].cast("string")
        outside = text.isNotNull() & ~text.isin(list(column.allowed))
        findings.append(
            _Finding(
                "column_allowed",
                column.name,
                outside,
                frame[column.name],
                F.lit(""),
                ", ".join(column.allowed),
            )
        )
    return findings


def _key_names(frame: Any, spec: TableSpec) -> list[str]:
    return [c for c in spec.key if c in frame.columns]


def _row_key(keys: list[str], cells: list[Any]) -> str:
    return ", ".join(f"{k}={fmt(v)}" for k, v in zip(keys, cells, strict=True))


def _sampled(frame: Any, keys: list[str], rows: list[Any], first: int) -> list[list[Any]]:
    """Columns ``0..first-1`` of the collected rows, converted as the pandas path sees them."""
    tz = session_time_zone(frame)
    out: list[list[Any]] = []
    for i, name in enumerate(keys[:first]):
        out.append(list(from_cells([r[i] for r in rows], type_name(frame, name), tz)))
    return out


def _table_checks(frame: Any, spec: TableSpec, rules: Sequence[RowRule], out: Collector) -> int:
    """Column checks and the (applicable) row rules of one Spark table; returns its row count."""
    F = functions()
    applicable = list(rules)
    n_rows = int(frame.count())
    for check in ("column_type", "column_not_null", "column_finite"):
        out.run(check, n_rows)
    for check, has in (
        ("column_minimum", any(c.minimum is not None for c in spec.columns)),
        ("column_maximum", any(c.maximum is not None for c in spec.columns)),
        ("column_allowed", any(c.allowed is not None for c in spec.columns)),
        ("column_in_exact_range", any(is_count_or_duration(c) for c in spec.columns)),
    ):
        if has:
            out.run(check, n_rows)
    findings = _column_findings(frame, spec, out)
    for rule in applicable:
        out.run(rule.check, n_rows)
        findings.append(_rule_finding(frame, rule))
    if not findings or n_rows == 0:
        return n_rows
    counted = frame.agg(
        *(F.count(F.when(f.condition, True)).alias(f"_{i}") for i, f in enumerate(findings))
    ).first()
    keys = _key_names(frame, spec)
    for i, finding in enumerate(findings):
        count = int(counted[f"_{i}"])
        if count == 0:
            continue
        shown = (
            frame.where(finding.condition)
            .select(
                *(selectable(frame, k) for k in keys),
                finding.value.alias("_value"),
                finding.expected.alias("_expected"),
            )
            .orderBy(*keys)
            .limit(FAILURE_SAMPLE)
            .collect()
        )
        key_cells = _sampled(frame, keys, shown, len(keys))
        # Values are numbers or text (a missing instant is None), so they print as in pandas.
        values = [fmt(r[len(keys)]) for r in shown]
        expected = [fmt(r[len(keys) + 1]) for r in shown]
        texts = [
            fill(
                finding.check,
                column=finding.column,
                value=v,
                expected=finding.fixed or e,
            )
            for v, e in zip(values, expected, strict=True)
        ]
        row_keys = [_row_key(keys, list(cells)) for cells in zip(*key_cells, strict=True)]
        if not keys:
            row_keys = [""] * len(shown)
        out.add(finding.check, spec.name, row_keys, finding.column, values, texts)
        out.failed[finding.check] += count - len(shown)
    return n_rows


def _grid(frame: Any, out: Collector, n_rows: int) -> None:
    """Item 112.1: consecutive intervals of each queue and channel neither gap nor overlap."""
    if type_name(frame, "interval_start") != "timestamp":
        skip_grid(out, "interval_start is not time-zone aware")
        return
    F = functions()
    out.run("interval_grid", n_rows)
    minutes = frame["interval_minutes"].cast("double")
    valid = frame["interval_start"].isNotNull() & minutes.isNotNull() & ~F.isnan(minutes)
    runs = frame.where(valid).select(
        frame["queue"].alias("queue"),
        frame["channel"].alias("channel"),
        F.unix_micros(frame["interval_start"]).alias("_s"),
        minutes.alias("_min"),
    )
    # Compared in UTC (instants): a daylight-saving change moves clocks, not the intervals.
    order = window().partitionBy("queue", "channel").orderBy("_s", "_min")
    runs = runs.select(
        "queue",
        "channel",
        "_s",
        F.lag("_s").over(order).alias("_ps"),
        (F.lag("_s").over(order) + (F.lag("_min").over(order) * 60e6).cast("long")).alias("_pe"),
    )
    step_off = F.col("_s") != F.col("_pe")
    if out.schedule is not None:
        # With opening hours, a scheduled queue's gaps are the inside intervals it lacks
        # (`_hours`); only its overlaps are found here.
        scheduled = _scheduled_pairs(runs, out.schedule)
        if scheduled:
            is_scheduled = F.lit(False)
            for q, c in scheduled:
                is_scheduled = is_scheduled | (
                    (F.col("queue").cast("string") == q) & (F.col("channel").cast("string") == c)
                )
            step_off = F.when(is_scheduled, F.col("_s") < F.col("_pe")).otherwise(step_off)
    bad = runs.where(F.col("_ps").isNotNull() & step_off).persist()
    try:
        count = int(bad.count())
        if count == 0:
            return
        shown = bad.orderBy("queue", "channel", "_s").limit(FAILURE_SAMPLE).collect()
    finally:
        bad.unpersist()
    tz = session_time_zone(frame)

    def instant(micros: int) -> pd.Timestamp:
        return pd.Timestamp(int(micros), unit="us", tz="UTC").tz_convert(tz)

    keys, values, texts = [], [], []
    for r in shown:
        start, prev_start, prev_end = instant(r["_s"]), instant(r["_ps"]), instant(r["_pe"])
        missing = (int(r["_s"]) - int(r["_pe"])) / 60e6
        text = grid_problem(r["_s"] > r["_pe"], prev_start, prev_end, start, missing)
        keys.append(
            f"interval_start={fmt(start)}, queue={fmt(r['queue'])}, channel={fmt(r['channel'])}"
        )
        values.append(fmt(start))
        texts.append(fill("interval_grid", problem=text))
    out.add("interval_grid", "intervals", keys, "interval_start", values, texts)
    out.failed["interval_grid"] += count - len(shown)


def _scheduled_pairs(frame: Any, schedule: Schedule) -> list[tuple[str, str]]:
    """The (queue, channel) texts of ``frame`` that opening hours name."""
    pairs = frame.select("queue", "channel").distinct().collect()
    found = {(fmt(r["queue"]), fmt(r["channel"])) for r in pairs}
    return sorted(p for p in found if schedule.scheduled(*p))


def _hours(frame: Any, out: Collector, schedule: Schedule) -> None:
    """With opening hours: the calendar's expected intervals (computed on the driver from a
    small per-queue summary) are joined with the rows in Spark, both ways."""
    F = functions()
    tz = session_time_zone(frame)
    minutes = frame["interval_minutes"].cast("double")
    offered = frame["offered"].cast("double") if "offered" in frame.columns else F.lit(0.0)
    rows = frame.where(
        frame["interval_start"].isNotNull() & minutes.isNotNull() & ~F.isnan(minutes)
    ).select(
        frame["queue"].cast("string").alias("queue"),
        frame["channel"].cast("string").alias("channel"),
        F.unix_micros(frame["interval_start"]).alias("_s"),
        minutes.alias("_min"),
        offered.alias("_offered"),
    )
    summary = (
        rows.groupBy("queue", "channel", "_min")
        .agg(
            F.count(F.lit(1)).alias("_n"),
            F.min("_s").alias("_first"),
            F.max(F.col("_s") + (F.col("_min") * 60e6).cast("long")).alias("_end"),
        )
        .collect()
    )
    groups: dict[tuple[str, str], list[Any]] = {}
    for r in summary:
        groups.setdefault((fmt(r["queue"]), fmt(r["channel"])), []).append(r)
    expected: list[tuple[str, str, int]] = []
    scheduled: list[tuple[str, str]] = []
    checked = 0
    for (q, c), parts in sorted(groups.items()):
        if not schedule.scheduled(q, c):
            continue
        scheduled.append((q, c))
        checked += sum(int(p["_n"]) for p in parts)
        # The most common length (the shorter one on a tie), as the pandas engine picks it.
        length = max(parts, key=lambda p: (int(p["_n"]), -float(p["_min"])))["_min"]
        starts = expected_starts(
            schedule,
            queue=q,
            channel=c,
            first_ns=min(int(p["_first"]) for p in parts) * 1000,
            end_ns=max(int(p["_end"]) for p in parts) * 1000,
            minutes=int(length),
            time_zone=tz,
        )
        expected.extend((q, c, int(ns) // 1000) for ns in starts)
    out.run("outside_opening_hours", checked)
    if not scheduled:
        return
    spark = frame.sparkSession
    inside = spark.createDataFrame(expected, "queue string, channel string, _s long")
    named = spark.createDataFrame(scheduled, "queue string, channel string")
    on = ["queue", "channel", "_s"]

    def instant(micros: int) -> pd.Timestamp:
        return pd.Timestamp(int(micros), unit="us", tz="UTC").tz_convert(tz)

    missing = inside.join(rows.select(*on), on=on, how="left_anti")
    count = int(missing.count())
    if count:
        shown = missing.orderBy(*on).limit(FAILURE_SAMPLE).collect()
        instants = [instant(r["_s"]) for r in shown]
        out.add(
            "interval_grid",
            "intervals",
            [
                f"interval_start={fmt(at)}, queue={r['queue']}, channel={r['channel']}"
                for at, r in zip(instants, shown, strict=True)
            ],
            "interval_start",
            [fmt(at) for at in instants],
            [missing_inside_hours(at) for at in instants],
        )
        out.failed["interval_grid"] += count - len(shown)
    outside = (
        rows.where(F.col("_offered") > 0)
        .join(named, on=["queue", "channel"], how="left_semi")
        .join(inside, on=on, how="left_anti")
    )
    count = int(outside.count())
    if count:
        shown = outside.orderBy(*on).limit(FAILURE_SAMPLE).collect()
        keys, values, texts = [], [], []
        for r in shown:
            at = fmt(instant(r["_s"]))
            volume = fmt(float(r["_offered"]))
            keys.append(
                f"interval_start={at}, queue={fmt(r['queue'])}, channel={fmt(r['channel'])}"
            )
            values.append(volume)
            texts.append(fill("outside_opening_hours", start=at, offered=volume))
        out.add("outside_opening_hours", "intervals", keys, "offered", values, texts)
        out.failed["outside_opening_hours"] += count - len(shown)


def spark_to_pandas(frame: Any) -> pd.DataFrame:
    """A (small) Spark table on the driver as pandas, typed as the pandas engine expects."""
    return to_pandas(frame)


class SparkTable:
    """`TableChecks` of a Spark interval table: column checks and row rules counted in one
    aggregation pass, the grid as a window; only a bounded sample of failing rows is collected."""

    def __init__(self, frame: Any) -> None:
        self.frame = frame
        self.n_rows = 0

    def table_checks(self, rules: Sequence[RowRule], out: Collector) -> None:
        self.n_rows = _table_checks(self.frame, load_table_spec("intervals"), rules, out)

    def grid(self, out: Collector) -> None:
        _grid(self.frame, out, self.n_rows)
        schedule = out.schedule
        if schedule is not None and type_name(self.frame, "interval_start") == "timestamp":
            _hours(self.frame, out, schedule)


__all__ = ["FAILURE_SAMPLE", "SparkTable", "spark_to_pandas"]
