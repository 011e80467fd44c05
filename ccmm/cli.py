"""The ``ccmm`` command (also ``python -m ccmm``).

Every subcommand takes ``--format text|json|markdown|html``, ``--lang en|zh`` and ``-o FILE``.
Exit status: 0 when all is well, 1 when a check or a gate fails (``check`` with a failing
principle, ``attainment`` not passed, ``evaluate --min-level`` not reached, …), 2 on bad input:
the :class:`ccmm.CCMMError` message is printed without a traceback (argparse usage errors are 2
as well). Run without arguments, ``ccmm`` evaluates the bundled example assessment. The full
reference is ``docs/cli.md``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ccmm._cli_progress import Progress
from ccmm._errors import CCMMError, InputDataError

if TYPE_CHECKING:
    import pandas as pd

    from ccmm.report import Report
    from ccmm.report._labels import Lang
    from ccmm.standard import Standard

FORMATS = ("text", "json", "markdown", "html")
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_DEMO_OUTPUT = "ccmm-report.html"


@dataclass(frozen=True)
class _Outcome:
    """What a subcommand produced: a report to render (or a ready message) and its exit code."""

    report: Report | None
    code: int
    message: str | None = None


# ---- shared argument parsing --------------------------------------------------------------------
def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def _share(text: str) -> float:
    """``0.3`` or ``30%`` -> 0.3."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a share like 0.3 or 30%, got {text!r}"
        ) from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a share in [0, 1), got {text!r}")
    return value


def parse_service_target(text: str) -> tuple[float, float]:
    """``80/20`` (or ``80%/20``, ``0.8/20``) -> (0.8, 20.0): a service level within seconds."""
    level_text, sep, seconds_text = text.partition("/")
    if not sep:
        raise argparse.ArgumentTypeError(
            f"expected a service target like 80/20 (80% within 20 s), got {text!r}"
        )
    try:
        raw = level_text.strip().rstrip("%")
        level = float(raw)
        seconds = float(seconds_text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a service target like 80/20 (80% within 20 s), got {text!r}"
        ) from None
    if level >= 1 or level_text.strip().endswith("%"):
        level /= 100
    if not 0 < level < 1 or not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(
            f"the service level must lie strictly between 0% and 100% and the seconds be >= 0, "
            f"got {text!r}"
        )
    return level, seconds


def _entity(text: str) -> tuple[str, str]:
    level, sep, ident = text.partition(":")
    if not sep or not level or not ident:
        raise argparse.ArgumentTypeError(f"expected LEVEL:ID such as team:T1, got {text!r}")
    return level, ident


def _load_standard(spec: str | None) -> Standard | None:
    """``--standard``: a shipped id, ``id:edition`` or a path; None for the default."""
    from ccmm._loader import load_standard

    if spec is None:
        return None
    if Path(spec).exists():
        return load_standard(spec)
    ident, _, edition = spec.partition(":")
    return load_standard(ident, edition or None)


# ---- subcommands ----------------------------------------------------------------------------
def _cmd_evaluate(args: argparse.Namespace, progress: Progress) -> _Outcome:
    from ccmm._io import read_assessment
    from ccmm._text import Text
    from ccmm.examples import example_path
    from ccmm.report import EvaluationSection, Report
    from ccmm.scoring import evaluate

    standard = _load_standard(args.standard)
    path = args.file or example_path()
    if args.evidence is not None and args.as_of is None:
        raise InputDataError("--evidence needs --as-of DATE (the day the data is judged on)")
    with progress.step(f"evaluating {path}"):
        assessment = read_assessment(path, standard=standard)
        evaluation = evaluate(assessment, standard, allow_missing=args.allow_missing)
    sections: list[object] = [EvaluationSection(evaluation, organisation=assessment.organisation)]
    if args.evidence is not None:
        from ccmm.evidence import merge, suggest_from_directory
        from ccmm.report._evidence import evidence_section

        with progress.step(f"checking the data in {args.evidence}"):
            suggestions = suggest_from_directory(args.evidence, as_of=args.as_of)
            merged = merge(assessment, suggestions, policy=args.policy)
        sections.append(evidence_section(merged, suggestions))
        if args.policy != "report":
            # The gate applies to the assessment as the data leaves it.
            assessment = merged.assessment
            evaluation = evaluate(assessment, standard, allow_missing=True)
            sections.append(EvaluationSection(evaluation, organisation=assessment.organisation))
    if args.min_level is not None and args.min_level > len(evaluation.levels):
        raise InputDataError(
            f"--min-level must be a level of {evaluation.standard_id} {evaluation.edition} "
            f"(0 to {len(evaluation.levels)}), got {args.min_level}"
        )
    code = EXIT_OK
    if args.min_level is not None and evaluation.level < args.min_level:
        code = EXIT_FAILED
    report = Report(
        title=Text(
            en=f"Evaluation of {assessment.organisation}", zh=f"{assessment.organisation}评估"
        ),
        sections=tuple(sections),  # type: ignore[arg-type]
        subtitle=(f"{path}",),
    )
    message = None
    if code == EXIT_FAILED:
        message = f"level {evaluation.level} is below the required --min-level {args.min_level}"
    return _Outcome(report, code, message)


