"""``demo``: the whole story on the bundled examples, as one report and a summary to read first.

The report goes to a file (``ccmm-report.html`` unless ``-o`` says otherwise); the terminal gets a
short summary: level and points, the steps to the next level, the CRUCIAL failures per principle,
the attainment verdict, the staffing peak and the absolute path of the report.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ccmm.cli._common import EXIT_OK, Outcome
from ccmm.cli._progress import Progress

if TYPE_CHECKING:
    from ccmm.report import Report


def cmd_demo(args: argparse.Namespace, progress: Progress) -> Outcome:
    from ccmm.report import demo_report

    with progress.step("running the demo on the bundled examples"):
        report = demo_report()
    return Outcome(report, EXIT_OK)


def level_words(level: int, lang: str = "en") -> str:
    """``L2``, or the evaluation's own words for level 0 ("no level reached")."""
    from ccmm.scoring import NO_LEVEL

    return f"L{level}" if level else NO_LEVEL.get("zh" if lang == "zh" else "en").lower()


def demo_summary(report: Report, written: Path) -> str:
    """The few lines a reader needs from the demo report, ending with where the report is."""
    from ccmm.report import (
        AttainmentSection,
        CrucialSection,
        EvaluationSection,
        PlanSection,
        StaffingSection,
    )

    lines: list[str] = []
    for section in report.sections:
        if isinstance(section, EvaluationSection):
            e = section.evaluation
            name = f" {e.level_name.en}" if e.level else ""
            lines.append(
                f"level: {level_words(e.level)}{name}, {e.total} of {e.max_total} points "
                f"({e.standard_id} {e.edition})"
            )
        elif isinstance(section, PlanSection):
            p = section.plan
            reach = "" if p.reachable else " (cannot be reached by ratings alone)"
            lines.append(f"to reach L{p.target_level}: {len(p.steps)} rating step(s){reach}")
        elif isinstance(section, CrucialSection):
            principles = section.report.principles
            failed = [
                f"{key} {r.n_failures} failure(s)"
                for key, r in principles.items()
                if r.status == "fail"
            ]
            verdict = "; ".join(failed) if failed else "no principle failed"
            lines.append(f"CRUCIAL, {section.label} data: {verdict}")
        elif isinstance(section, AttainmentSection):
            r = section.result
            verdict = "passed" if r.passed else "not passed"
            lines.append(
                f"attainment ({r.rule_name or 'rule'}, {r.entity_level} {r.entity_id}, "
                f"as of {r.as_of.isoformat()}): {verdict}"
            )
        elif isinstance(section, StaffingSection) and section.rows:
            peak = max(section.rows, key=lambda row: row.peak_scheduled)
            lines.append(
                f"staffing peak: {peak.peak_agents} agents on the phones, "
                f"{peak.peak_scheduled} scheduled ({peak.group}; {section.model}, "
                f"{section.target_service_level:.0%} in {section.target_seconds:g} s)"
            )
    lines.append(f"report: {written.resolve()}")
    return "\n".join(lines) + "\n"


__all__ = ["cmd_demo", "demo_summary", "level_words"]
