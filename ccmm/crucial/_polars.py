"""CRUCIAL checks of a polars interval table, evaluated in polars.

The interval table is the large one (years of half-hours for every queue), so a polars interval
table is not converted to pandas. Its column checks are pandera.polars's (the schema the pandas
engine uses for any polars table); its row rules are the backend-neutral predicates of
`ccmm.crucial._rules` translated into polars expressions, evaluated in one pass; the
interval grid (item 112.1) compares each interval with the previous one of its queue and channel.
Only the failing rows are converted to pandas, and the pandas engine prints them (same formatter,
row keys and message templates), so the report is the one the pandas engine gives.

Integer sums beyond float64's exact range are compared in 128-bit integers, as the reference
evaluation compares Python integers. Where a column has a type the translation does not cover
(text where numbers belong, floats as queue names, …) or a value pandas and polars would treat
differently (an interval too long to count in nanoseconds), that rule or the grid is evaluated by
the engine's reference evaluation on just the columns it reads: the schema reports such a column's
type anyway, and results never depend on the backend, only the speed does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from ccmm import _frames
from ccmm._tables import load_table_spec
from ccmm.crucial._engine import (
    EXACT_FLOAT_LIMIT,
    AtMost,
    Collector,
    Predicate,
    ReferencedWhenFlagged,
    RowRule,
    Table,
    TextPresent,
    grid_breaks,
    report_against_hours,
    report_grid,
    report_row_rule,
    report_schema_cases,
    rule_ok,
    schema_cases,
    schema_run,
    skip_grid,
    unscheduled_breaks,
)

#: Nanoseconds per minute, as a float: the pandas engine computes interval ends the same way.
_NS_PER_MINUTE = 60e9
#: Interval lengths at or beyond this many nanoseconds do not fit an int64 instant.
_NS_LIMIT = 2.0**63


def _is_number(dtype: Any) -> bool:
    """Types whose values the pandas engine reads as the same float64 numbers."""
    return bool(dtype.is_integer() or dtype.is_float() or dtype == pl.Boolean)


def _is_text(dtype: Any) -> bool:
    return bool(dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum))


def _text_missing(frame: pl.DataFrame, name: str) -> pl.Expr | None:
    """True where column ``name`` is null or blank, as `ccmm.crucial._rules.text_missing`
    decides on the pandas view of the column; None for a type not covered here."""
    dtype = frame.schema[name]
    col = pl.col(name)
    if _is_text(dtype):
        # Blank is Python's str.strip() == "": decided on the distinct values, in Python, so
        # the whitespace set is exactly the pandas engine's.
        distinct = frame.get_column(name).cast(pl.String).drop_nulls().unique().to_list()
        blank = [v for v in distinct if v.strip() == ""]
        return col.is_null() | col.cast(pl.String).is_in(blank)
    if dtype.is_float():
        return col.is_null() | col.is_nan()  # NaN is a missing value in pandas
    if dtype.is_integer() or dtype == pl.Boolean or dtype.is_temporal():
        return col.is_null()  # present values print as non-blank text
    return None


def _number(column: str | float) -> pl.Expr:
    if isinstance(column, str):
        return pl.col(column).cast(pl.Float64)
    return pl.lit(float(column), dtype=pl.Float64)


def failing(frame: pl.DataFrame, predicate: Predicate) -> pl.Expr | None:
    """The polars condition under which a row of ``frame`` breaks ``predicate``, with the pandas
    engine's semantics (a missing value never fails); None when a column has a type this
    translation does not cover, so the caller evaluates the rule in pandas instead."""
    schema = frame.schema
    if isinstance(predicate, AtMost):
        right = predicate.right
        names = [*predicate.left, *([right] if isinstance(right, str) else [])]
        if not all(_is_number(schema[c]) for c in names):
            return None
        if all(schema[c].is_integer() for c in names) and not any(
            frame.get_column(c).null_count() for c in names
        ):
            limit = EXACT_FLOAT_LIMIT
            big = pl.any_horizontal((pl.col(c) >= limit) | (pl.col(c) <= -limit) for c in names)
            if frame.select(big.any()).item():
                return _exact_over(predicate)  # float64 sums would not be exact
        # Summed in float64, left to right, as the pandas engine does.
        left = _number(predicate.left[0])
        for name in predicate.left[1:]:
            left = left + _number(name)
        bound = _number(right)
        over = left > bound
        if any(schema[c].is_float() for c in names):
            # polars orders NaN above every number; in pandas NaN compares false, so it passes.
            over = over & ~left.is_nan() & ~bound.is_nan()
        return over.fill_null(False)  # a missing value passes
    if isinstance(predicate, TextPresent):
        return _text_missing(frame, predicate.column)
    assert isinstance(predicate, ReferencedWhenFlagged)
    flag_type = schema[predicate.flag]
    missing = _text_missing(frame, predicate.reference)
    if missing is None or flag_type == pl.Object:
        return None
    if flag_type != pl.Boolean:
        return pl.repeat(False, pl.len())  # only a boolean true counts as set, as in pandas
    return pl.col(predicate.flag).fill_null(False) & missing


def _exact_over(predicate: AtMost) -> pl.Expr:
    """``sum(left) > right`` in 128-bit integers (integer columns without nulls): the exact
    comparison the reference evaluation makes with Python integers."""
    left = pl.col(predicate.left[0]).cast(pl.Int128)
    for name in predicate.left[1:]:
        left = left + pl.col(name).cast(pl.Int128)
    right = predicate.right
    if isinstance(right, str):
        return left > pl.col(right).cast(pl.Int128)
    if math.isnan(right):
        return pl.repeat(False, pl.len())
    if math.isinf(right):
        return pl.repeat(right < 0, pl.len())
    # An integer sum exceeds a number exactly when it exceeds the number's floor.
    return left > pl.lit(math.floor(right), dtype=pl.Int128)


def _rows(frame: pl.DataFrame, positions: np.ndarray, columns: list[str]) -> Table:
    """The rows at ``positions`` (their order) of ``frame``'s ``columns`` plus the table key,
    as a small pandas table for the engine's reporting."""
    spec = load_table_spec("intervals")
    wanted = [*(c for c in spec.key if c in frame.columns)]
    wanted += [c for c in columns if c not in wanted]
    index = pl.Series(positions.astype(np.int64))
    sub = frame.lazy().select(pl.col(wanted).gather(index)).collect()
    return Table("intervals", spec, frame, _frames.polars_to_pandas(sub), "polars")


