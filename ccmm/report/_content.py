"""The content of each section as neutral blocks (headings, paragraphs, tables, charts).

HTML and Markdown are both rendered from these blocks, so they always carry the same facts;
charts are drawn only in HTML, and every chart's numbers are also in a table next to it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias

from ccmm.report import _svg
from ccmm.report._labels import Lang, label, label_or
from ccmm.report._model import (
    AttainmentSection,
    CrucialSection,
    DailyKpi,
    EvaluationSection,
    EvidenceSection,
    KpiLine,
    KpiSection,
    PlanSection,
    Section,
    StaffingSection,
    SummarySection,
    TableSection,
    TimeOfDayStaffing,
)

if TYPE_CHECKING:
    import pandas as pd

    from ccmm.standard import Standard


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
    id: str = ""


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
    fold: str = ""  # HTML: shown folded under this summary line (long tables of chart numbers)


@dataclass(frozen=True)
class Chart:
    """An inline SVG; ``id`` names it in the page, ``wide`` charts keep their size and scroll
    in their own box on a narrow screen instead of shrinking."""

    svg: str
    id: str = ""
    wide: bool = False


@dataclass(frozen=True)
class Facts:
    """The executive summary's list of (term, statement) pairs."""

    items: tuple[tuple[str, str, str], ...]  # (term, statement, css: "" | "pass" | "fail")


Block: TypeAlias = Heading | Para | Table | Chart | Facts


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
    if isinstance(section, SummarySection):
        return "summary"
    if isinstance(section, KpiSection):
        return "kpis" + (f"-{section.label}" if section.label else "")
    if isinstance(section, EvidenceSection):
        return "evidence"
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
    if isinstance(section, SummarySection):
        return label("summary", lang)
    if isinstance(section, KpiSection):
        return label("kpis", lang)
    if isinstance(section, EvidenceSection):
        return label("evidence", lang)
    if isinstance(section, EvaluationSection):
        return label("evaluation", lang)
    if isinstance(section, PlanSection):
        return f"{label('plan_to', lang)} L{section.plan.target_level}"
    if isinstance(section, CrucialSection):
        return f"{label('crucial', lang)}: {dataset_name(section.label, lang)}"
    if isinstance(section, AttainmentSection):
        return label("attainment", lang)
    if isinstance(section, StaffingSection):
        return label("staffing", lang)
    return section.title.get(lang)


def dataset_name(name: str, lang: Lang) -> str:
    """The shipped example datasets by what they are; any other dataset by its own name."""
    return label_or(f"dataset_{name}", lang, name)


def metric_name(metric: str, lang: Lang) -> str:
    """A metric by its KPI-catalogue name in ``lang`` (with its id), or by its id alone."""
    from ccmm._errors import CCMMError
    from ccmm.kpi import load_kpi_catalogue

    try:
        name = load_kpi_catalogue().get(metric).name.get(lang)
    except CCMMError:
        return metric
    return f"{name} ({metric})"


def principle_name(name: str, lang: Lang) -> str:
    """A CRUCIAL principle's name in ``lang``."""
    return label_or(f"p_{name}", lang, name)


# ---- executive summary ---------------------------------------------------------------------
def largest_gaps(section: SummarySection, count: int = 3) -> list[tuple[str, int]]:
    """The plan's sections with the most steps (standard order among equals), as
    (``"id name"``, steps), at most ``count``; empty without a plan."""
    if section.plan is None:
        return []
    groups = sorted(enumerate(section.plan.by_section), key=lambda kg: (-len(kg[1].steps), kg[0]))
    return [(f"{g.id} {g.name.en}", len(g.steps)) for _, g in groups[:count]]


