"""The report renderings: same content in HTML, Markdown and JSON; self-contained; deterministic."""

from __future__ import annotations

import functools
import json
import re
from html import escape
from html.parser import HTMLParser

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies_assessments import assessments
from strategies_evidence import suggest_example
from strategies_report import example_interval_pieces, hostile_text

import ccmm
import ccmm.staffing
from ccmm.evidence import Suggestions
from ccmm.examples import load_example_assessment
from ccmm.planning import plan
from ccmm.report import (
    EvaluationSection,
    PlanSection,
    Report,
    demo_report,
    fragment_html,
    render_html,
    render_json,
    render_markdown,
    staffing_rows,
)
from ccmm.report._labels import label, label_keys
from ccmm.report._svg import sparkline


@pytest.fixture(scope="module")
def demo() -> Report:
    return demo_report()


@pytest.fixture(scope="module")
def demo_html(demo: Report) -> str:
    return render_html(demo, "en")


class _Structure(HTMLParser):
    """Collects tags, external references and whether every element closes in order."""

    VOID = frozenset({"meta", "br", "img", "link", "input", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.references: list[str] = []
        self.rows: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.references += [v for k, v in found.items() if k in {"src", "href"}]
        if tag == "tr":
            self.rows.append(found)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def _parse(text: str) -> _Structure:
    parser = _Structure()
    parser.feed(text)
    parser.close()
    return parser


def test_html_is_well_formed_and_self_contained(demo_html: str) -> None:
    parsed = _parse(demo_html)
    assert parsed.errors == []
    assert parsed.stack == []
    # Only in-page links: no CDN, no external stylesheet, image or script.
    assert parsed.references
    assert all(ref.startswith("#") for ref in parsed.references)
    assert "<script" not in demo_html.lower()
    assert "@import" not in demo_html
    assert "url(" not in demo_html


def test_html_lists_the_level_and_every_rule_with_its_status(demo: Report, demo_html: str) -> None:
    (section,) = [s for s in demo.sections if isinstance(s, EvaluationSection)]
    ev = section.evaluation
    assert f"L{ev.level} {ev.level_name.en}" in demo_html
    rows = [r for r in _parse(demo_html).rows if "rule" in r.get("class", "").split()]
    assert len(rows) == len(ev.rules)
    statuses = ["pass" in r["class"].split() for r in rows]
    assert statuses == [r.holds for r in ev.rules]
    # Shortfalls of failing rules appear in the table.
    for rule in ev.rules:
        assert f"<td>{rule.short_by}</td>" in demo_html or rule.short_by is None


def test_html_shows_every_plan_step_with_its_own_title_grouped_by_section(
    demo: Report, demo_html: str
) -> None:
    (section,) = [s for s in demo.sections if isinstance(s, PlanSection)]
    expected = plan(load_example_assessment(), section.plan.target_level)
    assert section.plan == expected
    steps = [r for r in _parse(demo_html).rows if r.get("class") == "step"]
    assert len(steps) == len(expected.steps) > 0
    standard = ccmm.load_standard()
    zh = render_html(demo, "zh")
    for step in expected.steps:
        title = standard.item(step.item).title
        assert f"<td>{step.item}</td><td>{escape(title.en)}</td>" in demo_html
        assert f"<td>{step.item}</td><td>{escape(title.zh)}</td>" in zh
    # One heading per section, in the plan's order, each followed by its own steps.
    headings = [f"<h4>{escape(g.id)} {escape(g.name.en)}</h4>" for g in expected.by_section]
    positions = [demo_html.index(h) for h in headings]
    assert positions == sorted(positions)


def test_html_has_the_charts(demo_html: str) -> None:
    assert demo_html.count('class="ccmm-chart radar"') == 1
    assert demo_html.count('class="ccmm-chart ladder"') == 1
    assert demo_html.count('class="ccmm-chart spark"') >= 4
    assert demo_html.count('class="ccmm-chart line"') == 3
    assert demo_html.count('class="ccmm-chart heatmap"') == 2
    assert demo_html.count('class="ccmm-chart profile"') == 1


def test_radar_names_every_domain_and_shows_a_percentage_scale(demo: Report) -> None:
    (section,) = [s for s in demo.sections if isinstance(s, EvaluationSection)]
    for lang in ("en", "zh"):
        html = render_html(demo, lang)  # type: ignore[arg-type]
        radar = re.search(r'<svg[^>]*class="ccmm-chart radar".*?</svg>', html, re.S)
        assert radar is not None
        labels = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", radar.group(0)))
        for domain in section.evaluation.domains:
            name = domain.name.get(lang)  # type: ignore[arg-type]
            assert "".join(f"{domain.id} {name}".split()) in "".join(labels.split())
        assert re.findall(r'class="scale"[^>]*>(\d+%)<', radar.group(0)) == [
            "25%", "50%", "75%", "100%",
        ]  # fmt: skip


def test_markdown_carries_the_same_rules_and_plan(demo: Report) -> None:
    text = render_markdown(demo, "en")
    (ev_section,) = [s for s in demo.sections if isinstance(s, EvaluationSection)]
    (plan_section,) = [s for s in demo.sections if isinstance(s, PlanSection)]
    ev = ev_section.evaluation
    rule_lines = [ln for ln in text.splitlines() if re.match(r"\| L\d \| ", ln)]
    assert len(rule_lines) == len(ev.rules)
    assert [("✓" in ln) for ln in rule_lines] == [r.holds for r in ev.rules]
    step_lines = [ln for ln in text.splitlines() if re.search(r"\| (C|F)-Rate \| \d+ → \d+ \|", ln)]
    assert len(step_lines) == len(plan_section.plan.steps)
    assert f"L{ev.level} {ev.level_name.en}" in text
    assert "<svg" not in text


def test_json_parses_and_holds_the_results(demo: Report) -> None:
    doc = json.loads(render_json(demo))
    kinds = [s["kind"] for s in doc["sections"]]
    assert kinds == [
        "summary", "evaluation", "plan", "kpis", "crucial", "crucial", "attainment", "evidence",
        "staffing",
    ]  # fmt: skip
    (evidence,) = [s for s in doc["sections"] if s["kind"] == "evidence"]
    assert evidence["key"] == "evidence"
    assert {row[1] for row in evidence["rows"]} >= {"supports", "contradicts"}
    ev = doc["sections"][1]["evaluation"]
    assert ev == json.loads(demo.sections[1].evaluation.model_dump_json())  # type: ignore[union-attr]
    crucial = {s["label"]: s["report"]["passed"] for s in doc["sections"] if s["kind"] == "crucial"}
    assert crucial == {"dirty": False, "clean": True}


def test_chinese_rendering_uses_chinese_labels(demo: Report) -> None:
    html = render_html(demo, "zh")
    assert '<html lang="zh-Hans">' in html
    for key in ("evaluation", "ladder", "crucial", "attainment", "staffing"):
        assert label(key, "zh") in html
    assert "Maturity level" not in html
    assert label("ladder", "zh") in render_markdown(demo, "zh")


def test_every_label_has_both_languages() -> None:
    for key in label_keys():
        assert label(key, "en").strip()
        assert label(key, "zh").strip()
        assert label(key, "en") != label(key, "zh") or key in {"report"}


def test_rendering_is_deterministic(demo: Report) -> None:
    again = demo_report()
    assert render_html(demo, "en") == render_html(again, "en")
    assert render_markdown(demo, "zh") == render_markdown(again, "zh")
    assert render_json(demo) == render_json(again)


def test_fragment_for_notebooks_is_one_element_with_scoped_style() -> None:
    ev = ccmm.evaluate(load_example_assessment())
    fragment = fragment_html(EvaluationSection(ev))
    parsed = _parse(fragment)
    assert parsed.errors == []
    assert fragment.startswith('<div class="ccmm-fragment">')
    assert "body{" not in fragment


# ---- charts and summaries -------------------------------------------------------------------
values = st.lists(
    st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)),
    min_size=0,
    max_size=24,
)


