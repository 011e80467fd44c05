"""Commands on KPI tables: ``check`` (CRUCIAL), ``kpi`` and ``attainment``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccmm._errors import CCMMError, InputDataError
from ccmm.cli._common import EXIT_FAILED, EXIT_OK, Outcome
from ccmm.cli._progress import Progress

if TYPE_CHECKING:
    import pandas as pd


def cmd_check(args: argparse.Namespace, progress: Progress) -> Outcome:
    from ccmm._text import Text
    from ccmm.cli._tables import read_table
    from ccmm.crucial import check
    from ccmm.report import CrucialSection, Report

    given = {
        "facts": args.facts,
        "registry": args.registry,
        "intervals": args.intervals,
        "analysis_log": args.analysis,
    }
    tables: dict[str, pd.DataFrame] = {}
    problems: list[str] = []
    with progress.step("reading the tables"):
        for name, path in given.items():
            if path is None:
                continue
            try:
                tables[name] = read_table(path, name, time_zone=args.tz)
            except CCMMError as exc:
                problems.extend(exc.problems)
        calendar = _calendar(args, problems)
    if problems:
        raise InputDataError("check: the tables cannot be read", problems=problems)
    with progress.step("checking the CRUCIAL principles"):
        result = check(
            tables["facts"],
            registry=tables["registry"],
            intervals=tables.get("intervals"),
            analysis_log=tables.get("analysis_log"),
            as_of=args.as_of,
            tolerance=args.tolerance,
            max_failures=args.max_failures,  # the rows are not even kept beyond what is shown
            opening_hours=calendar.get("opening_hours"),
            closures=calendar.get("closures"),
            settings=args.settings,
            units=calendar.get("units"),
        )
    report = Report(
        title=Text(en="CRUCIAL data-quality check", zh="CRUCIAL 数据质量检查"),
        sections=(CrucialSection(Path(args.facts).name, result, max_failures=args.max_failures),),
        subtitle=tuple(f"{k}: {v}" for k, v in given.items() if v is not None),
    )
    if result.passed:
        return Outcome(report, EXIT_OK)
    failed = [p for p, r in result.principles.items() if r.status == "fail"]
    return Outcome(report, EXIT_FAILED, f"principle(s) failed: {', '.join(failed)}")


def _calendar(args: argparse.Namespace, problems: list[str]) -> dict[str, pd.DataFrame]:
    """The opening hours, closures and units files as tables (times are read in the zone of
    ``interval_start``), checked; a problem names the file, appended to ``problems``."""
    from ccmm._units import unit_kinds
    from ccmm.cli._tables import read_table
    from ccmm.crucial._check import opening_schedule

    paths = {"opening_hours": args.opening_hours, "closures": args.closures, "units": args.units}
    found: dict[str, pd.DataFrame] = {}
    for name, path in paths.items():
        if path is None:
            continue
        try:
            found[name] = read_table(path).astype(object)
        except CCMMError as exc:
            problems.extend(exc.problems)
    if len(found) < sum(p is not None for p in paths.values()):
        return found  # a file could not be read: that is the problem to report
    try:
        opening_schedule(found.get("opening_hours"), found.get("closures"))
    except CCMMError as exc:
        for problem in exc.problems:
            name = "closures" if problem.startswith("closures") else "opening_hours"
            problems.append(f"{paths[name] or paths['closures']}: {problem}")
    if "units" in found:
        try:
            unit_kinds(found["units"])
        except CCMMError as exc:
            problems.extend(f"{paths['units']}: {p}" for p in exc.problems)
    return found


def cmd_kpi(args: argparse.Namespace, progress: Progress) -> Outcome:
    import math

    from ccmm._text import Text
    from ccmm.cli._tables import read_table
    from ccmm.kpi._compute import compute, kpi_computation
    from ccmm.report import Report, TableSection

    with progress.step(f"reading {args.intervals}"):
        frame = read_table(args.intervals, "intervals", time_zone=args.tz)
    by = tuple(args.by) if args.by is not None else ("queue", "channel")
    with progress.step("computing KPIs"):
        result = compute(frame, by=by, freq=args.freq)
    record = kpi_computation(result)
    kpis = [k.id for k in record.kpis]
    keys = ([record.period_column] if record.period_column else []) + list(by)
    columns = (*keys, "offered", "answered", *kpis)
    rows = []
    for rec in result[list(columns)].itertuples(index=False):
        row: list[Any] = []
        for value in rec:
            if hasattr(value, "isoformat"):
                row.append(value.isoformat())
            elif isinstance(value, int | float) and not isinstance(value, bool):
                row.append(float(value))
            else:
                row.append(None if value is None else str(value))
        rows.append(tuple(row))
    notes = tuple(
        f"{u.kpi} undefined in {len(u.rows)} row(s): {u.reason}" for u in record.undefined
    )
    report = Report(
        title=Text(en="KPIs", zh="关键绩效指标"),
        sections=(
            TableSection(
                key="kpi",
                title=Text(en="KPIs as ratios of sums", zh="指标（比值的分子分母先求和）"),
                columns=columns,
                rows=tuple(rows),
                notes=notes,
            ),
        ),
        subtitle=(str(args.intervals),),
    )
    if args.min_service_level is not None:
        levels = [float(v) for v in result["service_level"]]
        low = [v for v in levels if math.isnan(v) or v < args.min_service_level]
        if low:
            return Outcome(
                report,
                EXIT_FAILED,
                f"{len(low)} group(s) have a service level below --min-service-level "
                f"{args.min_service_level} (or undefined)",
            )
    return Outcome(report, EXIT_OK)


def cmd_attainment(args: argparse.Namespace, progress: Progress) -> Outcome:
    from ccmm._text import Text
    from ccmm.cli._tables import read_raw
    from ccmm.kpi._attainment import attainment
    from ccmm.report import AttainmentSection, Report, attainment_series

    with progress.step("reading the facts"):
        facts = read_raw(args.facts)
        registry = None if args.registry is None else read_raw(args.registry)
    with progress.step("judging target attainment"):
        result = attainment(
            facts,
            registry=registry,
            rule=args.rule,
            as_of=args.as_of,
            window_months=args.window_months,
            entity=args.entity,
        )
    report = Report(
        title=Text(en="Target attainment", zh="目标达成"),
        sections=(AttainmentSection(result, attainment_series(facts, result)),),
        subtitle=(str(args.facts),),
    )
    if result.passed:
        return Outcome(report, EXIT_OK)
    return Outcome(report, EXIT_FAILED, f"rule {args.rule} not passed")


__all__ = ["cmd_attainment", "cmd_check", "cmd_kpi"]
