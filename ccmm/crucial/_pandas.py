"""The pandas backend of the CRUCIAL engine: pandera schemas, row rules and the interval grid
evaluated on a pandas table by the engine's reference evaluation (a polars fact table, registry or
analysis log is read into pandas first; a polars interval table has its own backend,
`ccmm.crucial._polars`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ccmm import _frames
from ccmm._errors import InputDataError
from ccmm._frames import is_polars_frame
from ccmm._tables import load_table_spec
from ccmm.crucial._engine import (
    Collector,
    RowRule,
    Table,
    grid_breaks,
    report_against_hours,
    report_grid,
    report_row_rule,
    report_schema_cases,
    require_columns,
    require_unique_columns,
    rule_ok,
    schema_cases,
    schema_run,
    skip_grid,
    unscheduled_breaks,
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
    report_row_rule(rule, table, np.flatnonzero(~rule_ok(rule, frame)), out)


def interval_grid(table: Table, out: Collector) -> None:
    breaks = grid_breaks(table.frame)
    if breaks is None:
        skip_grid(out, "interval_start is not time-zone aware")
        return
    out.run("interval_grid", len(table.frame))
    if out.schedule is None:
        report_grid(table, *breaks, out)
        return
    # With opening hours, a scheduled queue's gaps are the intervals inside hours it lacks, not
    # every night the centre was closed.
    report_grid(table, *unscheduled_breaks(table, breaks, out.schedule), out)
    report_against_hours(table, out, out.schedule)


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
    "interval_grid",
    "load_table",
    "schema_failures",
]
