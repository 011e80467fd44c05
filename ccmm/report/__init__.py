"""Reports people want to look at: one self-contained HTML file, or Markdown, or JSON.

A `Report` is a title and a sequence of sections, each wrapping a ccmm result
(executive summary, evaluation, plan, interval KPIs, CRUCIAL check, target attainment, evidence,
staffing, or any table). The renderings carry the same content:

* `render_html`: one HTML document with inline CSS and SVG charts (radar of C-Rate and
  F-Rate per domain, level ladder, daily KPIs against targets, weekday × half-hour heat maps,
  agents by time of day, trend sparklines); no JavaScript, no external file or CDN; readable
  on a phone (nothing scrolls sideways but wide tables, in their own box);
* `render_markdown`: the same headings, figures and tables, without the charts (whose
  numbers are in the tables);
* `render_json` / `report_dict`: the underlying results, language-neutral.

Every text can be rendered in English (``lang="en"``) or Simplified Chinese (``"zh"``).
`demo_report` tells the whole story on the bundled examples (``ccmm demo``). This package
is never imported by ``import ccmm``; the results' ``_repr_html_`` import it on demand.
"""

from __future__ import annotations

from ccmm.report._build import (
    attainment_series,
    demo_report,
    interval_forecast,
    kpi_section,
    latest_month_end,
    section_for,
    staffing_by_time,
    staffing_rows,
    staffing_scenario,
)
from ccmm.report._evidence import evidence_section
from ccmm.report._model import (
    AttainmentSection,
    CrucialSection,
    DailyKpi,
    EvaluationSection,
    EvidenceSection,
    HeatCell,
    KpiLine,
    KpiSection,
    PlanSection,
    Report,
    Section,
    StaffingRow,
    StaffingSection,
    SummarySection,
    TableSection,
    TimeOfDayStaffing,
)
from ccmm.report._render import (
    fragment_html,
    render_html,
    render_json,
    render_markdown,
    render_text,
    report_dict,
    section_dict,
    section_html,
    section_markdown,
    section_text,
)

__all__ = [
    "AttainmentSection",
    "CrucialSection",
    "DailyKpi",
    "EvaluationSection",
    "EvidenceSection",
    "HeatCell",
    "KpiLine",
    "KpiSection",
    "PlanSection",
    "Report",
    "Section",
    "StaffingRow",
    "StaffingSection",
    "SummarySection",
    "TableSection",
    "TimeOfDayStaffing",
    "attainment_series",
    "demo_report",
    "evidence_section",
    "fragment_html",
    "interval_forecast",
    "kpi_section",
    "latest_month_end",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "report_dict",
    "section_dict",
    "section_for",
    "section_html",
    "section_markdown",
    "section_text",
    "staffing_by_time",
    "staffing_rows",
    "staffing_scenario",
]


def __dir__() -> list[str]:
    return list(__all__)
