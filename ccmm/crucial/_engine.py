"""The CRUCIAL engine: the check sequence, the collection of failures and the report.

The engine is backend-neutral. It decides which checks run on which table (from the edition's
``crucial.yaml`` and ``tables/row_rules.yaml``), counts what each check looked at, formats every
failure (row keys, values, message templates) and assembles the
[`CrucialReport`][ccmm.crucial.CrucialReport]. A backend (pandas: `ccmm.crucial._pandas`,
polars: `ccmm.crucial._polars`, Spark: ``ccmm._spark.crucial``) implements `TableChecks` for a
table it holds: the column (schema) checks and the row rules, reporting failing rows through
`report_row_rule` / `report_schema_cases`, and the interval grid through `report_grid`.
Backends use only the public names of this module: it re-exports the rule definitions
(`ccmm.crucial._rules`), the reference evaluation on pandas columns (`ccmm.crucial._evaluate`)
and the schema vocabulary a backend needs, so no backend imports another module of the package.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ccmm._cells import MISSING, as_date, fmt
from ccmm._errors import InputDataError
from ccmm._exact import EXACT_TEXT
from ccmm._tables import TableSpec, missing_columns
from ccmm._units import unit_kinds
from ccmm.crucial._calendar import Schedule, compare_with_hours, expected_starts
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
from ccmm.crucial._report import (
    FAILURE_COLUMNS,
    CheckResult,
    CrucialReport,
    PrincipleResult,
    Status,
    first_per_check,
)
from ccmm.crucial._rules import (
    CHECK_BY_ID,
    CHECKS,
    EXACT_FLOAT_LIMIT,
    PRINCIPLES,
    AtMost,
    Predicate,
    Principle,
    ReferencedWhenFlagged,
    RowRule,
    Severity,
    TextPresent,
    default_options,
    row_rule_with,
    row_rules,
)
from ccmm.crucial.schemas import (
    EXPECTED_KIND,
    is_count_or_duration,
)

#: Why a check that ran over no rows (or no series, no metrics) is ``not_checked``.
NO_ROWS = "no rows"


@dataclass(frozen=True)
class Table:
    name: str
    spec: TableSpec
    original: Any
    frame: pd.DataFrame  # pandas view of the data, RangeIndex 0..n-1 = row positions
    backend: str


def merged_options(
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Every check's options: ``crucial.yaml``'s defaults, overridden per check id (one option
    at a time) by ``options``; an unknown check id or option name is an error."""
    merged = default_options()
    for check, given in (options or {}).items():
        if check not in merged:
            raise InputDataError(f"options name no check {quoted(str(check))}")
        unknown = sorted(str(k) for k in given if k not in merged[check])
        if unknown:
            known = ", ".join(sorted(merged[check])) or "none"
            raise InputDataError(
                f"check {check!r} has no option {quoted(unknown[0])}; its options: {known}"
            )
        merged[check].update(given)
    return merged


def require_columns(name: str, spec: TableSpec, columns: Sequence[str]) -> None:
    absent = missing_columns(columns, spec)
    if absent:
        raise InputDataError(
            f"{name} table is missing required column(s) {', '.join(map(repr, absent))}"
        )