def summary_blocks(section: SummarySection, lang: Lang) -> list[Block]:
    ev = section.evaluation
    facts: list[tuple[str, str, str]] = []
    level = (
        f"L{ev.level} {ev.level_name.get(lang)}" if ev.level else f"L0 ({label('no_level', lang)})"
    )
    facts.append((label("summary_level", lang), level, "pass" if ev.level else "fail"))
    facts.append((label("summary_points", lang), f"{ev.total} / {ev.max_total}", ""))
    if ev.level >= len(ev.levels):
        facts.append((label("summary_next", lang), label("summary_top_level", lang), "pass"))
    else:
        nxt = ev.levels[ev.level]  # the next level's result (levels are 1-based)
        needs = (
            label("summary_next_needs", lang).format(n=len(section.plan.steps))
            if section.plan is not None
            else ""
        )
        facts.append(
            (label("summary_next", lang), f"L{nxt.level} {nxt.name.get(lang)}: {needs}", "")
        )
        short = []
        for rule in nxt.rules:
            if rule.holds:
                continue
            amount = "?" if rule.short_by is None else num(rule.short_by)
            key = "summary_short_points" if rule.kind == "total" else "summary_short_items"
            short.append(f"{_rule_label(rule, lang)}: {label(key, lang).format(n=amount)}")
        if short:
            facts.append((label("summary_rules_short", lang), "; ".join(short), "fail"))
        if section.plan is not None and section.plan.by_section:
            names = {
                f"{g.id} {g.name.en}": f"{g.id} {g.name.get(lang)}" for g in section.plan.by_section
            }
            gaps = [
                f"{names[name]} ({label('summary_gap_steps', lang).format(n=n)})"
                for name, n in largest_gaps(section)
            ]
            facts.append((label("summary_gaps", lang), "; ".join(gaps), ""))
    for crucial in section.crucial:
        report = crucial.report
        failed = [
            principle_name(n, lang) for n, p in report.principles.items() if p.status == "fail"
        ]
        verdict = label("passed" if report.passed else "failed", lang)
        detail = f"{verdict}" + (f" ({', '.join(failed)})" if failed else "")
        facts.append(
            (
                f"{label('summary_data', lang)}: {dataset_name(crucial.label, lang)}",
                detail,
                "pass" if report.passed else "fail",
            )
        )
    if section.attainment is not None:
        a = section.attainment
        facts.append(
            (
                label("summary_attainment", lang),
                label("summary_attainment_line", lang).format(
                    verdict=label("passed" if a.passed else "failed", lang),
                    meets=pct(a.meets_share),
                    needs=pct(a.meets_threshold),
                ),
                "pass" if a.passed else "fail",
            )
        )
    peak = None if section.staffing is None else staffing_peak(section.staffing)
    if peak is not None:
        text = label("summary_peak", lang).format(
            required=num(peak.required, 1), time=peak.time, schedule=num(peak.to_schedule, 1)
        )
        if peak.on_duty is not None:
            text += "; " + label("summary_on_duty", lang).format(n=num(peak.on_duty, 1))
        facts.append((label("summary_staffing", lang), text, ""))
    blocks: list[Block] = [Facts(tuple(facts))]
    if section.crucial:
        principles = list(dict.fromkeys(n for c in section.crucial for n in c.report.principles))
        table_rows: list[tuple[Cell, ...]] = []
        for principle in principles:
            cells: list[Cell] = [principle_name(principle, lang)]
            for c in section.crucial:
                p = c.report.principles.get(principle)
                if p is None:
                    cells.append("–")
                    continue
                ok = None if p.status == "not_checked" else p.status == "pass"
                text = label(p.status, lang)
                if p.n_failures:
                    text += f" ({p.n_failures})"
                cells.append(Status(ok, text))
            table_rows.append(tuple(cells))
        blocks.append(
            Table(
                (
                    label("principle", lang),
                    *(dataset_name(c.label, lang) for c in section.crucial),
                ),
                tuple(table_rows),
                "summary-crucial",
            )
        )
    return blocks


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
                [f"{d.id} {d.name.get(lang)}" for d in domains],
                [("C-Rate", _svg.C_COLOUR, c_values), ("F-Rate", _svg.F_COLOUR, f_values)],
                title=label("radar", lang),
            ),
            "radar",
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
    if ev.readings_differ:  # the standard leaves "met" open: say when the choice matters
        blocks.append(Para(ev.readings_line(lang)))
    return blocks


# ---- plan ----------------------------------------------------------------------------------
def _plan_standard(section: PlanSection) -> Standard | None:
    from ccmm._errors import CCMMError
    from ccmm._loader import load_standard

    if section.standard is not None:
        return section.standard
    try:
        return load_standard(section.plan.standard_id, section.plan.edition)
    except CCMMError:  # a user's standard given as a file: no titles, no rule names
        return None


def _rule_text(rating: str, scope_name: str, minimum: Fraction, level: int, lang: Lang) -> str:
    name = "C-Rate" if rating == "c_rate" else "F-Rate"
    return f"L{level} {name} {scope_name} ≥ {pct(minimum)}"


