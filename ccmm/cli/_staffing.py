"""``staff``: agents needed for a service target, for one interval or a forecast table."""

from __future__ import annotations

import argparse

from ccmm._errors import InputDataError
from ccmm.cli._common import EXIT_OK, Outcome
from ccmm.cli._progress import Progress


def cmd_staff(args: argparse.Namespace, progress: Progress) -> Outcome:
    from ccmm._text import Text
    from ccmm.report import Report, StaffingSection, staffing_rows, staffing_scenario

    level, seconds = args.target
    model = "Erlang C" if args.patience is None else f"Erlang A (patience {args.patience:g} s)"
    if args.intervals is not None:
        if args.calls is not None or args.aht is not None:
            raise InputDataError("staff: give either --intervals or --calls and --aht, not both")
        from ccmm.cli._tables import read_raw
        from ccmm.staffing import staff_intervals

        with progress.step(f"staffing {args.intervals}"):
            frame = read_raw(args.intervals)
            if "interval_minutes" not in frame.columns and args.interval_minutes is not None:
                frame["interval_minutes"] = args.interval_minutes
            staffed = staff_intervals(
                frame,
                target_service_level=level,
                threshold_seconds=seconds,
                calls_column=args.calls_column,
                aht_column=args.aht_column,
                max_occupancy=args.max_occupancy,
                shrinkage=args.shrinkage,
                patience_seconds=args.patience,
            )
            by = (
                [c for c in ("queue", "channel") if c in frame.columns]
                if args.by is None
                else args.by
            )
            rows = staffing_rows(staffed, by=by, calls_column=args.calls_column)
    else:
        if args.calls is None or args.aht is None:
            raise InputDataError("staff: give --calls and --aht, or --intervals FILE")
        minutes = args.interval_minutes or 30.0
        if args.patience is None:
            from ccmm.staffing import agents_for_service_level

            result = agents_for_service_level(
                args.calls,
                args.aht,
                interval_seconds=minutes * 60,
                target_service_level=level,
                threshold_seconds=seconds,
                max_occupancy=args.max_occupancy,
                shrinkage=args.shrinkage,
            )
        else:
            from ccmm.staffing import erlang_a_agents_for_service_level

            result = erlang_a_agents_for_service_level(
                args.calls,
                args.aht,
                patience_seconds=args.patience,
                interval_seconds=minutes * 60,
                target_service_level=level,
                threshold_seconds=seconds,
                max_occupancy=args.max_occupancy,
                shrinkage=args.shrinkage,
            )
        rows = (
            staffing_scenario(result, calls=args.calls, aht=args.aht, interval_minutes=minutes),
        )
    report = Report(
        title=Text(en="Staffing", zh="人员配置"),
        sections=(
            StaffingSection(
                model=model,
                target_service_level=level,
                target_seconds=seconds,
                shrinkage=args.shrinkage,
                rows=rows,
            ),
        ),
    )
    return Outcome(report, EXIT_OK)


__all__ = ["cmd_staff"]