def quoted(text: str, limit: int = 60) -> str:
    """``text`` quoted, cut to ``limit`` characters (user values in messages stay bounded)."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def require_unique_columns(name: str, columns: Sequence[object]) -> None:
    """Raise unless every column name of table ``name`` is given once (any backend)."""
    counts = Counter(str(c) for c in columns)
    repeated = [c for c, k in counts.items() if k > 1]
    if repeated:
        raise InputDataError(
            f"{name} table has duplicated column name(s) "
            f"{', '.join(quoted(c) for c in repeated[:10])}; each column must appear once"
        )


class Collector:
    """Collects failure frames and per-check outcomes; holds the run's options per check id
    (``crucial.yaml``'s defaults, each check's replaced by ``options`` where given), the
    centre's opening hours (``schedule``; None: every queue is expected around the clock) and
    the run's settings (severity per check, checks switched off with their reason)."""

    def __init__(
        self,
        options: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        schedule: Schedule | None = None,
        severities: Mapping[str, Severity] | None = None,
        disabled: Mapping[str, str] | None = None,
        units: Mapping[str, str] | None = None,
    ) -> None:
        self.options = merged_options(options)
        #: Unit name -> kind: the known units plus those the registry's ``units`` table declares.
        self.units: dict[str, str] = dict(units) if units is not None else dict(unit_kinds())
        self.schedule = schedule
        #: How a failure of each check counts (``crucial.yaml``'s severity unless settings say).
        self.severities = {c.id: c.severity for c in CHECKS} | dict(severities or {})
        #: Checks switched off by settings -> the reason given.
        self.disabled = dict(disabled or {})
        self.frames: list[pd.DataFrame] = []
        #: Per frame: the ranks of its row keys (`RowKeys.ranks`), or None (sorted by text).
        self.key_ranks: list[tuple[np.ndarray, ...] | None] = []
        self.checked: dict[str, int] = defaultdict(int)
        self.failed: dict[str, int] = defaultdict(int)
        self.ran: set[str] = set()
        self.skipped: dict[str, str] = {}

    def option(self, check: str, name: str) -> Any:
        """Option ``name`` of ``check`` in this run."""
        return self.options[check][name]

    def run(self, check: str, n_checked: int) -> None:
        self.ran.add(check)
        self.checked[check] += n_checked

    def skip(self, check: str, reason: str) -> None:
        self.skipped.setdefault(check, reason)

    def add(
        self,
        check: str,
        table: str,
        row_keys: Sequence[str],
        column: str | Sequence[str],
        values: Sequence[str] | np.ndarray,
        messages: Sequence[str] | np.ndarray,
    ) -> None:
        n = len(row_keys)
        if n == 0:
            return
        definition = CHECK_BY_ID[check]
        self.failed[check] += n
        self.frames.append(
            pd.DataFrame(
                {
                    "principle": definition.principle,
                    "item": definition.item,
                    "check": check,
                    "table": table,
                    "row_key": (
                        row_keys.texts
                        if isinstance(row_keys, RowKeys) and row_keys.texts is not None
                        else list(row_keys)
                    ),
                    "column": [column] * n if isinstance(column, str) else list(column),
                    "value": values if isinstance(values, np.ndarray) else list(values),
                    "message": messages if isinstance(messages, np.ndarray) else list(messages),
                    "severity": self.severities[check],
                },
                columns=list(FAILURE_COLUMNS),
            )
        )
        self.key_ranks.append(row_keys.ranks if isinstance(row_keys, RowKeys) else None)


def formatted(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, texts): `fmt` of each distinct value once (an object array whose last slot is
    the missing text), and each cell's index (>= 0) into it."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if series.dtype == object:
        # Python objects hash 1, 1.0 and True alike but print differently: one by one.
        texts = np.array([*(fmt(v) for v in series.to_numpy()), MISSING], dtype=object)
        return np.arange(len(series), dtype=np.intp), texts
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), list(series.cat.categories)
    else:
        codes, found = pd.factorize(series, use_na_sentinel=True)
        uniques = list(found)
    texts = np.array([*(fmt(u) for u in uniques), MISSING], dtype=object)
    at = np.asarray(codes, dtype=np.intp)
    return np.where(at < 0, len(texts) - 1, at), texts  # -1 (missing): the last slot


def fmt_many(values: pd.Series | np.ndarray) -> np.ndarray:
    """`fmt` of every cell, formatting each distinct value once (an object array).

    A million failing rows usually hold a few thousand distinct values, so the failure table
    is built from array lookups rather than one Python call per row.
    """
    codes, texts = formatted(values)
    return np.asarray(texts[codes])


def _text_ranks(texts: Sequence[str]) -> np.ndarray:
    """Dense rank of each text in code-point order (equal texts, equal ranks)."""
    ordered = {t: i for i, t in enumerate(sorted(set(texts)))}
    return np.array([ordered[t] for t in texts], dtype=np.int64)


class RowKeys(list[str]):
    """Row keys as text, and (``ranks``) one integer array per key column whose lexicographic
    order is the texts' code-point order, equal exactly where the texts are: sorting a million
    failures by these costs a fraction of comparing their texts. ``ranks`` is None where that
    cannot be promised (a value holding the ``", "`` that separates key columns). ``texts`` is
    the same keys as an object array (what a failure frame is built from)."""

    ranks: tuple[np.ndarray, ...] | None = None
    texts: np.ndarray | None = None


