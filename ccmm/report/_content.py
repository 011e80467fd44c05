"""The content of each section as neutral blocks (headings, paragraphs, tables, charts).

HTML and Markdown are both rendered from these blocks, so they always carry the same facts;
charts are drawn only in HTML, and every chart's numbers are also in a table next to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeAlias

from ccmm.report import _svg
from ccmm.report._labels import Lang, label
from ccmm.report._model import (
    AttainmentSection,
    CrucialSection,
    EvaluationSection,
    PlanSection,
    Section,
    StaffingSection,
    TableSection,
)


@dataclass(frozen=True)
class Spark:
    """A table cell with a trend line (HTML) and its values as text (both renderings)."""

    values: tuple[float | None, ...]
    text: str
    reference: float | None = None


@dataclass(frozen=True)
class Status:
    """A pass / fail / neutral cell; ``ok`` None is neither."""

    ok: bool | None
    text: str


Cell: TypeAlias = str | Spark | Status


@dataclass(frozen=True)
class Heading:
    text: str
    level: int


@dataclass(frozen=True)
class Para:
    text: str
    css: str = ""


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    css: str = ""
    row_css: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chart:
    svg: str


Block: TypeAlias = Heading | Para | Table | Chart


# ---- number formatting ---------------------------------------------------------------------
def pct(value: float | Fraction | None, digits: int = 1) -> str:
    """``0.8125`` -> ``81.3%``; whole percentages without decimals; None -> ``–``."""
    if value is None:
        return "–"
    number = 100 * float(value)
    if not math.isfinite(number):
        return "–"
    if number == round(number):
        return f"{round(number)}%"
    return f"{number:.{digits}f}%"


def num(value: float | int | None, digits: int = 2) -> str:
    """A number without trailing zeros (``290.0`` -> ``290``); None / NaN -> ``–``."""
    if value is None or isinstance(value, bool):
        return "–"
    number = float(value)
    if not math.isfinite(number):
        return "–"
    if number == round(number) and abs(number) < 1e15:
        return str(round(number))
    return f"{number:.{digits}f}".rstrip("0").rstrip(".")


def _yes_no(ok: bool, lang: Lang) -> Status:
    return Status(ok, label("yes" if ok else "no", lang))


def section_anchor(section: Section) -> str:
    """The HTML id of a section."""
    if isinstance(section, EvaluationSection):
        return "evaluation"
    if isinstance(section, PlanSection):
        return "plan"
    if isinstance(section, CrucialSection):
        return f"crucial-{section.label}"
    if isinstance(section, AttainmentSection):
        return "attainment"
    if isinstance(section, StaffingSection):
        return "staffing"
    return section.key


def section_title(section: Section, lang: Lang) -> str:
    """The heading of a section."""
    if isinstance(section, EvaluationSection):
        return label("evaluation", lang)
    if isinstance(section, PlanSection):
        return f"{label('plan_to', lang)} L{section.plan.target_level}"
    if isinstance(section, CrucialSection):
        return f"{label('crucial', lang)}: {section.label}"
    if isinstance(section, AttainmentSection):
        return label("attainment", lang)
    if isinstance(section, StaffingSection):
        return label("staffing", lang)
    return section.title.get(lang)


# ---- evaluation ----------------------------------------------------------------------------
def _rule_cells(rule: object, lang: Lang) -> tuple[str, str, str]:
    from ccmm.scoring import RuleResult

    assert isinstance(rule, RuleResult)
    if rule.kind == "share":
        observed = f"{rule.observed}/{rule.denominator} ({pct(rule.share)})"
        required = f"{rule.required} ({pct(rule.minimum)})"
    elif rule.kind == "total":
        observed = f"{rule.observed} {label('points', lang)}"
        required = f"{rule.required} {label('points', lang)}"
    else:
        observed = label("unknown", lang) if rule.observed is None else num(rule.observed)
        required = num(rule.required)
    short = label("unknown", lang) if rule.short_by is None else num(rule.short_by)
    return observed, required, short


def _rule_label(rule: object, lang: Lang) -> str:
    from ccmm.scoring import RuleResult

    assert isinstance(rule, RuleResult)
    if rule.kind == "total":
        return label("total", lang)
    if rule.kind == "operating_years":
        return "operating years" if lang == "en" else "运营年限"
    return rule.label


def evaluation_blocks(section: EvaluationSection, lang: Lang, *, depth: int = 2) -> list[Block]:
    ev = section.evaluation
    head = (
        f"L{ev.level} {ev.level_name.get(lang)}" if ev.level else f"L0 ({label('no_level', lang)})"
    )
    facts = [
        f"{label('level', lang)}: {head}",
        f"{label('total', lang)}: {ev.total}/{ev.max_total} {label('points', lang)}",
        f"{label('standard', lang)}: {ev.standard_id} {ev.edition}",
    ]
    if section.organisation:
        facts.insert(0, f"{label('organisation', lang)}: {section.organisation}")
    blocks: list[Block] = [Para(" · ".join(facts), "headline")]
    domains = [d for d in ev.domains if d.items]
    c_values = [d.c_sum / d.c_max if d.c_max else 0.0 for d in domains]
    f_values = [d.f_sum / d.f_max if d.f_max else 0.0 for d in domains]
    blocks.append(Heading(label("radar", lang), depth + 1))
    blocks.append(
        Chart(
            _svg.radar(
                [d.id for d in domains],
                [("C-Rate", _svg.C_COLOUR, c_values), ("F-Rate", _svg.F_COLOUR, f_values)],
                title=label("radar", lang),
            )
        )
    )
    blocks.append(Para(label("radar_caption", lang), "caption"))
    blocks.append(
        Table(
            (label("domain", lang), "", "C-Rate", "F-Rate", label("items", lang)),
            tuple(
                (
                    d.id,
                    d.name.get(lang),
                    f"{d.c_sum}/{d.c_max} ({pct(c)})",
                    f"{d.f_sum}/{d.f_max} ({pct(f)})",
                    f"{d.rated_items}/{d.items}",
                )
                for d, c, f in zip(domains, c_values, f_values, strict=True)
            ),
            "domains",
        )
    )
    blocks.append(Heading(label("ladder", lang), depth + 1))
    rungs = []
    for lv in ev.levels:
        state = "reached" if lv.reached else ("holds" if lv.holds else "not_met")
        met = sum(r.holds for r in lv.rules)
        rungs.append(
            (
                f"L{lv.level} {lv.name.get(lang)}",
                f"{met}/{len(lv.rules)} · {label(state, lang)}",
                state,
            )
        )
    blocks.append(Chart(_svg.ladder(rungs, title=label("ladder", lang))))
    blocks.append(Para(label("ladder_caption", lang), "caption"))
    rows: list[tuple[Cell, ...]] = []
    row_css: list[str] = []
    for lv in ev.levels:
        for rule in lv.rules:
            observed, required, short = _rule_cells(rule, lang)
            rows.append(
                (
                    f"L{lv.level}",
                    _rule_label(rule, lang),
                    observed,
                    required,
                    short,
                    Status(rule.holds, label("pass" if rule.holds else "fail", lang)),
                )
            )
            row_css.append(f"rule {'pass' if rule.holds else 'fail'} level-{lv.level}")
    blocks.append(
        Table(
            (
                label("level", lang),
                label("rule", lang),
                label("observed", lang),
                label("required", lang),
                label("short_by", lang),
                label("status", lang),
            ),
            tuple(rows),
            "rules",
            tuple(row_css),
        )
    )
    if ev.domains_not_assessed:
        blocks.append(Para(f"{label('not_assessed', lang)}: {', '.join(ev.domains_not_assessed)}"))
    if ev.counted_as_zero:
        blocks.append(Para(f"{label('counted_as_zero', lang)}: {', '.join(ev.counted_as_zero)}"))
    return blocks


# ---- plan ----------------------------------------------------------------------------------
def plan_blocks(section: PlanSection, lang: Lang) -> list[Block]:
    p = section.plan
    blocks: list[Block] = [
        Para(
            f"L{p.current_level} → L{p.target_level}: {len(p.steps)} {label('steps', lang)}; "
            f"{label('level_after', lang)}: L{p.level_after}; "
            f"{label('total', lang)} {p.total_before} → {p.total_after}",
            "headline",
        )
    ]
    if p.reason is not None:
        blocks.append(Para(f"{label('unreachable', lang)} {p.reason.get(lang)}", "warning"))
    elif not p.steps:
        blocks.append(Para(label("nothing_to_do", lang)))
    if p.note is not None:
        blocks.append(Para(p.note.get(lang), "note"))
    rows: list[tuple[Cell, ...]] = []
    for group in p.by_section:
        for step in group.steps:
            rows.append(
                (
                    f"{group.id} {group.name.get(lang)}",
                    step.item,
                    "C-Rate" if step.rating == "c_rate" else "F-Rate",
                    str(step.from_rating),
                    str(step.to_rating),
                )
            )
    if rows:
        blocks.append(
            Table(
                (
                    label("section", lang),
                    label("item", lang),
                    label("rating", lang),
                    label("from", lang),
                    label("to", lang),
                ),
                tuple(rows),
                "plan-steps",
                tuple("step" for _ in rows),
            )
        )
    return blocks


# ---- CRUCIAL -------------------------------------------------------------------------------
def crucial_blocks(section: CrucialSection, lang: Lang, *, depth: int = 2) -> list[Block]:
    report = section.report
    verdict = label("passed" if report.passed else "failed", lang)
    blocks: list[Block] = [
        Para(
            f"{label('dataset', lang)} {section.label}, {label('as_of', lang)} "
            f"{report.as_of.isoformat()}: {verdict}",
            "headline " + ("pass" if report.passed else "fail"),
        )
    ]
    rows: list[tuple[Cell, ...]] = []
    row_css: list[str] = []
    for name, p in report.principles.items():
        ok = None if p.status == "not_checked" else p.status == "pass"
        rows.append(
            (
                name,
                ", ".join(p.items),
                Status(ok, label(p.status, lang)),
                str(p.n_failures),
                p.reason,
            )
        )
        row_css.append(f"principle {p.status}")
    blocks.append(
        Table(
            (
                label("principle", lang),
                label("items", lang),
                label("status", lang),
                label("failures", lang),
                label("note", lang),
            ),
            tuple(rows),
            "principles",
            tuple(row_css),
        )
    )
    failures = report.failures
    if len(failures):
        blocks.append(Heading(f"{label('failure_rows', lang)} ({len(failures)})", depth + 1))
        shown = failures.head(section.max_failures)
        frows = tuple(
            tuple(
                "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                for v in (r.principle, r.item, r.table, r.row_key, r.column, r.value, r.message)
            )
            for r in shown.itertuples(index=False)
        )
        blocks.append(
            Table(
                (
                    label("principle", lang),
                    label("item", lang),
                    label("table", lang),
                    label("row", lang),
                    label("column", lang),
                    label("value", lang),
                    label("message", lang),
                ),
                frows,
                "failures",
            )
        )
        if len(failures) > section.max_failures:
            blocks.append(Para(f"… {len(failures) - section.max_failures} {label('more', lang)}"))
    return blocks


# ---- attainment ----------------------------------------------------------------------------
def attainment_blocks(section: AttainmentSection, lang: Lang) -> list[Block]:
    r = section.result
    verdict = label("passed" if r.passed else "failed", lang)
    name = r.rule_name or "custom"
    blocks: list[Block] = [
        Para(
            f"{label('rule_name', lang)} {name}, {label('entity', lang)} {r.entity_level} "
            f"{r.entity_id}, {label('as_of', lang)} {r.as_of.isoformat()}: {verdict}",
            "headline " + ("pass" if r.passed else "fail"),
        ),
        Para(
            f"{label('meets_share', lang)} {pct(r.meets_share)} ({label('threshold', lang)} "
            f"{pct(r.meets_threshold)}); {label('meets_or_improving_share', lang)} "
            f"{pct(r.meets_or_improving_share)} ({label('threshold', lang)} "
            f"{pct(r.meets_or_improving_threshold)})"
        ),
    ]
    rows: list[tuple[Cell, ...]] = []
    for m in r.metrics:
        points = section.series.get(m.metric, ())
        values = tuple(v for _, v in points)
        text = " → ".join(num(v) for v in values) if values else "–"
        rows.append(
            (
                m.metric,
                num(m.value, 4),
                num(m.target, 4),
                num(m.gap, 4),
                _yes_no(m.meets, lang),
                Spark(values, text, m.target),
                _yes_no(m.improving, lang),
                m.reason,
            )
        )
    blocks.append(
        Table(
            (
                label("metric", lang),
                label("value", lang),
                label("target", lang),
                label("gap", lang),
                label("meets", lang),
                label("trend", lang),
                label("improving", lang),
                label("reason", lang),
            ),
            tuple(rows),
            "attainment",
            tuple(f"metric {'pass' if m.meets else 'fail'}" for m in r.metrics),
        )
    )
    blocks.extend(Para(note, "note") for note in r.notes)
    return blocks


# ---- staffing ------------------------------------------------------------------------------
def staffing_blocks(section: StaffingSection, lang: Lang) -> list[Block]:
    blocks: list[Block] = [
        Para(
            f"{label('staffing_model', lang)}: {section.model}; {label('service_target', lang)}: "
            f"{pct(section.target_service_level)} {label('within', lang)} "
            f"{num(section.target_seconds)} s; {label('shrinkage', lang)} {pct(section.shrinkage)}",
            "headline",
        )
    ]
    rows: list[tuple[Cell, ...]] = []
    for row in section.rows:
        profile = tuple(float(a) for a in row.agents_profile)
        rows.append(
            (
                row.group,
                str(row.intervals),
                num(row.calls),
                str(row.peak_agents),
                str(row.peak_scheduled),
                num(row.agent_hours, 1),
                num(row.scheduled_hours, 1),
                pct(row.expected_service_level),
                pct(row.expected_occupancy),
                Spark(
                    profile,
                    f"{min(row.agents_profile)}–{max(row.agents_profile)}"
                    if len(profile) > 1
                    else str(row.agents_profile[0]),
                ),
            )
        )
    blocks.append(
        Table(
            (
                label("group", lang),
                label("intervals", lang),
                label("calls", lang),
                label("peak_agents", lang),
                label("peak_scheduled", lang),
                label("agent_hours", lang),
                label("scheduled_hours", lang),
                label("expected_sl", lang),
                label("expected_occupancy", lang),
                label("agents_profile", lang),
            ),
            tuple(rows),
            "staffing",
        )
    )
    return blocks


def table_blocks(section: TableSection, lang: Lang) -> list[Block]:
    rows = tuple(
        tuple("" if c is None else (num(c, 4) if isinstance(c, float) else str(c)) for c in row)
        for row in section.rows
    )
    blocks: list[Block] = [Table(section.columns, rows, section.key)]
    blocks.extend(Para(n, "note") for n in section.notes)
    return blocks


def section_blocks(section: Section, lang: Lang) -> list[Block]:
    """The blocks of one section (without its heading)."""
    if isinstance(section, EvaluationSection):
        return evaluation_blocks(section, lang)
    if isinstance(section, PlanSection):
        return plan_blocks(section, lang)
    if isinstance(section, CrucialSection):
        return crucial_blocks(section, lang)
    if isinstance(section, AttainmentSection):
        return attainment_blocks(section, lang)
    if isinstance(section, StaffingSection):
        return staffing_blocks(section, lang)
    return table_blocks(section, lang)


__all__ = [
    "Block",
    "Cell",
    "Chart",
    "Heading",
    "Para",
    "Spark",
    "Status",
    "Table",
    "num",
    "pct",
    "section_anchor",
    "section_blocks",
    "section_title",
]
