"""The level evaluator: exact share rules, cumulative levels, explanations, evaluate_many."""

from __future__ import annotations

import random
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies_assessments import (
    OPTIONAL_IDS,
    REQUIRED_IDS,
    STANDARD,
    assessment_from,
    assessments,
)
from strategies_standards import standards_with_assessments

import ccmm
from ccmm._readings import READINGS, ShareReading
from ccmm.examples import load_example_assessment
from ccmm.scoring import items_needed

NEXT_GRADE = {0: 5, 5: 10}
readings = st.sampled_from(READINGS)


def _dump(evaluation: ccmm.Evaluation) -> dict[str, object]:
    return evaluation.model_dump(mode="json")


# ---- properties -----------------------------------------------------------------------------
@given(assessments())
def test_same_input_same_output(assessment: ccmm.Assessment) -> None:
    assert _dump(ccmm.evaluate(assessment)) == _dump(ccmm.evaluate(assessment))


@given(assessments(), st.randoms(use_true_random=False))
def test_item_order_in_the_input_does_not_matter(
    assessment: ccmm.Assessment, rnd: random.Random
) -> None:
    items = list(assessment.scores.items())
    rnd.shuffle(items)
    shuffled = assessment.with_scores(dict(items))
    assert _dump(ccmm.evaluate(shuffled)) == _dump(ccmm.evaluate(assessment))


@given(assessments(), st.data())
def test_raising_any_rating_never_lowers_level_or_total(
    assessment: ccmm.Assessment, data: st.DataObject
) -> None:
    raisable = [
        (i, r) for i, s in assessment.scores.items() for r in ("c_rate", "f_rate")
        if getattr(s, r) < 10
    ]  # fmt: skip
    if not raisable:
        return
    item, rating = data.draw(st.sampled_from(raisable))
    score = assessment.scores[item]
    raised = assessment.with_scores(
        {
            **assessment.scores,
            item: score.model_copy(update={rating: NEXT_GRADE[getattr(score, rating)]}),
        }
    )
    before, after = ccmm.evaluate(assessment), ccmm.evaluate(raised)
    assert after.total == before.total + 5
    assert after.level >= before.level


@given(assessments())
def test_levels_are_cumulative(assessment: ccmm.Assessment) -> None:
    evaluation = ccmm.evaluate(assessment)
    holds = [lv.holds for lv in evaluation.levels]
    expected = 0
    for n, h in enumerate(holds, start=1):
        if not h:
            break
        expected = n
    assert evaluation.level == expected
    assert [lv.reached for lv in evaluation.levels] == [
        lv.level <= expected for lv in evaluation.levels
    ]


@given(assessments())
def test_json_round_trip_is_exact(assessment: ccmm.Assessment) -> None:
    evaluation = ccmm.evaluate(assessment)
    again = ccmm.Evaluation.model_validate_json(evaluation.model_dump_json())
    assert again == evaluation
    assert again.model_dump_json() == evaluation.model_dump_json()


@given(assessments())
def test_rule_figures_are_consistent(assessment: ccmm.Assessment) -> None:
    evaluation = ccmm.evaluate(assessment)
    assert evaluation.total == sum(s.c_rate + s.f_rate for s in assessment.scores.values())
    assert sum(d.c_sum + d.f_sum for d in evaluation.domains) == evaluation.total
    for rule in evaluation.rules:
        if rule.kind == "share":
            assert rule.share is not None and rule.minimum is not None
            assert rule.denominator is not None and isinstance(rule.observed, int)
            assert rule.holds == (rule.share >= rule.minimum)
            assert rule.short_by == max(0, rule.required - rule.observed)
            assert f"{rule.observed} of {rule.denominator}" in rule.explanation.en