def _combined_texts(parts: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """The texts ``parts[0] + parts[1] + …`` per row (each part: codes, texts of its values).

    Joining strings row by row is the cost here, so the columns around the one with the most
    distinct values are first combined by code (few combinations) and written once each:
    a row then costs at most two joins, one when the busiest column is first or last.
    """
    busiest = max(range(len(parts)), key=lambda j: len(parts[j][1]))
    codes, texts = parts[busiest]
    joined = texts[codes]
    for before, side in ((True, parts[:busiest]), (False, parts[busiest + 1 :])):
        if not side:
            continue
        if math.prod(len(texts) for _, texts in side) >= 2**62:  # codes would not fit: by row
            for side_codes, side_texts in reversed(side) if before else side:
                part = side_texts[side_codes]
                joined = part + joined if before else joined + part
            continue
        combo = np.zeros(len(codes), dtype=np.int64)
        for side_codes, side_texts in side:
            combo = combo * len(side_texts) + side_codes
        found, which = np.unique(combo, return_inverse=True)
        written = []
        for value in found.tolist():
            pieces = []
            for _, side_texts in reversed(side):
                value, at = divmod(value, len(side_texts))
                pieces.append(side_texts[at])
            written.append("".join(reversed(pieces)))
        side_text = np.array(written, dtype=object)[which]
        joined = side_text + joined if before else joined + side_text
    return np.asarray(joined, dtype=object)


def row_keys(table: Table, positions: np.ndarray) -> RowKeys:
    """``col=value, …`` over the table's key columns, for the rows at ``positions``.

    Each column's distinct values are formatted once. A key's text compares with another's as
    its first column's value followed by ``", "`` does, then (on a tie) the next column's: so the
    rank of ``value + ", "`` among a column's distinct values (the plain value for the last
    column) orders the keys exactly, unless a value itself holds ``", "``.
    """
    keys = RowKeys()
    columns = [col for col in table.spec.key if col in table.frame.columns]
    if len(positions) == 0 or not columns:
        keys.extend([""] * len(positions))
        keys.ranks = ()
        keys.texts = np.array(keys, dtype=object)
        return keys
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    ranks: list[np.ndarray] | None = []
    for j, col in enumerate(columns):
        codes, texts = formatted(table.frame[col].iloc[positions].reset_index(drop=True))
        last = j == len(columns) - 1
        prefix = f", {col}=" if j else f"{col}="
        parts.append((codes, np.array([prefix + t for t in texts], dtype=object)))
        if ranks is not None:
            if not last and any(", " in t for t in texts):
                ranks = None
            else:
                ranks.append(_text_ranks([t if last else t + ", " for t in texts])[codes])
    keys.texts = _combined_texts(parts)
    keys.extend(keys.texts.tolist())
    keys.ranks = None if ranks is None else tuple(ranks)
    return keys


def fill(check: str, **fields: object) -> str:
    return CHECK_BY_ID[check].template.format(**fields)


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
    sub = table.frame.iloc[positions]
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


#: The order of the failure table: by principle (the standard's order), item, check (the
#: edition's order), table, then row key, column, value and message as text.
_WITHIN_CHECK = ["row_key", "column", "value", "message"]


def sorted_failures(out: Collector) -> pd.DataFrame:
    """Every failure ``out`` collected, in the report's order (`_WITHIN_CHECK`).

    Each frame holds one check of one table, so frames are ordered as wholes; inside a check
    that only one frame reported, the rows are ordered by their row keys' ranks (`RowKeys`),
    integers, and by text only among rows whose keys are equal. Other checks are sorted as text.
    """
    order = {p: i for i, p in enumerate(PRINCIPLES)}
    check_order = {c.id: i for i, c in enumerate(CHECKS)}
    groups: dict[tuple[int, str, int, str], list[int]] = defaultdict(list)
    for k, frame in enumerate(out.frames):
        check = str(frame["check"].iat[0])
        if check in out.disabled:  # a check switched off by settings reports nothing
            continue
        definition = CHECK_BY_ID[check]
        table = str(frame["table"].iat[0])
        groups[(order[definition.principle], definition.item, check_order[check], table)].append(k)
    pieces = []
    for group in sorted(groups):
        members = groups[group]
        ranks = out.key_ranks[members[0]] if len(members) == 1 else None
        piece = (
            out.frames[members[0]]
            if len(members) == 1
            else pd.concat([out.frames[k] for k in members], ignore_index=True)
        )
        pieces.append(_sorted_by_key(piece, ranks))
    if not pieces:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FAILURE_COLUMNS})
    return pd.concat(pieces, ignore_index=True)


