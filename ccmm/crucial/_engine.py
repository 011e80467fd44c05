"""The CRUCIAL engine: the check sequence, the collection of failures and the report.

The engine is backend-neutral. It decides which checks run on which table (from the edition's
``crucial.yaml`` and ``tables/row_rules.yaml``), counts what each check looked at, formats every
failure (row keys, values, message templates) and assembles the
[`CrucialReport`][ccmm.crucial.CrucialReport]. A backend (pandas: `ccmm.crucial._pandas`,
polars: `ccmm.crucial._polars`, Spark: ``ccmm._spark.crucial``) implements `TableChecks` for a
table it holds: the column (schema) checks and the row rules, reporting failing rows through
`report_row_rule` / `report_schema_cases`, and the interval grid through `report_grid`.
Backends use only the public names of this module: it re-exports the rule definitions
(`ccmm.crucial._rules`), the reference evaluation on pandas columns (`ccmm.crucial._evaluate`),
the schema vocabulary a backend needs and the engine's own parts kept in modules of their own
(what a run collects: `ccmm.crucial._collector`; the text of a failure:
`ccmm.crucial._failure_text`; the report: `ccmm.crucial._assemble`), so no backend imports
another module of the package.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ccmm._cells import as_date, fmt
from ccmm._errors import InputDataError
from ccmm._exact import EXACT_TEXT
from ccmm._tables import TableSpec, missing_columns
from ccmm.crucial._assemble import assemble, sorted_failures
from ccmm.crucial._calendar import Schedule, compare_with_hours, expected_starts
from ccmm.crucial._collector import NO_ROWS, Collector, RowKeys, Table, merged_options, quoted
from ccmm.crucial._evaluate import (
    as_float,
    exact_sum,
    grid_breaks,
    rule_expected,
    rule_ok,
    rule_value,
    schema_cases,
    text_missing,
    truthy,
)
from ccmm.crucial._failure_text import fill, fmt_many, formatted, row_keys
from ccmm.crucial._report import CrucialReport
from ccmm.crucial._rules import (
    CHECK_BY_ID,
    EXACT_FLOAT_LIMIT,
    AtMost,
    Predicate,
    ReferencedWhenFlagged,
    RowRule,
    Severity,
    TextPresent,
    row_rule_with,
    row_rules,
)
from ccmm.crucial.schemas import (
    EXPECTED_KIND,
    is_count_or_duration,
)


def require_columns(name: str, spec: TableSpec, columns: Sequence[str]) -> None:
    absent = missing_columns(columns, spec)
    if absent:
        raise InputDataError(
            f"{name} table is missing required column(s) {', '.join(map(repr, absent))}"
        )


def require_unique_columns(name: str, columns: Sequence[object]) -> None:
    """Raise unless every column name of table ``name`` is given once (any backend)."""
    counts = Counter(str(c) for c in columns)
    repeated = [c for c, k in counts.items() if k > 1]
    if repeated:
        raise InputDataError(
            f"{name} table has duplicated column name(s) "
            f"{', '.join(quoted(c) for c in repeated[:10])}; each column must appear once"
        )


def schema_run(spec: TableSpec, n: int, out: Collector) -> None:
    """Count the ``n`` rows as checked by each column check the table's spec has."""
    for check in ("column_type", "column_not_null", "column_finite"):
        out.run(check, n)
    if any(c.minimum is not None for c in spec.columns):
        out.run("column_minimum", n)
    if any(c.maximum is not None for c in spec.columns):
        out.run("column_maximum", n)
    if any(c.allowed is not None for c in spec.columns):
        out.run("column_allowed", n)
    if any(is_count_or_duration(c) for c in spec.columns):
        out.run("column_in_exact_range", n)