def step_rules(section: PlanSection, lang: Lang) -> list[list[str]]:
    """For each step of the plan (in ``plan.steps`` order), the rules it moves: the share rule
    of the target level whose rating and scope hold the step's item when the step reaches the
    top grade, and the points total when the plan starts below it."""
    p = section.plan
    standard = _plan_standard(section)
    if standard is None:
        return [[] for _ in p.steps]
    target = standard.level(p.target_level)
    # The strongest share rule per (rating, scope) up to the target level.
    strongest: dict[tuple[str, str], tuple[int, Fraction]] = {}
    for level_rule in standard.levels[: p.target_level]:
        for rule in level_rule.share_rules:
            strongest[(rule.rating, rule.scope)] = (level_rule.level, rule.minimum)
    total_short = p.total_before < target.min_total
    out: list[list[str]] = []
    for step in p.steps:
        served = []
        if step.to_rating == standard.max_rating:
            for (rating, scope_id), (level, minimum) in strongest.items():
                scope = standard.scope(scope_id)
                if rating == step.rating and step.domain in scope.domains:
                    served.append(_rule_text(rating, scope.name.get(lang), minimum, level, lang))
        if total_short and step.to_rating > step.from_rating:
            served.append(
                f"L{p.target_level} {label('total', lang)} ≥ {target.min_total} "
                f"{label('points', lang)}"
            )
        out.append(served)
    return out


def plan_blocks(section: PlanSection, lang: Lang, *, depth: int = 2) -> list[Block]:
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
    if not p.steps:
        return blocks
    standard = _plan_standard(section)
    served = dict(zip(p.steps, step_rules(section, lang), strict=True))

    def title(item: str) -> str:
        return "–" if standard is None else standard.item(item).title.get(lang)

    def row(step: object) -> tuple[Cell, ...]:
        from ccmm.planning import PlanStep

        assert isinstance(step, PlanStep)
        return (
            step.item,
            title(step.item),
            "C-Rate" if step.rating == "c_rate" else "F-Rate",
            f"{step.from_rating} → {step.to_rating}",
            "; ".join(served[step]) or "–",
        )

    columns = (
        label("item", lang),
        label("title", lang),
        label("rating", lang),
        f"{label('from', lang)} → {label('to', lang)}",
        label("serves", lang),
    )
    quick = [(g, s) for g in p.by_section for s in g.steps if len(served[s]) >= 2]
    blocks.append(Heading(label("quick_wins", lang), depth + 1, "quick-wins"))
    if quick:
        blocks.append(Para(label("quick_wins_caption", lang), "caption"))
        blocks.append(
            Table(
                (label("section", lang), *columns),
                tuple((f"{g.id} {g.name.get(lang)}", *row(s)) for g, s in quick),
                "plan-steps quick",
                tuple("step quick" for _ in quick),
            )
        )
    else:
        blocks.append(Para(label("no_quick_wins", lang), "note"))
    quick_steps = {s for _, s in quick}
    blocks.append(Heading(label("steps_by_section", lang), depth + 1, "plan-by-section"))
    for group in p.by_section:
        rows = tuple(row(s) for s in group.steps if s not in quick_steps)
        if rows:
            blocks.append(Heading(f"{group.id} {group.name.get(lang)}", depth + 2))
            blocks.append(Table(columns, rows, "plan-steps", tuple("step" for _ in rows)))
    return blocks


