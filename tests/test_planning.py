"""The planner: applying a plan meets the target, no shorter plan exists, frozen items stay put.

Minimality is checked two independent ways: by brute force over every assessment reachable by
raising ratings of a small random standard, and against the lower bound
max(cheapest conversions forced by share rules, ⌈total deficit / 5⌉), computed here from the
standard's rules without the planner's code.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies_assessments import STANDARD, assessments
from strategies_standards import GRADES, ratings_of, standards_with_assessments

import ccmm
from ccmm._readings import READINGS
from ccmm.examples import load_example_assessment
from ccmm.planning import plan

RATING_INDEX = {"c_rate": 0, "f_rate": 1}


# ---- independent oracles ---------------------------------------------------------------------
def observed_share(
    standard: ccmm.Standard,
    ratings: dict[str, tuple[int, int]],
    rule: ccmm.standard.ShareRule,
    reading: str = "rated_10",
) -> tuple[int, int]:
    """(what counts, out of how much) for one share rule, restated per reading of "met"."""
    members = [i.id for i in standard.items if i.domain in standard.scope(rule.scope).domains]
    values = [ratings[i][RATING_INDEX[rule.rating]] for i in members]
    if reading == "rated_10":
        return sum(1 for v in values if v == GRADES[-1]), len(values)
    if reading == "rated_5_or_10":
        return sum(1 for v in values if v in (5, 10)), len(values)
    assert reading == "share_of_points"
    return sum(values), GRADES[-1] * len(values)


def score_rules_hold(
    standard: ccmm.Standard,
    ratings: dict[str, tuple[int, int]],
    upto: int,
    reading: str = "rated_10",
) -> bool:
    """The share and total rules of levels 1..upto, restated from the standard's definition."""
    total = sum(c + f for c, f in ratings.values())
    for lv in standard.levels[:upto]:
        for rule in lv.share_rules:
            count, out_of = observed_share(standard, ratings, rule, reading)
            if Fraction(count) < rule.minimum * out_of:
                return False
        if total < lv.min_total:
            return False
    return True


def fewest_steps_brute_force(
    standard: ccmm.Standard,
    assessment: ccmm.Assessment,
    target: int,
    frozen: Iterable[str] = (),
    reading: str = "rated_10",
) -> int | None:
    """The fewest one-grade raises meeting the score rules of levels 1..target (None: none can)."""
    base = ratings_of(standard, assessment)
    frozen_set = set(frozen)
    ids = list(base)
    choices = []
    for i in ids:
        for g in base[i]:
            start = GRADES.index(g)
            choices.append((start,) if i in frozen_set else tuple(range(start, len(GRADES))))
    start_cost = sum(c[0] for c in choices)
    best = None
    for combo in itertools.product(*choices):
        cost = sum(combo) - start_cost
        if best is not None and cost >= best:
            continue
        ratings = {i: (GRADES[combo[2 * k]], GRADES[combo[2 * k + 1]]) for k, i in enumerate(ids)}
        if score_rules_hold(standard, ratings, target, reading):
            best = cost
    return best


