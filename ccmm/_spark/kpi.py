"""KPI roll-ups on Spark: the same validation and ratios of sums as `ccmm.kpi.compute`.

Validation is one aggregation pass that counts every problem of every column (the checks come
from ``tables/<name>.yaml`` and ``tables/row_rules.yaml``, as in pandas); only when something is
wrong are the first offending row positions looked up. The roll-up is one ``groupBy().agg()``
of sums (plus the smallest and largest threshold per group); only the per-group sums reach the
driver, where the ratios are taken by the very code the pandas path uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccmm._exact import EXACT_TEXT as _EXACT_TEXT
from ccmm._exact import MAX_EXACT
from ccmm._spark._frames import (
    from_cells,
    functions,
    is_floating,
    is_integral,
    is_numeric,
    selectable,
    session_time_zone,
    type_name,
    window,
)
from ccmm._tables import TableSpec, load_table_spec
from ccmm.kpi._compute import (
    PERIOD_COLUMN,
    AbandonDefinition,
    ServiceLevelDefinition,
    _agent_result,
    _check_options,
    _interval_result,
    _short_abandons_problems,
    _sum_columns,
    group_key,
)
from ccmm.kpi._frames import Freq
from ccmm.kpi._validate import (
    _SHOWN_ROWS,
    ProblemCheck,
    RowProblem,
    _row_checks,
    duplicates_problem,
    raise_if_problems,
    rows_problem,
)

#: Spark's date_trunc unit for each calendar period; weeks start on Monday, as in pandas.
_TRUNC_UNIT = {"D": "day", "W": "week", "MS": "month"}
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


def _whole_table(
    table: str, column: str, check: ProblemCheck, rows: int, message: str
) -> RowProblem:
    return RowProblem(
        table=table,
        column=column,
        check=check,
        rows=tuple(range(min(rows, _SHOWN_ROWS))),
        row_count=rows,
        message=message,
    )


def _greater(frame: Any, left: str, right: str) -> Any:
    """``left > right`` where both are numbers; NaN (largest in Spark) and null never fail."""
    F = functions()
    a, b = frame[left], frame[right]
    cond = F.coalesce(a > b, F.lit(False))
    for name, col in ((left, a), (right, b)):
        if is_floating(type_name(frame, name)):
            cond = cond & ~F.isnan(col)
    return cond


def validate_table(frame: Any, spec: TableSpec) -> list[RowProblem]:
    """Every problem of a Spark ``frame`` against ``spec``, worded as the pandas validation.

    Row positions are 0-based in the frame's partition order (the order ``collect()`` lists).
    """
    F = functions()
    present = list(frame.columns)
    problems: list[RowProblem | tuple[str, ProblemCheck, str]] = []
    conditions: list[Any] = []
    whole: list[tuple[str, ProblemCheck, str]] = []
    unusable: set[str] = set()
    totals: list[tuple[str, Any, Any]] = []
    inf = float("inf")
    for column in spec.columns:
        name = column.name
        if name not in present:
            if column.required:
                problems.append(
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
        found: list[tuple[ProblemCheck, str, Any]] = []
        kind, spark_type, col = column.kind, type_name(frame, name), frame[name]
        if kind == "datetime_tz":
            if spark_type == "timestamp_ntz":
                whole.append(
                    (
                        name,
                        "naive_timestamp",
                        f"{spec.name} column {name!r} must hold time-zone-aware timestamps, got "
                        f"naive {spark_type} (cast it to TIMESTAMP, an instant)",
                    )
                )
                unusable.add(name)
            elif spark_type != "timestamp":
                whole.append(_dtype(spec.name, name, "time-zone-aware timestamps", spark_type))
                unusable.add(name)
            elif not column.nullable:
                found.append(("null", "are empty", col.isNull()))
        elif kind in ("int", "float"):
            if not is_numeric(spark_type):
                whole.append(_dtype(spec.name, name, "numbers", spark_type))
                unusable.add(name)
            else:
                floating = is_floating(spark_type)
                missing = col.isNull() | F.isnan(col) if floating else col.isNull()
                if not column.nullable:
                    found.append(("null", "are empty (NaN/null)", missing))
                if column.minimum is not None:
                    below = F.coalesce(col < F.lit(column.minimum), F.lit(False))
                    found.append(
                        ("below_minimum", f"are below the minimum {column.minimum:g}", below)
                    )
                if floating:
                    found.append(("not_finite", "are infinite", col.isin(inf, -inf)))
                big = F.coalesce(col > F.lit(MAX_EXACT), F.lit(False))
                if floating:
                    big = big & ~col.isin(inf, -inf) & ~F.isnan(col)
                found.append(("too_large", f"exceed {_EXACT_TEXT}", big))
                counted_ok = ~missing & (col >= 0) & ~big
                if floating:
                    counted_ok = counted_ok & ~col.isin(inf, -inf)
                totals.append(
                    (
                        name,
                        F.when(counted_ok, col.cast("double")),
                        ~counted_ok & ~missing & (col >= 0),
                    )
                )
                if kind == "int" and not is_integral(spark_type):
                    infinite = col.isin(float("inf"), float("-inf"))
                    fractional = F.coalesce(~missing & ~infinite & (col % 1 != 0), F.lit(False))
                    found.append(("not_whole", "are not whole numbers", fractional))
        elif not column.nullable:
            found.append(("null", "are empty", col.isNull()))
        for check, what, cond in found:
            problems.append((name, check, what))
            conditions.append(cond)
    for rule in _row_checks().get(spec.name, ()):
        if rule.column not in present or rule.at_most not in present:
            continue
        if rule.column in unusable or rule.at_most in unusable:
            continue
        problems.append((rule.column, "exceeds", f"are greater than {rule.at_most!r}"))
        conditions.append(_greater(frame, rule.column, rule.at_most))

    counted = frame.agg(
        F.count(F.lit(1)).alias("_rows"),
        *(F.count(F.when(c, True)).alias(f"_{i}") for i, c in enumerate(conditions)),
        *(F.sum(value).alias(f"_t{i}") for i, (_, value, _) in enumerate(totals)),
        *(F.count(F.when(odd, True)).alias(f"_o{i}") for i, (_, _, odd) in enumerate(totals)),
    ).first()
    n_rows = int(counted["_rows"])
    counts_extra: list[int] = []
    # As in pandas: a column total is looked at only when no value is infinite or too large.
    over = [
        (name, value)
        for i, (name, value, _) in enumerate(totals)
        if (counted[f"_t{i}"] or 0.0) > MAX_EXACT * (1 - 1e-12) and not counted[f"_o{i}"]
    ]
    if over:
        # Rare and already wrong: the running total in row order, one window per column.
        order = window().orderBy(F.monotonically_increasing_id())
        running = [
            (F.sum(F.coalesce(value, F.lit(0.0))).over(order) > F.lit(MAX_EXACT), name)
            for name, value in over
        ]
        extra = frame.select(*(c.alias(f"_r{i}") for i, (c, _) in enumerate(running)))
        sums = extra.agg(*(F.count(F.when(F.col(f"_r{i}"), True)).alias(f"_r{i}")
                           for i in range(len(running)))).first()  # fmt: skip
        for i, (condition, name) in enumerate(running):
            count = int(sums[f"_r{i}"])
            if count:
                problems.append(
                    (name, "total_too_large", f"push the column total past {_EXACT_TEXT}")
                )
                conditions.append(condition)
                counts_extra.append(count)
    counts = [int(counted[f"_{i}"]) for i in range(len(conditions) - len(counts_extra))]
    counts += counts_extra
    failing = [i for i, c in enumerate(counts) if c]
    shown = _first_positions(frame, [conditions[i] for i in failing])
    first = dict(zip(failing, shown, strict=True))
    out: list[RowProblem] = []
    index = 0
    for entry in problems:
        if isinstance(entry, RowProblem):
            out.append(entry)
            continue
        name, check, what = entry
        if counts[index]:
            out.append(rows_problem(spec.name, name, check, first[index], counts[index], what))
        index += 1
    for name, check, message in whole:
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


def _dtype(
    table: str, column: str, expected: str, spark_type: str
) -> tuple[str, ProblemCheck, str]:
    return (
        column,
        "dtype",
        f"{table} column {column!r} must hold {expected}, got dtype {spark_type}",
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
        rows = ids.where(F.col(f"_{i}")).orderBy("_m").limit(_SHOWN_ROWS).collect()
        shown.append([offset[int(r["_p"])] + (int(r["_m"]) & mask) for r in rows])
    return shown


def _duplicates(frame: Any, spec: TableSpec, by: Sequence[str]) -> list[RowProblem]:
    """Rows sharing a key (table key plus other ``by`` columns), as the pandas check words it.

    One aggregation finds whether any key repeats; only then are the rows located.
    """
    F = functions()
    key = group_key(spec, by)
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
    first = flagged.orderBy("_m").limit(_SHOWN_ROWS).collect()
    shown = [offsets[int(r["_p"])] + (int(r["_m"]) & mask) for r in first]
    columns = [list(from_cells([r[k] for r in first[:3]], type_name(frame, k), tz)) for k in key]
    examples = [list(row) for row in zip(*columns, strict=True)]
    return [duplicates_problem(spec.name, key, shown, count, examples)]


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


def _rollup(
    frame: Any,
    *,
    sum_columns: Sequence[str],
    by: Sequence[str],
    freq: Freq | None,
    with_threshold: bool,
) -> tuple[pd.DataFrame, npt.NDArray[np.bool_] | None, int]:
    """Per-group sums (laid out as `ccmm.kpi._compute._rollup`'s), mixed flags, row count."""
    F = functions()
    keys: list[Any] = [frame[name].alias(name) for name in by]
    if freq is not None:
        start = frame["interval_start"]
        period = F.to_date(F.date_trunc(_TRUNC_UNIT[freq], start)).alias(PERIOD_COLUMN)
        keys.insert(0, period)
    aggregates = [F.sum(frame[c]).alias(c) for c in sum_columns]
    if with_threshold:
        aggregates += [
            F.min(frame["threshold_seconds"]).alias("_low"),
            F.max(frame["threshold_seconds"]).alias("_high"),
        ]
    aggregates.append(F.count(F.lit(1)).alias("_rows"))
    grouped = frame.groupBy(*keys).agg(*aggregates) if keys else frame.agg(*aggregates)
    rows = [r for r in grouped.collect() if r["_rows"]]  # no rows, no group
    key_names = ([PERIOD_COLUMN] if freq is not None else []) + list(by)
    data: dict[str, Any] = {name: [r[name] for r in rows] for name in key_names}
    for c in sum_columns:
        values = [r[c] for r in rows]
        integral = all(isinstance(v, int) for v in values)
        data[c] = np.array(values, dtype=np.int64 if integral else np.float64)
    if with_threshold:
        data["_low"] = np.array([r["_low"] for r in rows], dtype=np.float64)
        data["_high"] = np.array([r["_high"] for r in rows], dtype=np.float64)
    sums = pd.DataFrame(data, columns=list(data))
    if key_names:
        # As pandas' groupby(sort=True, dropna=False): ascending, a missing key last.
        sums = sums.sort_values(key_names, na_position="last", kind="stable")
        sums = sums.reset_index(drop=True)
    if freq is not None:
        naive = pd.DatetimeIndex(pd.to_datetime(sums[PERIOD_COLUMN])).as_unit("s")
        starts = naive.tz_localize(
            session_time_zone(frame),
            ambiguous=np.ones(len(naive), dtype=bool),
            nonexistent="shift_forward",
        )
        sums[PERIOD_COLUMN] = starts.as_unit("ns")
    input_rows = int(sum(int(r["_rows"]) for r in rows))
    if not with_threshold:
        return sums, None, input_rows
    low = sums.pop("_low").to_numpy()
    high = sums.pop("_high").to_numpy()
    mixed = np.asarray(low != high, dtype=bool)
    sums.insert(len(by) + (freq is not None), "threshold_seconds", np.where(mixed, np.nan, low))
    return sums, mixed, input_rows


def _keep(frame: Any, spec: TableSpec, by: Sequence[str]) -> Any:
    wanted = [*spec.column_names, *by] if not isinstance(by, str) else spec.column_names
    return frame.select(*(c for c in dict.fromkeys(wanted) if c in set(frame.columns)))


def compute(
    intervals: Any,
    *,
    by: Sequence[str],
    freq: Freq | None,
    service_level_definition: ServiceLevelDefinition,
    abandon_definition: AbandonDefinition,
) -> pd.DataFrame:
    """`ccmm.kpi.compute` for a Spark interval table; same result, same errors."""
    spec = load_table_spec("intervals")
    df = _keep(intervals, spec, by)
    _check_options(by, freq, list(df.columns), "intervals")
    problems = validate_table(df, spec)
    problems.extend(_duplicates(df, spec, by))
    problems.extend(
        _short_abandons_problems(df.columns, service_level_definition, abandon_definition)
    )
    raise_if_problems(problems, table="intervals")
    present = set(df.columns)
    sum_columns = _sum_columns(spec, present)
    sums, mixed, input_rows = _rollup(
        df, sum_columns=sum_columns, by=by, freq=freq, with_threshold=True
    )
    return _interval_result(
        sums,
        mixed,
        spec=spec,
        present=present,
        by=by,
        freq=freq,
        service_level_definition=service_level_definition,
        abandon_definition=abandon_definition,
        input_rows=input_rows,
    )


def compute_agents(agents: Any, *, by: Sequence[str], freq: Freq | None) -> pd.DataFrame:
    """[`ccmm.kpi.compute_agents`][] for a Spark agent table; same result, same errors."""
    spec = load_table_spec("agents")
    df = _keep(agents, spec, by)
    _check_options(by, freq, list(df.columns), "agents")
    raise_if_problems([*validate_table(df, spec), *_duplicates(df, spec, by)], table="agents")
    sum_columns = _sum_columns(spec, set(df.columns))
    sums, _, input_rows = _rollup(
        df, sum_columns=sum_columns, by=by, freq=freq, with_threshold=False
    )
    return _agent_result(sums, sum_columns=sum_columns, by=by, freq=freq, input_rows=input_rows)


__all__: list[str] = []