# ---- CRUCIAL -------------------------------------------------------------------------------
def crucial_blocks(section: CrucialSection, lang: Lang, *, depth: int = 2) -> list[Block]:
    report = section.report
    verdict = label("passed" if report.passed else "failed", lang)
    blocks: list[Block] = [
        Para(
            f"{label('dataset', lang)} {dataset_name(section.label, lang)}, {label('as_of', lang)} "
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
                principle_name(name, lang),
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
    shown, total = crucial_failures_shown(section)
    if total:
        blocks.append(Heading(f"{label('failure_rows', lang)} ({total})", depth + 1))
        frows = tuple(
            (
                principle_name(str(r.principle), lang),
                *(
                    "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                    for v in (r.item, r.table, r.row_key, r.column, r.value, r.message)
                ),
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
        if total > len(shown):
            blocks.append(Para(f"… {total - len(shown)} {label('more', lang)}"))
    return blocks


def crucial_failures_shown(section: CrucialSection) -> tuple[pd.DataFrame, int]:
    """The failure rows a section shows (at most ``max_failures`` per check, as
    ``crucial.check(max_failures=)`` keeps them) and the exact number of failures found, which
    the principles count whether or not the check kept every row."""
    from ccmm.crucial._report import first_per_check

    report = section.report
    total = sum(p.n_failures for p in report.principles.values())
    return first_per_check(report.failures, section.max_failures), total


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
                metric_name(m.metric, lang),
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
    if section.by_time:
        blocks.extend(by_time_blocks(section, lang))
    return blocks


def staffing_peak(section: StaffingSection) -> TimeOfDayStaffing | None:
    """The time of day that needs the most agents (the earliest of equal ones)."""
    if not section.by_time:
        return None
    return max(section.by_time, key=lambda t: (t.required, [-ord(c) for c in t.time]))


def by_time_blocks(section: StaffingSection, lang: Lang, *, depth: int = 2) -> list[Block]:
    times = [t.time for t in section.by_time]
    series: list[tuple[str, str, list[float | None], str]] = [
        (label("required_agents", lang), _svg.C_COLOUR, [t.required for t in section.by_time], ""),
        (
            label("to_schedule", lang),
            _svg.F_COLOUR,
            [t.to_schedule for t in section.by_time],
            "5,3",
        ),
    ]
    has_duty = all(t.on_duty is not None for t in section.by_time)
    if has_duty:
        series.append(
            (label("on_duty", lang), "#555555", [t.on_duty for t in section.by_time], "2,2")
        )
    title = label("by_time", lang)
    blocks: list[Block] = [
        Heading(title, depth + 1, "staffing-by-time"),
        Chart(_svg.profile_chart(times, series, title=title), "staffing-chart"),
        Para(label("by_time_caption" if has_duty else "by_time_no_duty", lang), "caption"),
    ]
    rows = tuple(
        (
            t.time,
            num(t.required, 1),
            num(t.to_schedule, 1),
            num(t.on_duty, 1),
        )
        for t in section.by_time
    )
    blocks.append(
        Table(
            (
                label("time", lang),
                label("required_agents", lang),
                label("to_schedule", lang),
                label("on_duty", lang),
            ),
            rows,
            "by-time",
            fold=label("by_time", lang),
        )
    )
    return blocks


# ---- interval KPIs -------------------------------------------------------------------------
def _kpi_format(line: KpiLine) -> Callable[[float], str]:
    if line.unit == "fraction":
        return lambda v: pct(v, 1)
    return lambda v: f"{num(v, 1)} s" if line.unit == "s" else num(v, 2)


def _kpi_value(day: DailyKpi, metric: str) -> float | None:
    value = getattr(day, metric)
    return None if value is None else float(value)


def kpi_blocks(section: KpiSection, lang: Lang, *, depth: int = 2) -> list[Block]:
    days = section.days
    blocks: list[Block] = []
    if days:
        blocks.append(
            Para(
                label("kpi_days", lang).format(
                    n=len(days), first=days[0].day.isoformat(), last=days[-1].day.isoformat()
                ),
                "headline",
            )
        )
    day_labels = [
        f"{d.day.month}-{d.day.day:02d} {label(f'wd{d.day.weekday()}', lang)}" for d in days
    ]
    for line in section.metrics:
        fmt = _kpi_format(line)
        name = line.name.get(lang)
        title = label("kpi_daily", lang).format(name=name)
        title = title[:1].upper() + title[1:]
        target = None if line.target is None else (label("kpi_target", lang), line.target)
        refs = [(t.get(lang), v) for t, v in line.references]
        blocks.append(Heading(title, depth + 1, f"kpi-{line.metric}"))
        blocks.append(
            Chart(
                _svg.line_chart(
                    day_labels,
                    [_kpi_value(d, line.metric) for d in days],
                    title=title,
                    fmt=fmt,
                    target=target,
                    references=refs,
                ),
                f"chart-{line.metric}",
            )
        )
        target_text = (
            f"{label('kpi_target', lang)} {fmt(line.target)}"
            if line.target is not None
            else label("kpi_no_target", lang)
        )
        ref_text = "; ".join(f"{t} {fmt(v)}" for t, v in refs) or "–"
        stop, colon = ("。", "：") if lang == "zh" else (". ", ": ")
        sentence = f"{target_text}{stop}{label('kpi_reference', lang)}{colon}{ref_text}"
        blocks.append(Para(sentence[:1].upper() + sentence[1:], "note"))
    blocks.append(Para(label("kpi_caption", lang), "caption"))
    blocks.append(
        Table(
            (
                label("day", lang),
                label("offered", lang),
                *(m.name.get(lang) for m in section.metrics),
            ),
            tuple(
                (
                    text,
                    num(d.offered),
                    *(
                        "–" if (v := _kpi_value(d, m.metric)) is None else _kpi_format(m)(v)
                        for m in section.metrics
                    ),
                )
                for text, d in zip(day_labels, days, strict=True)
            ),
            "kpi-days",
        )
    )
    if section.heat:
        blocks.extend(_heat_blocks(section, lang, depth))
    return blocks


def _heat_blocks(section: KpiSection, lang: Lang, depth: int) -> list[Block]:
    weekdays = sorted({c.weekday for c in section.heat})
    times = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)]
    extra = sorted({c.time for c in section.heat} - set(times))
    times = sorted([*times, *extra])
    at = {(c.weekday, c.time): c for c in section.heat}
    rows = [label(f"wd{w}", lang) for w in weekdays]
    offered = [[at[(w, t)].offered if (w, t) in at else None for t in times] for w in weekdays]
    top = max((v for row in offered for v in row if v is not None), default=1.0)
    sl_line = next((m for m in section.metrics if m.metric == "service_level"), None)
    target = sl_line.target if sl_line is not None and sl_line.target is not None else 0.8

    def sl_colour(v: float) -> str:
        if v >= target:
            return _svg.PASS_COLOUR
        return _svg.HOLD_COLOUR if v >= target - 0.1 else _svg.FAIL_COLOUR

    title_offered = label("heat_offered", lang)
    title_sl = label("heat_sl", lang)
    blocks: list[Block] = [
        Heading(title_offered, depth + 1, "heatmap-offered"),
        Chart(
            _svg.heatmap(
                rows,
                times,
                offered,
                title=title_offered,
                fmt=num,
                colour=lambda v: _svg.scale_colour(v, 0.0, top),
                legend=(
                    (_svg.scale_colour(0.0, 0.0, 1.0), label("few", lang)),
                    (_svg.scale_colour(1.0, 0.0, 1.0), label("many", lang)),
                ),
            ),
            "heatmap-offered-chart",
            wide=True,
        ),
        Heading(title_sl, depth + 1, "heatmap-service-level"),
        Chart(
            _svg.heatmap(
                rows,
                times,
                [
                    [at[(w, t)].service_level if (w, t) in at else None for t in times]
                    for w in weekdays
                ],
                title=title_sl,
                fmt=pct,
                colour=sl_colour,
                legend=(
                    (_svg.PASS_COLOUR, label("sl_meets", lang)),
                    (_svg.HOLD_COLOUR, label("sl_near", lang)),
                    (_svg.FAIL_COLOUR, label("sl_below", lang)),
                ),
            ),
            "heatmap-service-level-chart",
            wide=True,
        ),
        Para(label("heat_caption", lang), "caption"),
    ]
    busiest = sorted(section.heat, key=lambda c: (-c.offered, c.weekday, c.time))[:5]
    blocks.append(
        Table(
            (
                label("weekday", lang),
                label("time", lang),
                label("offered", lang),
                "SL" if sl_line is None else sl_line.name.get(lang),
            ),
            tuple(
                (label(f"wd{c.weekday}", lang), c.time, num(c.offered), pct(c.service_level))
                for c in busiest
            ),
            "busiest",
        )
    )
    blocks.insert(-1, Heading(label("heat_table", lang), depth + 2))
    return blocks


# ---- evidence ------------------------------------------------------------------------------
_VERDICT_ORDER = {"contradicts": 0, "supports": 1, "cannot_judge": 2, "unrated": 3}


def _rating(value: int | None) -> str:
    return "–" if value is None else str(value)


@dataclass(frozen=True)
class EvidenceRow:
    """One item of the evidence mapping as the report shows it.

    ``verdict`` is the library's (``supports`` …, underscores as spaces); ``shown`` is what the
    report says: ``failed_lower`` instead of ``supports`` when a check of the item failed (the
    assessor was then already at or below the data). Ratings are (C-Rate, F-Rate) pairs.
    """

    item: str
    verdict: str
    shown: str
    assessor: tuple[int | None, int | None]
    data: tuple[int | None, int | None]
    after: tuple[int | None, int | None]
    checks: tuple[str, ...]
    reason: str
    rows: tuple[str, ...]


def evidence_rows(section: EvidenceSection) -> list[EvidenceRow]:
    """One row per item of the mapping, contradicted first, then supported, then the rest."""
    result, suggestions = section.result, section.suggestions
    before, after = result.before.scores, result.assessment.scores
    out: list[EvidenceRow] = []
    for verdict in sorted(result.verdicts, key=lambda v: _VERDICT_ORDER[v.verdict]):
        item = verdict.item
        suggestion = suggestions.get(item)
        old, new = before.get(item), after.get(item)
        failing = (
            []
            if suggestion is None
            else [
                e
                for e in (*suggestion.c_evidence, *suggestion.f_evidence)
                if e.grade is not None and e.grade < 10
            ]
        )
        shown: str = verdict.verdict
        # merge() calls an item "supported" when the assessor gave no more than the data
        # suggests; with a failing check the assessor was already at or below the data, which
        # a reader must not take for a clean bill.
        if shown == "supports" and failing:
            shown = "failed_lower"
        out.append(
            EvidenceRow(
                item=item,
                verdict=verdict.verdict.replace("_", " "),
                shown=shown,
                assessor=(None, None) if old is None else (old.c_rate, old.f_rate),
                data=(None, None) if suggestion is None else (suggestion.c_rate, suggestion.f_rate),
                after=(None, None) if new is None else (new.c_rate, new.f_rate),
                checks=tuple(
                    dict.fromkeys(f"{e.check} ({e.n_offending}/{e.n_checked})" for e in failing)
                ),
                reason=verdict.reason,
                rows=tuple(r.row_key for e in failing for r in e.rows),
            )
        )
    return out


def evidence_blocks(section: EvidenceSection, lang: Lang) -> list[Block]:
    rows: list[tuple[Cell, ...]] = []
    row_css: list[str] = []
    for r in evidence_rows(section):
        ok = {"supports": True, "contradicts": False, "failed_lower": False}.get(r.shown)
        pairs = [
            label("assessor_data", lang).format(a=_rating(a), d=_rating(d))
            for a, d in zip(r.assessor, r.data, strict=True)
        ]
        shown_rows = "; ".join(r.rows[:2]) + ("; …" if len(r.rows) > 2 else "")
        rows.append(
            (
                r.item,
                Status(ok, label(f"v_{r.shown}", lang)),
                *pairs,
                f"{_rating(r.after[0])}/{_rating(r.after[1])}",
                "; ".join(r.checks) or r.reason or "–",
                shown_rows or "–",
            )
        )
        row_css.append(f"evidence {r.shown}")
    result = section.result
    counts = {k: sum(1 for v in result.verdicts if v.verdict == k) for k in _VERDICT_ORDER}
    note = label("evidence_note", lang).format(
        policy=result.policy,
        supports=counts["supports"],
        contradicts=counts["contradicts"],
        cannot=counts["cannot_judge"],
        unrated=counts["unrated"],
        changed=len(result.changes),
        as_of=section.suggestions.as_of.isoformat(),
    )
    notes = [Para(note, "note")]
    if section.suggestions.allow_approved_adjustments:  # a setting that lets hand edits pass
        notes.append(Para(label("evidence_approved_adjustments", lang), "note"))
    if section.suggestions.attainment_window_months is not None:
        months = section.suggestions.attainment_window_months
        notes.append(Para(label("evidence_window", lang).format(n=months), "note"))
    return [
        Table(
            (
                label("item", lang),
                label("verdict", lang),
                "C-Rate",
                "F-Rate",
                label("after_merge", lang),
                label("failing_checks", lang),
                label("rows", lang),
            ),
            tuple(rows),
            "evidence",
            tuple(row_css),
        ),
        *notes,
    ]


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
    if isinstance(section, SummarySection):
        return summary_blocks(section, lang)
    if isinstance(section, KpiSection):
        return kpi_blocks(section, lang)
    if isinstance(section, EvidenceSection):
        return evidence_blocks(section, lang)
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