def report_schema_cases(table: Table, n: int, cases: pd.DataFrame, out: Collector) -> None:
    """Report pandera's failure ``cases``; their index points at rows of ``table.frame``."""
    spec = table.spec
    known = {
        "column_type",
        "column_finite",
        "column_minimum",
        "column_maximum",
        "column_allowed",
        "column_in_exact_range",
    }
    groups: dict[tuple[str, str], list[tuple[int | None, object]]] = defaultdict(list)
    for check_name, column, index, failure_case in zip(
        cases["check"], cases["column"], cases["index"], cases["failure_case"], strict=True
    ):
        raw_check = str(check_name)
        check = (
            "column_not_null"
            if raw_check == "not_nullable"
            else (raw_check if raw_check in known else "column_schema")
        )
        pos = None if index is None or pd.isna(index) else int(index)
        if check == "column_allowed" and _declared_unit(spec, str(column), failure_case, out):
            continue
        groups[(check, str(column))].append((pos, failure_case))
    for (check, column), cases_of in sorted(groups.items()):
        if check == "column_schema":
            out.run(check, n)
        col_spec = spec.column(column) if column in spec.column_names else None
        expected: object = ""
        if col_spec is not None:
            expected = {
                "column_type": EXPECTED_KIND[col_spec.kind],
                "column_minimum": fmt(col_spec.minimum),
                "column_maximum": fmt(col_spec.maximum),
                "column_allowed": ", ".join(col_spec.allowed or ()),
                "column_in_exact_range": EXACT_TEXT,
            }.get(check, "")
        positions = np.array(sorted({p for p, _ in cases_of if p is not None}), dtype=np.int64)
        if len(positions):
            values = [fmt(v) for v in table.frame[column].iloc[positions].to_numpy(dtype=object)]
            keys: Sequence[str] = row_keys(table, positions)
        else:
            dtype_text = str(table.frame[column].dtype) if column in table.frame else ""
            if table.backend == "polars" and column in table.original.columns:
                dtype_text = str(table.original.schema[column])
            values = [dtype_text if check == "column_type" else fmt(cases_of[0][1])]
            keys = [""]
            if check == "column_schema":
                expected = str(cases_of[0][1])
        out.add(
            check,
            spec.name,
            keys,
            column,
            values,
            [fill(check, column=column, value=v, expected=expected) for v in values],
        )


def _declared_unit(spec: TableSpec, column: str, value: object, out: Collector) -> bool:
    """Whether ``value`` of a units column is a unit the run knows (one a ``units`` table
    declares passes although the shipped schema does not list it)."""
    if column not in spec.column_names or spec.column(column).allowed_vocabulary != "units":
        return False
    return isinstance(value, str) and value in out.units


