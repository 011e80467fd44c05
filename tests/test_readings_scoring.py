"""Readings of "met" (issue #19): every reading is monotone in every rating, cumulative over the
levels and exact at its thresholds; `Evaluation.readings` agrees with evaluating under each
reading; the edition's default is `rated_10`; and a bad reading is a CCMMError."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies_assessments import STANDARD, assessments
from strategies_standards import GRADES, ratings_of, standards_with_assessments
from test_planning import RATING_INDEX, observed_share, score_rules_hold

import ccmm
from ccmm import InputDataError, evaluate
from ccmm._readings import READINGS
from ccmm.assessment import ItemScore

readings = st.sampled_from(READINGS)


def test_the_edition_names_rated_10_as_its_reading_and_evaluate_uses_it() -> None:
    assert STANDARD.share_reading == "rated_10"
    assert READINGS == ("rated_10", "rated_5_or_10", "share_of_points")


@pytest.mark.parametrize("bad", ["rated_7", "", 10, ["rated_10"], "RATED_10"])
def test_a_reading_that_is_not_one_of_the_three_is_a_ccmm_error(bad: object) -> None:
    a = ccmm.examples.load_example_assessment()
    with pytest.raises(InputDataError, match="reading must be one of 'rated_10'"):
        evaluate(a, reading=bad)  # type: ignore[arg-type]


@given(standards_with_assessments(overlapping=True), readings)
def test_every_share_rule_holds_exactly_when_its_share_reaches_the_minimum(
    pair: tuple[ccmm.Standard, ccmm.Assessment], reading: str
) -> None:
    standard, assessment = pair
    ratings = ratings_of(standard, assessment)
    ev = evaluate(assessment, standard, reading=reading)  # type: ignore[arg-type]
    assert ev.reading == reading
    for lv, rules in zip(standard.levels, ev.levels, strict=True):
        shares = [r for r in rules.rules if r.kind == "share"]
        for rule, result in zip(lv.share_rules, shares, strict=True):
            obs, den = observed_share(standard, ratings, rule, reading)  # type: ignore[arg-type]
            assert (result.observed, result.denominator) == (obs, den)
            assert result.holds == (Fraction(obs) >= rule.minimum * den)
            # Exact at the threshold: `required` is the least passing value.
            assert Fraction(result.required) >= rule.minimum * den
            assert Fraction(result.required - 1) < rule.minimum * den or result.required == 0


@given(standards_with_assessments(overlapping=True), readings)
def test_the_level_is_cumulative_and_matches_the_restated_rules(
    pair: tuple[ccmm.Standard, ccmm.Assessment], reading: str
) -> None:
    standard, assessment = pair
    ev = evaluate(assessment, standard, reading=reading)  # type: ignore[arg-type]
    ratings = ratings_of(standard, assessment)
    years = assessment.operating_years
    expected = 0
    for lv in standard.levels:
        years_ok = lv.min_operating_years is None or (
            years is not None and years >= lv.min_operating_years
        )
        if not (score_rules_hold(standard, ratings, lv.level, reading) and years_ok):  # type: ignore[arg-type]
            break
        expected = lv.level
    assert ev.level == expected
    assert all(lv.reached for lv in ev.levels[: ev.level])
    assert not any(lv.reached for lv in ev.levels[ev.level :])


@given(standards_with_assessments(overlapping=True), readings, st.data())
def test_raising_any_rating_never_lowers_the_level_under_any_reading(
    pair: tuple[ccmm.Standard, ccmm.Assessment], reading: str, data: st.DataObject
) -> None:
    standard, assessment = pair
    item = data.draw(st.sampled_from(standard.item_ids), label="item")
    rating = data.draw(st.sampled_from(["c_rate", "f_rate"]), label="rating")
    ratings = ratings_of(standard, assessment)
    now = ratings[item][RATING_INDEX[rating]]
    if now == GRADES[-1]:
        return
    raised = dict(ratings[item] and {"c_rate": ratings[item][0], "f_rate": ratings[item][1]})
    raised[rating] = GRADES[GRADES.index(now) + 1]
    after = assessment.with_scores({**assessment.scores, item: ItemScore(**raised)})
    before_ev = evaluate(assessment, standard, reading=reading)  # type: ignore[arg-type]
    after_ev = evaluate(after, standard, reading=reading)  # type: ignore[arg-type]
    assert after_ev.level >= before_ev.level
    for a, b in zip(after_ev.rules, before_ev.rules, strict=True):
        if a.kind == "share":
            assert a.observed >= b.observed  # type: ignore[operator]


@given(assessments(), readings)
def test_readings_give_the_level_evaluate_gives_under_each_reading(
    assessment: ccmm.Assessment, reading: str
) -> None:
    ev = evaluate(assessment, reading=reading)  # type: ignore[arg-type]
    by_reading = {r.reading: r.level for r in ev.readings}
    assert tuple(by_reading) == READINGS
    for other in READINGS:
        assert by_reading[other] == evaluate(assessment, reading=other).level
    assert ev.readings_differ == (len(set(by_reading.values())) > 1)
    assert ("depends on the reading" in ev.explain()) == ev.readings_differ
