"""HTML, Markdown, JSON and plain-text renderings of a `Report`."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import date
from typing import Any

from ccmm._errors import InputDataError
from ccmm._escape import markdown_inline, one_line
from ccmm._guard import checked_arguments
from ccmm._text import Text, quote
from ccmm.report import _svg
from ccmm.report._clean import esc as escape
from ccmm.report._content import (
    Block,
    Cell,
    Chart,
    Facts,
    Heading,
    Para,
    Spark,
    Status,
    crucial_failures_shown,
    evidence_rows,
    largest_gaps,
    section_anchor,
    section_blocks,
    section_title,
    staffing_peak,
    step_rules,
)
from ccmm.report._labels import Lang, label
from ccmm.report._model import (
    AttainmentSection,
    CrucialSection,
    EvaluationSection,
    EvidenceSection,
    KpiSection,
    PlanSection,
    Report,
    Section,
    StaffingSection,
    SummarySection,
)

_STYLE = """
*{box-sizing:border-box}
body{font-family:"Noto Sans","Noto Sans CJK SC","Microsoft YaHei","PingFang SC",Arial,sans-serif;
margin:0 auto;max-width:1100px;padding:1.5rem;color:#222;line-height:1.45;overflow-wrap:break-word}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
.subtitle{color:#555;margin:.1rem 0}
nav ul{columns:2;padding-left:1.2rem}
.scroll{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.ok{color:#2e7d32;font-weight:bold}.bad{color:#c62828;font-weight:bold}.neutral{color:#666}
.headline{font-size:1.1rem;font-weight:bold}
.headline.fail{color:#c62828}.headline.pass{color:#2e7d32}
.caption{color:#666;font-size:.85rem;margin-top:0}
.warning{color:#c62828}.note{color:#555;font-size:.9rem}
figure.chart{margin:.6rem 0;max-width:100%}
figure.chart svg{max-width:100%;height:auto}
figure.chart.wide svg{max-width:none}
svg.ccmm-chart{font-family:inherit}
dl.facts{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.3rem 1rem;
margin:.8rem 0;padding:.8rem 1rem;background:#f7f9fb;border:1px solid #dde3ea;border-radius:6px}
dl.facts dt{font-weight:bold;color:#444}dl.facts dd{margin:0}
dl.facts dd.pass{color:#2e7d32}dl.facts dd.fail{color:#c62828}
table.plan-steps{width:100%}h4{margin:1rem 0 .2rem}
details{margin:.4rem 0}summary{cursor:pointer;color:#1f5fa8}
footer{margin-top:2rem;color:#777;font-size:.8rem}
@media (max-width:600px){body{padding:.75rem}nav ul{columns:1}
dl.facts{grid-template-columns:1fr;gap:0 .5rem}dl.facts dd{margin-bottom:.4rem}
h1{font-size:1.5rem}table{font-size:.8rem}}
"""


def _line(line: str | Text, lang: Lang) -> str:
    return line.get(lang) if isinstance(line, Text) else line


# ---- HTML ----------------------------------------------------------------------------------
def _cell_html(cell: Cell) -> str:
    if isinstance(cell, Status):
        css = "neutral" if cell.ok is None else ("ok" if cell.ok else "bad")
        mark = "" if cell.ok is None else ("✓ " if cell.ok else "✗ ")
        return f'<td class="{css}">{mark}{escape(cell.text)}</td>'
    if isinstance(cell, Spark):
        line = _svg.sparkline(list(cell.values), title=cell.text, reference=cell.reference)
        return f'<td class="spark">{line}<br><small>{escape(cell.text)}</small></td>'
    return f"<td>{escape(cell)}</td>"


def _block_html(block: Block) -> str:
    if isinstance(block, Heading):
        anchor = f' id="{escape(block.id)}"' if block.id else ""
        return f"<h{block.level}{anchor}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Para):
        css = f' class="{escape(block.css)}"' if block.css else ""
        return f"<p{css}>{escape(block.text)}</p>"
    if isinstance(block, Chart):
        anchor = f' id="{escape(block.id)}"' if block.id else ""
        if block.wide:  # keeps its size; scrolls in its own box on a narrow screen
            return f'<figure class="chart wide scroll"{anchor}>{block.svg}</figure>'
        return f'<figure class="chart"{anchor}>{block.svg}</figure>'
    if isinstance(block, Facts):
        items = "".join(
            f"<dt>{escape(term)}</dt><dd{f' class={chr(34)}{css}{chr(34)}' if css else ''}>"
            f"{escape(text)}</dd>"
            for term, text, css in block.items
        )
        return f'<dl class="facts">{items}</dl>'
    head = "".join(f"<th>{escape(c)}</th>" for c in block.columns)
    body = []
    for k, row in enumerate(block.rows):
        css = f' class="{escape(block.row_css[k])}"' if k < len(block.row_css) else ""
        body.append(f"<tr{css}>" + "".join(_cell_html(c) for c in row) + "</tr>")
    css = f' class="{escape(block.css)}"' if block.css else ""
    table = (
        f'<div class="scroll"><table{css}><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
    if block.fold:
        return f"<details><summary>{escape(block.fold)}</summary>{table}</details>"
    return table


def _check_heading_level(level: int) -> None:
    if not 1 <= level <= 6:
        raise InputDataError(f"heading_level must be 1 to 6, got {quote(level)}")


@checked_arguments
def section_html(section: Section, lang: Lang = "en", *, heading_level: int = 2) -> str:
    """One section as an HTML ``<section>`` element (no styles; see `fragment_html`)."""
    _check_heading_level(heading_level)
    blocks = section_blocks(section, lang)
    anchor = escape(section_anchor(section))
    parts = [
        f'<h{heading_level} id="{anchor}-h">'
        f"{escape(section_title(section, lang))}</h{heading_level}>"
    ]
    for block in blocks:
        parts.append(_block_html(block))
    anchor = escape(section_anchor(section))
    return (
        f'<section id="{anchor}" class="ccmm-section" aria-labelledby="{anchor}-h">'
        + "".join(parts)
        + "</section>"
    )


@checked_arguments
def fragment_html(section: Section, lang: Lang = "en") -> str:
    """A self-contained HTML fragment of one section (for notebooks): scoped styles included."""
    scoped = _STYLE.replace("body{", ".ccmm-fragment{")
    return (
        f'<div class="ccmm-fragment"><style>{scoped}</style>'
        + section_html(section, lang, heading_level=3)
        + "</div>"
    )


@checked_arguments
def render_html(report: Report, lang: Lang = "en") -> str:
    """The report as one self-contained HTML document: inline CSS and SVG, no script, no link."""
    from ccmm import __version__

    html_lang = "en" if lang == "en" else "zh-Hans"
    title = report.title.get(lang)
    toc = "".join(
        f'<li><a href="#{escape(section_anchor(s))}">{escape(section_title(s, lang))}</a></li>'
        for s in report.sections
    )
    sections = "".join(section_html(s, lang) for s in report.sections)
    subtitle = "".join(
        f'<p class="subtitle">{escape(_line(line, lang))}</p>' for line in report.subtitle
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html_lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>{subtitle}</header>"
        f"<nav><h2>{escape(label('contents', lang))}</h2><ul>{toc}</ul></nav>"
        f"<main>{sections}</main>"
        f"<footer>{escape(label('generated_by', lang))} {escape(__version__)}</footer>"
        "</body></html>\n"
    )


# ---- Markdown ------------------------------------------------------------------------------
def _md_escape(text: str) -> str:
    return markdown_inline(text)


def _cell_md(cell: Cell) -> str:
    if isinstance(cell, Status):
        mark = "" if cell.ok is None else ("✓ " if cell.ok else "✗ ")
        return _md_escape(mark + cell.text)
    if isinstance(cell, Spark):
        return _md_escape(cell.text)
    return _md_escape(cell)


def _block_md(block: Block, depth: int) -> str | None:
    if isinstance(block, Heading):
        return "#" * (block.level + depth) + " " + markdown_inline(block.text)
    if isinstance(block, Facts):
        return "\n".join(
            f"- **{markdown_inline(t)}**: {markdown_inline(x)}" for t, x, _ in block.items
        )
    if isinstance(block, Para):
        text = markdown_inline(block.text)
        return f"**{text}**" if "headline" in block.css else (f"*{text}*" if block.css else text)
    if isinstance(block, Chart):
        return None  # every chart's numbers are in the table beside it
    lines = [
        "| " + " | ".join(_md_escape(c) or " " for c in block.columns) + " |",
        "|" + "---|" * len(block.columns),
    ]
    lines += ["| " + " | ".join(_cell_md(c) for c in row) + " |" for row in block.rows]
    return "\n".join(lines)


@checked_arguments
def section_markdown(section: Section, lang: Lang = "en", *, heading_level: int = 2) -> str:
    """One section in Markdown."""
    _check_heading_level(heading_level)
    parts = ["#" * heading_level + " " + markdown_inline(section_title(section, lang))]
    for block in section_blocks(section, lang):
        text = _block_md(block, heading_level - 2)
        if text is not None:
            parts.append(text)
    return "\n\n".join(parts) + "\n"


@checked_arguments
def render_markdown(report: Report, lang: Lang = "en") -> str:
    """The report in Markdown: the same headings, figures and tables as the HTML, no charts."""
    parts = ["# " + markdown_inline(report.title.get(lang))]
    parts += [f"*{markdown_inline(_line(line, lang))}*" for line in report.subtitle]
    parts += [section_markdown(s, lang).rstrip("\n") for s in report.sections]
    return "\n\n".join(parts) + "\n"


# ---- plain text ----------------------------------------------------------------------------
def _cell_plain(cell: Cell) -> str:
    if isinstance(cell, Status):
        mark = "" if cell.ok is None else ("✓ " if cell.ok else "✗ ")
        return one_line(mark + cell.text)
    if isinstance(cell, Spark):
        return one_line(cell.text)
    return one_line(cell)


def _block_plain(block: Block) -> str | None:
    if isinstance(block, Heading):
        return one_line(block.text)
    if isinstance(block, Facts):
        return "\n".join(f"{one_line(t)}: {one_line(x)}" for t, x, _ in block.items)
    if isinstance(block, Para):
        return one_line(block.text)
    if isinstance(block, Chart):
        return None  # every chart's numbers are in the table beside it
    grid = [[one_line(c) for c in block.columns]]
    grid += [[_cell_plain(c) for c in row] for row in block.rows]
    widths = [max(len(line[k]) for line in grid) for k in range(len(block.columns))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in grid
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@checked_arguments
def section_text(section: Section, lang: Lang = "en") -> str:
    """One section as plain text: the results' own explanations where they have one, else the
    headings, lines and aligned tables of the other renderings, with no markup."""
    if isinstance(section, EvaluationSection):
        return section.evaluation.explain(lang) + "\n"
    if isinstance(section, PlanSection):
        return section.plan.explain(lang) + "\n"
    title = one_line(section_title(section, lang))
    parts = [f"{title}\n{'=' * len(title)}"]
    parts += [t for b in section_blocks(section, lang) if (t := _block_plain(b)) is not None]
    return "\n\n".join(parts) + "\n"


@checked_arguments
def render_text(report: Report, lang: Lang = "en") -> str:
    """The report as plain text for a terminal."""
    parts = [section_text(s, lang).rstrip("\n") for s in report.sections]
    return "\n\n".join(parts) + "\n"


# ---- JSON ----------------------------------------------------------------------------------
def _clean(value: Any) -> Any:
    """JSON-safe: non-finite floats -> None, dates -> ISO text, tuples -> lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


@checked_arguments
def section_dict(section: Section) -> dict[str, Any]:
    """One section as a JSON-ready dict (``kind`` first); language-neutral (texts carry both)."""
    out: dict[str, Any]
    if isinstance(section, SummarySection):
        peak = None if section.staffing is None else staffing_peak(section.staffing)
        ev = section.evaluation
        out = {
            "kind": "summary",
            "level": ev.level,
            "level_name": ev.level_name.model_dump(),
            "total": ev.total,
            "max_total": ev.max_total,
            "next_level": ev.level + 1 if ev.level < len(ev.levels) else None,
            "plan_steps": None if section.plan is None else len(section.plan.steps),
            "largest_gaps": [[name, n] for name, n in largest_gaps(section)],
            "rules_not_met": [
                {"label": r.label, "short_by": r.short_by}
                for r in (ev.levels[ev.level].rules if ev.level < len(ev.levels) else ())
                if not r.holds
            ],
            "crucial": {
                c.label: {n: p.status for n, p in c.report.principles.items()}
                for c in section.crucial
            },
            "attainment_passed": None if section.attainment is None else section.attainment.passed,
            "staffing_peak": None if peak is None else dataclasses.asdict(peak),
        }
    elif isinstance(section, KpiSection):
        out = {"kind": "kpis", **dataclasses.asdict(section)}
        for line in out["metrics"]:
            line["name"] = line["name"].model_dump()
            line["references"] = [[t.model_dump(), v] for t, v in line["references"]]
    elif isinstance(section, EvidenceSection):
        out = {
            "kind": "evidence",
            "key": "evidence",
            "policy": section.result.policy,
            "as_of": section.suggestions.as_of,
            "allow_approved_adjustments": section.suggestions.allow_approved_adjustments,
            "attainment_window_months": section.suggestions.attainment_window_months,
            "columns": [
                "item",
                "verdict",
                "shown",
                "assessor",
                "data",
                "after",
                "checks",
                "rows",
            ],
            "rows": [list(dataclasses.astuple(r)) for r in evidence_rows(section)],
        }
    elif isinstance(section, EvaluationSection):
        out = {
            "kind": "evaluation",
            "organisation": section.organisation,
            "evaluation": section.evaluation.model_dump(mode="json"),
        }
    elif isinstance(section, PlanSection):
        rules = step_rules(section, "en")
        out = {
            "kind": "plan",
            "plan": section.plan.model_dump(mode="json"),
            "serves": [
                [s.item, s.rating, r] for s, r in zip(section.plan.steps, rules, strict=True)
            ],
        }
    elif isinstance(section, CrucialSection):
        shown, total = crucial_failures_shown(section)
        out = {
            "kind": "crucial",
            "label": section.label,
            "report": section.report.to_dict(max_failures=section.max_failures),
            "n_failures": total,  # exact, however many rows are shown
            "failures_shown": len(shown),
        }
    elif isinstance(section, AttainmentSection):
        out = {
            "kind": "attainment",
            "result": section.result.model_dump(mode="json"),
            "series": {m: [[d, v] for d, v in pts] for m, pts in section.series.items()},
        }
    elif isinstance(section, StaffingSection):
        out = {"kind": "staffing", **dataclasses.asdict(section)}
        peak = staffing_peak(section)
        out["peak"] = None if peak is None else dataclasses.asdict(peak)
    else:
        out = {
            "kind": "table",
            "key": section.key,
            "title": section.title.model_dump(),
            "columns": list(section.columns),
            "rows": [list(r) for r in section.rows],
            "notes": list(section.notes),
        }
    return dict(_clean(out))


@checked_arguments
def report_dict(report: Report) -> dict[str, Any]:
    """The report as a JSON-ready dict."""
    from ccmm import __version__

    return {
        "ccmm_version": __version__,
        "title": report.title.model_dump(),
        "subtitle": [
            line.model_dump() if isinstance(line, Text) else line for line in report.subtitle
        ],
        "sections": [section_dict(s) for s in report.sections],
    }


@checked_arguments
def render_json(report: Report) -> str:
    """The report as JSON text (UTF-8, indented, strict: no NaN)."""
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


__all__ = [
    "fragment_html",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "report_dict",
    "section_dict",
    "section_html",
    "section_markdown",
    "section_text",
]
