"""Agreement coefficients: cross-checked against scikit-learn, the krippendorff package and
published examples, plus invariance properties and the errors bad input raises."""

from __future__ import annotations

import math
import warnings

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from strategies_assessments import EXAMPLE, panels_over

import ccmm
from ccmm import Agreement, agreement, consolidate

TOLERANCE = 1e-9

# ---- shared strategies ------------------------------------------------------------------------
# A scale: 2 to 6 distinct numbers, not evenly spaced, so interval and ordinal metrics differ.
scales = st.lists(
    st.integers(min_value=-20, max_value=40), min_size=2, max_size=6, unique=True
).map(lambda values: tuple(float(v) for v in sorted(values)))


@st.composite
def reliability_data(
    draw: st.DrawFn, *, min_raters: int = 2, max_raters: int = 5, missing: bool = True
) -> tuple[tuple[float, ...], np.ndarray]:
    """A scale and a raters x subjects matrix of scores on it (NaN = not rated)."""
    scale = draw(scales)
    raters = draw(st.integers(min_value=min_raters, max_value=max_raters))
    subjects = draw(st.integers(min_value=1, max_value=15))
    cells = st.sampled_from(scale + ((math.nan,) if missing else ()))
    matrix = draw(
        st.lists(
            st.lists(cells, min_size=subjects, max_size=subjects),
            min_size=raters,
            max_size=raters,
        )
    )
    return scale, np.array(matrix, dtype=np.float64)


def long_table(matrix: np.ndarray, *, names: list[str] | None = None) -> pd.DataFrame:
    """The long form (subject, rater, score) of a raters x subjects matrix; NaN rows kept."""
    names = names or [f"rater-{r}" for r in range(matrix.shape[0])]
    rows = [
        (f"call-{s}", names[r], matrix[r, s])
        for r in range(matrix.shape[0])
        for s in range(matrix.shape[1])
    ]
    return pd.DataFrame(rows, columns=["subject", "rater", "score"])


def same_numbers(a: Agreement, b: Agreement) -> None:
    """Every coefficient of ``a`` equals that of ``b`` (to rounding) and counts are identical."""
    assert (a.subjects, a.ratings, a.missing) == (b.subjects, b.ratings, b.missing)
    for field in (
        "exact_agreement",
        "fleiss_kappa",
        "krippendorff_alpha_ordinal",
        "krippendorff_alpha_interval",
    ):
        x, y = getattr(a, field), getattr(b, field)
        assert (x is None) == (y is None), field
        if x is not None:
            assert x == pytest.approx(y, abs=TOLERANCE), field
    assert (a.cohen_kappa is None) == (b.cohen_kappa is None)
    if a.cohen_kappa is not None and b.cohen_kappa is not None:
        for w in ("unweighted", "linear", "quadratic"):
            assert getattr(a.cohen_kappa, w) == pytest.approx(
                getattr(b.cohen_kappa, w), abs=TOLERANCE
            )


