"""The pandas backend of the CRUCIAL engine: pandera schemas, row rules and the interval grid
evaluated on a pandas table (a polars fact table, registry or analysis log is read into pandas
first; a polars interval table has its own backend, `ccmm.crucial._polars`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ccmm import _frames
from ccmm._errors import InputDataError
from ccmm._frames import is_polars_frame
from ccmm._pandera import pa_errors
from ccmm._tables import TableSpec, load_table_spec
from ccmm.crucial._engine import (
    Collector,
    Table,
    report_grid,
    report_row_rule,
    report_schema_cases,
    require_columns,
    require_unique_columns,
    schema_run,
)
from ccmm.crucial._kinds import polars_kind_ok
from ccmm.crucial._rules import (
    RowRule,
    as_float,
)
from ccmm.crucial.schemas import (
    pandas_columns_schema,
    polars_columns_schema,
)


def load_table(name: str, obj: object) -> Table:
    spec = load_table_spec(name)
    if isinstance(obj, pd.DataFrame):
        require_unique_columns(name, list(obj.columns))
        index = obj.index
        positional = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
        frame = obj if positional else obj.set_axis(pd.RangeIndex(len(obj)), axis=0)
        backend = "pandas"
        columns = [str(c) for c in obj.columns]
    elif is_polars_frame(obj):
        columns = list(obj.columns)  # type: ignore[attr-defined]
        backend = "polars"
        frame = pd.DataFrame()
    else:
        raise InputDataError(
            f"{name} must be a pandas or polars DataFrame, got {type(obj).__name__}"
        )
    require_columns(name, spec, columns)
    if backend == "polars":
        frame = _frames.polars_to_pandas(obj)
    return Table(name, spec, obj, frame, backend)


def schema_cases(spec: TableSpec, original: Any, frame: pd.DataFrame) -> pd.DataFrame | None:
    """pandera's failure cases of the table's column checks (None when it passes); a polars
    table (``original``) is validated by its pandera.polars schema, ``frame`` is then unused."""
    try:
        if is_polars_frame(original):
            try:
                polars_columns_schema(spec.name).validate(original, lazy=True)
            except pa_errors.SchemaErrors:
                raise
            except Exception as exc:
                # pandera.polars raises polars' own SchemaError when a column has the wrong type
                # and failing rows as well; report the wrong types rather than crash.
                if not type(exc).__module__.startswith("polars"):
                    raise
                return _polars_type_cases(spec, original, exc)
        else:
            # inplace: nothing is coerced, so pandera need not copy a 10-million-row frame.
            pandas_columns_schema(spec.name).validate(frame, lazy=True, inplace=True)
        return None
    except pa_errors.SchemaErrors as exc:
        cases = exc.failure_cases
    return pd.DataFrame({c: cases[c].to_numpy() for c in cases.columns})


def _polars_type_cases(spec: TableSpec, original: Any, exc: Exception) -> pd.DataFrame:
    """``column_type`` cases for the columns of polars table ``original`` whose type is wrong."""
    wrong = [
        (c.name, str(original.schema[c.name]))
        for c in spec.columns
        if c.name in original.columns and not polars_kind_ok(c.kind, original.schema[c.name])
    ]
    if not wrong:
        raise InputDataError(f"{spec.name} table could not be validated: {exc}") from None
    return pd.DataFrame(
        {
            "check": ["column_type"] * len(wrong),
            "column": [name for name, _ in wrong],
            "index": [None] * len(wrong),
            "failure_case": [dtype for _, dtype in wrong],
        }
    )


def schema_failures(table: Table, out: Collector) -> None:
    n = len(table.frame)
    schema_run(table.spec, n, out)
    cases = schema_cases(table.spec, table.original, table.frame)
    if cases is not None:
        report_schema_cases(table, n, cases, out)


def apply_row_rule(rule: RowRule, table: Table, out: Collector) -> None:
    if any(c not in table.frame.columns for c in rule.columns):
        absent = [c for c in rule.columns if c not in table.frame.columns]
        out.skip(rule.check, f"{table.name} has no column {', '.join(absent)}")
        return
    frame = table.frame
    out.run(rule.check, len(frame))
    report_row_rule(rule, table, np.flatnonzero(~rule.ok(frame)), out)


def interval_grid(table: Table, out: Collector) -> None:
    frame = table.frame
    start = frame["interval_start"]
    if not isinstance(start.dtype, pd.DatetimeTZDtype):
        out.skip("interval_grid", "interval_start is not time-zone aware")
        return
    out.run("interval_grid", len(frame))
    # Compare in UTC: a daylight-saving change shifts local clocks, not the run of intervals.
    ns = start.dt.tz_convert("UTC").array.as_unit("ns").asi8
    minutes = as_float(frame["interval_minutes"])
    q_codes = _codes(frame["queue"])
    c_codes = _codes(frame["channel"])
    group = q_codes * (int(c_codes.max(initial=0)) + 2) + c_codes
    valid = ~start.isna().to_numpy() & ~np.isnan(minutes)
    idx = np.flatnonzero(valid)
    order = idx[group_time_order(group[idx], ns[idx])]
    s = ns[order]
    end = s + (minutes[order] * 60e9).astype(np.int64)
    same = group[order][1:] == group[order][:-1]
    gap = same & (s[1:] > end[:-1])
    overlap = same & (s[1:] < end[:-1])
    bad = np.flatnonzero(gap | overlap)
    report_grid(table, order[bad], order[bad + 1], end[bad], s[bad + 1], out)


def group_time_order(group: np.ndarray, ns: np.ndarray) -> np.ndarray:
    """Positions that order rows by (group, start), stably: ``np.lexsort((ns, group))``.

    ACD exports are usually time-major (all queues of one interval, then the next interval) or
    already grouped by queue; both are recognised in one linear pass, and a time-major table
    then needs only a stable sort of the small group codes (a radix sort for 16-bit codes)
    instead of a two-key comparison sort of millions of rows. Same order in every case.
    """
    if len(group) < 2:
        return np.arange(len(group))
    d_group = np.diff(group)
    d_time = np.diff(ns)
    if ((d_group > 0) | ((d_group == 0) & (d_time >= 0))).all():
        return np.arange(len(group))  # already in (group, start) order
    if (d_time >= 0).all():
        small = group.astype(np.int16) if group.max() < 2**15 else group
        return np.argsort(small, kind="stable")
    return np.lexsort((ns, group))


def _codes(s: pd.Series) -> np.ndarray:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return np.asarray(s.cat.codes.to_numpy(), dtype=np.int64)
    codes, _ = pd.factorize(s, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64)


class PandasTable:
    """`TableChecks` of a pandas table."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def table_checks(self, rules: Sequence[RowRule], out: Collector) -> None:
        schema_failures(self.table, out)
        for rule in rules:
            apply_row_rule(rule, self.table, out)

    def grid(self, out: Collector) -> None:
        interval_grid(self.table, out)


__all__ = [
    "PandasTable",
    "apply_row_rule",
    "group_time_order",
    "interval_grid",
    "load_table",
    "schema_cases",
    "schema_failures",
]
