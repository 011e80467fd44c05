"""The report says, in one line, when the reading of "met" changes the level (issue #19)."""

from __future__ import annotations

import datetime as dt

import pytest

from ccmm import evaluate, load_standard
from ccmm._text import Text
from ccmm.assessment import Assessment, ItemScore
from ccmm.report import (
    EvaluationSection,
    Report,
    render_html,
    render_markdown,
    render_text,
)

LINE = "the level depends on the reading of the share rules"
STD = load_standard("cc-cmm-oc", "2017")


def _assessment(c_rate: int, f_rate: int, years: float) -> Assessment:
    return Assessment(
        standard_id=STD.id,
        edition=STD.edition,
        organisation="Crafted Centre",
        assessed_on=dt.date(2026, 1, 15),
        operating_years=years,
        scores={i: ItemScore(c_rate=c_rate, f_rate=f_rate) for i in STD.item_ids},
    )


# Every method rated 10 and every execution rated 5: no F-Rate is 10 (rated_10: no level), every
# F-Rate counts under rated_5_or_10 (2,655 points: L2), half the F-Rate points (share_of_points:
# 50% < L1's 60%).
CRAFTED = _assessment(10, 5, 3)
AGREEING = _assessment(10, 10, 6)


def test_the_crafted_assessment_reaches_different_levels_under_the_readings() -> None:
    ev = evaluate(CRAFTED)
    assert {r.reading: r.level for r in ev.readings} == {
        "rated_10": 0,
        "rated_5_or_10": 2,
        "share_of_points": 0,
    }
    assert ev.total == 177 * 15


@pytest.mark.parametrize("render", [render_text, render_markdown, render_html])
def test_the_report_shows_the_readings_line_exactly_when_the_levels_differ(render: object) -> None:
    for assessment, shown in ((CRAFTED, True), (AGREEING, False)):
        title = Text(en="crafted", zh="构造")
        report = Report(title=title, sections=(EvaluationSection(evaluate(assessment)),))
        out = render(report).replace("\\_", "_")  # type: ignore[operator]  # Markdown escapes _
        assert (LINE in out) == shown
        if shown:
            assert "L2 under rated_5_or_10" in out
            assert out.count(LINE) == 1


def test_the_notebook_section_of_an_evaluation_says_it_too() -> None:
    assert LINE in evaluate(CRAFTED)._repr_html_()
    assert LINE not in evaluate(AGREEING)._repr_html_()