@given(values)
def test_sparkline_is_deterministic_and_draws_one_point_per_known_value(
    series: list[float | None],
) -> None:
    svg = sparkline(series, title="t")
    assert svg == sparkline(list(series), title="t")
    points = sum(len(m.split()) for m in re.findall(r'<polyline points="([^"]*)"', svg))
    assert points == sum(v is not None for v in series)
    assert _parse(svg).errors == []


forecasts = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.integers(min_value=0, max_value=300),
        st.integers(min_value=60, max_value=600),
        st.sampled_from([15, 30, 60]),
    ),
    min_size=1,
    max_size=12,
)


def _staffed(rows: list[tuple[str, int, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["queue", "offered", "aht_seconds", "interval_minutes"])
    return ccmm.staffing.staff_intervals(frame, target_service_level=0.8, threshold_seconds=20)


@given(forecasts, st.sampled_from(["offered", "interval_minutes", "agents_required"]), st.data())
def test_staffing_rows_names_a_missing_column_or_a_row_that_is_not_a_number(
    rows: list[tuple[str, int, int, int]], column: str, data: st.DataObject
) -> None:
    # A missing column was a KeyError, text in a number column a ValueError.
    staffed = _staffed(rows)
    with pytest.raises(ccmm.InputDataError, match=f"column '{column}' is required"):
        staffing_rows(staffed.drop(columns=column))
    at = data.draw(st.integers(0, len(staffed) - 1), label="row")
    junk = data.draw(st.sampled_from(["n/a", True, float("inf"), None]), label="junk")
    broken = staffed.astype({column: object})
    broken.loc[broken.index[at], column] = junk
    with pytest.raises(ccmm.InputDataError) as caught:
        staffing_rows(broken)
    assert caught.value.problems == (f"staffed row {at}: {column} is not a finite number",)


@given(forecasts, st.randoms(use_true_random=False))
def test_staffing_summary_is_invariant_to_row_order(
    rows: list[tuple[str, int, int, int]], rnd: object
) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    a = {r.group: r for r in staffing_rows(_staffed(rows), by=["queue"])}
    b = {r.group: r for r in staffing_rows(_staffed(shuffled), by=["queue"])}
    assert a.keys() == b.keys()
    for key in a:
        assert a[key].calls == b[key].calls
        assert a[key].peak_agents == b[key].peak_agents
        assert a[key].agent_hours == pytest.approx(b[key].agent_hours)
        if a[key].expected_service_level is None:
            assert b[key].expected_service_level is None
        else:
            assert a[key].expected_service_level == pytest.approx(b[key].expected_service_level)


@given(forecasts)
def test_staffing_total_is_the_ratio_of_sums_of_its_groups(
    rows: list[tuple[str, int, int, int]],
) -> None:
    staffed = _staffed(rows)
    (total,) = staffing_rows(staffed)
    parts = staffing_rows(staffed, by=["queue"])
    assert total.agent_hours == pytest.approx(sum(p.agent_hours for p in parts))
    assert total.calls == sum(p.calls for p in parts)
    weighted = [p.expected_service_level * p.calls for p in parts if p.expected_service_level]
    if total.calls:
        assert total.expected_service_level == pytest.approx(sum(weighted) / total.calls)
    else:
        assert total.expected_service_level is None


# ---- notebook display -----------------------------------------------------------------------
def test_results_display_in_notebooks_as_their_report_section() -> None:
    from ccmm.crucial import check
    from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example
    from ccmm.staffing import agents_for_service_level

    assessment = load_example_assessment()
    ev = ccmm.evaluate(assessment)
    t = load_example("dirty")
    results = {
        "evaluation": ev,
        "plan": plan(assessment, ev.level + 1),
        "crucial-data": check(
            t.facts, registry=t.registry, intervals=t.intervals, as_of=EXAMPLE_AS_OF
        ),
        "staffing": agents_for_service_level(
            [50, 100], 300, interval_seconds=1800, target_service_level=0.8, threshold_seconds=20
        ),
    }
    for anchor, result in results.items():
        shown = result._repr_html_()  # type: ignore[attr-defined]
        assert f'id="{anchor}"' in shown
        assert _parse(shown).errors == []
    staffing = results["staffing"]._repr_html_()  # type: ignore[attr-defined]
    for agents in results["staffing"].agents:  # type: ignore[attr-defined]
        assert f"<td>{agents}</td>" in staffing


# ---- executive summary ----------------------------------------------------------------------
def test_summary_comes_first_and_says_the_same_in_html_markdown_and_json(demo: Report) -> None:
    from ccmm.report import SummarySection, render_json

    summary = demo.sections[0]
    assert isinstance(summary, SummarySection)
    ev = summary.evaluation
    assert summary.plan is not None and summary.staffing is not None
    html, md = render_html(demo, "en"), render_markdown(demo, "en")
    doc = json.loads(render_json(demo))["sections"][0]
    assert doc["kind"] == "summary"
    assert (doc["level"], doc["total"], doc["plan_steps"]) == (
        ev.level, ev.total, len(summary.plan.steps),
    )  # fmt: skip
    # The summary is the first section of the page and of the Markdown.
    assert html.index('id="summary"') < html.index('id="evaluation"')
    assert md.index("## Summary") < md.index("## Maturity level")
    head_html = html[html.index('id="summary"') : html.index('id="evaluation"')]
    head_md = md[md.index("## Summary") : md.index("## Maturity level")]
    for text in (
        f"L{ev.level} {ev.level_name.en}",
        f"{ev.total} / {ev.max_total}",
        f"needs {len(summary.plan.steps)} rating step(s)",
    ):
        assert escape(text) in head_html and text in head_md
    # Three largest gaps: the sections with most steps, the same three everywhere.
    sizes = sorted((len(g.steps) for g in summary.plan.by_section), reverse=True)[:3]
    assert [n for _, n in doc["largest_gaps"]] == sizes
    for name, n in doc["largest_gaps"]:
        assert f"{name} ({n} step(s))" in head_md
    # CRUCIAL verdict per principle and dataset, as the reports say.
    for crucial in summary.crucial:
        assert doc["crucial"][crucial.label] == {
            n: p.status for n, p in crucial.report.principles.items()
        }
        assert len(crucial.report.principles) == 7
    assert len(_parse(head_html).rows) == 1 + 7  # header + one row per principle
    # Staffing peak: the time of day that needs the most agents, summed over the groups.
    peak = doc["staffing_peak"]
    assert peak["required"] == max(t.required for t in summary.staffing.by_time)
    assert f"at {peak['time']}" in head_md
    assert doc["attainment_passed"] is True and "passed: 100% of the metrics" in head_md


# ---- plan: quick wins first -----------------------------------------------------------------
def test_quick_wins_move_two_rules_and_come_before_every_other_step() -> None:
    from ccmm.report._content import step_rules

    assessment = load_example_assessment()
    # L4 also needs more points: one step can move a share rule and the total.
    to_l4 = plan(assessment, 4)
    section = PlanSection(to_l4)
    served = step_rules(section, "en")
    quick = [s for s, r in zip(to_l4.steps, served, strict=True) if len(r) >= 2]
    assert quick, "the example's plan to L4 has steps that move two rules"
    assert all(r for r in served), "every step serves some rule"
    html = render_html(Report(title=ccmm.Text(en="t", zh="t"), sections=(section,)), "en")
    rows = [r.get("class", "") for r in _parse(html).rows if "step" in r.get("class", "")]
    assert rows == ["step quick"] * len(quick) + ["step"] * (len(to_l4.steps) - len(quick))
    md = render_markdown(Report(title=ccmm.Text(en="t", zh="t"), sections=(section,)), "en")
    assert md.index("### Quick wins") < md.index("### Steps by section")


# ---- the data's word on the ratings ----------------------------------------------------------
def test_demo_shows_assessor_and_data_side_by_side_and_never_supports_a_failed_check(
    demo_html: str,
) -> None:
    row = re.search(r'<tr class="evidence (\w+)"><td>114\.2</td>(.*?)</tr>', demo_html)
    assert row is not None
    assert row.group(1) == "failed_lower"
    assert "supports" not in row.group(2)
    # 114.2 fails every hand edit by default (issue #19): both of the example's hand edits.
    assert "<td>assessor 10 / data –</td><td>assessor 0 / data 0</td>" in row.group(2)
    assert "facts.no_hand_edits (2/37)" in row.group(2)


@functools.cache
def _dirty_suggestions() -> Suggestions:
    return suggest_example("dirty")  # the same for every example: computed once


@given(assessments(allow_optional_gaps=False))
def test_no_item_with_a_failing_check_is_shown_as_supported(assessment: ccmm.Assessment) -> None:
    from ccmm.evidence import merge
    from ccmm.report import EvidenceSection, render_json
    from ccmm.report._content import evidence_rows

    suggestions = _dirty_suggestions()
    section = EvidenceSection(merge(assessment, suggestions, policy="report"), suggestions)
    rows = evidence_rows(section)
    assert rows
    for r in rows:
        assert (r.shown == "supports") <= (not r.checks)
        assert r.shown == r.verdict.replace(" ", "_") or (r.verdict, r.shown) == (
            "supports", "failed_lower",
        )  # fmt: skip
    html = render_html(Report(title=ccmm.Text(en="t", zh="t"), sections=(section,)), "en")
    for css, cells in re.findall(r'<tr class="evidence (\w+)">(.*?)</tr>', html):
        assert css != "supports" or "(" not in cells.split("</td>")[5]
    doc = json.loads(render_json(Report(title=ccmm.Text(en="t", zh="t"), sections=(section,))))
    assert [row[0] for row in doc["sections"][0]["rows"]] == [r.item for r in rows]


# ---- interval KPIs --------------------------------------------------------------------------
@given(example_interval_pieces())
def test_daily_kpis_and_heat_map_are_ratios_of_sums_of_the_intervals(
    intervals: pd.DataFrame,
) -> None:
    from ccmm.report import kpi_section

    section = kpi_section(intervals)
    local = intervals["interval_start"].dt.tz_localize(None)
    for day in section.days:
        rows = intervals[(local.dt.date == day.day).to_numpy()]
        assert day.offered == rows["offered"].sum()
        assert day.service_level == pytest.approx(
            rows["answered_within_threshold"].sum() / rows["offered"].sum()
        )
        assert day.abandon_rate == pytest.approx(rows["abandoned"].sum() / rows["offered"].sum())
        answered = rows["answered"].sum()
        assert day.asa_seconds == (
            pytest.approx(rows["wait_seconds"].sum() / answered) if answered else None
        )
    assert sum(d.offered for d in section.days) == intervals["offered"].sum()
    assert sum(c.offered for c in section.heat) == intervals["offered"].sum()
    cells = {(c.weekday, c.time) for c in section.heat}
    assert cells == set(zip(local.dt.day_of_week, local.dt.strftime("%H:%M"), strict=True))
    # Row order changes nothing.
    assert kpi_section(intervals.iloc[::-1].reset_index(drop=True)) == section


def test_kpi_charts_carry_targets_and_catalogue_reference_values(demo: Report) -> None:
    from ccmm.kpi import load_kpi_catalogue
    from ccmm.report import KpiSection

    (section,) = [s for s in demo.sections if isinstance(s, KpiSection)]
    catalogue = load_kpi_catalogue()
    assert [m.metric for m in section.metrics] == ["service_level", "abandon_rate", "asa_seconds"]
    targets = {m.metric: m.target for m in section.metrics}
    assert targets == {"service_level": 0.8, "abandon_rate": 0.05, "asa_seconds": None}
    html = render_html(demo, "en")
    for m in section.metrics:
        kpi = catalogue.get(m.metric)
        assert [v for _, v in m.references] == [r.value for r in kpi.reference_values]
        chart = re.search(rf'id="chart-{m.metric}"><svg.*?</svg>', html, re.S)
        assert chart is not None
        lines = re.findall(r'class="reference"', chart.group(0))
        assert len(lines) == len(kpi.reference_values) + (m.target is not None)


# ---- staffing by time of day -----------------------------------------------------------------
@given(forecasts, st.randoms(use_true_random=False))
def test_staffing_by_time_sums_the_groups_and_ignores_row_order(
    rows: list[tuple[str, int, int, int]], rnd: object
) -> None:
    from ccmm.report import staffing_by_time

    starts = pd.date_range("2024-03-30", periods=len(rows), freq="30min", tz="Europe/Berlin")
    staffed = _staffed(rows).assign(interval_start=starts[: len(rows)])
    by_time = staffing_by_time(staffed)
    days = {t.time: t.days for t in by_time}
    # Each time's figure is the groups' sum averaged over its days: weighting back by the days
    # gives the agents summed over every interval.
    assert sum(t.required * t.days for t in by_time) == pytest.approx(
        staffed["agents_required"].sum()
    )
    assert (
        sum(days.values())
        == staffed["interval_start"]
        .dt.normalize()
        .groupby(staffed["interval_start"].dt.strftime("%H:%M"))
        .nunique()
        .sum()
    )
    order = list(range(len(rows)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    assert staffing_by_time(staffed.iloc[order].reset_index(drop=True)) == by_time
    assert all(t.on_duty is None for t in by_time)


@given(forecasts)
def test_staffing_by_time_reads_text_starts_with_changing_offsets_on_their_own_clock(
    rows: list[tuple[str, int, int, int]],
) -> None:
    # A CSV read without parsing gives text starts; across a day-saving change their offsets
    # differ, which pandas refuses to parse as one column (this raised ValueError before).
    from ccmm.report import staffing_by_time

    starts = pd.date_range("2024-03-31", periods=len(rows), freq="30min", tz="Europe/Berlin")
    staffed = _staffed(rows).assign(interval_start=starts[: len(rows)])
    as_text = staffed.assign(interval_start=[t.isoformat() for t in staffed["interval_start"]])
    assert staffing_by_time(as_text) == staffing_by_time(staffed)


@pytest.mark.parametrize("bad", [True, "not a time", None, 7.5])
def test_staffing_by_time_names_the_rows_whose_start_is_not_a_time(bad: object) -> None:
    from ccmm.report import staffing_by_time

    staffed = pd.DataFrame(
        {
            "interval_start": ["2024-03-31T01:30:00+01:00", bad, "2024-03-31T03:00:00+02:00"],
            "agents_required": [1, 2, 3],
            "agents_scheduled": [2, 3, 4],
        },
        index=[10, 11, 12],
    )
    with pytest.raises(ccmm.InputDataError, match=r"interval_start .* rows 11\n") as caught:
        staffing_by_time(staffed)
    assert caught.value.problems == ("staffed row 11: interval_start is not a date and time",)


# ---- dates, language, hostile text ----------------------------------------------------------
def test_the_demo_assessment_and_its_data_are_of_the_same_period() -> None:
    from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example

    assessed = load_example_assessment().assessed_on
    assert assessed.isoformat() == EXAMPLE_AS_OF
    for name in ("clean", "dirty"):
        t = load_example(name)
        last_interval = t.intervals["interval_start"].max().date()
        last_month = pd.to_datetime(t.facts["period_start"]).max().date()
        assert last_month <= last_interval <= assessed
        assert (assessed - last_interval).days < 31


def test_chinese_report_has_no_english_heading_or_label(demo: Report) -> None:
    html = render_html(demo, "zh")
    allowed = re.compile(r"C-Rate|F-Rate|CRUCIAL|KPI|SL|ccmm|L\d|\d")
    headings = re.findall(r"<h\d[^>]*>(.*?)</h\d>", html)
    assert headings
    assert [h for h in headings if re.search(r"[A-Za-z]{2,}", allowed.sub("", h))] == []
    header_cells = re.findall(r"<th>(.*?)</th>", html)
    assert [h for h in header_cells if re.search(r"[A-Za-z]{2,}", allowed.sub("", h))] == []


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


@given(hostile_text, hostile_text, hostile_text)
def test_html_never_carries_control_characters(org: str, note: str, cell: str) -> None:
    from ccmm.report import TableSection

    ev = ccmm.evaluate(load_example_assessment())
    report = Report(
        title=ccmm.Text(en=org or "x", zh=org or "x"),
        sections=(
            EvaluationSection(ev, organisation=org),
            TableSection(
                key="t", title=ccmm.Text(en=note or "x", zh="表"), columns=(cell,),
                rows=((cell,), (note,)), notes=(note,),
            ),
        ),
        subtitle=(note, ccmm.Text(en=cell or "x", zh=cell or "x")),
    )  # fmt: skip
    for lang in ("en", "zh"):
        html = render_html(report, lang)  # type: ignore[arg-type]
        assert _CONTROL.search(html) is None
        assert _parse(html).errors == []
        assert _CONTROL.search(render_markdown(report, lang)) is None  # type: ignore[arg-type]