def _cmd_plan(args: argparse.Namespace, progress: Progress) -> _Outcome:
    from ccmm._io import read_assessment
    from ccmm._text import Text
    from ccmm.planning import plan
    from ccmm.report import PlanSection, Report

    standard = _load_standard(args.standard)
    with progress.step(f"planning {args.file}"):
        assessment = read_assessment(args.file, standard=standard)
        result = plan(assessment, args.to, standard, frozen_items=args.freeze)
    report = Report(
        title=Text(
            en=f"Plan for {assessment.organisation}", zh=f"{assessment.organisation}晋级计划"
        ),
        sections=(PlanSection(result),),
        subtitle=(str(args.file),),
    )
    if result.reachable:
        return _Outcome(report, EXIT_OK)
    return _Outcome(report, EXIT_FAILED, f"level {args.to} cannot be reached")


def _cmd_compare(args: argparse.Namespace, progress: Progress) -> _Outcome:
    from ccmm._io import read_assessment
    from ccmm._text import Text
    from ccmm.compare import compare
    from ccmm.report import Report, TableSection

    with progress.step("comparing"):
        before = read_assessment(args.old)
        after = read_assessment(args.new)
        result = compare(before, after)
    rules = TableSection(
        key="rules",
        title=Text(en="Rules before and after", zh="规则变化"),
        columns=("level", "rule", "before", "after", "movement", "change"),
        rows=tuple(
            (
                r.level,
                r.label,
                r.before.observed,
                r.after.observed,
                r.movement,
                r.change,
            )
            for r in result.rules
        ),
        notes=(
            f"level {result.level_before} -> {result.level_after} ({result.level_change:+d}); "
            f"total {result.total_before} -> {result.total_after} ({result.total_change:+d})",
            *(
                [f"newly assessed: {', '.join(result.newly_assessed)}"]
                if result.newly_assessed
                else []
            ),
            *(
                [f"no longer assessed: {', '.join(result.no_longer_assessed)}"]
                if result.no_longer_assessed
                else []
            ),
        ),
    )
    changes = TableSection(
        key="ratings",
        title=Text(en="Ratings that changed", zh="评分变化"),
        columns=("item", "rating", "from", "to", "direction"),
        rows=tuple(
            (c.item, c.rating, c.from_rating, c.to_rating, direction)
            for direction, group in (("improved", result.improved), ("regressed", result.regressed))
            for c in group
        ),
    )
    report = Report(
        title=Text(en="Comparison of two assessments", zh="两次评估的比较"),
        sections=(rules, changes),
        subtitle=(f"{args.old} -> {args.new}",),
    )
    regressed = result.level_change < 0 or bool(result.rules_lost)
    if args.fail_on_regression and regressed:
        return _Outcome(report, EXIT_FAILED, "the level dropped or a rule was lost")
    return _Outcome(report, EXIT_OK)


