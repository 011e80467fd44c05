"""compare(): level change, every rule's movement, every changed rating — and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies_assessments import STANDARD, assessments
from strategies_standards import ratings_of, standards_with_assessments

import ccmm
from ccmm import RatingMovement, compare
from ccmm.examples import load_example_assessment
from ccmm.planning import plan

RATING_INDEX = {"c_rate": 0, "f_rate": 1}


def changed_ratings(
    standard: ccmm.Standard, before: ccmm.Assessment, after: ccmm.Assessment
) -> tuple[set[tuple[str, str, int, int]], set[tuple[str, str, int, int]]]:
    """(improved, regressed) as (item, rating, from, to), computed directly from the ratings."""
    old, new = ratings_of(standard, before), ratings_of(standard, after)
    up, down = set(), set()
    for item in standard.item_ids:
        for rating, k in RATING_INDEX.items():
            if new[item][k] > old[item][k]:
                up.add((item, rating, old[item][k], new[item][k]))
            elif new[item][k] < old[item][k]:
                down.add((item, rating, old[item][k], new[item][k]))
    return up, down


def as_tuples(changes: tuple[RatingMovement, ...]) -> set[tuple[str, str, int, int]]:
    return {(c.item, c.rating, c.from_rating, c.to_rating) for c in changes}


@given(assessments(), assessments())
def test_every_changed_rating_is_listed_once_and_nothing_else(
    before: ccmm.Assessment, after: ccmm.Assessment
) -> None:
    result = compare(before, after)
    up, down = changed_ratings(STANDARD, before, after)
    assert as_tuples(result.improved) == up
    assert as_tuples(result.regressed) == down
    assert len(result.improved) == len(up)
    assert len(result.regressed) == len(down)
    moved = sum(c.to_rating - c.from_rating for c in result.improved + result.regressed)
    assert result.total_change == moved == result.total_after - result.total_before
    for rating in ("c_rate", "f_rate"):
        assert result.improved_in(rating) == tuple(c for c in result.improved if c.rating == rating)
        assert all(c.rating == rating for c in result.regressed_in(rating))


@given(assessments(), assessments())
def test_rule_movements_match_the_two_evaluations(
    before: ccmm.Assessment, after: ccmm.Assessment
) -> None:
    result = compare(before, after)
    ev_before, ev_after = ccmm.evaluate(before), ccmm.evaluate(after)
    assert (result.level_before, result.level_after) == (ev_before.level, ev_after.level)
    assert result.level_change == ev_after.level - ev_before.level
    assert len(result.rules) == len(ev_before.rules) == len(ev_after.rules)
    for move, b, a in zip(result.rules, ev_before.rules, ev_after.rules, strict=True):
        assert (move.before, move.after) == (b, a)
        expected = {
            (True, True): "still met",
            (False, False): "still unmet",
            (False, True): "gained",
            (True, False): "lost",
        }[(b.holds, a.holds)]
        assert move.movement == expected
    assert set(result.rules_gained) | set(result.rules_lost) == {
        m for m in result.rules if m.movement in ("gained", "lost")
    }


@given(assessments(), assessments())
def test_swapping_before_and_after_mirrors_the_comparison(
    before: ccmm.Assessment, after: ccmm.Assessment
) -> None:
    forward, backward = compare(before, after), compare(after, before)
    mirrored = {(i, r, b, a) for i, r, a, b in as_tuples(backward.regressed)}
    assert as_tuples(forward.improved) == mirrored
    assert backward.level_change == -forward.level_change
    assert backward.total_change == -forward.total_change
    assert forward.newly_assessed == backward.no_longer_assessed
    flip = {"gained": "lost", "lost": "gained", "still met": "still met"}
    flip["still unmet"] = "still unmet"
    assert [flip[m.movement] for m in forward.rules] == [m.movement for m in backward.rules]


@given(assessments())
def test_an_assessment_compared_with_itself_has_no_change(assessment: ccmm.Assessment) -> None:
    result = compare(assessment, assessment)
    assert result.improved == result.regressed == ()
    assert result.level_change == result.total_change == 0
    assert all(m.movement in ("still met", "still unmet") for m in result.rules)
    assert all(m.change in (0, None) for m in result.rules)


@given(standards_with_assessments(), st.data())
def test_a_plan_shows_up_as_exactly_its_steps(
    pair: tuple[ccmm.Standard, ccmm.Assessment], data: st.DataObject
) -> None:
    standard, assessment = pair
    result = plan(assessment, data.draw(st.integers(0, len(standard.levels))), standard)
    after = result.apply(assessment)
    comparison = compare(assessment, after, standard=standard)
    assert comparison.regressed == ()
    # Consecutive steps of one rating merge into one change from the first to the last grade.
    merged: dict[tuple[str, str], tuple[int, int]] = {}
    for step in result.steps:
        start = merged.get((step.item, step.rating), (step.from_rating, 0))[0]
        merged[(step.item, step.rating)] = (start, step.to_rating)
    assert as_tuples(comparison.improved) == {(i, r, a, b) for (i, r), (a, b) in merged.items()}
    assert comparison.level_change == result.level_after - result.current_level


def test_optional_items_left_out_on_one_side_are_reported() -> None:
    before = load_example_assessment()
    optional = [i.id for i in STANDARD.items if i.domain == "5.0"]
    after = before.with_scores({i: s for i, s in before.scores.items() if i not in optional})
    result = compare(before, after)
    assert result.no_longer_assessed == tuple(optional)
    assert result.newly_assessed == ()
    # Counted 0 where left out, as the evaluator counts them.
    expected = sum(before.scores[i].c_rate + before.scores[i].f_rate for i in optional)
    assert result.total_change == -expected
    assert {c.item for c in result.regressed} <= set(optional)


def test_assessments_of_different_standards_are_not_compared() -> None:
    before = load_example_assessment()
    after = before.model_copy(update={"edition": "2099"})
    with pytest.raises(ccmm.StandardMismatchError, match="2099"):
        compare(before, after)