# ---- cross-checks against independent implementations -------------------------------------------
@given(reliability_data(min_raters=2, max_raters=2), st.booleans())
def test_cohen_kappa_equals_scikit_learn_for_every_weighting(data, with_scale):
    scale, matrix = data
    result = agreement(long_table(matrix), scale=scale if with_scale else None)
    both = ~np.isnan(matrix).any(axis=0)
    first, second = matrix[0, both], matrix[1, both]
    # Without scale=, the scale is every score seen, also on subjects only one rater scored.
    labels = list(scale) if with_scale else sorted(set(matrix[~np.isnan(matrix)]))
    for weights, ours in (("unweighted", None), ("linear", "linear"), ("quadratic", "quadratic")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = (
                cohen_kappa_score(first, second, labels=labels, weights=ours)
                if both.any()
                else math.nan
            )
        if math.isnan(expected):
            assert result.cohen_kappa is None
            assert result.cohen_kappa_reason
        else:
            assert result.cohen_kappa is not None
            assert result.cohen_kappa.subjects == int(both.sum())
            assert getattr(result.cohen_kappa, weights) == pytest.approx(expected, abs=TOLERANCE)


def _package_alpha(matrix: np.ndarray, scale: tuple[float, ...], level: str) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return float(
                krippendorff.alpha(
                    reliability_data=matrix, value_domain=list(scale), level_of_measurement=level
                )
            )
        except ValueError:  # the package refuses data with no pairable unit
            return math.nan


@given(reliability_data())
def test_krippendorff_alpha_equals_the_krippendorff_package_with_missing_ratings(data):
    scale, matrix = data
    result = agreement(long_table(matrix), scale=scale)
    for level, ours in (
        ("ordinal", result.krippendorff_alpha_ordinal),
        ("interval", result.krippendorff_alpha_interval),
    ):
        expected = _package_alpha(matrix, scale, level)
        if math.isfinite(expected):
            assert ours == pytest.approx(expected, abs=TOLERANCE), level
        else:
            assert ours is None
            assert result.krippendorff_alpha_reason


# Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
# Bulletin 76(5), 378-382, Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses (depression,
# personality disorder, schizophrenia, neurosis, other). Cell = raters choosing that diagnosis.
# The paper reports kappa = .430 and category shares .144, .144, .167, .306, .239.
FLEISS_1971 = (
    (0, 0, 0, 6, 0), (0, 3, 0, 0, 3), (0, 1, 4, 0, 1), (0, 0, 0, 0, 6), (0, 3, 0, 3, 0),
    (2, 0, 4, 0, 0), (0, 0, 4, 0, 2), (2, 0, 3, 1, 0), (2, 0, 0, 4, 0), (0, 0, 0, 0, 6),
    (1, 0, 0, 5, 0), (1, 1, 0, 4, 0), (0, 3, 3, 0, 0), (1, 0, 0, 5, 0), (0, 2, 0, 3, 1),
    (0, 0, 5, 0, 1), (3, 0, 0, 1, 2), (5, 1, 0, 0, 0), (0, 2, 0, 4, 0), (1, 0, 2, 0, 3),
    (0, 0, 0, 0, 6), (0, 1, 0, 5, 0), (0, 2, 0, 1, 3), (2, 0, 0, 4, 0), (1, 0, 0, 4, 1),
    (0, 5, 0, 1, 0), (4, 0, 0, 0, 2), (0, 2, 0, 4, 0), (1, 0, 5, 0, 0), (0, 0, 0, 0, 6),
)  # fmt: skip

# Worked example of the Wikipedia article "Fleiss' kappa": 10 subjects, 14 raters, 5 categories,
# kappa = 0.210.
WIKIPEDIA_FLEISS = (
    (0, 0, 0, 0, 14), (0, 2, 6, 4, 2), (0, 0, 3, 5, 6), (0, 3, 9, 2, 0), (2, 2, 8, 1, 1),
    (7, 7, 0, 0, 0), (3, 2, 6, 3, 0), (2, 5, 3, 2, 2), (6, 5, 2, 1, 0), (0, 2, 2, 3, 7),
)  # fmt: skip


def _from_category_counts(counts: tuple[tuple[int, ...], ...]) -> pd.DataFrame:
    """Long table from per-subject category counts: the j-th rater slot of each subject gets
    the next category in turn (Fleiss' kappa ignores which rater gave which score)."""
    rows = []
    for subject, row in enumerate(counts, start=1):
        categories = [c for c, n in enumerate(row, start=1) for _ in range(n)]
        rows += [(subject, f"slot {slot}", c) for slot, c in enumerate(categories, start=1)]
    return pd.DataFrame(rows, columns=["subject", "rater", "score"])


@pytest.mark.parametrize(("counts", "published"), [(FLEISS_1971, 0.430), (WIKIPEDIA_FLEISS, 0.210)])
def test_fleiss_kappa_reproduces_published_examples(counts, published):
    table = _from_category_counts(counts)
    result = agreement(table, scale=[1, 2, 3, 4, 5])
    assert result.fleiss_kappa is not None
    assert round(result.fleiss_kappa, 3) == published
    assert result.fleiss_kappa_subjects == len(counts)
    assert result.cohen_kappa is None
    assert result.cohen_kappa_reason == (
        f"Cohen's kappa needs exactly two raters, got {sum(counts[0])}"
    )


# ---- properties ----------------------------------------------------------------------------------
@given(scales, st.integers(min_value=2, max_value=5), st.data())
def test_identical_raters_agree_perfectly(scale, raters, data):
    row = data.draw(st.lists(st.sampled_from(scale), min_size=2, max_size=12))
    matrix = np.array([row] * raters, dtype=np.float64)
    result = agreement(long_table(matrix))
    assert result.exact_agreement == 1.0
    if len(set(row)) > 1:  # with a single category, chance-corrected agreement is undefined
        assert result.fleiss_kappa == pytest.approx(1.0)
        assert result.krippendorff_alpha_ordinal == pytest.approx(1.0)
        assert result.krippendorff_alpha_interval == pytest.approx(1.0)
        if raters == 2:
            assert result.cohen_kappa is not None
            assert result.cohen_kappa.unweighted == pytest.approx(1.0)
            assert result.cohen_kappa.quadratic == pytest.approx(1.0)
    else:
        assert result.fleiss_kappa is None
        assert result.krippendorff_alpha_ordinal is None
        assert result.fleiss_kappa_reason
        assert result.krippendorff_alpha_reason


@given(reliability_data(), st.randoms(use_true_random=False))
def test_invariant_to_row_order_rater_order_and_subject_order(data, rnd):
    _, matrix = data
    table = long_table(matrix)
    reference = agreement(table)
    shuffled = table.sample(frac=1.0, random_state=rnd.randint(0, 2**31)).reset_index(drop=True)
    same_numbers(reference, agreement(shuffled))
    # Renaming raters changes their order (raters are sorted by name), not the numbers.
    names = [f"rater-{r}" for r in range(matrix.shape[0])]
    renamed = dict(zip(names, reversed(names), strict=True))
    same_numbers(reference, agreement(table.assign(rater=table["rater"].map(renamed))))
    # Permuting subjects (columns) and raters (rows) of the matrix is the same data.
    permuted = matrix[rnd.sample(range(matrix.shape[0]), matrix.shape[0])]
    permuted = permuted[:, rnd.sample(range(matrix.shape[1]), matrix.shape[1])]
    same_numbers(reference, agreement(long_table(permuted)))


@given(reliability_data(missing=False))
def test_same_input_gives_the_same_result(data):
    _, matrix = data
    table = long_table(matrix)
    assert agreement(table) == agreement(table.copy())


@given(reliability_data(min_raters=3, max_raters=5))
def test_raters_filter_equals_dropping_the_other_raters(data):
    _, matrix = data
    table = long_table(matrix)
    chosen = ["rater-2", "rater-0"]
    filtered = agreement(table, raters=chosen)
    assert filtered.raters == ("rater-2", "rater-0")
    expected = agreement(table[table["rater"].isin(chosen)].reset_index(drop=True))
    same_numbers(filtered, expected)


@given(reliability_data(missing=False))
def test_exact_agreement_is_the_share_of_unanimous_subjects(data):
    _, matrix = data
    unanimous = (matrix == matrix[0]).all(axis=0)
    result = agreement(long_table(matrix))
    assert result.exact_agreement == pytest.approx(unanimous.mean())
    assert result.exact_agreement_subjects == matrix.shape[1]


def test_missing_scores_are_counted_not_dropped():
    matrix = np.array([[1, 2, np.nan, 3], [1, np.nan, np.nan, 3], [np.nan, 2, 1, np.nan]])
    result = agreement(long_table(matrix))
    assert (result.subjects, result.ratings, result.missing) == (4, 7, 5)
    assert result.exact_agreement_subjects == 3  # call-2 has a single score
    assert result.fleiss_kappa_subjects == 0  # no call scored by all three raters
    assert result.fleiss_kappa is None
    assert result.fleiss_kappa_reason == "no subject was scored by every rater"
    assert result.krippendorff_alpha_subjects == 3


# ---- assessments as input --------------------------------------------------------------------
STANDARD = ccmm.load_standard()
SOME_ITEMS = STANDARD.item_ids[:12]


def panels() -> st.SearchStrategy[dict[str, ccmm.Assessment]]:
    """Panels of 2 to 4 assessors of the example centre over the first 12 items."""
    return panels_over(SOME_ITEMS, max_size=4)


def panel_as_table(panel: dict[str, ccmm.Assessment], kinds: tuple[str, ...]) -> pd.DataFrame:
    rows = [
        (f"{item}/{kind}", name, getattr(a.scores[item], kind))
        for name, a in panel.items()
        for item in a.scores
        for kind in kinds
    ]
    return pd.DataFrame(rows, columns=["subject", "rater", "score"])


@given(panels(), st.sampled_from(["c_rate", "f_rate", "both"]))
def test_assessments_give_the_numbers_of_their_long_table(panel, rating):
    kinds = ("c_rate", "f_rate") if rating == "both" else (rating,)
    from_assessments = agreement(panel, rating=rating)
    from_table = agreement(panel_as_table(panel, kinds), scale=[0, 5, 10])
    assert from_assessments.raters == tuple(panel)
    assert from_assessments.scale == (0.0, 5.0, 10.0)
    same_numbers(from_assessments, from_table)


def test_example_against_itself_agrees_perfectly_on_both_ratings():
    result = agreement({"ann": EXAMPLE, "bob": EXAMPLE})
    assert result.subjects == 2 * len(EXAMPLE.scores)
    assert result.exact_agreement == 1.0
    assert result.cohen_kappa is not None
    assert result.cohen_kappa.linear == pytest.approx(1.0)


# ---- bad input ---------------------------------------------------------------------------------
def test_one_assessor_only_is_refused():
    with pytest.raises(ccmm.AssessmentError, match="at least two assessors, got 1"):
        agreement([EXAMPLE])
    with pytest.raises(ccmm.AssessmentError, match="got a single Assessment"):
        agreement(EXAMPLE)  # type: ignore[arg-type]
    one_rater = pd.DataFrame({"subject": [1, 2], "rater": ["ann", "ann"], "score": [1, 2]})
    with pytest.raises(ccmm.InputDataError, match="at least two raters, got only 'ann'"):
        agreement(one_rater)


def test_the_same_assessor_twice_is_refused():
    with pytest.raises(ccmm.AssessmentError, match="same assessor"):
        agreement([EXAMPLE, EXAMPLE])


def test_assessments_of_different_editions_are_refused_naming_each():
    other = EXAMPLE.model_copy(update={"edition": "2020"})
    with pytest.raises(ccmm.StandardMismatchError) as caught:
        agreement({"ann": EXAMPLE, "bob": other})
    assert caught.value.problems == ("'ann': cc-cmm-oc 2017", "'bob': cc-cmm-oc 2020")


def test_unknown_raters_are_named():
    table = long_table(np.array([[1.0, 2.0], [2.0, 2.0]]))
    with pytest.raises(ccmm.InputDataError, match=r"unknown rater\(s\) 'zoe'; the ratings name"):
        agreement(table, raters=["rater-0", "zoe"])
    with pytest.raises(ccmm.InputDataError, match="unknown rater"):
        agreement({"ann": EXAMPLE, "bob": EXAMPLE}, raters=["ann", "carl"])


def test_scores_off_the_scale_are_all_reported():
    table = pd.DataFrame(
        {"subject": [1, 1, 2, 2], "rater": ["a", "b", "a", "b"], "score": [0, 7, 5, 11]}
    )
    with pytest.raises(ccmm.InputDataError) as caught:
        agreement(table, scale=[0, 5, 10])
    assert caught.value.problems == (
        "row 1: score 7 is not on the scale 0, 5, 10 (subject 1, rater 'b')",
        "row 3: score 11 is not on the scale 0, 5, 10 (subject 2, rater 'b')",
    )


def test_missing_columns_are_named():
    with pytest.raises(ccmm.InputDataError, match=r"missing required column\(s\) 'rater'"):
        agreement(pd.DataFrame({"subject": [1], "score": [3]}))


def test_non_numeric_duplicated_and_empty_cells_are_reported_together():
    table = pd.DataFrame(
        {
            "subject": ["c1", "c1", "c1", None],
            "rater": ["a", "b", "b", "a"],
            "score": [3, "good", 4, 2],
        }
    )
    with pytest.raises(ccmm.InputDataError) as caught:
        agreement(table)
    assert caught.value.problems == (
        "row 3: subject is empty",
        "row 1: score must be a number, got 'good'",
        "subject 'c1' scored by rater 'b' more than once (rows 1, 2)",
    )


def test_options_that_do_not_apply_are_refused():
    table = long_table(np.array([[1.0, 2.0], [2.0, 2.0]]))
    with pytest.raises(ccmm.InputDataError, match="rating= and standard= apply to assessments"):
        agreement(table, rating="c_rate")
    with pytest.raises(ccmm.InputDataError, match="scale= applies to a table"):
        agreement({"ann": EXAMPLE, "bob": EXAMPLE}, scale=[0, 5, 10])
    with pytest.raises(ccmm.InputDataError, match="rating must be"):
        agreement({"ann": EXAMPLE, "bob": EXAMPLE}, rating="x_rate")  # type: ignore[arg-type]


def test_consolidate_and_agreement_share_the_error_for_one_assessor():
    with pytest.raises(ccmm.AssessmentError, match="consolidate needs assessments from at least"):
        consolidate({"ann": EXAMPLE})
