"""``agreement``: how far raters agree, from assessment files or one table of scores."""

from __future__ import annotations

import argparse
from typing import Any

from ccmm._errors import InputDataError
from ccmm.cli._common import EXIT_FAILED, EXIT_OK, Outcome
from ccmm.cli._progress import Progress


def cmd_agreement(args: argparse.Namespace, progress: Progress) -> Outcome:
    from ccmm._agreement import agreement
    from ccmm._io import read_assessment
    from ccmm._text import Text
    from ccmm.cli._tables import read_raw
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
        return Outcome(
            report,
            EXIT_FAILED,
            f"Krippendorff's alpha (ordinal) {alpha if alpha is not None else 'undefined'} "
            f"is below --min-alpha {args.min_alpha}",
        )
    return Outcome(report, EXIT_OK)


__all__ = ["cmd_agreement"]