# ---- boundaries -----------------------------------------------------------------------------
def _exactly_at(level: int) -> dict[str, tuple[int, int]]:
    """Ratings at exactly the threshold counts of ``level`` (and below), total at its minimum
    when the total binds. Items are picked in catalogue order; the rest start at 0."""
    need: dict[tuple[str, str], int] = {}
    for lv in STANDARD.levels[:level]:
        for r in lv.share_rules:
            n = items_needed(r.minimum, STANDARD.scope_sizes[r.scope])
            need[(r.rating, r.scope)] = max(need.get((r.rating, r.scope), 0), n)
    ratings = {i.id: [0, 0] for i in STANDARD.items}
    for (rating, scope_id), n in need.items():
        domains = STANDARD.scope(scope_id).domains
        members = [i.id for i in STANDARD.items if i.domain in domains]
        for item in members[:n]:
            ratings[item][0 if rating == "c_rate" else 1] = 10
    total = sum(c + f for c, f in ratings.values())
    min_total = STANDARD.level(level).min_total
    for item in STANDARD.item_ids:  # top up with 5s until the total is exactly the minimum
        for k in (0, 1):
            if total < min_total and ratings[item][k] == 0:
                ratings[item][k] = 5
                total += 5
    return {i: (c, f) for i, (c, f) in ratings.items()}


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_exactly_at_every_threshold_passes_and_one_item_fewer_fails(level: int) -> None:
    ratings = _exactly_at(level)
    years = STANDARD.level(level).min_operating_years
    at = ccmm.evaluate(assessment_from(ratings, years=years))
    assert at.level >= level
    for rule in at.level_result(level).rules:
        if rule.kind != "share":
            continue
        assert rule.holds
        if rule.observed != rule.required:
            continue  # a lower level's stricter count binds this scope; tested there
        # Take one item of this rule's scope down from 10 to 5: the level must be lost.
        domains = STANDARD.scope(rule.scope or "").domains
        k = 0 if rule.rating == "c_rate" else 1
        victim = next(i for i in STANDARD.items if i.domain in domains and ratings[i.id][k] == 10)
        fewer = dict(ratings)
        pair = list(fewer[victim.id])
        pair[k] = 5
        fewer[victim.id] = (pair[0], pair[1])
        below = ccmm.evaluate(assessment_from(fewer, years=years))
        assert below.level < level
        assert not below.level_result(level).holds
        failing = [r for r in below.level_result(level).rules if not r.holds]
        assert any(r.scope == rule.scope and r.rating == rule.rating and r.short_by == 1
                   for r in failing)  # fmt: skip


def test_total_exactly_at_minimum_passes_and_one_grade_less_fails() -> None:
    level = 1
    ratings = _exactly_at(level)
    years = STANDARD.level(level).min_operating_years
    at = ccmm.evaluate(assessment_from(ratings, years=years))
    total_rule = next(r for r in at.level_result(level).rules if r.kind == "total")
    assert at.total == STANDARD.level(level).min_total
    assert total_rule.holds and total_rule.short_by == 0
    item = next(i for i, (c, f) in ratings.items() if c == 5 or f == 5)
    c, f = ratings[item]
    lower = {**ratings, item: (0, f) if c == 5 else (c, 0)}
    below = ccmm.evaluate(assessment_from(lower, years=years))
    assert below.level < level
    assert next(r for r in below.level_result(level).rules if r.kind == "total").short_by == 5


@pytest.mark.parametrize("level", [2, 3, 4, 5])
def test_above_l1_the_share_rules_alone_force_the_minimum_total(level: int) -> None:
    # Documented in docs/evaluation.md: in CC-CMM-OC 2017 the minimum total binds only at L1.
    at = ccmm.evaluate(assessment_from(_exactly_at(level), years=10))
    assert at.total > STANDARD.level(level).min_total
    assert at.level >= level


def test_157_items_at_80_percent_need_126() -> None:
    rule = STANDARD.level(1).share_rules[0]
    assert items_needed(rule.minimum, 157) == 126
    assert 125 / 157 < 0.8 <= 126 / 157


def test_the_issue_example_explanation_reads_as_documented() -> None:
    ratings = {i: (10, 10 if n < 104 else 5) for n, i in enumerate(REQUIRED_IDS)}
    ratings.update(dict.fromkeys(OPTIONAL_IDS, (10, 10)))
    evaluation = ccmm.evaluate(assessment_from(ratings, years=10))
    f_rule = next(r for r in evaluation.level_result(2).rules if r.rating == "f_rate")
    assert f_rule.explanation.en == (
        "L2 F-Rate 1.0–4.0: 104 of 157 items fully executed (66.2%); needs 70% (110 items): 6 short"
    )
    assert f_rule.short_by == 6 and f_rule.required == 110


