"""The margin: the reported downgrades lose the level, and no smaller set of downgrades does."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from strategies_assessments import STANDARD, assessments
from strategies_standards import GRADES, ratings_of, standards_with_assessments
from test_planning import score_rules_hold

import ccmm
from ccmm._readings import READINGS
from ccmm.examples import load_example_assessment
from ccmm.planning import margin


def fewest_downgrades_brute_force(
    standard: ccmm.Standard, assessment: ccmm.Assessment, level: int, reading: str = "rated_10"
) -> int | None:
    """The fewest one-grade downgrades after which a score rule of levels 1..level fails.

    Operating years cannot change, so with ``level`` reached, losing it means a score rule of a
    level up to it fails.
    """
    base = ratings_of(standard, assessment)
    ids = list(base)
    choices = [tuple(range(GRADES.index(g) + 1)) for i in ids for g in base[i]]
    start = sum(c[-1] for c in choices)
    best = None
    for combo in itertools.product(*choices):
        cost = start - sum(combo)
        if best is not None and cost >= best:
            continue
        ratings = {i: (GRADES[combo[2 * k]], GRADES[combo[2 * k + 1]]) for k, i in enumerate(ids)}
        if not score_rules_hold(standard, ratings, level, reading):
            best = cost
    return best


@given(standards_with_assessments(overlapping=True))
def test_the_margin_is_the_fewest_downgrades_that_lose_the_level(
    pair: tuple[ccmm.Standard, ccmm.Assessment],
) -> None:
    standard, assessment = pair
    result = margin(assessment, standard)
    assert result.level == ccmm.evaluate(assessment, standard).level
    fewest = fewest_downgrades_brute_force(standard, assessment, result.level)
    assert result.downgrades_needed == fewest
    assert len(result.downgrades) == (fewest or 0)


@given(standards_with_assessments(overlapping=True))
def test_applying_the_margin_loses_the_level(
    pair: tuple[ccmm.Standard, ccmm.Assessment],
) -> None:
    standard, assessment = pair
    result = margin(assessment, standard)
    after = result.apply(assessment)
    level_after = ccmm.evaluate(after, standard).level
    assert result.level_after == level_after
    if result.downgrades_needed is None:
        assert result.downgrades == ()
        assert result.breaks is None
        assert level_after == result.level
    else:
        assert level_after < result.level
        assert result.breaks is not None
        assert result.breaks.level <= result.level
        assert result.items == tuple(
            i for i in standard.item_ids if i in {d.item for d in result.downgrades}
        )
        for d in result.downgrades:
            assert GRADES.index(d.to_rating) == GRADES.index(d.from_rating) - 1


@given(assessments())
def test_cc_cmm_margin_is_the_smallest_rule_margin_and_loses_the_level(
    assessment: ccmm.Assessment,
) -> None:
    result = margin(assessment)
    evaluation = ccmm.evaluate(assessment)
    # Each rule's own margin, from the evaluator's figures alone.
    expected = []
    for lv in evaluation.levels[: evaluation.level]:
        for rule in lv.rules:
            if rule.kind == "operating_years":
                continue
            assert isinstance(rule.observed, int)
            if rule.kind == "share" and rule.required > 0:
                expected.append(rule.observed - int(rule.required) + 1)
            elif rule.kind == "total" and rule.required > 0:
                expected.append(-(-(rule.observed - int(rule.required) + 1) // 5))
    assert result.downgrades_needed == (min(expected) if expected else None)
    breakable = [m.downgrades_needed for m in result.rules if m.downgrades_needed is not None]
    assert sorted(breakable) == sorted(expected)
    if result.downgrades_needed is not None:
        assert ccmm.evaluate(result.apply(assessment)).level < evaluation.level


def test_the_example_centre_loses_level_2_after_five_method_downgrades() -> None:
    assessment = load_example_assessment()
    result = margin(assessment)
    evaluation = ccmm.evaluate(assessment)
    c_rule = next(r for r in evaluation.level_result(2).rules if r.label == "C-Rate 1.0–4.0")
    # 146 of 157 items at 10 against 142 needed: five of them taken to 5 make it fail.
    assert (c_rule.observed, c_rule.required) == (146, 142)
    assert result.downgrades_needed == 5
    assert result.breaks == c_rule
    assert all(
        d.rating == "c_rate" and (d.from_rating, d.to_rating) == (10, 5) for d in result.downgrades
    )
    assert result.level_after == 1


def test_level_zero_has_nothing_to_lose() -> None:
    scores = {i.id: ccmm.ItemScore(c_rate=0, f_rate=0) for i in STANDARD.items}
    assessment = load_example_assessment().with_scores(scores)
    result = margin(assessment)
    assert result.level == 0
    assert result.downgrades_needed is None
    assert result.downgrades == ()
    assert result.rules == ()


@given(standards_with_assessments(overlapping=True), st.sampled_from(READINGS))
def test_the_margin_is_the_fewest_downgrades_under_every_reading(
    pair: tuple[ccmm.Standard, ccmm.Assessment], reading: str
) -> None:
    standard, assessment = pair
    result = margin(assessment, standard, reading=reading)  # type: ignore[arg-type]
    assert result.level == ccmm.evaluate(assessment, standard, reading=reading).level  # type: ignore[arg-type]
    fewest = fewest_downgrades_brute_force(standard, assessment, result.level, reading)
    assert result.downgrades_needed == fewest
    assert len(result.downgrades) == (fewest or 0)
    if fewest is not None:
        after = result.apply(assessment)
        assert ccmm.evaluate(after, standard, reading=reading).level < result.level  # type: ignore[arg-type]