def _cmd_agreement(args: argparse.Namespace, progress: Progress) -> _Outcome:
    from ccmm._cli_tables import read_raw
    from ccmm._io import read_assessment
    from ccmm._text import Text
    from ccmm.agreement import agreement
    from ccmm.report import Report, TableSection

    with progress.step("measuring agreement"):
        if len(args.files) == 1:
            result = agreement(read_raw(args.files[0]), raters=args.raters)
        else:
            assessments = {str(f): read_assessment(f) for f in args.files}
            if len(assessments) != len(args.files):
                raise InputDataError("agreement: the same assessment file is named twice")
            result = agreement(assessments, rating=args.rating, raters=args.raters)
    kappa = result.cohen_kappa
    rows: tuple[tuple[Any, ...], ...] = (
        ("exact agreement", result.exact_agreement, result.exact_agreement_subjects, ""),
        (
            "Cohen's kappa (quadratic)",
            None if kappa is None else kappa.quadratic,
            None if kappa is None else kappa.subjects,
            result.cohen_kappa_reason or "",
        ),
        (
            "Fleiss' kappa",
            result.fleiss_kappa,
            result.fleiss_kappa_subjects,
            result.fleiss_kappa_reason or "",
        ),
        (
            "Krippendorff's alpha (ordinal)",
            result.krippendorff_alpha_ordinal,
            result.krippendorff_alpha_subjects,
            result.krippendorff_alpha_reason or "",
        ),
        (
            "Krippendorff's alpha (interval)",
            result.krippendorff_alpha_interval,
            result.krippendorff_alpha_subjects,
            result.krippendorff_alpha_reason or "",
        ),
    )
    report = Report(
        title=Text(en="Agreement between raters", zh="评估者一致性"),
        sections=(
            TableSection(
                key="agreement",
                title=Text(en="Agreement coefficients", zh="一致性系数"),
                columns=("coefficient", "value", "subjects", "note"),
                rows=rows,
                notes=(
                    f"raters: {', '.join(result.raters)}; subjects {result.subjects}, "
                    f"ratings {result.ratings}, missing {result.missing}",
                ),
            ),
        ),
    )
    alpha = result.krippendorff_alpha_ordinal
    if args.min_alpha is not None and (alpha is None or alpha < args.min_alpha):
        return _Outcome(
            report,
            EXIT_FAILED,
            f"Krippendorff's alpha (ordinal) {alpha if alpha is not None else 'undefined'} "
            f"is below --min-alpha {args.min_alpha}",
        )
    return _Outcome(report, EXIT_OK)


def _cmd_template(args: argparse.Namespace, progress: Progress) -> _Outcome:
    from ccmm._io import write_assessment_template
    from ccmm._loader import load_standard

    if args.output is None:
        raise InputDataError("template needs -o FILE (.csv, or .xlsx with the xlsx extra)")
    standard = _load_standard(args.standard) or load_standard()
    path = write_assessment_template(args.output, standard, organisation=args.organisation)
    return _Outcome(
        None,
        EXIT_OK,
        f"wrote {path}: {len(standard.items)} items of {standard.id} {standard.edition} to rate",
    )


def _cmd_catalogue(args: argparse.Namespace, progress: Progress) -> _Outcome:
    from ccmm._loader import load_standard
    from ccmm._text import Text
    from ccmm.report import Report, TableSection

    standard = _load_standard(args.standard) or load_standard()
    items = list(standard.items)
    problems = []
    if args.section is not None:
        domain_ids = {d.id for d in standard.domains}
        section_ids = {s.id for s in standard.sections}
        if args.section in domain_ids:
            items = [i for i in items if i.domain == args.section]
        elif args.section in section_ids:
            items = [
                i
                for i in items
                if i.section == args.section or i.section.startswith(args.section + ".")
            ]
        else:
            problems.append(
                f"--section {args.section!r} is neither a section nor a domain of "
                f"{standard.id} {standard.edition}"
            )
    known_tags = sorted({t for i in standard.items for t in i.tags})
    unknown = [t for t in args.tag if t not in known_tags]
    if unknown:
        problems.append(
            f"--tag: unknown tag(s) {', '.join(map(repr, unknown))}; known: {', '.join(known_tags)}"
        )
    if problems:
        raise InputDataError("catalogue: bad filter", problems=problems)
    items = [i for i in items if all(t in i.tags for t in args.tag)]
    if args.search:
        needle = args.search.casefold()
        items = [
            i
            for i in items
            if needle in i.id.casefold()
            or any(
                needle in text.casefold()
                for text in (i.title.en, i.title.zh, i.summary.en, i.summary.zh)
            )
        ]
    lang = args.lang
    rows = tuple((i.id, i.section, i.domain, i.title.get(lang), ", ".join(i.tags)) for i in items)
    report = Report(
        title=Text(
            en=f"{standard.id} {standard.edition} catalogue",
            zh=f"{standard.id} {standard.edition} 条目目录",
        ),
        sections=(
            TableSection(
                key="catalogue",
                title=Text(en="Items", zh="条目"),
                columns=("item", "section", "domain", "title", "tags"),
                rows=rows,
                notes=(f"{len(rows)} of {len(standard.items)} items",),
            ),
        ),
    )
    if not rows:
        return _Outcome(report, EXIT_FAILED, "no item matches")
    return _Outcome(report, EXIT_OK)


