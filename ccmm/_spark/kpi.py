"""KPI roll-ups on Spark: validation and sums in one aggregation over the data.

Implements [`KpiBackend`][ccmm.kpi._core.KpiBackend] for PySpark frames. One job reads the
table once and, per group, sums the additive columns and screens the rows:

* whether every row passes every check of ``tables/<name>.yaml`` and the row relations
  ([`table_checks`][ccmm._spark.kpi_validate.table_checks], the same conditions that the exact
  validation counts one by one), and whether two rows may share a key. Each row's interval slot
  (``interval_start`` in steps of its ``interval_minutes``) sets one bit of a 512-slot word
  (eight BIGINT lanes), unless the row fails a check; so a group has as many set bits as rows
  only when every row passes and no two share a slot. Fewer bits than rows, or a group mixing
  interval lengths, means a failing row or a repeated key *may* be there (each is always caught;
  rows off the slot grid can raise a false alarm);
* the largest values of the columns not summed, so the column totals can be bounded.

The aggregation runs in two steps after one exchange (per group and word, then per group, in
the same stage); only the group rows reach the driver. When the screen is clean (the usual case)
the sums are the result. Otherwise the exact validation runs (`ccmm._spark.kpi_validate`),
extra jobs that count each problem and find the first offending rows; it raises naming them, or,
on a false alarm, the sums already taken are used. The ratios are the shared core's
(`ccmm.kpi._core.finish`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ccmm._exact import MAX_EXACT
from ccmm._spark._frames import is_integral, quoted, session_time_zone, type_name
from ccmm._spark.kpi_validate import (
    TableChecks,
    duplicates,
    table_checks,
    validate_table,
)
from ccmm.kpi._core import GroupSums, RollupPlan
from ccmm.kpi._record import PERIOD_COLUMN
from ccmm.kpi._validate import RowProblem

#: Spark's date_trunc unit for each calendar period; weeks start on Monday, as in pandas.
_TRUNC_UNIT = {"D": "day", "W": "week", "MS": "month"}
#: Interval lengths with a slot in the repeated-key screen (minutes · 60,000,000 fits a BIGINT).
_LONGEST_MINUTES = 100_000_000
#: A column total above this may pass the exact range: the exact validation decides.
_TOTAL_LIMIT = MAX_EXACT * (1 - 1e-12)
_TIME, _STEP = "interval_start", "interval_minutes"
#: The repeated-key screen's lanes of 64 slots per word (a power of two), and the word's size in
#: bits of the slot: a word holds 64 * _LANES slots.
_LANES = 8
_WORD_BITS = 6 + _LANES.bit_length() - 1


def select(frame: Any, *, table: str, columns: Sequence[str]) -> Any:
    """The ``columns`` of ``frame`` that it has."""
    present = set(frame.columns)
    kept = [c for c in columns if c in present]
    if kept == list(frame.columns):
        return frame  # the same frame: a projection would cost ~60 calls into the JVM
    return frame.select(*kept)


def _exact_problems(frame: Any, plan: RollupPlan) -> list[RowProblem]:
    """Every problem, counted and located exactly (several jobs; only when some are likely)."""
    return [*validate_table(frame, plan.spec), *duplicates(frame, plan.spec, plan.key)]


def group_sums(frame: Any, plan: RollupPlan) -> GroupSums:
    """Validate ``frame`` and sum it per group of ``plan`` in one pass; raises through
    `RollupPlan.refuse` naming every problem."""
    checks = table_checks(frame, plan.spec)
    if not checks.schema_ok or plan.problems:
        plan.refuse(_exact_problems(frame, plan))
    layout = _Layout.of(plan)
    groups = _by_column(_one_pass(frame, plan, checks, layout))
    if _suspect(groups, plan, layout):
        plan.refuse(_exact_problems(frame, plan))
    return _group_sums(frame, plan, groups, layout)


@dataclass(frozen=True)
class _Layout:
    """What the one pass groups by and keeps. Its output columns are named by position
    (``k0``…, ``s0``…, ``lo0``…), so no name in the frame can clash with them or each other."""

    names: list[str]
    """The group columns: the key columns but ``interval_start``, then the period (``k{i}``)."""
    others: list[str]
    """Numeric columns present, not summed, besides the interval length (``lo{j}``/``hi{j}``):
    their totals are bounded by count × largest."""

    @staticmethod
    def of(plan: RollupPlan) -> _Layout:
        detail = [c for c in plan.key if c != _TIME]
        others = [
            c.name
            for c in plan.spec.columns
            if c.kind in ("int", "float")
            and c.name in plan.present
            and c.name not in plan.sum_columns
            and c.name != _STEP
        ]
        return _Layout([*detail, *([PERIOD_COLUMN] if plan.freq is not None else [])], others)

    def key(self, name: str) -> str:
        return f"k{self.names.index(name)}"

    def largest(self, name: str) -> str:
        return "hi_step" if name == _STEP else f"hi{self.others.index(name)}"


def _one_pass(frame: Any, plan: RollupPlan, checks: TableChecks, layout: _Layout) -> Any:
    """The one job: per group (``detail`` columns, period) the sums and the screen.

    One SQL statement over ``frame``, made into a query with one call to the JVM: building the
    same from column objects took about 300 calls, a quarter of a second per roll-up before any
    data was read. (`SparkSession.sql` names ``frame`` by a temporary view for that one call.)

    Each value the first step keeps costs about as much as a sum, so the screen keeps as few
    as it can: a row failing a check sets no bit (its group then has fewer bits than rows, as
    with a repeated key), and the interval length is part of the first step's key rather than
    kept as a smallest and largest value.
    """
    step, time = quoted(_STEP), quoted(_TIME)
    # Whole-number arithmetic (double division and floor made the job ~15% slower). Division
    # truncates, so off-grid rows before 1970 may share a slot: a false alarm, never a miss
    # (equal keys always share one). Lengths past 1e8 minutes get no slot (also a false alarm).
    slot = (
        f"CASE WHEN {step} >= 1 AND {step} <= {_LONGEST_MINUTES} "
        f"THEN unix_micros({time}) div (CAST({step} AS BIGINT) * 60000000) END"
    )
    keys = [f"k{i}" for i in range(len(layout.names))]
    rows = [f"{quoted(c)} AS k{i}" for i, c in enumerate(layout.names) if c != PERIOD_COLUMN]
    if plan.freq is not None:
        period = f"to_date(date_trunc('{_TRUNC_UNIT[plan.freq]}', {time}))"
        rows.append(f"{period} AS {layout.key(PERIOD_COLUMN)}")
    rows += [
        f"{step} AS step",
        f"{slot} AS slot",
        # The row's bit in its word; none when the row fails a check. Null never counts as
        # passing (every screen term is a coalesce, so it cannot arise).
        f"if(coalesce({checks.any_fails_sql()}, true), 0L, "
        f"shiftleft(1L, CAST(({slot}) & 63 AS INT))) AS bit",
        f"shiftright({slot}, 6) & {_LANES - 1} AS lane",
        *(f"CAST({quoted(c)} AS DOUBLE) AS s{j}" for j, c in enumerate(plan.sum_columns)),
        *(f"CAST({quoted(c)} AS DOUBLE) AS o{j}" for j, c in enumerate(layout.others)),
    ]
    sums = range(len(plan.sum_columns))
    others = range(len(layout.others))
    lanes = range(_LANES)
    word = f"shiftright(slot, {_WORD_BITS})"  # floor(slot / (64 * _LANES))
    # A word of 512 slots held in eight BIGINT lanes. Each lane is updated only by the rows of
    # its 64 slots (FILTER skips the others), so a row updates one lane however many there are;
    # and bigger words mean fewer groups in the first step, each of which costs far more than
    # a row. 10M rows, the query alone against the hand-written sums, medians of two runs:
    # eight filtered lanes 1.13x and 1.19x, two lanes picked by masks (before) 1.19x and 1.24x,
    # four filtered lanes 1.16x and 1.20x, sixteen 1.15x.
    by_word = [
        *keys,
        "step",
        f"{word} AS word",
        *(f"sum(s{j}) AS s{j}" for j in sums),
        *(f"min(o{j}) AS lo{j}" for j in others),
        *(f"max(o{j}) AS hi{j}" for j in others),
        "count(1) AS rows",
        *(f"bit_or(bit) FILTER (WHERE lane = {i}) AS b{i}" for i in lanes),
    ]
    by_group = [
        *keys,
        *(f"sum(s{j}) AS s{j}" for j in sums),
        *(f"min(lo{j}) AS lo{j}" for j in others),
        *(f"max(hi{j}) AS hi{j}" for j in others),
        "min(CAST(step AS DOUBLE)) AS lo_step",
        "max(CAST(step AS DOUBLE)) AS hi_step",
        "sum(rows) AS rows",
        # A lane no row of the word reached is null.
        f"sum({' + '.join(f'bit_count(coalesce(b{i}, 0L))' for i in lanes)}) AS slots",
    ]

    def group_by(columns: list[str]) -> str:
        return f" GROUP BY {', '.join(columns)}" if columns else ""

    # The first step groups by the word first: Spark's hash of the key mixes the first fields
    # most, and two keys that differ (words of one group) then differ in the first field
    # compared (10M rows, median of 11: 1.14x the hand-written sums against 1.20x, word last).
    # Only the first SELECT names the frame's columns; the text goes through str.format (the
    # frame's placeholder), so braces in those names are doubled.
    # The COALESCE(1) hint puts the first step's merged groups in one partition, which the
    # second step's grouping needs no exchange for: both steps then run in the first step's
    # final stage, and the job has two Spark jobs, as the hand-written sums have, instead of
    # three (each costs 40-60 ms here). The groups are collected to the driver anyway, so one
    # task merging them costs less than reading them there (10M rows, medians of 7: 1.13x the
    # hand-written sums against 1.19x without the hint).
    inner = ", ".join(rows).replace("{", "{{").replace("}", "}}")
    query = (
        f"SELECT {', '.join(by_group)} FROM ("
        f"SELECT /*+ COALESCE(1) */ {', '.join(by_word)} FROM (SELECT {inner} FROM {{frame}})"
        f"{group_by([word, 'step', *keys])}){group_by(keys)}"
    )
    return frame.sparkSession.sql(query, frame=frame)


def _by_column(result: Any) -> dict[str, list[Any]]:
    """The collected rows of ``result`` as one list per column (one transposition; reading rows
    field by field by name cost ~0.5 s for 7,000 groups)."""
    rows = result.collect()
    names = list(result.columns)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return {name: list(values) for name, values in zip(names, columns, strict=True)}


def _suspect(groups: dict[str, list[Any]], plan: RollupPlan, layout: _Layout) -> bool:
    """Whether the screen saw a failing row or a possibly repeated key (either leaves fewer
    set bits than rows), mixed interval lengths or a large total."""
    if groups["slots"] != groups["rows"] or groups["lo_step"] != groups["hi_step"]:
        return True
    for j in range(len(plan.sum_columns)):
        total = math.fsum(v for v in groups[f"s{j}"] if v is not None)
        if not total <= _TOTAL_LIMIT:
            return True
    for c in [_STEP, *layout.others]:
        pairs = zip(groups["rows"], groups[layout.largest(c)], strict=True)
        bound = math.fsum(n * high for n, high in pairs if high is not None)
        if not bound <= _TOTAL_LIMIT:
            return True
    return False


def _group_sums(
    frame: Any, plan: RollupPlan, groups: dict[str, list[Any]], layout: _Layout
) -> GroupSums:
    """The collected groups laid out as `ccmm.kpi._core.GroupSums` (as pandas sorts them)."""
    sums_of = [f"s{j}" for j in range(len(plan.sum_columns))]
    values = [*sums_of, "rows"]
    threshold = None
    if plan.with_threshold:
        j = layout.others.index("threshold_seconds")
        threshold = (f"lo{j}", f"hi{j}")
        values += threshold
    data: dict[str, Any] = {layout.key(name): groups[layout.key(name)] for name in layout.names}
    for c in values:
        data[c] = np.array(groups[c], dtype=np.float64)
    table = pd.DataFrame(data, columns=list(data))
    group_columns = [layout.key(c) for c in plan.group_columns]
    if layout.names != [*plan.by, *([PERIOD_COLUMN] if plan.freq is not None else [])]:
        # The screen grouped by the whole key; fold the extra key columns away.
        how = dict.fromkeys([*sums_of, "rows"], "sum")
        if threshold is not None:
            how |= {threshold[0]: "min", threshold[1]: "max"}
        if group_columns:
            table = table.groupby(group_columns, sort=False, dropna=False).agg(how).reset_index()
        elif len(table):
            table = table.agg(how).to_frame().T
    if group_columns:
        # As pandas' groupby(sort=True, dropna=False): ascending, a missing key last.
        table = table.sort_values(group_columns, na_position="last", kind="stable")
        table = table.reset_index(drop=True)
    sums = pd.DataFrame({c: table[layout.key(c)] for c in plan.group_columns})
    for c, label in zip(plan.sum_columns, sums_of, strict=True):
        summed = table[label].to_numpy(dtype=np.float64)
        # Totals are within the exact range here, so integral sums are whole numbers.
        integral = is_integral(type_name(frame, c))
        sums[c] = summed.astype(np.int64) if integral else summed
    if plan.freq is not None:
        naive = pd.DatetimeIndex(pd.to_datetime(sums[PERIOD_COLUMN])).as_unit("s")
        starts = naive.tz_localize(
            session_time_zone(frame),
            ambiguous=np.ones(len(naive), dtype=bool),
            nonexistent="shift_forward",
        )
        sums[PERIOD_COLUMN] = starts.as_unit("ns")
    low = high = None
    if threshold is not None:
        low = table[threshold[0]].to_numpy(dtype=np.float64)
        high = table[threshold[1]].to_numpy(dtype=np.float64)
    input_rows = int(table["rows"].sum()) if len(table) else 0
    return GroupSums(sums=sums, threshold_low=low, threshold_high=high, input_rows=input_rows)


__all__ = ["group_sums", "select"]
