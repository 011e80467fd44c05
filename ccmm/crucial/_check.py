"""[`ccmm.crucial.check`][]: pick a backend for each table and run the engine.

pandas and polars inputs take the same path: a polars fact table, registry or analysis log is
validated with its pandera.polars schema and read into pandas; a polars interval table (the large
one) is checked in polars by `ccmm.crucial._polars`, a Spark one in Spark by ``ccmm._spark``.
The engine (`ccmm.crucial._engine`) runs the same check sequence and formats the same report
whatever the backends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ccmm._errors import InputDataError
from ccmm._frames import frame_kind
from ccmm._tables import load_table_spec
from ccmm.crucial._engine import (
    Table,
    TableChecks,
    check_date,
    check_max_failures,
    merged_options,
    require_columns,
    require_unique_columns,
    run,
)
from ccmm.crucial._pandas import PandasTable, load_table
from ccmm.crucial._report import (
    CrucialReport,
)


def check(
    facts: object,
    *,
    registry: object,
    intervals: object | None = None,
    analysis_log: object | None = None,
    as_of: dt.date | str,
    tolerance: float = 0.005,
    max_failures: int | None = None,
) -> CrucialReport:
    """Check the CRUCIAL principles (clause 3.2) on a KPI fact table and its companions.

    ``facts``, ``registry`` and optionally ``intervals`` and ``analysis_log`` are pandas or
    polars DataFrames with the columns of the canonical tables ([`ccmm.crucial.schemas`][]).
    ``as_of`` is the date the check is made for (definitions must have been reviewed within the
    12 months before it); ``tolerance`` is the relative difference allowed between a reported
    ratio and numerator / denominator (item 115.2).

    Any table may also be a PySpark DataFrame (``pip install ccmm[spark]``; see
    ``docs/spark.md``): the interval table is then checked in Spark and the report's
    ``failures`` holds at most 1,000 examples per check and column, while every ``n_failures``
    stays exact; the fact table, registry and analysis log are brought to the driver.

    ``max_failures`` (keyword-only; None keeps every failure) caps the rows of ``failures`` per
    check, the first in the report's order; every ``n_failures`` stays exact, and every output
    format (`to_dict`, ``to_json``, ``to_markdown``, ``to_html``) shows
    the capped table.

    Data problems are reported in the result, never raised. Raises
    [`InputDataError`][ccmm.InputDataError] only for input that cannot be checked at all: not a
    DataFrame, or required columns missing (every such problem of every table is listed at once).
    """
    absent = [name for name, table in (("facts", facts), ("registry", registry)) if table is None]
    if absent:
        raise InputDataError(
            "the tables cannot be checked",
            problems=[
                f"{name} is required: give a pandas, polars or Spark DataFrame, got None"
                for name in absent
            ],
        )
    given = {
        "facts": facts,
        "registry": registry,
        "intervals": intervals,
        "analysis_log": analysis_log,
    }
    return check_tables(given, as_of=as_of, tolerance=tolerance, max_failures=max_failures)


def check_tables(
    given: Mapping[str, object],
    *,
    as_of: dt.date | str,
    tolerance: float,
    max_failures: int | None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> CrucialReport:
    """[`check`][ccmm.crucial.check] of the tables in ``given`` (facts and registry present),
    with ``options`` (check id -> option -> value) replacing ``crucial.yaml``'s defaults."""
    day = check_date(as_of, tolerance)
    cap = check_max_failures(max_failures)
    problems: list[str] = []
    tables: dict[str, Table] = {}
    backends: dict[str, tuple[TableChecks, list[str]]] = {}
    merged_options(options)  # an unknown check or option is refused before any work
    for name, obj in given.items():
        if obj is None:
            continue
        try:
            backends[name] = _backend(name, obj, tables)
        except InputDataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputDataError("the tables cannot be checked", problems=problems)
    return run(
        backends, tables, as_of=day, tolerance=float(tolerance), max_failures=cap, options=options
    )


def _backend(name: str, obj: object, tables: dict[str, Table]) -> tuple[TableChecks, list[str]]:
    """The backend that checks table ``name`` and its column names. An interval table stays in
    its own library (it is the large one); the others are read into pandas (into ``tables``)."""
    kind = frame_kind(obj)
    columns = [str(c) for c in obj.columns] if kind in ("polars", "spark") else []  # type: ignore[attr-defined]
    if kind == "spark":
        require_unique_columns(name, columns)
    if name == "intervals" and kind == "polars":
        from ccmm.crucial._polars import PolarsTable  # polars only from here on

        require_columns(name, load_table_spec(name), columns)
        return PolarsTable(obj), columns
    if name == "intervals" and kind == "spark":
        from ccmm._spark.crucial import SparkTable  # pyspark only from here on

        require_columns(name, load_table_spec(name), columns)
        return SparkTable(obj), columns
    if kind == "spark":
        from ccmm._spark.crucial import spark_to_pandas

        obj = spark_to_pandas(obj)
    table = tables[name] = load_table(name, obj)
    return PandasTable(table), [str(c) for c in table.frame.columns]


__all__ = ["check", "check_tables"]