def _cmd_check(args: argparse.Namespace, progress: Progress) -> _Outcome:
    from ccmm._cli_tables import read_table
    from ccmm._text import Text
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
        )
    report = Report(
        title=Text(en="CRUCIAL data-quality check", zh="CRUCIAL 数据质量检查"),
        sections=(CrucialSection(Path(args.facts).name, result, max_failures=args.max_failures),),
        subtitle=tuple(f"{k}: {v}" for k, v in given.items() if v is not None),
    )
    if result.passed:
        return _Outcome(report, EXIT_OK)
    failed = [p for p, r in result.principles.items() if r.status == "fail"]
    return _Outcome(report, EXIT_FAILED, f"principle(s) failed: {', '.join(failed)}")


def _cmd_kpi(args: argparse.Namespace, progress: Progress) -> _Outcome:
    import math

    from ccmm._cli_tables import read_table
    from ccmm._text import Text
    from ccmm.kpi.compute import compute, kpi_computation
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
            return _Outcome(
                report,
                EXIT_FAILED,
                f"{len(low)} group(s) have a service level below --min-service-level "
                f"{args.min_service_level} (or undefined)",
            )
    return _Outcome(report, EXIT_OK)


def _cmd_attainment(args: argparse.Namespace, progress: Progress) -> _Outcome:
    from ccmm._cli_tables import read_raw
    from ccmm._text import Text
    from ccmm.kpi.attainment import attainment
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
        return _Outcome(report, EXIT_OK)
    return _Outcome(report, EXIT_FAILED, f"rule {args.rule} not passed")