def report_row_rule(rule: RowRule, table: Table, positions: np.ndarray, out: Collector) -> None:
    """Report the rows of ``table.frame`` at ``positions`` as breaking ``rule``."""
    if len(positions) == 0:
        return
    # Only the columns the rule reads: every column of a million failing rows cost more to
    # gather than the rest of the report.
    sub = table.frame[list(dict.fromkeys((*rule.columns, rule.column)))].iloc[positions]
    value_codes, value_texts = formatted(rule_value(rule, sub))
    expected_codes, expected_texts = formatted(rule_expected(rule, sub))
    # One message per distinct (value, expected) pair, filled once: a million failing rows
    # usually hold a few thousand pairs.
    pairs, which = np.unique(
        value_codes.astype(np.int64) * len(expected_texts) + expected_codes, return_inverse=True
    )
    messages = np.array(
        [
            fill(
                rule.check,
                column=rule.column,
                value=value_texts[pair // len(expected_texts)],
                expected=expected_texts[pair % len(expected_texts)],
            )
            for pair in pairs.tolist()
        ],
        dtype=object,
    )[which]
    out.add(rule.check, table.name, row_keys(table, positions), rule.column,
            value_texts[value_codes], messages)  # fmt: skip


def report_grid(
    table: Table,
    earlier: np.ndarray,
    later: np.ndarray,
    earlier_end_ns: np.ndarray,
    later_start_ns: np.ndarray,
    out: Collector,
) -> None:
    """Report each pair of consecutive intervals (rows ``earlier[k]``, ``later[k]`` of
    ``table.frame``) that leave a gap or overlap; the instants are UTC nanoseconds."""
    if len(later) == 0:
        return
    start = table.frame["interval_start"]
    problems = []
    for e, p, end_ns, start_ns in zip(earlier, later, earlier_end_ns, later_start_ns, strict=True):
        prev_end = pd.Timestamp(int(end_ns), tz="UTC").tz_convert(start.dt.tz)
        missing = (int(start_ns) - int(end_ns)) / 60e9
        problems.append(
            grid_problem(bool(start_ns > end_ns), start.iloc[e], prev_end, start.iloc[p], missing)
        )
    out.add(
        "interval_grid",
        "intervals",
        row_keys(table, later),
        "interval_start",
        [fmt(start.iloc[p]) for p in later],
        [fill("interval_grid", problem=t) for t in problems],
    )


def grid_problem(
    gap: bool,
    earlier_start: pd.Timestamp,
    earlier_end: pd.Timestamp,
    this_start: pd.Timestamp,
    missing_minutes: float,
) -> str:
    """What is wrong between two consecutive intervals of a queue (any backend)."""
    if gap:
        return (
            f"{fmt(missing_minutes)} minute(s) missing between {earlier_end.isoformat()} and "
            f"{this_start.isoformat()}"
        )
    return (
        f"interval starting {this_start.isoformat()} overlaps the one starting "
        f"{earlier_start.isoformat()} (ends {earlier_end.isoformat()})"
    )


def missing_inside_hours(start: pd.Timestamp) -> str:
    """The ``interval_grid`` message of an interval inside opening hours that has no row."""
    return fill(
        "interval_grid",
        problem=f"no interval starting {fmt(start)} although it is inside opening hours",
    )


def skip_grid(out: Collector, reason: str) -> None:
    """The interval grid (and, with opening hours, the outside-hours check) cannot run."""
    out.skip("interval_grid", reason)
    if out.schedule is not None:
        out.skip("outside_opening_hours", reason)


def scheduled_rows(queue: np.ndarray, channel: np.ndarray, schedule: Schedule) -> np.ndarray:
    """Per row: whether opening hours name its queue and channel (the calendar applies)."""
    keys = pd.Series([f"{q}\x00{c}" for q, c in zip(queue, channel, strict=True)], dtype=object)
    known = {k: schedule.scheduled(*k.split("\x00", 1)) for k in keys.unique()}
    return np.asarray(keys.map(known).to_numpy(dtype=bool))


def unscheduled_breaks(
    table: Table,
    breaks: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    schedule: Schedule,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The grid breaks (earlier rows, later rows, earlier end, later start) that stay findings
    with opening hours: every overlap, and the gaps of queues no opening hours name (a
    scheduled queue's gaps are the inside intervals it lacks, `report_against_hours`)."""
    earlier, later, end, start = breaks
    frame = table.frame
    queue = fmt_many(frame["queue"].iloc[later].reset_index(drop=True))
    channel = fmt_many(frame["channel"].iloc[later].reset_index(drop=True))
    keep = (start < end) | ~scheduled_rows(queue, channel, schedule)
    return earlier[keep], later[keep], end[keep], start[keep]


def report_against_hours(table: Table, out: Collector, schedule: Schedule) -> None:
    """Report the intervals inside opening hours that ``table`` (a pandas view of an interval
    table) lacks (``interval_grid``) and its rows outside opening hours that carry volume
    (``outside_opening_hours``)."""
    frame = table.frame
    start = frame["interval_start"]
    zone = start.dt.tz
    minutes = as_float(frame["interval_minutes"])
    valid = ~start.isna().to_numpy() & ~np.isnan(minutes)
    queue, channel = fmt_many(frame["queue"]), fmt_many(frame["channel"])
    offered = as_float(frame["offered"]) if "offered" in frame.columns else np.zeros(len(frame))
    rows = np.flatnonzero(valid)
    ns = start.dt.tz_convert("UTC").array.as_unit("ns").asi8
    found = compare_with_hours(
        queue[rows],
        channel[rows],
        ns[rows],
        minutes[rows],
        offered[rows],
        schedule=schedule,
        time_zone=str(zone),
    )
    scheduled = scheduled_rows(queue[rows], channel[rows], schedule)
    out.run("outside_opening_hours", int(scheduled.sum()))
    if found.missing:
        starts = [pd.Timestamp(at, tz="UTC").tz_convert(zone) for _, _, at in found.missing]
        out.add(
            "interval_grid",
            "intervals",
            [
                f"interval_start={fmt(at)}, queue={q}, channel={c}"
                for at, (q, c, _) in zip(starts, found.missing, strict=True)
            ],
            "interval_start",
            [fmt(at) for at in starts],
            [missing_inside_hours(at) for at in starts],
        )
    positions = rows[found.outside]
    out.add(
        "outside_opening_hours",
        "intervals",
        row_keys(table, positions),
        "offered",
        [fmt(offered[p]) for p in positions],
        [
            fill("outside_opening_hours", start=fmt(start.iloc[p]), offered=fmt(offered[p]))
            for p in positions
        ],
    )


def check_date(as_of: object, tolerance: object) -> dt.date:
    """The date checked as of; raises unless ``tolerance`` is a number in [0, 1)."""
    day = as_date(as_of)
    if not (isinstance(tolerance, int | float) and 0 <= tolerance < 1):
        raise InputDataError(f"tolerance must be a number in [0, 1), got {tolerance!r}")
    return day


def check_max_failures(max_failures: object) -> int | None:
    """``max_failures`` if it is None or a whole number >= 0; InputDataError otherwise."""
    if max_failures is None:
        return None
    if isinstance(max_failures, bool) or not isinstance(max_failures, int | np.integer):
        raise InputDataError(
            f"max_failures must be None or a whole number >= 0, got {quoted(repr(max_failures))}"
        )
    if max_failures < 0:
        raise InputDataError(
            f"max_failures must be None or a whole number >= 0, got {max_failures}"
        )
    return int(max_failures)


class TableChecks(Protocol):
    """What a backend does with one table it holds (the interface every backend implements).

    ``table_checks`` runs the table's column checks and the given row rules (every rule's
    columns are present: the engine has skipped the others), counting the rows each looked at
    with ``out.run`` and reporting failing rows with `report_row_rule` / `report_schema_cases`
    (or ``out.add`` with the same formatting). ``grid`` (interval tables only) reports each pair
    of consecutive intervals of a queue and channel that leave a gap or overlap.
    """

    def table_checks(self, rules: Sequence[RowRule], out: Collector) -> None: ...

    def grid(self, out: Collector) -> None: ...


def applicable_rules(name: str, columns: Sequence[str], out: Collector) -> list[RowRule]:
    """The row rules of table ``name`` whose columns are all present; the others are skipped."""
    present = set(columns)
    found = []
    for rule in row_rules(name):
        absent = [c for c in rule.columns if c not in present]
        if absent:
            out.skip(rule.check, f"{name} has no column {', '.join(absent)}")
        elif out.options[rule.check] != dict(CHECK_BY_ID[rule.check].options):
            found.append(row_rule_with(rule.check, out.options[rule.check]))  # e.g. at_most
        else:
            found.append(rule)
    return found


def run(
    backends: Mapping[str, tuple[TableChecks, Sequence[str]]],
    tables: Mapping[str, Table],
    *,
    as_of: dt.date,
    tolerance: float,
    max_failures: int | None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    schedule: Schedule | None = None,
    severities: Mapping[str, Severity] | None = None,
    disabled: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
) -> CrucialReport:
    """Every check, in order: each table's column checks and row rules by its backend
    (``backends``: table name -> (backend, column names)), the interval grid, then the
    cross-table checks on the pandas ``tables`` (facts, registry, analysis log). With the opening
    hours ``schedule`` the grid expects only the intervals inside them; ``severities`` and
    ``disabled`` (check id -> reason) are a run's settings; ``units`` (name -> kind) the units
    known in this run (default: the shipped ones)."""
    from ccmm.crucial._facts import adjusted_rows, fact_checks, registry_checks, registry_of

    out = Collector(
        options, schedule=schedule, severities=severities, disabled=disabled, units=units
    )
    for name in ("registry", "facts", "intervals", "analysis_log"):
        if name in backends:
            backend, columns = backends[name]
            backend.table_checks(applicable_rules(name, columns, out), out)
    if "intervals" in backends:
        backends["intervals"][0].grid(out)
    else:
        for rule in row_rules("intervals"):
            out.skip(rule.check, "no interval table given")
        skip_grid(out, "no interval table given")
    reg = registry_of(tables["registry"])
    registry_checks(reg, out, as_of)
    gaps = fact_checks(tables["facts"], reg, tables.get("analysis_log"), out, tolerance)
    return assemble(out, as_of, tolerance, adjusted_rows(tables["facts"]), gaps, max_failures)


__all__ = [
    "EXACT_FLOAT_LIMIT",
    "EXPECTED_KIND",
    "NO_ROWS",
    "AtMost",
    "Collector",
    "Predicate",
    "ReferencedWhenFlagged",
    "RowKeys",
    "RowRule",
    "Schedule",
    "Table",
    "TableChecks",
    "TextPresent",
    "applicable_rules",
    "as_float",
    "assemble",
    "check_date",
    "check_max_failures",
    "exact_sum",
    "expected_starts",
    "fill",
    "fmt",
    "fmt_many",
    "formatted",
    "grid_breaks",
    "grid_problem",
    "is_count_or_duration",
    "merged_options",
    "missing_inside_hours",
    "quoted",
    "report_against_hours",
    "report_grid",
    "report_row_rule",
    "report_schema_cases",
    "require_columns",
    "require_unique_columns",
    "row_keys",
    "rule_expected",
    "rule_ok",
    "rule_value",
    "run",
    "scheduled_rows",
    "schema_cases",
    "schema_run",
    "skip_grid",
    "sorted_failures",
    "text_missing",
    "truthy",
    "unscheduled_breaks",
]
