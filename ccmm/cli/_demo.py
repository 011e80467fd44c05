"""``demo``: the whole story on the bundled examples, as one report and a summary to read first.

The report goes to a file (``ccmm-report.html`` unless ``-o`` says otherwise); the terminal gets a
short summary in the report's language (``--lang``): level and points, the steps to the next
level, the CRUCIAL failures per principle, the attainment verdict, the staffing peak (the same
figure as the report's summary) and the absolute path of the report.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ccmm.cli._common import EXIT_OK, Outcome
from ccmm.cli._progress import Progress

if TYPE_CHECKING:
    from ccmm.report import Report
    from ccmm.report._labels import Lang


def cmd_demo(args: argparse.Namespace, progress: Progress) -> Outcome:
    from ccmm.report import demo_report

    with progress.step("running the demo on the bundled examples"):
        report = demo_report()
    return Outcome(report, EXIT_OK)


def level_words(level: int, lang: str = "en") -> str:
    """``L2``, or the evaluation's own words for level 0 ("no level reached")."""
    from ccmm.scoring import NO_LEVEL

    return f"L{level}" if level else NO_LEVEL.get("zh" if lang == "zh" else "en").lower()


def demo_summary(report: Report, written: Path, lang: str = "en") -> str:
    """The few lines a reader needs from the demo report, ending with where the report is, in
    ``lang`` (``en`` or ``zh``, as the report). The staffing peak is the report's own figure
    (``staffing_peak`` of `ccmm.report._content`: the time of day that needs most agents, all
    groups summed)."""
    from ccmm.report import (
        AttainmentSection,
        CrucialSection,
        EvaluationSection,
        PlanSection,
        StaffingSection,
    )
    from ccmm.report._content import num, pct, principle_name, staffing_peak
    from ccmm.report._labels import label, label_or

    tongue: Lang = "zh" if lang == "zh" else "en"

    def say(key: str, **values: object) -> str:
        return label(key, tongue).format(**values)

    lines: list[str] = []
    for section in report.sections:
        if isinstance(section, EvaluationSection):
            e = section.evaluation
            name = f" {e.level_name.get(tongue)}" if e.level else ""
            lines.append(
                say(
                    "cli_level",
                    level=level_words(e.level, tongue) + name,
                    total=e.total,
                    max_total=e.max_total,
                    standard=f"{e.standard_id} {e.edition}",
                )
            )
        elif isinstance(section, PlanSection):
            p = section.plan
            reach = "" if p.reachable else label("cli_unreachable", tongue)
            lines.append(say("cli_plan", n=p.target_level, steps=len(p.steps)) + reach)
        elif isinstance(section, CrucialSection):
            failed = [
                say("cli_failures", principle=principle_name(key, tongue), n=r.n_failures)
                for key, r in section.report.principles.items()
                if r.status == "fail"
            ]
            sep = "；" if tongue == "zh" else "; "
            verdict = sep.join(failed) if failed else label("cli_no_failure", tongue)
            dataset = label_or(
                f"cli_dataset_{section.label}", tongue, say("cli_dataset", name=section.label)
            )
            lines.append(say("cli_crucial", dataset=dataset, verdict=verdict))
        elif isinstance(section, AttainmentSection):
            r = section.result
            lines.append(
                say(
                    "cli_attainment",
                    rule=r.rule_name or "rule",
                    entity=f"{label_or(f'entity_{r.entity_level}', tongue, r.entity_level)} "
                    f"{r.entity_id}",
                    as_of=r.as_of.isoformat(),
                    verdict=label("passed" if r.passed else "failed", tongue),
                )
            )
        elif isinstance(section, StaffingSection):
            peak = staffing_peak(section)
            if peak is None:
                continue
            at_peak = label("summary_peak", tongue).format(
                required=num(peak.required, 1), time=peak.time, schedule=num(peak.to_schedule, 1)
            )
            target = say(
                "cli_target",
                level=pct(section.target_service_level, 0),
                seconds=num(section.target_seconds),
            )
            lines.append(say("cli_staffing", peak=at_peak, model=section.model, target=target))
    lines.append(say("cli_report", path=written.resolve()))
    return "\n".join(lines) + "\n"


__all__ = ["cmd_demo", "demo_summary", "level_words"]
