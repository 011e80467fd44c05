"""consolidate(): several assessors' assessments of one centre merged into one."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies_assessments import EXAMPLE, panels_over

import ccmm
from ccmm import consolidate

STANDARD = ccmm.load_standard()
SOME_ITEMS = STANDARD.item_ids[:10]
methods = st.sampled_from(["median", "min"])


def panels() -> st.SearchStrategy[dict[str, ccmm.Assessment]]:
    """Panels of 2 to 5 assessors of the example centre over the first 10 items."""
    return panels_over(SOME_ITEMS, max_size=5)


def given_grades(panel: dict[str, ccmm.Assessment], item: str, rating: str) -> list[int]:
    return [getattr(a.scores[item], rating) for a in panel.values() if item in a.scores]


@given(panels(), methods)
def test_consolidated_grade_lies_between_lowest_and_highest_given(panel, method):
    result = consolidate(panel, method=method)
    for item, score in result.assessment.scores.items():
        for rating in ("c_rate", "f_rate"):
            given = given_grades(panel, item, rating)
            assert min(given) <= getattr(score, rating) <= max(given)
            if method == "min":
                assert getattr(score, rating) == min(given)


@given(panels())
def test_median_is_the_highest_grade_a_strict_majority_reached(panel):
    result = consolidate(panel, method="median")
    for item, score in result.assessment.scores.items():
        for rating in ("c_rate", "f_rate"):
            given = given_grades(panel, item, rating)
            majority = max(g for g in (0, 5, 10) if 2 * sum(x >= g for x in given) > len(given))
            assert getattr(score, rating) == majority


@pytest.mark.parametrize(
    ("grades_given", "median"),
    [((5, 10), 5), ((0, 10), 0), ((0, 5, 10), 5), ((0, 5, 10, 10), 5), ((5, 10, 10, 10), 10)],
)
def test_even_counts_take_the_lower_middle_grade(grades_given, median):
    panel = {
        f"a{n}": EXAMPLE.model_copy(update={"scores": {"1": ccmm.ItemScore(c_rate=g, f_rate=g)}})
        for n, g in enumerate(grades_given)
    }
    score = consolidate(panel).assessment.scores["1"]
    assert (score.c_rate, score.f_rate) == (median, median)


@given(st.integers(min_value=2, max_value=4), methods)
def test_consolidating_identical_assessments_gives_that_assessment(copies, method):
    panel = {f"assessor {n}": EXAMPLE for n in range(copies)}
    result = consolidate(panel, method=method)
    assert result.assessment == EXAMPLE
    assert result.disagreements == ()
    assert result.partly_rated == ()


@given(panels(), methods, st.randoms(use_true_random=False))
def test_consolidation_does_not_depend_on_assessor_order(panel, method, rnd):
    names = list(panel)
    rnd.shuffle(names)
    reordered = {n: panel[n] for n in names}
    a, b = consolidate(panel, method=method), consolidate(reordered, method=method)
    assert a.assessment.scores == b.assessment.scores
    assert {(d.item_id, d.rating) for d in a.disagreements} == {
        (d.item_id, d.rating) for d in b.disagreements
    }


@given(panels())
def test_disagreements_are_exactly_the_ratings_with_different_grades(panel):
    result = consolidate(panel)
    rated = [i for i in SOME_ITEMS if any(i in a.scores for a in panel.values())]
    expected = [
        (item, rating)
        for item in rated
        for rating in ("c_rate", "f_rate")
        if len(set(given_grades(panel, item, rating))) > 1
    ]
    assert [(d.item_id, d.rating) for d in result.disagreements] == expected
    for d in result.disagreements:
        assert list(d.grades.values()) == given_grades(panel, d.item_id, d.rating)
        assert d.spread == max(d.grades.values()) - min(d.grades.values()) > 0
    assert result.disagreeing_items == tuple(dict.fromkeys(i for i, _ in expected))


@given(panels())
def test_every_rated_item_is_kept_and_partly_rated_items_are_listed(panel):
    result = consolidate(panel)
    rated = {i for a in panel.values() for i in a.scores}
    assert set(result.assessment.scores) == rated
    partly = {p.item_id: p for p in result.partly_rated}
    for item in rated:
        by = tuple(n for n, a in panel.items() if item in a.scores)
        if len(by) < len(panel):
            assert partly[item].rated_by == by
            assert set(partly[item].not_rated_by) == set(panel) - set(by)
        else:
            assert item not in partly


def test_metadata_evidence_and_notes_are_carried_over():
    ann = EXAMPLE.model_copy(
        update={
            "assessors": ("Ann",),
            "assessed_on": dt.date(2026, 10, 1),
            "operating_years": 4.0,
            "scores": {
                "1": ccmm.ItemScore(c_rate=5, f_rate=10, evidence=("doc-a",), notes="no QA plan"),
                "2": ccmm.ItemScore(c_rate=10, f_rate=10, notes="same"),
            },
        }
    )
    bob = EXAMPLE.model_copy(
        update={
            "assessors": ("Bob",),
            "assessed_on": dt.date(2026, 10, 3),
            "operating_years": 3.5,
            "scores": {
                "1": ccmm.ItemScore(c_rate=10, f_rate=10, evidence=("doc-b", "doc-a"), notes="ok"),
                "2": ccmm.ItemScore(c_rate=10, f_rate=10, notes="same"),
            },
        }
    )
    result = consolidate([ann, bob])
    merged = result.assessment
    assert result.assessors == ("Ann", "Bob")
    assert merged.assessors == ("Ann", "Bob")
    assert merged.assessed_on == dt.date(2026, 10, 3)
    assert merged.operating_years == 3.5
    assert merged.scores["1"].evidence == ("doc-a", "doc-b")
    assert merged.scores["1"].notes == "Ann: no QA plan\nBob: ok"
    assert merged.scores["2"].notes == "same"
    assert (merged.scores["1"].c_rate, merged.scores["1"].f_rate) == (5, 10)
    assert [(d.item_id, d.rating, d.grades) for d in result.disagreements] == [
        ("1", "c_rate", {"Ann": 5, "Bob": 10})
    ]


def test_consolidated_assessment_evaluates():
    lenient = EXAMPLE.model_copy(update={"assessors": ("Lenient",)})
    strict = EXAMPLE.with_scores(
        {i: s.model_copy(update={"c_rate": 0}) for i, s in EXAMPLE.scores.items()}
    ).model_copy(update={"assessors": ("Strict",)})
    merged = consolidate([lenient, strict], method="min").assessment
    assert all(s.c_rate == 0 for s in merged.scores.values())
    assert ccmm.evaluate(merged).level <= ccmm.evaluate(EXAMPLE).level


# ---- bad input ---------------------------------------------------------------------------------
def test_different_organisations_are_refused_naming_each():
    other = EXAMPLE.model_copy(update={"organisation": "Another centre"})
    with pytest.raises(ccmm.AssessmentError, match="different organisations") as caught:
        consolidate({"ann": EXAMPLE, "bob": other})
    assert caught.value.problems[1] == "'bob': 'Another centre'"


def test_different_standards_are_refused():
    other = EXAMPLE.model_copy(update={"standard_id": "other-standard"})
    with pytest.raises(ccmm.StandardMismatchError, match="different standards or editions"):
        consolidate({"ann": EXAMPLE, "bob": other})


def test_unknown_items_are_all_named():
    odd = EXAMPLE.with_scores(
        {**EXAMPLE.scores, "999": ccmm.ItemScore(c_rate=0, f_rate=0)}
    ).model_copy(update={"assessors": ("Odd",)})
    with pytest.raises(ccmm.AssessmentError) as caught:
        consolidate([EXAMPLE, odd])
    assert caught.value.problems == ("'Odd': item '999' is not in cc-cmm-oc 2017",)


def test_bad_method_and_bad_members_are_refused():
    with pytest.raises(ccmm.InputDataError, match="method must be 'median' or 'min', got 'mean'"):
        consolidate({"a": EXAMPLE, "b": EXAMPLE}, method="mean")  # type: ignore[arg-type]
    with pytest.raises(ccmm.InputDataError, match="expected an Assessment, got dict"):
        consolidate({"a": EXAMPLE, "b": {}})  # type: ignore[dict-item]
    with pytest.raises(ccmm.AssessmentError, match="at least two assessors, got none"):
        consolidate([])
