"""Vectorised row-level validation of the canonical interval and agent tables.

Every check runs as one pass of numpy over a column; nothing loops over rows in Python. All
problems are collected; callers decide whether to raise (`raise_if_problems`) or report.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict

from ccmm._cells import fmt
from ccmm._errors import InputDataError
from ccmm._exact import EXACT_TEXT, MAX_EXACT
from ccmm._guard import checked_arguments, require_columns
from ccmm._model import FrozenModel
from ccmm._row_rules import AtMost, row_relations
from ccmm._tables import ColumnSpec, TableSpec, load_table_spec
from ccmm.kpi._frames import as_pandas

ProblemCheck = Literal[
    "missing_column",
    "dtype",
    "naive_timestamp",
    "null",
    "not_finite",
    "below_minimum",
    "not_whole",
    "too_large",
    "total_too_large",
    "exceeds",
    "duplicate_key",
]
_SHOWN_ROWS = 20
#: How many offending row positions a problem lists (``row_count`` says how many in all).
SHOWN_ROWS = _SHOWN_ROWS
# Counts and durations must stay at or below MAX_EXACT one by one and summed over a whole
# column, so no sum is rounded and none wraps around, whatever the input dtype and grouping.
_EXACT_TEXT = EXACT_TEXT


class RowProblem(FrozenModel):
    """One problem in a table: which column, which check, which rows (0-based positions)."""

    table: str
    column: str
    check: ProblemCheck
    rows: tuple[int, ...]
    """The first 20 offending row positions (0-based); ``row_count`` says how many in all."""
    row_count: int
    message: str


class _AtMost(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    column: str
    at_most: str


@cache
def _row_checks() -> dict[str, tuple[_AtMost, ...]]:
    # The relations that hold for any export, stated once in tables/row_rules.yaml.
    found: dict[str, list[_AtMost]] = {}
    for relation in row_relations().values():
        p = relation.predicate
        if relation.always and isinstance(p, AtMost) and len(p.left) == 1:
            right = p.right
            if isinstance(right, str):
                found.setdefault(relation.table, []).append(
                    _AtMost(column=p.left[0], at_most=right)
                )
    return {table: tuple(rules) for table, rules in found.items()}


def at_most_relations(table: str) -> tuple[_AtMost, ...]:
    """The row relations of ``table`` (each: ``column`` must not exceed ``at_most``), for every
    backend."""
    return _row_checks().get(table, ())


def _rows_problem(
    table: str, column: str, check: ProblemCheck, mask: npt.NDArray[np.bool_], what: str
) -> RowProblem | None:
    if not mask.any():
        return None
    positions = np.flatnonzero(mask)
    shown = [int(p) for p in positions[:_SHOWN_ROWS]]
    return rows_problem(table, column, check, shown, int(positions.size), what)


def rows_problem(
    table: str, column: str, check: ProblemCheck, shown: list[int], count: int, what: str
) -> RowProblem:
    """The problem of ``count`` rows, of which ``shown`` are the first positions (any backend)."""
    more = ", …" if count > len(shown) else ""
    return RowProblem(
        table=table,
        column=column,
        check=check,
        rows=tuple(shown),
        row_count=count,
        message=(
            f"{table} column {column!r}: {count} row(s) {what} "
            f"(rows {', '.join(map(str, shown))}{more})"
        ),
    )


def _check_column(table: str, spec: ColumnSpec, series: pd.Series[Any]) -> list[RowProblem]:
    name = spec.name
    found: list[RowProblem | None] = []
    dtype = series.dtype
    if spec.kind == "datetime_tz":
        if isinstance(dtype, pd.DatetimeTZDtype):
            pass
        elif pd.api.types.is_datetime64_dtype(dtype):
            return [
                RowProblem(
                    table=table,
                    column=name,
                    check="naive_timestamp",
                    rows=tuple(range(min(len(series), _SHOWN_ROWS))),
                    row_count=len(series),
                    message=(
                        f"{table} column {name!r} must hold time-zone-aware timestamps, got naive "
                        f"{dtype} (localise it, e.g. .dt.tz_localize('Asia/Shanghai'))"
                    ),
                )
            ]
        else:
            return [_dtype_problem(table, name, "time-zone-aware timestamps", dtype, len(series))]
        if not spec.nullable:
            found.append(_rows_problem(table, name, "null", series.isna().to_numpy(), "are empty"))
        return [p for p in found if p is not None]
    if spec.kind in ("int", "float"):
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            return [_dtype_problem(table, name, "numbers", dtype, len(series))]
        is_float = not (isinstance(dtype, np.dtype) and dtype.kind in "iu")
        values = _numbers(series)
        missing = np.isnan(values) if is_float else np.zeros(len(values), dtype=bool)
        if not spec.nullable and is_float:
            found.append(_rows_problem(table, name, "null", missing, "are empty (NaN/null)"))
        infinite = np.isinf(values) if is_float else np.zeros(len(values), dtype=bool)
        if is_float:
            found.append(_rows_problem(table, name, "not_finite", infinite, "are infinite"))
        if spec.minimum is not None:
            below = values < spec.minimum
            found.append(
                _rows_problem(
                    table, name, "below_minimum", below, f"are below the minimum {spec.minimum:g}"
                )
            )
        too_large = (values > MAX_EXACT) & ~infinite
        found.append(_rows_problem(table, name, "too_large", too_large, f"exceed {_EXACT_TEXT}"))
        if not too_large.any() and not infinite.any():
            found.append(_total_problem(table, name, values, missing))
        if spec.kind == "int" and is_float:
            fractional = ~missing & (values != np.floor(values))
            found.append(
                _rows_problem(table, name, "not_whole", fractional, "are not whole numbers")
            )
        return [p for p in found if p is not None]
    if not spec.nullable:
        found.append(_rows_problem(table, name, "null", series.isna().to_numpy(), "are empty"))
    return [p for p in found if p is not None]


def _total_problem(
    table: str, column: str, values: npt.NDArray[Any], missing: npt.NDArray[np.bool_]
) -> RowProblem | None:
    """The rows from which the running total of ``column`` passes `MAX_EXACT`, if any.

    The pairwise float64 sum is within a relative 1e-12 of the exact total for any length
    that fits in memory, so only a total that close to the limit needs the running sum.
    """
    counted = np.where(missing | (values < 0), 0, values) if missing.any() else values
    if float(np.sum(counted, dtype=np.float64)) <= MAX_EXACT * (1 - 1e-12):
        return None
    running = np.cumsum(np.maximum(counted, 0), dtype=np.float64)
    return _rows_problem(
        table,
        column,
        "total_too_large",
        running > MAX_EXACT,
        f"push the column total past {_EXACT_TEXT}",
    )


def _numbers(series: pd.Series[Any]) -> npt.NDArray[Any]:
    """The column as a numpy array without copying plain numpy columns (NaN for missing)."""
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iuf":
        return series.to_numpy()
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def _dtype_problem(table: str, column: str, expected: str, dtype: Any, rows: int) -> RowProblem:
    return RowProblem(
        table=table,
        column=column,
        check="dtype",
        rows=tuple(range(min(rows, _SHOWN_ROWS))),
        row_count=rows,
        message=f"{table} column {column!r} must hold {expected}, got dtype {dtype}",
    )


@checked_arguments
def validate_table(frame: object, spec: TableSpec) -> list[RowProblem]:
    """Every problem of ``frame`` against the canonical table ``spec``, in column order."""
    df = as_pandas(frame, table=spec.name, columns=spec.column_names)
    # Two columns of one name are no column to validate (df[name] is a table): refused, named.
    require_columns(df, (), argument=f"{spec.name} table")
    problems: list[RowProblem] = []
    present = set(df.columns)
    for column in spec.columns:
        if column.name not in present:
            if column.required:
                problems.append(
                    RowProblem(
                        table=spec.name,
                        column=column.name,
                        check="missing_column",
                        rows=(),
                        row_count=0,
                        message=(
                            f"{spec.name} table is missing required column {column.name!r} "
                            f"({column.description.en}); got columns "
                            f"{', '.join(map(repr, map(str, df.columns))) or '(none)'}"
                        ),
                    )
                )
            continue
        problems += _check_column(spec.name, column, df[column.name])
    unusable = {p.column for p in problems if p.check in ("missing_column", "dtype")}
    for rule in _row_checks().get(spec.name, ()):
        if rule.column not in present or rule.at_most not in present:
            continue
        if rule.column in unusable or rule.at_most in unusable:
            continue
        left, right = _numbers(df[rule.column]), _numbers(df[rule.at_most])
        problem = _rows_problem(
            spec.name, rule.column, "exceeds", left > right, f"are greater than {rule.at_most!r}"
        )
        if problem is not None:
            problems.append(problem)
    return problems


def duplicate_key_problem(df: pd.DataFrame, key: list[str], table: str) -> RowProblem | None:
    """The rows of ``df`` whose ``key`` values another row has too; None when keys are unique.

    Summing such rows would count one interval twice, so `ccmm.kpi.compute` refuses them.
    """
    if len(df) < 2 or any(c not in df.columns for c in key):
        return None
    repeated = df.duplicated(key, keep=False).to_numpy()
    if not repeated.any():
        return None
    positions = np.flatnonzero(repeated)
    shown = [int(p) for p in positions[:_SHOWN_ROWS]]
    examples = [list(row) for row in df.iloc[positions[:3]][key].astype(object).to_numpy()]
    return duplicates_problem(table, key, shown, int(positions.size), examples)


def duplicates_problem(
    table: str, key: list[str], shown: list[int], count: int, examples: list[list[object]]
) -> RowProblem:
    """The problem of ``count`` rows sharing a key; ``examples`` are the keys of the first
    rows (any backend)."""
    listed = "; ".join(
        ", ".join(f"{c}={fmt(v)[:40]}" for c, v in zip(key, row, strict=True)) for row in examples
    )
    more = ", …" if count > len(shown) else ""
    return RowProblem(
        table=table,
        column=", ".join(key),
        check="duplicate_key",
        rows=tuple(shown),
        row_count=count,
        message=(
            f"{table}: {count} row(s) repeat a ({', '.join(key)}) key, so they would be summed "
            f"twice (rows {', '.join(map(str, shown))}{more}); first keys: {listed}"
        ),
    )


def validate_intervals(frame: object) -> list[RowProblem]:
    """Every problem of an interval table (pandas or polars), all at once; [] when it is clean.

    Checks: required columns present; ``interval_start`` time-zone aware and never empty; counts
    and seconds numeric, never NaN, never below their minimum, counts whole; and the row
    ``always`` relations of ``ccmm/standard_data/tables/row_rules.yaml`` (answered ≤ offered, …).
    """
    return validate_table(frame, load_table_spec("intervals"))


def validate_agents(frame: object) -> list[RowProblem]:
    """Every problem of an agent table (pandas or polars), all at once; [] when it is clean."""
    return validate_table(frame, load_table_spec("agents"))


def raise_if_problems(problems: list[RowProblem], *, table: str) -> None:
    """Raise one [`InputDataError`][ccmm.InputDataError] listing every problem, if there is any."""
    if problems:
        raise InputDataError(
            f"the {table} table cannot be used: {len(problems)} problem(s)",
            problems=[p.message for p in problems],
        )


__all__: list[str] = []