def _pandas_view(frame: pl.DataFrame, columns: list[str]) -> Table:
    """Whole columns as pandas, for the rare rule the polars translation does not cover."""
    wanted = list(dict.fromkeys([*load_table_spec("intervals").key, *columns]))
    return _rows(frame, np.arange(frame.height), [c for c in wanted if c in frame.columns])


def _schema_checks(frame: pl.DataFrame, out: Collector) -> None:
    spec = load_table_spec("intervals")
    n = frame.height
    schema_run(spec, n, out)
    cases = schema_cases(spec, frame, pd.DataFrame())
    if cases is None:
        return
    raw = cases["index"].to_numpy(dtype=object)
    present = np.array([v is not None and not pd.isna(v) for v in raw], dtype=bool)
    indexed = np.array([int(v) for v in raw[present]], dtype=np.int64)
    positions = np.unique(indexed)
    columns = [str(c) for c in cases["column"].unique() if str(c) in frame.columns]
    remapped = np.full(len(raw), None, dtype=object)
    remapped[present] = np.searchsorted(positions, indexed)
    cases = cases.assign(index=remapped)
    report_schema_cases(_rows(frame, positions, columns), n, cases, out)


def _row_rules(frame: pl.DataFrame, rules: Sequence[RowRule], out: Collector) -> None:
    n = frame.height
    native: list[tuple[RowRule, pl.Expr]] = []
    for rule in rules:
        out.run(rule.check, n)
        condition = failing(frame, rule.predicate)
        if condition is None:
            table = _pandas_view(frame, list(rule.columns))
            positions = np.flatnonzero(~rule_ok(rule, table.frame))
            report_row_rule(rule, table, positions, out)
        else:
            native.append((rule, condition))
    if not native:
        return
    # One pass counts every rule; only a rule that fails somewhere is looked at again.
    counts = frame.lazy().select(c.sum().alias(f"_{i}") for i, (_, c) in enumerate(native))
    for (rule, condition), count in zip(native, counts.collect().row(0), strict=True):
        if not count:
            continue
        positions = frame.select(condition.arg_true()).to_series().to_numpy()
        table = _rows(frame, positions, list(rule.columns))
        report_row_rule(rule, table, np.arange(len(positions)), out)


def _groupable(dtype: Any) -> bool:
    """Types whose equality in polars is the pandas engine's grouping (float NaN is not)."""
    return bool(_is_text(dtype) or dtype.is_integer() or dtype == pl.Boolean)