def _sorted_by_key(frame: pd.DataFrame, ranks: tuple[np.ndarray, ...] | None) -> pd.DataFrame:
    """``frame`` (one check of one table) in `_WITHIN_CHECK` order, stable."""
    if ranks is None or len(frame) < 2:
        return frame.sort_values(_WITHIN_CHECK, kind="stable")
    position = np.lexsort(ranks[::-1]) if ranks else np.arange(len(frame))
    if ranks:
        ahead = [r[position] for r in ranks]
        tied = np.ones(len(frame) - 1, dtype=bool)
        for r in ahead:
            tied &= r[1:] == r[:-1]
        if not tied.any():
            return frame.take(position)
    # Equal keys (or no key columns): the rows of equal rank tuples are ordered by the other
    # columns' text. Their ranks sit in front, so one stable text sort does both.
    keyed = frame.assign(**{f"_k{i}": r for i, r in enumerate(ranks)})
    by = [f"_k{i}" for i in range(len(ranks))] + _WITHIN_CHECK[1:]
    return keyed.sort_values(by, kind="stable").drop(columns=by[: len(ranks)])


def assemble(
    out: Collector,
    as_of: dt.date,
    tolerance: float,
    adjusted: pd.DataFrame,
    gaps: pd.DataFrame,
    max_failures: int | None = None,
) -> CrucialReport:
    failures = first_per_check(sorted_failures(out), max_failures)
    principles: dict[Principle, PrincipleResult] = {}
    for principle in PRINCIPLES:
        results = []
        for c in CHECKS:
            if c.principle != principle:
                continue
            status: Status
            reason = ""
            n_checked, n_failures = out.checked[c.id], out.failed[c.id]
            if c.id in out.disabled:
                status, reason = "not_checked", f"disabled: {out.disabled[c.id]}"
                n_checked = n_failures = 0
            elif c.id in out.ran:
                status = "fail" if out.failed[c.id] else "pass"
                if status == "pass" and out.checked[c.id] == 0:
                    status, reason = "not_checked", NO_ROWS  # nothing looked at passed nothing
            elif c.id in out.skipped:
                status, reason = "not_checked", out.skipped[c.id]
            else:
                continue  # a schema check that no table has (e.g. no column maximum)
            results.append(
                CheckResult(
                    check=c.id,
                    item=c.item,
                    table=c.table,
                    summary=c.summary,
                    status=status,
                    reason=reason,
                    n_checked=n_checked,
                    n_failures=n_failures,
                    severity=out.severities[c.id],
                )
            )
        ran = [r for r in results if r.status != "not_checked"]
        # A warning-severity check that found failures lists them but does not fail the principle.
        failed = [r for r in ran if r.status == "fail" and r.severity == "error"]
        warned = [r for r in ran if r.status == "fail" and r.severity == "warning"]
        skipped = [r for r in results if r.status == "not_checked"]
        p_status: Status = "fail" if failed else ("pass" if ran else "not_checked")
        reason = "; ".join(
            [f"{r.check} ({r.item}) not checked: {r.reason}" for r in skipped]
            + [f"{r.check} ({r.item}) failed as a warning" for r in warned]
        )
        principles[principle] = PrincipleResult(
            principle=principle,
            items=tuple(sorted({c.item for c in CHECKS if c.principle == principle})),
            status=p_status,
            reason=reason,
            checks=tuple(results),
            n_checks_run=len(ran),
            n_checks_failed=len(failed),
            n_failures=sum(r.n_failures for r in results),
        )
    return CrucialReport(
        as_of=as_of,
        tolerance=tolerance,
        principles=principles,
        failures=failures,
        adjusted_rows=adjusted,
        gaps=gaps,
    )


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
