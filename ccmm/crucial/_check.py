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
from ccmm._units import unit_kinds
from ccmm.crucial._calendar import Schedule, read_schedule
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
from ccmm.crucial._settings import CrucialSettings, load_settings


def check(
    facts: object,
    *,
    registry: object,
    intervals: object | None = None,
    analysis_log: object | None = None,
    as_of: dt.date | str,
    tolerance: float = 0.005,
    max_failures: int | None = None,
    opening_hours: object | None = None,
    closures: object | None = None,
    settings: object | None = None,
    units: object | None = None,
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

    ``opening_hours`` (columns ``queue``, ``channel``, ``weekday`` 0 = Monday, ``opens``,
    ``closes``: local ``HH:MM`` in the zone of ``interval_start``; empty queue or channel = every
    one) and ``closures`` (``date``, ``queue``, ``channel``) change the interval grid (112.1)
    for the queues and channels they name: only intervals inside opening hours must be present,
    and a row outside them that carries volume (``offered > 0``) is an
    ``outside_opening_hours`` failure (see ``docs/crucial.md``). Without them the grid is
    checked as before. Any of the two may be a pandas, polars or Spark DataFrame.

    ``settings`` (a mapping, a YAML file path or `CrucialSettings`; see ``docs/settings.md``)
    switches checks off with a reason (``not_checked``, reason ``disabled: …``), makes a check's
    failures warnings (listed with ``severity`` ``warning`` in ``failures``, not failing the
    principle) or changes its thresholds (``crucial.yaml``'s options, e.g.
    ``{"checks": {"definition_reviewed": {"max_age_months": 24}}}``); a ``tolerance`` set there
    replaces the ``tolerance`` argument.

    ``units`` is the registry's own units table: columns ``unit`` and ``kind`` (ratio, percent,
    duration, count, currency or score), or a mapping unit -> kind. Its units pass the
    registry's unit check (110.1) and count as their kind: a declared percent unit is held to
    [0, 100] (115.1) and scaled by 100 against numerator / denominator (115.2). Every ISO 4217
    code is a currency unit without it.

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
    return check_tables(
        given,
        as_of=as_of,
        tolerance=tolerance,
        max_failures=max_failures,
        schedule=opening_schedule(opening_hours, closures),
        settings=settings,
        units=units,
    )


def opening_schedule(opening_hours: object | None, closures: object | None) -> Schedule | None:
    """The `Schedule` of ``opening_hours`` and ``closures`` (None without opening hours)."""
    if opening_hours is None:
        if closures is not None:
            raise InputDataError("closures need opening_hours: give both, or neither")
        return None
    return read_schedule(_small(opening_hours), _small(closures))


def _small(table: object) -> object:
    """A small table (opening hours, closures) on the driver when it is a Spark frame."""
    if table is not None and frame_kind(table) == "spark":
        from ccmm._spark.crucial import spark_to_pandas

        return spark_to_pandas(table)
    return table


def check_tables(
    given: Mapping[str, object],
    *,
    as_of: dt.date | str,
    tolerance: float,
    max_failures: int | None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    schedule: Schedule | None = None,
    settings: object | None = None,
    units: object | None = None,
) -> CrucialReport:
    """[`check`][ccmm.crucial.check] of the tables in ``given`` (facts and registry present),
    with ``options`` (check id -> option -> value) and then ``settings``' options replacing
    ``crucial.yaml``'s defaults, and the interval grid read against the opening hours
    ``schedule`` when given."""
    chosen = load_settings(settings) if settings is not None else CrucialSettings()
    kinds = unit_kinds(_small(units))  # a bad units table is refused before any work
    run_options = {str(k): dict(v) for k, v in (options or {}).items()}
    for check_id, given_options in chosen.options().items():
        run_options.setdefault(check_id, {}).update(given_options)
    derived = run_options.setdefault("derived_matches_components", {})
    tolerance = derived.setdefault("tolerance", tolerance)
    day = check_date(as_of, tolerance)
    cap = check_max_failures(max_failures)
    problems: list[str] = []
    tables: dict[str, Table] = {}
    backends: dict[str, tuple[TableChecks, list[str]]] = {}
    merged_options(run_options)  # an unknown check or option is refused before any work
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
        backends,
        tables,
        as_of=day,
        tolerance=float(tolerance),
        max_failures=cap,
        options=run_options,
        schedule=schedule,
        severities={c: chosen.severity(c) for c in chosen.checks},
        disabled=chosen.disabled(),
        units=kinds,
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


__all__ = ["check", "check_tables", "opening_schedule"]
