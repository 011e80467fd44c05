"""method_execution(): items executed beyond their method, and the C/F balance per domain."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies_assessments import STANDARD, assessments

import ccmm
from ccmm.balance import method_execution
from ccmm.examples import load_example_assessment


@given(assessments())
def test_exactly_the_items_with_f_above_c_are_listed_in_catalogue_order(
    assessment: ccmm.Assessment,
) -> None:
    result = method_execution(assessment)
    expected = [
        i.id
        for i in STANDARD.items
        if i.id in assessment.scores
        and assessment.scores[i.id].f_rate > assessment.scores[i.id].c_rate
    ]
    assert [b.item for b in result.f_exceeds_c] == expected
    for b in result.f_exceeds_c:
        score = assessment.scores[b.item]
        assert (b.c_rate, b.f_rate) == (score.c_rate, score.f_rate)
        assert b.domain == STANDARD.item(b.item).domain


@given(assessments())
def test_domain_sums_agree_with_the_evaluator_and_add_up(assessment: ccmm.Assessment) -> None:
    result = method_execution(assessment)
    evaluation = ccmm.evaluate(assessment)
    for bal, area in zip(result.domains, evaluation.domains, strict=True):
        assert (bal.id, bal.c_sum, bal.f_sum) == (area.id, area.c_sum, area.f_sum)
        assert (bal.items, bal.rated_items) == (area.items, area.rated_items)
        assert bal.f_above_c + bal.c_above_f + bal.equal == bal.rated_items
        assert bal.difference == bal.c_sum - bal.f_sum
        assert bal.max_sum == 10 * bal.rated_items
        if bal.rated_items:
            # Ratio of sums, exactly.
            assert bal.c_share == Fraction(bal.c_sum, bal.max_sum)
        else:
            assert bal.c_share is None
    overall = result.overall
    assert overall.c_sum == sum(d.c_sum for d in result.domains)
    assert overall.f_sum == sum(d.f_sum for d in result.domains)
    assert overall.f_above_c == len(result.f_exceeds_c) == sum(d.f_above_c for d in result.domains)
    assert overall.c_to_f == (Fraction(overall.c_sum, overall.f_sum) if overall.f_sum else None)


@given(assessments())
def test_swapping_method_and_execution_mirrors_the_balance(assessment: ccmm.Assessment) -> None:
    swapped = assessment.with_scores(
        {
            i: s.model_copy(update={"c_rate": s.f_rate, "f_rate": s.c_rate})
            for i, s in assessment.scores.items()
        }
    )
    result, mirror = method_execution(assessment), method_execution(swapped)
    method_ahead = [
        i.id
        for i in STANDARD.items
        if i.id in assessment.scores
        and assessment.scores[i.id].c_rate > assessment.scores[i.id].f_rate
    ]
    assert [b.item for b in mirror.f_exceeds_c] == method_ahead
    for a, b in zip(result.domains, mirror.domains, strict=True):
        assert b.difference == -a.difference
        assert (b.f_above_c, b.c_above_f, b.equal) == (a.c_above_f, a.f_above_c, a.equal)


@given(assessments(), st.randoms(use_true_random=False))
def test_the_order_of_items_in_the_input_does_not_matter(
    assessment: ccmm.Assessment, rnd: random.Random
) -> None:
    items = list(assessment.scores.items())
    rnd.shuffle(items)
    shuffled = assessment.with_scores(dict(items))
    assert method_execution(assessment) == method_execution(shuffled)


def test_an_execution_without_method_is_found() -> None:
    assessment = load_example_assessment()
    scores = dict(assessment.scores)
    scores["47"] = ccmm.ItemScore(c_rate=0, f_rate=10)
    scores["48"] = ccmm.ItemScore(c_rate=5, f_rate=10)
    result = method_execution(assessment.with_scores(scores))
    found = {b.item: (b.c_rate, b.f_rate) for b in result.f_exceeds_c}
    assert found["47"] == (0, 10)
    assert found["48"] == (5, 10)
    domain = next(d for d in result.domains if d.id == "2.0")
    assert domain.f_above_c >= 2


def test_unknown_items_are_refused_by_name() -> None:
    assessment = load_example_assessment()
    scores = {**assessment.scores, "999": ccmm.ItemScore(c_rate=0, f_rate=0)}
    with pytest.raises(ccmm.AssessmentError, match="'999'"):
        method_execution(assessment.with_scores(scores))
