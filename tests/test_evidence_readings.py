"""The evidence checks corrected by issue #19: each has a defect that fails it and a clean case
that passes. 113.3 needs individual and team rows; 113.2 flags an improvement that coincides with
a change of the metric's own definition or target; 114.2 fails every hand edit unless
`allow_approved_adjustments` lets an approved one pass; 127/128 judge a window of months."""

from __future__ import annotations

import json
from html import escape
from typing import Literal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_evidence import METRIC_IDS, Dataset, clean_datasets

from ccmm import InputDataError
from ccmm._text import Text
from ccmm.evidence import Suggestions, merge, suggest
from ccmm.evidence.results import APPROVED_ADJUSTMENTS_NOTE
from ccmm.examples import load_example_assessment


def _grade(s: Suggestions, item: str) -> int | None:
    sug = s.get(item)
    return None if sug is None else sug.f_rate


def _rows(s: Suggestions, item: str) -> list[str]:
    sug = s.get(item)
    assert sug is not None, item
    return [r.row_key for e in sug.f_evidence for r in e.rows]


@settings(max_examples=8)
@given(clean_datasets())
def test_clean_data_passes_the_three_corrected_checks(data: Dataset) -> None:
    s = data.suggest()
    for item in ("113.2", "113.3", "114.2", "127", "128"):
        assert _grade(s, item) == 10, item


@settings(max_examples=8)
@given(clean_datasets(), st.sampled_from([("team", "centre"), ("agent",)]))
def test_113_3_needs_both_individual_and_team_rows(data: Dataset, dropped: tuple[str, ...]) -> None:
    facts = data.facts
    kept = facts[~facts["entity_level"].astype(str).isin(dropped)].reset_index(drop=True)
    s = data.with_(facts=kept).suggest()
    assert _grade(s, "113.3") == 0
    assert _grade(s, "113.2") != 0 or "team" in dropped  # 113.2 no longer asks for team rows


@settings(max_examples=8)
@given(clean_datasets(), st.sampled_from(METRIC_IDS), st.booleans())
def test_113_2_flags_an_improvement_during_a_change_of_definition_or_target(
    data: Dataset, metric: str, by_target: bool
) -> None:
    facts = data.facts.copy()
    rows = (
        (facts["metric"].astype(str) == metric) & (facts["entity_level"] == "centre")
    ).to_numpy()
    target = float(facts.loc[rows, "value"].iloc[0])
    direction = data.registry.set_index("metric").loc[metric, "direction"]
    step = 1.0 if direction == "higher" else -1.0
    facts.loc[rows, "value"] = target + step * np.arange(rows.sum()) * max(abs(target), 1) / 100
    registry = data.registry.copy()
    far = pd.Timestamp(data.as_of) - pd.DateOffset(years=5)
    # Only one of the two dates falls inside the window: either one alone is enough.
    registry["definition_reviewed_on" if by_target else "target_set_on"] = far
    s = data.with_(facts=facts, registry=registry).suggest()
    assert _grade(s, "113.2") in (0, 5)
    assert any(f"metric={metric}, entity_id=C1" in r for r in _rows(s, "113.2"))
    # The same improvement with both dates outside the window passes.
    registry["definition_reviewed_on" if not by_target else "target_set_on"] = far
    assert _grade(data.with_(facts=facts, registry=registry).suggest(), "113.2") == 10


@settings(max_examples=5)
@given(clean_datasets())
def test_113_2_is_not_judged_without_the_dates(data: Dataset) -> None:
    registry = data.registry.assign(definition_reviewed_on=pd.NaT, target_set_on=pd.NaT)
    s = data.with_(registry=registry).suggest()
    assert s.get("113.2") is None
    missing = next(n for n in s.not_judged if n.item == "113.2").missing
    assert "registry.definition_reviewed_on" in missing


@settings(max_examples=8)
@given(clean_datasets(), st.integers(0, 10_000), st.booleans())
def test_114_2_fails_every_hand_edit_unless_approved_ones_are_allowed(
    data: Dataset, k: int, approved: bool
) -> None:
    facts = data.facts.copy()
    p = k % len(facts)
    facts["manually_adjusted"] = facts["manually_adjusted"].astype(object)
    facts.loc[p, "manually_adjusted"] = True
    facts["adjustment_ref"] = facts["adjustment_ref"].astype(object)
    facts.loc[p, "adjustment_ref"] = "APR-7" if approved else None
    dirty = data.with_(facts=facts)
    strict = dirty.suggest()
    assert _grade(strict, "114.2") in (0, 5)
    assert not strict.allow_approved_adjustments
    lenient = suggest(**dirty.tables(), as_of=dirty.as_of, allow_approved_adjustments=True)  # type: ignore[arg-type]
    assert lenient.allow_approved_adjustments
    assert _grade(lenient, "114.2") == (10 if approved else _grade(strict, "114.2"))


