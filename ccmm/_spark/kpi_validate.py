"""The KPI tables' checks on Spark, as conditions: screened in the roll-up, counted exactly here.

Every check of ``tables/<name>.yaml`` and the row relations of ``ccmm.kpi`` becomes one Spark SQL
condition ([`table_checks`][]). The roll-up (``ccmm._spark.kpi``) counts the rows where *any*
holds in its own aggregation; only when that count is not zero (or a column total comes near the
exact range) does `validate_table` count each condition, find the first offending row positions
and word the problems exactly as the pandas validation does. `duplicates` does the same for rows
sharing a key.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ccmm._exact import EXACT_TEXT, MAX_EXACT
from ccmm._spark._frames import (
    column_types,
    from_cells,
    functions,
    is_floating,
    is_integral,
    is_numeric,
    quoted,
    selectable,
    session_time_zone,
    type_name,
    window,
)
from ccmm._tables import TableSpec
from ccmm.kpi._validate import (
    SHOWN_ROWS,
    ProblemCheck,
    RowProblem,
    at_most_relations,
    duplicates_problem,
    rows_problem,
)

#: Order of a column's problems, as the pandas validation lists them.
_CHECK_RANK = {
    "null": 0,
    "not_finite": 1,
    "below_minimum": 2,
    "too_large": 3,
    "total_too_large": 4,
    "not_whole": 5,
}
#: Bits of monotonically_increasing_id() that count rows within a partition.
_ROW_BITS = 33


@dataclass(frozen=True)
class Condition:
    """One row check: the rows where the SQL condition ``sql`` is true fail it."""

    column: str
    check: ProblemCheck
    what: str
    sql: str

    @property
    def holds(self) -> Any:
        """The condition as a Spark column (made when asked: one call to the JVM)."""
        return functions().expr(self.sql)


@dataclass(frozen=True)
class Total:
    """A numeric column whose total must stay in the exact range: ``value_sql`` is the row's
    value where it counts (null otherwise), ``odd_sql`` marks values that make the total
    meaningless."""

    column: str
    value_sql: str
    odd_sql: str

    @property
    def value(self) -> Any:
        return functions().expr(self.value_sql)

    @property
    def odd(self) -> Any:
        return functions().expr(self.odd_sql)


@dataclass
class TableChecks:
    """The checks of one Spark frame against a table spec."""

    missing: list[RowProblem] = field(default_factory=list)
    """Required columns absent: known from the schema."""
    whole: list[tuple[str, ProblemCheck, str]] = field(default_factory=list)
    """Columns of a type that cannot hold the kind (every row fails): from the schema."""
    conditions: list[Condition] = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)
    screen: list[str] = field(default_factory=list)
    """Per column (and row relation), one SQL condition true exactly where one of its
    ``conditions`` is: the same rows, fewer operations per row."""

    @property
    def schema_ok(self) -> bool:
        """Whether the schema alone shows no problem (only then can the frame be summed)."""
        return not self.missing and not self.whole

    def any_fails_sql(self) -> str:
        """One SQL condition: the row fails some check."""
        return " OR ".join(f"({s})" for s in self.screen) or "false"


def _number(value: float) -> str:
    """A Python number as a Spark SQL literal of the same type (int: BIGINT, float: DOUBLE)."""
    if isinstance(value, int):
        return str(value)
    if math.isinf(value):
        return "CAST('Infinity' AS DOUBLE)" if value > 0 else "CAST('-Infinity' AS DOUBLE)"
    return f"{value!r}D"


_INFINITIES = f"({_number(math.inf)}, {_number(-math.inf)})"


def _greater(types: dict[str, str], left: str, right: str) -> str:
    """``left > right`` where both are numbers; NaN (largest in Spark) and null never fail."""
    terms = [f"{quoted(left)} > {quoted(right)}"]
    terms += [f"NOT isnan({quoted(c)})" for c in (left, right) if is_floating(types[c])]
    return f"coalesce({' AND '.join(terms)}, false)"


def _dtype(
    table: str, column: str, expected: str, spark_type: str
) -> tuple[str, ProblemCheck, str]:
    return (
        column,
        "dtype",
        f"{table} column {column!r} must hold {expected}, got dtype {spark_type}",
    )


def _numeric_checks(
    types: dict[str, str], spec_column: Any, checks: TableChecks, table: str
) -> None:
    name, kind = spec_column.name, spec_column.kind
    spark_type, c = types[name], quoted(spec_column.name)
    floating = is_floating(spark_type)
    big_value = _number(MAX_EXACT)
    missing = f"({c} IS NULL OR isnan({c}))" if floating else f"({c} IS NULL)"
    infinite = f"{c} IN {_INFINITIES}"
    found: list[tuple[ProblemCheck, str, str]] = []
    if not spec_column.nullable:
        found.append(("null", "are empty (NaN/null)", missing))
    minimum = spec_column.minimum
    if minimum is not None and is_integral(spark_type) and float(minimum).is_integer():
        # A whole minimum for a whole-number column compares without turning each value into
        # a double (the same answer, less work per row).
        minimum = int(minimum)
    if minimum is not None:
        below = f"coalesce({c} < {_number(minimum)}, false)"
        found.append(("below_minimum", f"are below the minimum {minimum:g}", below))
    if floating:
        found.append(("not_finite", "are infinite", infinite))
    big = f"coalesce({c} > {big_value}, false)"
    if floating:
        big = f"({big} AND NOT {infinite} AND NOT isnan({c}))"
    found.append(("too_large", f"exceed {EXACT_TEXT}", big))
    counted_ok = f"(NOT {missing} AND {c} >= 0 AND NOT {big}" + (
        f" AND NOT {infinite})" if floating else ")"
    )
    checks.totals.append(
        Total(
            name,
            f"CASE WHEN {counted_ok} THEN CAST({c} AS DOUBLE) END",
            f"(NOT {counted_ok} AND NOT {missing} AND {c} >= 0)",
        )
    )
    # The screen: a value passes when it lies in [minimum, 2**53] (NaN is largest in Spark, so
    # it fails the upper bound; -inf fails the lower one) and, for whole numbers held in a
    # fractional type, has no fraction; null passes only where allowed, NaN likewise.
    lower = (
        f"{c} >= {_number(minimum)}"
        if minimum is not None
        else (f"{c} > {_number(-math.inf)}" if floating else "true")
    )
    ok = f"{lower} AND {c} <= {big_value}"
    if kind == "int" and not is_integral(spark_type):
        fractional = f"coalesce(NOT {missing} AND NOT {infinite} AND ({c} % 1 != 0), false)"
        found.append(("not_whole", "are not whole numbers", fractional))
        ok += f" AND {c} % 1 = 0"
    if spec_column.nullable:
        allowed = f"isnan({c}) OR ({ok})" if floating else ok
        checks.screen.append(f"coalesce(NOT ({allowed}), false)")
    else:
        checks.screen.append(f"NOT coalesce({ok}, false)")
    checks.conditions += [Condition(name, check, what, cond) for check, what, cond in found]


def table_checks(frame: Any, spec: TableSpec) -> TableChecks:
    """Every check of a Spark ``frame`` against ``spec``, as conditions (nothing runs yet)."""
    present = list(frame.columns)
    types = column_types(frame)
    checks = TableChecks()
    unusable: set[str] = set()

    def not_null(name: str) -> None:
        empty = f"{quoted(name)} IS NULL"
        checks.conditions.append(Condition(name, "null", "are empty", empty))
        checks.screen.append(empty)

    for column in spec.columns:
        name = column.name
        if name not in present:
            if column.required:
                checks.missing.append(
                    RowProblem(
                        table=spec.name,
                        column=name,
                        check="missing_column",
                        rows=(),
                        row_count=0,
                        message=(
                            f"{spec.name} table is missing required column {name!r} "
                            f"({column.description.en}); got columns "
                            f"{', '.join(map(repr, present)) or '(none)'}"
                        ),
                    )
                )
            continue
        kind, spark_type = column.kind, types[name]
        if kind == "datetime_tz":
            if spark_type == "timestamp_ntz":
                checks.whole.append(
                    (
                        name,
                        "naive_timestamp",
                        f"{spec.name} column {name!r} must hold time-zone-aware timestamps, got "
                        f"naive {spark_type} (cast it to TIMESTAMP, an instant)",
                    )
                )
                unusable.add(name)
            elif spark_type != "timestamp":
                checks.whole.append(
                    _dtype(spec.name, name, "time-zone-aware timestamps", spark_type)
                )
                unusable.add(name)
            elif not column.nullable:
                not_null(name)
        elif kind in ("int", "float"):
            if not is_numeric(spark_type):
                checks.whole.append(_dtype(spec.name, name, "numbers", spark_type))
                unusable.add(name)
            else:
                _numeric_checks(types, column, checks, spec.name)
        elif not column.nullable:
            not_null(name)
    for rule in at_most_relations(spec.name):
        if rule.column not in present or rule.at_most not in present:
            continue
        if rule.column in unusable or rule.at_most in unusable:
            continue
        exceeds = _greater(types, rule.column, rule.at_most)
        what = f"are greater than {rule.at_most!r}"
        checks.conditions.append(Condition(rule.column, "exceeds", what, exceeds))
        checks.screen.append(exceeds)
    return checks


def _whole_table(
    table: str, column: str, check: ProblemCheck, rows: int, message: str
) -> RowProblem:
    return RowProblem(
        table=table,
        column=column,
        check=check,
        rows=tuple(range(min(rows, SHOWN_ROWS))),
        row_count=rows,
        message=message,
    )


def validate_table(frame: Any, spec: TableSpec) -> list[RowProblem]:
    """Every problem of a Spark ``frame`` against ``spec``, worded as the pandas validation.

    Row positions are 0-based in the frame's partition order (the order ``collect()`` lists).
    """
    F = functions()
    checks = table_checks(frame, spec)
    conditions = [(c.column, c.check, c.what, c.holds) for c in checks.conditions]
    totals = checks.totals
    counted = frame.agg(
        F.count(F.lit(1)).alias("_rows"),
        *(F.count(F.when(c[3], True)).alias(f"_{i}") for i, c in enumerate(conditions)),
        *(F.sum(t.value).alias(f"_t{i}") for i, t in enumerate(totals)),
        *(F.count(F.when(t.odd, True)).alias(f"_o{i}") for i, t in enumerate(totals)),
    ).first()
    n_rows = int(counted["_rows"])
    counts = [int(counted[f"_{i}"]) for i in range(len(conditions))]
    # As in pandas: a column total is looked at only when no value is infinite or too large.
    over = [
        t
        for i, t in enumerate(totals)
        if (counted[f"_t{i}"] or 0.0) > MAX_EXACT * (1 - 1e-12) and not counted[f"_o{i}"]
    ]
    if over:
        # Rare and already wrong: the running total in row order, one window per column.
        order = window().orderBy(F.monotonically_increasing_id())
        running = [
            (F.sum(F.coalesce(t.value, F.lit(0.0))).over(order) > F.lit(MAX_EXACT), t.column)
            for t in over
        ]
        extra = frame.select(*(c.alias(f"_r{i}") for i, (c, _) in enumerate(running)))
        sums = extra.agg(*(F.count(F.when(F.col(f"_r{i}"), True)).alias(f"_r{i}")
                           for i in range(len(running)))).first()  # fmt: skip
        for i, (condition, name) in enumerate(running):
            count = int(sums[f"_r{i}"])
            if count:
                what = f"push the column total past {EXACT_TEXT}"
                conditions.append((name, "total_too_large", what, condition))
                counts.append(count)
    failing = [i for i, c in enumerate(counts) if c]
    shown = _first_positions(frame, [conditions[i][3] for i in failing])
    first = dict(zip(failing, shown, strict=True))
    out: list[RowProblem] = list(checks.missing)
    for i, (name, check, what, _) in enumerate(conditions):
        if counts[i]:
            out.append(rows_problem(spec.name, name, check, first[i], counts[i], what))
    for name, check, message in checks.whole:
        out.append(_whole_table(spec.name, name, check, n_rows, message))
    order = {c.name: i for i, c in enumerate(spec.columns)}
    # In column order as pandas reports them; row relations after the columns.
    return sorted(
        out,
        key=lambda p: (
            p.check == "exceeds",
            order.get(p.column, len(order)),
            _CHECK_RANK.get(p.check, 0),
        ),
    )


def _first_positions(frame: Any, conditions: list[Any]) -> list[list[int]]:
    """The first 20 row positions where each condition holds (only asked when some fail).

    A row's position is the number of rows in earlier partitions plus its place in its own
    partition, both read from ``monotonically_increasing_id()``; nothing is collected but the
    partition sizes and the shown rows.
    """
    if not conditions:
        return []
    F = functions()
    ids = frame.select(
        F.spark_partition_id().alias("_p"),
        F.monotonically_increasing_id().alias("_m"),
        *(c.alias(f"_{i}") for i, c in enumerate(conditions)),
    )
    offset = _partition_offsets(frame)
    mask = (1 << _ROW_BITS) - 1
    shown: list[list[int]] = []
    for i in range(len(conditions)):
        rows = ids.where(F.col(f"_{i}")).orderBy("_m").limit(SHOWN_ROWS).collect()
        shown.append([offset[int(r["_p"])] + (int(r["_m"]) & mask) for r in rows])
    return shown


def duplicates(frame: Any, spec: TableSpec, key: Sequence[str]) -> list[RowProblem]:
    """Rows sharing a ``key``, as the pandas check words it; [] when keys are unique.

    One aggregation finds whether any key repeats; only then are the rows located.
    """
    F = functions()
    if any(c not in frame.columns for c in key):
        return []
    repeated = frame.groupBy(*key).agg(F.count(F.lit(1)).alias("_n")).where(F.col("_n") > 1)
    if not repeated.limit(1).count():
        return []
    tz = session_time_zone(frame)
    flagged = frame.select(
        F.spark_partition_id().alias("_p"),
        F.monotonically_increasing_id().alias("_m"),
        *(selectable(frame, k) for k in key),
        (F.count(F.lit(1)).over(window().partitionBy(*key)) > 1).alias("_d"),
    ).where(F.col("_d"))
    count = int(flagged.count())
    offsets = _partition_offsets(frame)
    mask = (1 << _ROW_BITS) - 1
    first = flagged.orderBy("_m").limit(SHOWN_ROWS).collect()
    shown = [offsets[int(r["_p"])] + (int(r["_m"]) & mask) for r in first]
    columns = [list(from_cells([r[k] for r in first[:3]], type_name(frame, k), tz)) for k in key]
    examples = [list(row) for row in zip(*columns, strict=True)]
    return [duplicates_problem(spec.name, list(key), shown, count, examples)]


def _partition_offsets(frame: Any) -> dict[int, int]:
    """Rows in the partitions before each partition (positions in ``collect()`` order)."""
    F = functions()
    sizes = sorted(
        (int(r["_p"]), int(r["_n"]))
        for r in frame.groupBy(F.spark_partition_id().alias("_p"))
        .agg(F.count(F.lit(1)).alias("_n"))
        .collect()
    )
    offset: dict[int, int] = {}
    total = 0
    for part, size in sizes:
        offset[part] = total
        total += size
    return offset


__all__ = ["Condition", "TableChecks", "Total", "duplicates", "table_checks", "validate_table"]