def _grid(frame: pl.DataFrame, out: Collector) -> None:
    """Item 112.1: consecutive intervals of each queue and channel neither gap nor overlap."""
    schema = frame.schema
    start_type = schema["interval_start"]
    if not (isinstance(start_type, pl.Datetime) and start_type.time_zone is not None):
        skip_grid(out, "interval_start is not time-zone aware")
        return
    columns = ["interval_start", "interval_minutes", "queue", "channel"]
    if out.schedule is not None:
        # The calendar compares the four grid columns and the volume, read into pandas.
        view = _pandas_view(frame, [*columns, "offered"])
        breaks = grid_breaks(view.frame)  # never None: the start is zoned, checked above
        out.run("interval_grid", frame.height)
        if breaks is not None:
            report_grid(view, *unscheduled_breaks(view, breaks, out.schedule), out)
        report_against_hours(view, out, out.schedule)
        return
    pandas_grid = not (
        _is_number(schema["interval_minutes"])
        and _groupable(schema["queue"])
        and _groupable(schema["channel"])
    )
    minutes = pl.col("interval_minutes").cast(pl.Float64)
    if not pandas_grid:
        too_long = (minutes.abs() * _NS_PER_MINUTE >= _NS_LIMIT).any()
        pandas_grid = bool(frame.select(too_long).item())
    if pandas_grid:
        view = _pandas_view(frame, columns)
        breaks = grid_breaks(view.frame)  # never None: the start is zoned, checked above
        out.run("interval_grid", frame.height)
        if breaks is not None:
            report_grid(view, *breaks, out)
        return
    out.run("interval_grid", frame.height)
    # The physical value of a zoned instant is UTC: a daylight-saving change moves local
    # clocks, not the run of intervals.
    runs = (
        frame.lazy()
        .select(
            pl.col("queue"),
            pl.col("channel"),
            pl.col("interval_start").dt.epoch("ns").alias("_s"),
            minutes.alias("_m"),
        )
        .with_row_index("_i")
        .filter(pl.col("_s").is_not_null() & pl.col("_m").is_not_null() & ~pl.col("_m").is_nan())
        .collect()
    )
    # Each interval is compared with the one before it in its queue and channel, ordered by
    # start and then by row, as the pandas engine orders them.
    same = pl.col("queue").eq_missing(pl.col("queue").shift(1)) & pl.col("channel").eq_missing(
        pl.col("channel").shift(1)
    )
    backwards = runs.select((same & (pl.col("_s") < pl.col("_s").shift(1))).any()).item()
    run_heads = runs.lazy().filter(~same).select("queue", "channel").collect()
    end = pl.col("_s") + (pl.col("_m") * _NS_PER_MINUTE).cast(pl.Int64)
    if not backwards and not run_heads.is_duplicated().any():
        # Usual case: each queue's run is contiguous and in time order, so the one before is
        # the row before.
        earlier, earlier_end, head = pl.col("_i").shift(1), end.shift(1), ~same
    else:
        # Otherwise rows in time order (often already so: an export by interval, then queue)
        # and the one before within each queue and channel; no sort by queue is needed.
        if runs.select((pl.col("_s").diff() < 0).any()).item():
            runs = runs.sort("_s", "_i")
        by = ["queue", "channel"]
        earlier, earlier_end = pl.col("_i").shift(1).over(by), end.shift(1).over(by)
        head = earlier.is_null()
    bad = (
        runs.lazy()
        .select(
            earlier.alias("earlier"),
            pl.col("_i").alias("later"),
            earlier_end.alias("end"),
            pl.col("_s"),
            (~head & (pl.col("_s") != earlier_end)).alias("_bad"),
        )
        .filter(pl.col("_bad"))
        .collect()
    )
    if bad.height == 0:
        return
    earlier_rows = bad.get_column("earlier").to_numpy().astype(np.int64)
    later_rows = bad.get_column("later").to_numpy().astype(np.int64)
    table = _rows(frame, np.concatenate([earlier_rows, later_rows]), columns)
    k = bad.height
    report_grid(
        table,
        np.arange(k),
        np.arange(k, 2 * k),
        bad.get_column("end").to_numpy(),
        bad.get_column("_s").to_numpy(),
        out,
    )


class PolarsTable:
    """`TableChecks` of a polars interval table: evaluated in polars, only failing rows are
    read into pandas for the engine's reporting."""

    def __init__(self, frame: Any) -> None:
        self.frame = frame

    def table_checks(self, rules: Sequence[RowRule], out: Collector) -> None:
        _schema_checks(self.frame, out)
        _row_rules(self.frame, rules, out)

    def grid(self, out: Collector) -> None:
        _grid(self.frame, out)


__all__ = ["PolarsTable", "failing"]