def test_the_report_says_when_approved_adjustments_were_allowed() -> None:
    from strategies_evidence import build_dataset

    data = build_dataset(
        start=pd.Period("2024-01", freq="M"), n_months=4, n_agents=1, n_intervals=4, as_of_day=10
    )
    a = load_example_assessment()
    for allowed in (False, True):
        s = suggest(**data.tables(), as_of=data.as_of, allow_approved_adjustments=allowed)  # type: ignore[arg-type]
        merge(a, s, policy="report")
        assert (APPROVED_ADJUSTMENTS_NOTE in s.to_markdown()) == allowed


def _missed(data: Dataset, back: int) -> tuple[pd.Period, Dataset]:
    """``data`` where every metric misses its target in the month ``back`` months from the last
    (1: the last), by half its value in the worse direction; and that month."""
    facts = data.facts.copy()
    month = pd.Period(data.months[-1], freq="M") - (back - 1)
    rows = (facts["period_start"].dt.to_period("M") == month).to_numpy()
    directions = data.registry.set_index("metric")["direction"]
    worse = (
        facts.loc[rows, "metric"].astype(str).map(lambda m: -1 if directions[m] == "higher" else 1)
    )
    facts.loc[rows, "value"] = facts.loc[rows, "value"] * (1 + 0.5 * worse.to_numpy())
    return month, data.with_(facts=facts)


@settings(max_examples=5)
@given(clean_datasets(), st.integers(1, 3))
def test_127_fails_when_an_earlier_month_of_the_window_misses_its_targets(
    data: Dataset, back: int
) -> None:
    # Every metric misses its target in one month of the last three: the last month alone passes.
    month, missed = _missed(data, back)
    s = missed.suggest()
    assert _grade(s, "127") == 0
    assert any(f"month={month}" in r for r in _rows(s, "127"))


@settings(max_examples=5)
@given(clean_datasets(), st.integers(2, 3))
def test_the_attainment_window_is_a_keyword_of_suggest(data: Dataset, back: int) -> None:
    # Every metric misses its target in an earlier month of the default window of three.
    month, missed = _missed(data, back)
    default = missed.suggest()
    assert default.attainment_window_months is None and _grade(default, "127") == 0
    tables = missed.tables()
    # A window that ends before the miss passes; one that reaches it fails, naming that month.
    short = suggest(**tables, as_of=missed.as_of, attainment_window_months=back - 1)  # type: ignore[arg-type]
    assert short.attainment_window_months == back - 1
    assert _grade(short, "127") == 10
    assert _grade(short, "128") == 10
    reach = suggest(**tables, as_of=missed.as_of, attainment_window_months=back)  # type: ignore[arg-type]
    assert _grade(reach, "127") == 0
    assert any(f"month={month}" in r for r in _rows(reach, "127"))


@pytest.mark.parametrize("bad", [0, -1, 121, 2.0, "3", True, None.__class__])
def test_an_attainment_window_that_is_not_1_to_120_months_is_refused(bad: object) -> None:
    from strategies_evidence import build_dataset

    data = build_dataset(
        start=pd.Period("2024-01", freq="M"), n_months=4, n_agents=1, n_intervals=4, as_of_day=10
    )
    with pytest.raises(InputDataError, match="attainment_window_months must be a whole number"):
        suggest(**data.tables(), as_of=data.as_of, attainment_window_months=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_report_format_says_in_one_line_when_approved_adjustments_were_used(
    lang: Literal["en", "zh"],
) -> None:
    from strategies_evidence import build_dataset

    from ccmm.report import Report, render_html, render_json, render_markdown, render_text
    from ccmm.report._evidence import evidence_section
    from ccmm.report._labels import label

    data = build_dataset(
        start=pd.Period("2024-01", freq="M"), n_months=4, n_agents=1, n_intervals=4, as_of_day=10
    )
    line = label("evidence_approved_adjustments", lang)
    a = load_example_assessment()
    for allowed in (False, True):
        s = suggest(**data.tables(), as_of=data.as_of, allow_approved_adjustments=allowed)  # type: ignore[arg-type]
        report = Report(title=Text(en="t", zh="t"), sections=(evidence_section(merge(a, s), s),))
        html = render_html(report, lang)
        assert html.count(escape(line)) == int(allowed)
        assert render_text(report, lang).count(line) == int(allowed)
        assert render_markdown(report, lang).replace("\\_", "_").count(line) == int(allowed)
        section = next(x for x in json.loads(render_json(report))["sections"])
        assert section["allow_approved_adjustments"] is allowed