def lower_bound(standard: ccmm.Standard, assessment: ccmm.Assessment, target: int) -> int:
    """max(cheapest top-grade conversions forced by share rules, ⌈total deficit / 5⌉).

    Conversions are summed over (rating, set of domains): a valid bound when the scopes of one
    rating are disjoint or identical. Assumes nothing is frozen.
    """
    ratings = ratings_of(standard, assessment)
    need: dict[tuple[str, frozenset[str]], int] = {}
    total_need = 0
    for lv in standard.levels[:target]:
        for rule in lv.share_rules:
            domains = frozenset(standard.scope(rule.scope).domains)
            size = sum(1 for i in standard.items if i.domain in domains)
            # smallest count with count / size >= minimum
            count = next(n for n in range(size + 1) if Fraction(n) >= rule.minimum * size)
            key = (rule.rating, domains)
            need[key] = max(need.get(key, 0), count)
        total_need = max(total_need, lv.min_total)
    conversions = 0
    for (rating, domains), n in need.items():
        grades = [
            ratings[i.id][RATING_INDEX[rating]] for i in standard.items if i.domain in domains
        ]
        have = sum(1 for g in grades if g == 10)
        costs = sorted((10 - g) // 5 for g in grades if g < 10)
        conversions += sum(costs[: max(0, n - have)])
    deficit = total_need - sum(c + f for c, f in ratings.values())
    return max(conversions, -(-max(0, deficit) // 5))


def scopes_overlap(standard: ccmm.Standard, target: int) -> bool:
    """Do the rules of one rating (levels 1..target) use overlapping, non-identical scopes?"""
    used: dict[str, set[frozenset[str]]] = {"c_rate": set(), "f_rate": set()}
    for lv in standard.levels[:target]:
        for rule in lv.share_rules:
            used[rule.rating].add(frozenset(standard.scope(rule.scope).domains))
    return any(a != b and a & b for sets in used.values() for a in sets for b in sets)


def targets(standard: ccmm.Standard) -> st.SearchStrategy[int]:
    return st.integers(0, len(standard.levels))


# ---- properties on small random standards ----------------------------------------------------
@given(standards_with_assessments(overlapping=True), st.data())
def test_applying_a_plan_meets_every_score_rule_up_to_the_target(
    pair: tuple[ccmm.Standard, ccmm.Assessment], data: st.DataObject
) -> None:
    standard, assessment = pair
    target = data.draw(targets(standard))
    result = plan(assessment, target, standard)
    after = result.apply(assessment)
    feasible = fewest_steps_brute_force(standard, assessment, target) is not None
    if feasible:
        assert score_rules_hold(standard, ratings_of(standard, after), target)
    else:
        assert not result.reachable
        assert result.steps == ()
        assert result.reason is not None
    assert result.level_after == ccmm.evaluate(after, standard).level
    if result.reachable:
        assert result.level_after >= target
        assert result.blockers == ()
    elif feasible:
        assert result.blockers, "a feasible plan is unreachable only because of operating years"
        assert all(b.kind == "operating_years" for b in result.blockers)


@given(standards_with_assessments(), st.data())
def test_no_plan_with_fewer_steps_exists(
    pair: tuple[ccmm.Standard, ccmm.Assessment], data: st.DataObject
) -> None:
    standard, assessment = pair
    target = data.draw(targets(standard))
    frozen = data.draw(st.lists(st.sampled_from(standard.item_ids), unique=True, max_size=2))
    result = plan(assessment, target, standard, frozen_items=frozen)
    fewest = fewest_steps_brute_force(standard, assessment, target, frozen)
    assert result.minimal
    assert result.note is None
    if fewest is None:
        assert result.steps == ()
        assert not result.reachable
    else:
        assert len(result.steps) == fewest


@given(standards_with_assessments(), st.data())
def test_plan_length_equals_the_lower_bound_when_scopes_are_disjoint_or_identical(
    pair: tuple[ccmm.Standard, ccmm.Assessment], data: st.DataObject
) -> None:
    standard, assessment = pair
    target = data.draw(targets(standard))
    result = plan(assessment, target, standard)
    assume(fewest_steps_brute_force(standard, assessment, target) is not None)
    assert len(result.steps) == lower_bound(standard, assessment, target)


@given(standards_with_assessments(overlapping=True), st.data())
def test_overlapping_scopes_give_a_valid_plan_flagged_as_maybe_not_minimal(
    pair: tuple[ccmm.Standard, ccmm.Assessment], data: st.DataObject
) -> None:
    standard, assessment = pair
    target = data.draw(targets(standard))
    result = plan(assessment, target, standard)
    overlap = scopes_overlap(standard, target)
    assert result.minimal is not overlap
    assert (result.note is not None) is overlap
    fewest = fewest_steps_brute_force(standard, assessment, target)
    if fewest is not None:
        assert len(result.steps) >= fewest
        assert score_rules_hold(standard, ratings_of(standard, result.apply(assessment)), target)


@given(standards_with_assessments(overlapping=True), st.data())
def test_frozen_items_never_move(
    pair: tuple[ccmm.Standard, ccmm.Assessment], data: st.DataObject
) -> None:
    standard, assessment = pair
    target = data.draw(targets(standard))
    frozen = data.draw(st.lists(st.sampled_from(standard.item_ids), unique=True))
    result = plan(assessment, target, standard, frozen_items=frozen)
    assert not {s.item for s in result.steps} & set(frozen)
    before, after = ratings_of(standard, assessment), ratings_of(standard, result.apply(assessment))
    assert all(before[i] == after[i] for i in frozen)
    assert result.frozen_items == tuple(i for i in standard.item_ids if i in set(frozen))


@given(standards_with_assessments(), st.data())
def test_a_higher_target_never_needs_fewer_steps(
    pair: tuple[ccmm.Standard, ccmm.Assessment], data: st.DataObject
) -> None:
    standard, assessment = pair
    lengths = []
    for target in range(len(standard.levels) + 1):
        result = plan(assessment, target, standard)
        if fewest_steps_brute_force(standard, assessment, target) is None:
            break
        lengths.append(len(result.steps))
    assert lengths == sorted(lengths)


@given(standards_with_assessments(overlapping=True), st.data())
def test_every_step_raises_one_grade_and_the_groups_partition_the_steps(
    pair: tuple[ccmm.Standard, ccmm.Assessment], data: st.DataObject
) -> None:
    standard, assessment = pair
    result = plan(assessment, data.draw(targets(standard)), standard)
    for step in result.steps:
        assert GRADES.index(step.to_rating) == GRADES.index(step.from_rating) + 1
        assert step.domain == standard.item(step.item).domain
        assert step.section == standard.item(step.item).section
    for groups, attr in ((result.by_domain, "domain"), (result.by_section, "section")):
        regrouped = [s for g in groups for s in g.steps]
        assert sorted(regrouped, key=result.steps.index) == list(result.steps)
        assert len(regrouped) == len(result.steps)
        assert all(getattr(s, attr) == g.id for g in groups for s in g.steps)
    assert result.total_after - result.total_before == 5 * len(result.steps)
    order = {i: k for k, i in enumerate(standard.item_ids)}
    keys = [(order[s.item], RATING_INDEX[s.rating], s.from_rating) for s in result.steps]
    assert keys == sorted(keys)


@given(standards_with_assessments(overlapping=True), st.data(), st.randoms(use_true_random=False))
def test_same_input_same_plan_whatever_the_order_of_scores_and_frozen_items(
    pair: tuple[ccmm.Standard, ccmm.Assessment], data: st.DataObject, rnd: random.Random
) -> None:
    standard, assessment = pair
    target = data.draw(targets(standard))
    frozen = data.draw(st.lists(st.sampled_from(standard.item_ids), unique=True, max_size=2))
    first = plan(assessment, target, standard, frozen_items=frozen)
    shuffled_items = list(assessment.scores.items())
    rnd.shuffle(shuffled_items)
    shuffled = assessment.with_scores(dict(shuffled_items))
    second = plan(shuffled, target, standard, frozen_items=list(reversed(frozen)))
    assert first.model_dump() == second.model_dump()
    assert first.apply(assessment).scores == second.apply(shuffled).scores


@given(standards_with_assessments(), st.data())
def test_a_target_already_reached_needs_no_step(
    pair: tuple[ccmm.Standard, ccmm.Assessment], data: st.DataObject
) -> None:
    standard, assessment = pair
    level = ccmm.evaluate(assessment, standard).level
    result = plan(assessment, data.draw(st.integers(0, level)), standard)
    assert result.steps == ()
    assert result.reachable
    assert result.level_after == level == result.current_level


# ---- the shipped standard (CC-CMM-OC 2017: scopes disjoint) ----------------------------------
@given(assessments(), st.integers(1, 5))
def test_cc_cmm_plans_meet_the_lower_bound_and_reach_the_target(
    assessment: ccmm.Assessment, target: int
) -> None:
    result = plan(assessment, target)
    assert result.minimal
    assert len(result.steps) == lower_bound(STANDARD, assessment, target)
    after = result.apply(assessment)
    assert score_rules_hold(STANDARD, ratings_of(STANDARD, after), target)
    if assessment.operating_years is not None and assessment.operating_years >= 5:
        assert result.reachable
        assert ccmm.evaluate(after).level >= target


def test_the_example_centre_plans_to_levels_3_and_4() -> None:
    assessment = load_example_assessment()
    evaluation = ccmm.evaluate(assessment)
    assert evaluation.level == 2
    for target in (3, 4):
        result = plan(assessment, target)
        assert result.reachable
        assert result.level_after == target
        assert ccmm.evaluate(result.apply(assessment)).level == target
        # Each share rule's shortfall (from the evaluator) is at least one step per item.
        shortfall = {
            (r.rating, r.scope): r.short_by
            for lv in evaluation.levels[:target]
            for r in lv.rules
            if r.kind == "share"
        }
        for (rating, scope), short in shortfall.items():
            domains = STANDARD.scope(scope).domains
            raised_to_top = [
                s
                for s in result.steps
                if s.rating == rating and s.to_rating == 10 and s.domain in domains
            ]
            assert len(raised_to_top) >= short


def test_operating_years_are_blockers_not_silently_ignored() -> None:
    assessment = load_example_assessment().model_copy(update={"operating_years": 1.0})
    result = plan(assessment, 3)
    assert not result.reachable
    assert [b.level for b in result.blockers] == [3]
    assert result.reason is not None
    assert "operating years" in result.reason.en
    # The score rules are still planned for: only the years are missing afterwards.
    after = result.apply(assessment)
    assert score_rules_hold(STANDARD, ratings_of(STANDARD, after), 3)
    assert result.level_after == 2
    unknown = plan(assessment.model_copy(update={"operating_years": None}), 3)
    assert "unknown" in unknown.blockers[0].explanation.en


def test_a_target_frozen_out_of_reach_says_which_rule() -> None:
    assessment = load_example_assessment()
    not_top = [i for i, s in assessment.scores.items() if s.c_rate < 10 and i[0] in "1234"]
    result = plan(assessment, 3, frozen_items=not_top[:1])
    assert not result.reachable
    assert result.steps == ()
    assert result.reason is not None
    assert "C-Rate 1.0–4.0" in result.reason.en
    assert "frozen" in result.reason.en


def test_left_out_optional_items_are_raised_into_the_assessment() -> None:
    assessment = load_example_assessment()
    optional = {i.id for i in STANDARD.items if i.domain == "5.0"}
    trimmed = assessment.with_scores(
        {i: s for i, s in assessment.scores.items() if i not in optional}
    )
    result = plan(trimmed, 4)
    after = result.apply(trimmed)
    assert ccmm.evaluate(after).level == 4
    entered = {s.item for s in result.steps} & optional
    assert entered
    assert entered <= set(after.scores)


# ---- errors ----------------------------------------------------------------------------------
@pytest.mark.parametrize("target", [-1, 6, True, "3", 2.0])
def test_a_target_that_is_not_a_level_is_refused(target: object) -> None:
    with pytest.raises(ccmm.InputDataError, match="target_level"):
        plan(load_example_assessment(), target)  # type: ignore[arg-type]


def test_unknown_frozen_items_are_all_named() -> None:
    with pytest.raises(ccmm.InputDataError, match=r"2 id\(s\).*'999'.*'x'"):
        plan(load_example_assessment(), 3, frozen_items=["1", "999", "x"])
    with pytest.raises(ccmm.InputDataError, match="collection of item ids"):
        plan(load_example_assessment(), 3, frozen_items="47")


def test_a_plan_refuses_an_assessment_it_does_not_start_from() -> None:
    assessment = load_example_assessment()
    result = plan(assessment, 3)
    first = result.steps[0]
    moved = dict(assessment.scores)
    moved[first.item] = moved[first.item].model_copy(update={first.rating: 10})
    with pytest.raises(ccmm.AssessmentError, match=rf"item '{first.item}'.*starts at"):
        result.apply(assessment.with_scores(moved))
    other = assessment.model_copy(update={"edition": "2099"})
    with pytest.raises(ccmm.StandardMismatchError):
        result.apply(other)


def test_incomplete_assessments_are_refused_as_by_the_evaluator() -> None:
    assessment = load_example_assessment()
    with pytest.raises(ccmm.IncompleteAssessmentError):
        plan(assessment.with_scores({k: v for k, v in assessment.scores.items() if k != "1"}), 3)


# ---- every reading of "met" (issue #19) ------------------------------------------------------
@given(standards_with_assessments(), st.sampled_from(READINGS), st.data())
def test_no_plan_with_fewer_steps_exists_under_every_reading(
    pair: tuple[ccmm.Standard, ccmm.Assessment], reading: str, data: st.DataObject
) -> None:
    standard, assessment = pair
    target = data.draw(targets(standard))
    frozen = data.draw(st.lists(st.sampled_from(standard.item_ids), unique=True, max_size=2))
    result = plan(assessment, target, standard, frozen_items=frozen, reading=reading)  # type: ignore[arg-type]
    fewest = fewest_steps_brute_force(standard, assessment, target, frozen, reading)
    if fewest is None:
        assert result.steps == ()
        assert not result.reachable
    else:
        assert len(result.steps) == fewest
        after = ratings_of(standard, result.apply(assessment))
        assert score_rules_hold(standard, after, target, reading)