# ---- missing items and years ----------------------------------------------------------------
def test_required_items_left_out_are_all_listed() -> None:
    example = load_example_assessment()
    scores = {i: s for i, s in example.scores.items() if i not in {"3", "47", "109.2"}}
    with pytest.raises(ccmm.IncompleteAssessmentError) as err:
        ccmm.evaluate(example.with_scores(scores))
    assert err.value.missing == ("3", "47", "109.2")
    counted = ccmm.evaluate(example.with_scores(scores), allow_missing=True)
    assert counted.counted_as_zero == ("3", "47", "109.2")
    assert counted.total == ccmm.evaluate(example).total - sum(
        example.scores[i].c_rate + example.scores[i].f_rate for i in ("3", "47", "109.2")
    )


def test_domain_5_may_be_left_out_and_is_reported() -> None:
    example = load_example_assessment()
    scores = {i: s for i, s in example.scores.items() if i not in set(OPTIONAL_IDS)}
    evaluation = ccmm.evaluate(example.with_scores(scores))
    assert evaluation.domains_not_assessed == ("5.0",)
    assert evaluation.not_assessed == OPTIONAL_IDS
    assert evaluation.counted_as_zero == ()
    l4 = evaluation.level_result(4)
    assert not l4.holds


def test_unknown_operating_years_never_meet_the_rule() -> None:
    ratings = dict.fromkeys(STANDARD.item_ids, (10, 10))
    unknown = ccmm.evaluate(assessment_from(ratings, years=None))
    assert unknown.level == 2
    years_rule = next(r for r in unknown.level_result(3).rules if r.kind == "operating_years")
    assert not years_rule.holds and years_rule.short_by is None
    assert "unknown" in years_rule.explanation.en
    assert ccmm.evaluate(assessment_from(ratings, years=5)).level == 5
    assert ccmm.evaluate(assessment_from(ratings, years=4.9)).level == 4


def test_unknown_item_ids_are_refused() -> None:
    example = load_example_assessment()
    scores = {**example.scores, "999": ccmm.ItemScore(c_rate=10, f_rate=10)}
    with pytest.raises(ccmm.AssessmentError, match="'999'"):
        ccmm.evaluate(example.with_scores(scores))


def test_a_users_standard_is_evaluated_by_its_own_rules() -> None:
    data = STANDARD.model_dump(mode="json")
    data["id"], data["edition"] = "strict", "1"
    data["levels"][0]["share_rules"][0]["minimum"] = "95%"
    strict = ccmm.Standard.model_validate(data)
    example = load_example_assessment()
    mine = ccmm.Assessment.model_validate(
        {**example.model_dump(), "standard_id": "strict", "edition": "1"}
    )
    assert ccmm.evaluate(example).level == 2
    assert ccmm.evaluate(mine, strict).level == 0


# ---- evaluate_many --------------------------------------------------------------------------
def _long(assessments_: list[ccmm.Assessment]) -> pd.DataFrame:
    rows = [
        {"assessment_id": f"a{k}", "item": i, "c_rate": s.c_rate, "f_rate": s.f_rate,
         "operating_years": a.operating_years}
        for k, a in enumerate(assessments_) for i, s in a.scores.items()
    ]  # fmt: skip
    columns = ["assessment_id", "item", "c_rate", "f_rate", "operating_years"]
    return pd.DataFrame(rows, columns=columns)


def _agrees(out: pd.DataFrame, batch: list[ccmm.Assessment], evaluate: Any) -> None:
    """Every row of ``out`` says what ``evaluate`` says of that assessment, rule by rule."""
    assert list(out["assessment_id"]) == [f"a{k}" for k in range(len(batch))]
    for k, assessment in enumerate(batch):
        evaluation = evaluate(assessment)
        row = out.iloc[k]
        assert row["level"] == evaluation.level
        assert row["total"] == evaluation.total
        for lv in evaluation.levels:
            assert bool(row[f"L{lv.level}_holds"]) == lv.holds
            for r in lv.rules:
                if r.kind == "share":
                    assert row[f"{r.rating}_count[{r.scope}]"] == r.observed
                    share = row[f"{r.rating}_share[{r.scope}]"]
                    if r.share is None:  # an empty scope has no share
                        assert pd.isna(share)
                    else:
                        assert share == pytest.approx(float(r.share))
        for other in evaluation.readings:
            assert row[f"level[{other.reading}]"] == other.level