def _cmd_staff(args: argparse.Namespace, progress: Progress) -> _Outcome:
    from ccmm._text import Text
    from ccmm.report import Report, StaffingSection, staffing_rows, staffing_scenario

    level, seconds = args.target
    model = "Erlang C" if args.patience is None else f"Erlang A (patience {args.patience:g} s)"
    if args.intervals is not None:
        if args.calls is not None or args.aht is not None:
            raise InputDataError("staff: give either --intervals or --calls and --aht, not both")
        from ccmm._cli_tables import read_raw
        from ccmm.kpi.erlang import staff_intervals

        with progress.step(f"staffing {args.intervals}"):
            frame = read_raw(args.intervals)
            if "interval_minutes" not in frame.columns and args.interval_minutes is not None:
                frame["interval_minutes"] = args.interval_minutes
            staffed = staff_intervals(
                frame,
                target_service_level=level,
                target_seconds=seconds,
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
            from ccmm.kpi.erlang import agents_for_service_level

            result = agents_for_service_level(
                args.calls,
                args.aht,
                interval_seconds=minutes * 60,
                target_service_level=level,
                target_seconds=seconds,
                max_occupancy=args.max_occupancy,
                shrinkage=args.shrinkage,
            )
        else:
            from ccmm.kpi.erlang import erlang_a_agents_for_service_level

            result = erlang_a_agents_for_service_level(
                args.calls,
                args.aht,
                patience_seconds=args.patience,
                interval_seconds=minutes * 60,
                target_service_level=level,
                target_seconds=seconds,
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
    return _Outcome(report, EXIT_OK)


def _cmd_demo(args: argparse.Namespace, progress: Progress) -> _Outcome:
    from ccmm.report import demo_report

    with progress.step("running the demo on the bundled examples"):
        report = demo_report()
    return _Outcome(report, EXIT_OK)


# ---- the parser -----------------------------------------------------------------------------
def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("output")
    group.add_argument(
        "--format", choices=FORMATS, default=None, help="output format (default: text)"
    )
    group.add_argument("--lang", choices=("en", "zh"), default="en", help="language (default: en)")
    group.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    group.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    return common


def _standard_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--standard",
        metavar="ID[:EDITION]|PATH",
        help="standard to use (default: the one the assessment names, else CC-CMM-OC 2017)",
    )


_Handler = Callable[[argparse.Namespace, Progress], _Outcome]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ccmm`` command."""
    from ccmm import __version__

    parser = argparse.ArgumentParser(
        prog="ccmm",
        description=(
            "Contact-centre operations: CC-CMM maturity levels, plans, CRUCIAL data checks, "
            "KPIs, target attainment and Erlang staffing. Without a command, evaluates the "
            "bundled example assessment."
        ),
        epilog="exit status: 0 all well, 1 a check or gate failed, 2 bad input. See docs/cli.md.",
    )
    parser.add_argument("--version", action="version", version=f"ccmm {__version__}")
    common = _common()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: _Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = add("evaluate", _cmd_evaluate, "Evaluate an assessment and explain every rule.")
    p.add_argument("file", nargs="?", help="assessment (.json, .yaml, .csv); default: the example")
    p.add_argument("--min-level", type=_non_negative_int, metavar="N", help="exit 1 below level N")
    p.add_argument("--allow-missing", action="store_true", help="count unrated items as 0")
    p.add_argument(
        "--evidence",
        metavar="DIR",
        help="directory of data tables (registry.csv, facts.csv, intervals.csv, "
        "analysis_log.csv, survey.csv): show which ratings the data supports or contradicts",
    )
    p.add_argument("--as-of", metavar="DATE", help="with --evidence: the day the data is judged on")
    p.add_argument(
        "--policy",
        choices=("report", "cap", "fill-missing"),
        default="report",
        help="with --evidence: report only (default), cap ratings the data contradicts, or fill "
        "unrated items; with cap or fill-missing --min-level gates the merged assessment",
    )
    _standard_option(p)

    p = add("plan", _cmd_plan, "The fewest rating steps from an assessment to a target level.")
    p.add_argument("file", help="assessment (.json, .yaml, .csv)")
    p.add_argument("--to", type=_non_negative_int, required=True, metavar="N", help="target level")
    p.add_argument(
        "--freeze", nargs="+", default=[], metavar="ITEM", help="items whose ratings must not move"
    )
    _standard_option(p)

    p = add("compare", _cmd_compare, "What changed between two assessments.")
    p.add_argument("old", help="earlier assessment")
    p.add_argument("new", help="later assessment")
    p.add_argument(
        "--fail-on-regression",
        action="store_true",
        help="exit 1 when the level drops or any rule is lost",
    )

    p = add(
        "agreement",
        _cmd_agreement,
        "Agreement between raters: two or more assessment files, or one table "
        "(CSV/Parquet/Excel) with columns subject, rater, score.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--rating", choices=("c_rate", "f_rate", "both"), default=None)
    p.add_argument("--raters", nargs="+", metavar="NAME", help="only these raters")
    p.add_argument(
        "--min-alpha", type=float, metavar="X", help="exit 1 when Krippendorff's alpha < X"
    )

    p = add("template", _cmd_template, "Write a fill-in assessment template (-o FILE.csv|.xlsx).")
    p.add_argument("--organisation", default="", help="organisation name to pre-fill")
    _standard_option(p)

    p = add("catalogue", _cmd_catalogue, "Browse the items of the standard.")
    p.add_argument("--search", metavar="TEXT", help="in item ids, titles and summaries (en, zh)")
    p.add_argument("--section", metavar="ID", help="a section (with its subsections) or domain")
    p.add_argument(
        "--tag", action="extend", nargs="+", default=[], metavar="TAG", help="items with all tags"
    )
    _standard_option(p)

    p = add("check", _cmd_check, "CRUCIAL data-quality checks of a KPI fact table.")
    p.add_argument("facts", help="KPI facts (.csv, .parquet, .xlsx)")
    p.add_argument("--registry", required=True, metavar="FILE", help="metric registry")
    p.add_argument("--intervals", metavar="FILE", help="interval table")
    p.add_argument("--analysis", metavar="FILE", help="analysis log")
    p.add_argument("--as-of", type=_iso_date, required=True, metavar="DATE", help="YYYY-MM-DD")
    p.add_argument("--tolerance", type=float, default=0.005, help="ratio tolerance (0.005)")
    p.add_argument("--tz", metavar="ZONE", help="time zone of the interval start times")
    p.add_argument(
        "--max-failures", type=_non_negative_int, default=50, metavar="N", help="failures shown"
    )

    p = add("kpi", _cmd_kpi, "KPIs of an interval table, every one a ratio of sums.")
    p.add_argument("intervals", help="interval table (.csv, .parquet, .xlsx)")
    p.add_argument("--freq", choices=("D", "W", "MS"), help="calendar period (default: none)")
    p.add_argument(
        "--by", action="extend", nargs="*", metavar="COLUMN", help="group columns (queue channel)"
    )
    p.add_argument("--tz", metavar="ZONE", help="time zone of the calendar periods (default UTC)")
    p.add_argument(
        "--min-service-level", type=float, metavar="X", help="exit 1 when a group is below X"
    )

    p = add("attainment", _cmd_attainment, "Target attainment of monthly KPIs.")
    p.add_argument("facts", help="KPI facts (.csv, .parquet, .xlsx)")
    p.add_argument("--rule", default="cc-cmm-2017", help="cc-cmm-2017 (default) or copc-gold")
    p.add_argument("--as-of", type=_iso_date, required=True, metavar="DATE", help="YYYY-MM-DD")
    p.add_argument("--registry", metavar="FILE", help="metric registry")
    p.add_argument("--entity", type=_entity, metavar="LEVEL:ID", help="e.g. team:T1")
    p.add_argument("--window-months", type=_non_negative_int, default=12, metavar="N")

    p = add("staff", _cmd_staff, "Agents needed for a service target (Erlang C, or A).")
    p.add_argument("--calls", type=float, metavar="N", help="calls per interval")
    p.add_argument("--aht", type=float, metavar="S", help="average handling time, seconds")
    p.add_argument(
        "--target", type=parse_service_target, required=True, metavar="SL/S", help="e.g. 80/20"
    )
    p.add_argument("--interval-minutes", type=_positive_float, metavar="M", help="default 30")
    p.add_argument("--shrinkage", type=_share, default=0.0, metavar="SHARE", help="e.g. 0.3")
    p.add_argument("--max-occupancy", type=float, metavar="SHARE")
    p.add_argument("--patience", type=_positive_float, metavar="S", help="Erlang A patience")
    p.add_argument("--intervals", metavar="FILE", help="forecast table, one row per interval")
    p.add_argument("--calls-column", default="offered")
    p.add_argument("--aht-column", default="aht_seconds")
    p.add_argument(
        "--by", action="extend", nargs="*", metavar="COLUMN", help="summary groups (queue channel)"
    )

    p = add("demo", _cmd_demo, "The whole story on the bundled examples, as one HTML report.")
    return parser


# ---- output ---------------------------------------------------------------------------------
def render(report: Report, fmt: str, lang: str) -> str:
    """``report`` rendered in ``fmt`` (one of :data:`FORMATS`) and ``lang``."""
    from ccmm.report import render_html, render_json, render_markdown, render_text

    language: Lang = "zh" if lang == "zh" else "en"
    if fmt == "json":
        return render_json(report)
    if fmt == "markdown":
        return render_markdown(report, language)
    if fmt == "html":
        return render_html(report, language)
    return render_text(report, language)


def _write(text: str, output: str | None, stdout: TextIO) -> None:
    if output is None:
        stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputDataError(f"{output}: cannot write: {exc}") from None


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the ``ccmm`` command with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        arguments = ["evaluate"]
        err.write("ccmm: no command given; evaluating the bundled example (see ccmm --help)\n")
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err  # argparse prints help and usage errors to sys.*
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    finally:
        sys.stdout, sys.stderr = saved
    if args.command is None:
        parser.print_help(out)
        return EXIT_OK
    fmt = args.format or ("html" if args.command == "demo" else "text")
    output = args.output
    if args.command == "demo" and output is None:
        output = DEFAULT_DEMO_OUTPUT
    progress = Progress(err, enabled=not args.quiet)
    try:
        outcome: _Outcome = args.handler(args, progress)
        if outcome.report is not None:
            _write(render(outcome.report, fmt, args.lang), output, out)
        elif outcome.message is not None and fmt == "json":
            import json

            out.write(json.dumps({"message": outcome.message}, ensure_ascii=False) + "\n")
        elif outcome.message is not None:
            out.write(outcome.message + "\n")
        if outcome.report is not None and outcome.message is not None:
            err.write(f"ccmm {args.command}: {outcome.message}\n")
        if output is not None and outcome.report is not None:
            err.write(f"ccmm: wrote {output}\n")
    except CCMMError as exc:
        err.write(f"ccmm {args.command}: error: {exc}\n")
        return EXIT_BAD_INPUT
    return outcome.code


__all__ = [
    "DEFAULT_DEMO_OUTPUT",
    "FORMATS",
    "build_parser",
    "main",
    "parse_service_target",
    "render",
]
