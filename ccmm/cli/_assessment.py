"""Commands on assessments: ``evaluate``, ``plan``, ``compare`` and ``template``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ccmm._errors import InputDataError
from ccmm.cli._common import EXIT_FAILED, EXIT_OK, Outcome, load_standard_option
from ccmm.cli._output import check_output_path, write_atomically
from ccmm.cli._progress import Progress

if TYPE_CHECKING:
    from ccmm.assessment import Assessment
    from ccmm.standard import Standard


def cmd_evaluate(args: argparse.Namespace, progress: Progress) -> Outcome:
    from ccmm._io import read_assessment
    from ccmm._text import Text
    from ccmm.examples import example_path
    from ccmm.report import EvaluationSection, Report
    from ccmm.scoring import evaluate

    standard = load_standard_option(args.standard)
    path = args.file or example_path()
    if args.evidence is not None and args.as_of is None:
        raise InputDataError("--evidence needs --as-of DATE (the day the data is judged on)")
    with progress.step(f"evaluating {path}"):
        assessment = read_assessment(path, standard=standard)
        evaluation = evaluate(
            assessment, standard, allow_missing=args.allow_missing, reading=args.reading
        )
    sections: list[object] = [EvaluationSection(evaluation, organisation=assessment.organisation)]
    if args.evidence is not None:
        from ccmm.evidence import merge, suggest_from_directory
        from ccmm.report._evidence import evidence_section

        with progress.step(f"checking the data in {args.evidence}"):
            suggestions = suggest_from_directory(
                args.evidence,
                as_of=args.as_of,
                allow_approved_adjustments=args.allow_approved_adjustments,
                attainment_window_months=args.attainment_window,
            )
            merged = merge(assessment, suggestions, policy=args.policy)
        sections.append(evidence_section(merged, suggestions))
        if args.policy != "report":
            # The gate applies to the assessment as the data leaves it.
            assessment = merged.assessment
            evaluation = evaluate(assessment, standard, allow_missing=True, reading=args.reading)
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
    return Outcome(report, code, message)


def _unrated_as_zero(assessment: Assessment, standard: Standard | None) -> Assessment:
    """``assessment`` with every unrated required item rated 0 (``--allow-missing``)."""
    from ccmm.assessment import ItemScore
    from ccmm.scoring import resolve_standard

    resolved = resolve_standard(assessment, standard)
    optional = set(resolved.optional_domains)
    zeros = {
        item.id: ItemScore(c_rate=0, f_rate=0)
        for item in resolved.items
        if item.id not in assessment.scores and item.domain not in optional
    }
    return assessment.model_copy(update={"scores": {**assessment.scores, **zeros}})


def cmd_plan(args: argparse.Namespace, progress: Progress) -> Outcome:
    from ccmm._io import read_assessment
    from ccmm._text import Text
    from ccmm.planning import plan
    from ccmm.report import PlanSection, Report

    standard = load_standard_option(args.standard)
    with progress.step(f"planning {args.file}"):
        assessment = read_assessment(args.file, standard=standard)
        if args.allow_missing:
            assessment = _unrated_as_zero(assessment, standard)
        result = plan(
            assessment,
            args.to,
            standard,
            frozen_items=args.freeze,
            reading=args.reading,
        )
    report = Report(
        title=Text(
            en=f"Plan for {assessment.organisation}", zh=f"{assessment.organisation}晋级计划"
        ),
        sections=(PlanSection(result),),
        subtitle=(str(args.file),),
    )
    if result.reachable:
        return Outcome(report, EXIT_OK)
    return Outcome(report, EXIT_FAILED, f"level {args.to} cannot be reached")


def cmd_compare(args: argparse.Namespace, progress: Progress) -> Outcome:
    from ccmm._compare import compare
    from ccmm._io import read_assessment
    from ccmm._text import Text
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
        return Outcome(report, EXIT_FAILED, "the level dropped or a rule was lost")
    return Outcome(report, EXIT_OK)


def cmd_template(args: argparse.Namespace, progress: Progress) -> Outcome:
    from ccmm._io import write_assessment_template
    from ccmm._loader import load_standard

    if args.output is None:
        raise InputDataError("template needs -o FILE (.csv, or .xlsx with the xlsx extra)")
    standard = load_standard_option(args.standard) or load_standard()
    path = check_output_path(args.output, force=args.force)
    write_atomically(
        path,
        lambda temporary: write_assessment_template(
            temporary, standard, organisation=args.organisation
        ),
    )
    return Outcome(
        None,
        EXIT_OK,
        f"wrote {path}: {len(standard.items)} items of {standard.id} {standard.edition} to rate",
        wrote_file=True,
    )


__all__ = ["cmd_compare", "cmd_evaluate", "cmd_plan", "cmd_template"]