@given(st.lists(assessments(), min_size=1, max_size=4), readings)
def test_evaluate_many_agrees_with_evaluate_under_every_reading(
    batch: list[ccmm.Assessment], reading: ShareReading
) -> None:
    out = ccmm.evaluate_many(_long(batch), reading=reading)
    _agrees(out, batch, lambda a: ccmm.evaluate(a, reading=reading))


@given(st.lists(assessments(), min_size=1, max_size=3))
def test_evaluate_many_uses_the_editions_reading_by_default(batch: list[ccmm.Assessment]) -> None:
    frame = _long(batch)
    pd.testing.assert_frame_equal(
        ccmm.evaluate_many(frame), ccmm.evaluate_many(frame, reading=STANDARD.share_reading)
    )


@given(standards_with_assessments(overlapping=True), readings)
def test_evaluate_many_agrees_with_evaluate_on_small_standards_under_every_reading(
    pair: tuple[ccmm.Standard, ccmm.Assessment], reading: ShareReading
) -> None:
    standard, assessment = pair
    out = ccmm.evaluate_many(_long([assessment]), standard, allow_missing=True, reading=reading)
    if not assessment.scores:  # a long table holds no row of an assessment that rates nothing
        assert out.empty and "level[share_of_points]" in out.columns
        return
    _agrees(
        out, [assessment], lambda a: ccmm.evaluate(a, standard, allow_missing=True, reading=reading)
    )


@pytest.mark.parametrize("bad", ["rated_7", "", 10, None.__class__])
def test_evaluate_many_refuses_a_reading_that_is_not_one_of_the_three(bad: object) -> None:
    with pytest.raises(ccmm.InputDataError, match="reading must be one of 'rated_10'"):
        ccmm.evaluate_many(_long([load_example_assessment()]), reading=bad)  # type: ignore[arg-type]


@given(st.lists(assessments(), min_size=2, max_size=3), st.randoms(use_true_random=False))
def test_evaluate_many_ignores_row_order(batch: list[ccmm.Assessment], rnd: random.Random) -> None:
    frame = _long(batch)
    shuffled = frame.sample(frac=1.0, random_state=rnd.randint(0, 2**31)).reset_index(drop=True)
    by_id = ccmm.evaluate_many(frame).set_index("assessment_id").sort_index()
    again = ccmm.evaluate_many(shuffled).set_index("assessment_id").sort_index()
    pd.testing.assert_frame_equal(by_id, again)


def test_evaluate_many_reports_bad_rows_and_gaps() -> None:
    frame = _long([load_example_assessment()])
    bad = frame.copy()
    bad.loc[3, "c_rate"] = 7
    with pytest.raises(ccmm.AssessmentError, match=r"c_rate not one of \[0, 5, 10\].*rows 3"):
        ccmm.evaluate_many(bad)
    unknown = frame.copy()
    unknown.loc[0, "item"] = "999"
    with pytest.raises(ccmm.AssessmentError, match="'999'"):
        ccmm.evaluate_many(unknown)
    dup = pd.concat([frame, frame.iloc[[5]]], ignore_index=True)
    with pytest.raises(ccmm.AssessmentError, match="given twice"):
        ccmm.evaluate_many(dup)
    with pytest.raises(ccmm.IncompleteAssessmentError) as err:
        ccmm.evaluate_many(frame.drop(index=[0]))
    assert err.value.missing == ("a0:1",)
    with pytest.raises(ccmm.InputDataError, match="missing column"):
        ccmm.evaluate_many(frame.drop(columns=["f_rate"]))


def test_evaluation_names_the_standard_it_used() -> None:
    evaluation = ccmm.evaluate(load_example_assessment())
    assert (evaluation.standard_id, evaluation.edition, evaluation.digest) == (
        STANDARD.id, STANDARD.edition, STANDARD.digest,
    )  # fmt: skip
    assert evaluation.level_name == STANDARD.level(evaluation.level).name
    assert evaluation.max_total == 3540
