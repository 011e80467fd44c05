"""``evaluate_many`` gives ``evaluate``'s answer whatever the layout of the long table.

The vectorised evaluator takes different roads through a table: a grid read in place when every
assessment lists the standard's items in its order (a template's layout, with a categorical or a
text item column), a scatter otherwise (rows shuffled, optional items left out), numbers of any
width, text ratings validated one distinct value at a time, one frame or a stream of chunks cut
anywhere. Each property draws a random standard (tests/strategies_standards.py) and a few
assessments of it, and holds for every road: each row says what ``evaluate`` says of that
assessment under every reading, rule by rule.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies_standards import grades, operating_years, standards

import ccmm
from ccmm._readings import READINGS, ShareReading

COLUMNS = ["assessment_id", "item", "c_rate", "f_rate", "operating_years"]
readings = st.sampled_from(READINGS)


@st.composite
def batches(draw: st.DrawFn) -> tuple[ccmm.Standard, list[ccmm.Assessment]]:
    """A random standard and 1-6 assessments of it; all complete (every item rated, the
    template's layout) or some leaving items of an optional domain out (each rates one item at
    least: an assessment that rates nothing has no row in a long table)."""
    standard = draw(standards(overlapping=True, max_items=6))
    complete = draw(st.booleans())
    optional = set(standard.optional_domains)
    batch = []
    for k in range(draw(st.integers(1, 6))):
        scores = {
            item.id: ccmm.ItemScore(c_rate=draw(grades), f_rate=draw(grades))
            for item in standard.items
            if complete or item.domain not in optional or draw(st.booleans())
        }
        if not scores:  # an assessment that rates nothing has no row in a long table
            first = standard.items[0].id
            scores[first] = ccmm.ItemScore(c_rate=draw(grades), f_rate=draw(grades))
        batch.append(
            ccmm.Assessment(
                standard_id=standard.id,
                edition=standard.edition,
                organisation=f"centre {k}",
                assessed_on=date(2026, 10, 1),
                operating_years=draw(operating_years),
                scores=scores,
            )
        )
    return standard, batch


def _table(standard: ccmm.Standard, batch: list[ccmm.Assessment]) -> pd.DataFrame:
    """The long table, assessments one after another, items in the standard's order."""
    rows = [
        (k, item.id, a.scores[item.id].c_rate, a.scores[item.id].f_rate, a.operating_years)
        for k, a in enumerate(batch)
        for item in standard.items
        if item.id in a.scores
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


@st.composite
def layouts(draw: st.DrawFn, frame: pd.DataFrame, item_ids: tuple[str, ...]) -> pd.DataFrame:
    """``frame`` laid out another way: same rows, other order, column types and id types."""
    out = frame.copy()
    if draw(st.booleans()):  # rows in any order
        seed = draw(st.integers(0, 2**32 - 1))
        out = out.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    item_kind = draw(st.sampled_from(["text", "categorical", "categorical reversed"]))
    if item_kind != "text":
        categories = list(item_ids) if item_kind == "categorical" else list(item_ids)[::-1]
        out["item"] = pd.Categorical(out["item"], categories=categories)
    for column in ("c_rate", "f_rate"):
        kind = draw(st.sampled_from(["int64", "int8", "uint16", "float64", "text"]))
        out[column] = out[column].astype(str) if kind == "text" else out[column].astype(kind)
    if draw(st.booleans()):
        out["assessment_id"] = "a" + out["assessment_id"].astype(str)
    return out


def _chunked(frame: pd.DataFrame, cuts: list[int]) -> list[pd.DataFrame]:
    bounds = [0, *sorted(cuts), len(frame)]
    return [frame.iloc[a:b] for a, b in itertools.pairwise(bounds)]


def _says_what_evaluate_says(
    row: pd.Series, evaluation: ccmm.Evaluation, evaluations: dict[str, ccmm.Evaluation]
) -> None:
    assert row["level"] == evaluation.level
    assert row["total"] == evaluation.total
    years = row["operating_years"]
    assert (pd.isna(years) and evaluation.operating_years is None) or (
        years == evaluation.operating_years
    )
    for lv in evaluation.levels:
        assert bool(row[f"L{lv.level}_holds"]) == lv.holds
        for rule in lv.rules:
            if rule.kind == "share":
                assert row[f"{rule.rating}_count[{rule.scope}]"] == rule.observed
    for name, other in evaluations.items():
        assert row[f"level[{name}]"] == other.level


@given(data=st.data(), pair=batches(), reading=readings)
def test_evaluate_many_agrees_with_evaluate_for_every_layout_of_the_table(
    data: st.DataObject, pair: tuple[ccmm.Standard, list[ccmm.Assessment]], reading: ShareReading
) -> None:
    standard, batch = pair
    frame = data.draw(layouts(_table(standard, batch), standard.item_ids))
    source: Any = frame
    if data.draw(st.booleans()):  # a stream of chunks cut anywhere (rows of one id together)
        frame = frame.sort_values("assessment_id", kind="stable").reset_index(drop=True)
        source = iter(_chunked(frame, data.draw(st.lists(st.integers(0, len(frame))))))
    out = ccmm.evaluate_many(source, standard, allow_missing=True, reading=reading)
    assert len(out) == len(batch)
    by_number = {int(str(v).removeprefix("a")): k for k, v in enumerate(out["assessment_id"])}
    for number, assessment in enumerate(batch):
        evaluations = {
            name: ccmm.evaluate(assessment, standard, allow_missing=True, reading=name)
            for name in READINGS
        }
        row = out.iloc[by_number[number]]
        _says_what_evaluate_says(row, evaluations[reading], evaluations)


@given(pair=batches(), data=st.data())
def test_evaluate_many_gives_the_same_table_for_every_layout(
    pair: tuple[ccmm.Standard, list[ccmm.Assessment]], data: st.DataObject
) -> None:
    standard, batch = pair
    frame = _table(standard, batch)
    expected = ccmm.evaluate_many(frame, standard, allow_missing=True)
    other = data.draw(layouts(frame, standard.item_ids))
    got = ccmm.evaluate_many(other, standard, allow_missing=True)
    got["assessment_id"] = got["assessment_id"].map(lambda v: int(str(v).removeprefix("a")))
    got = got.sort_values("assessment_id").reset_index(drop=True)
    expected = expected.astype({"assessment_id": got["assessment_id"].dtype})
    pd.testing.assert_frame_equal(got, expected, check_index_type=False)


@given(pair=batches(), data=st.data())
def test_a_rating_off_the_scale_is_refused_naming_its_row_in_every_layout(
    pair: tuple[ccmm.Standard, list[ccmm.Assessment]], data: st.DataObject
) -> None:
    standard, batch = pair
    frame = data.draw(layouts(_table(standard, batch), standard.item_ids))
    row = data.draw(st.integers(0, len(frame) - 1))
    column = data.draw(st.sampled_from(["c_rate", "f_rate"]))
    bad = data.draw(st.sampled_from([7, -5, 11, 261, 5.5]))
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = bad
    with pytest.raises(ccmm.AssessmentError, match=f"{column} not one of") as refused:
        ccmm.evaluate_many(frame, standard, allow_missing=True)
    assert f"row {row}: " in "\n".join(refused.value.problems)


def test_the_template_layout_is_read_in_place_and_agrees_with_a_shuffled_copy() -> None:
    """The common layout of a million-row stream (categorical items, int8 ratings) and the same
    rows shuffled (the scatter road) give one table."""
    standard = ccmm.load_standard()
    ids = standard.item_ids
    rng = np.random.default_rng(14)
    n = 50
    frame = pd.DataFrame(
        {
            "assessment_id": np.repeat(np.arange(n), len(ids)),
            "item": pd.Categorical(np.tile(ids, n), categories=ids),
            "c_rate": rng.choice(np.array([0, 5, 10], dtype=np.int8), n * len(ids)),
            "f_rate": rng.choice(np.array([0, 5, 10], dtype=np.int8), n * len(ids)),
            "operating_years": np.repeat(rng.integers(0, 8, n).astype(float), len(ids)),
        }
    )
    in_place = ccmm.evaluate_many(frame)
    shuffled = ccmm.evaluate_many(frame.sample(frac=1.0, random_state=3))
    shuffled = shuffled.sort_values("assessment_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(in_place, shuffled)
    assert (in_place["total"] == (frame["c_rate"].astype(int) + frame["f_rate"]).groupby(
        frame["assessment_id"]).sum().to_numpy()).all()  # fmt: skip


@given(
    pair=batches(),
    years=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(2**63), 2**63 - 1),
        st.booleans(),
    ),
    data=st.data(),
)
def test_operating_years_in_a_typed_column_are_refused_or_kept_as_an_assessment_would(
    pair: tuple[ccmm.Standard, list[ccmm.Assessment]], years: object, data: st.DataObject
) -> None:
    """A float, integer or boolean ``operating_years`` column (not text) takes the per-run road;
    one assessment's years set to ``years`` in such a column is refused exactly when
    ``Assessment`` refuses it, and kept as the same number otherwise."""
    standard, batch = pair
    frame = data.draw(layouts(_table(standard, batch), standard.item_ids))
    target = data.draw(st.integers(0, len(batch) - 1))
    numbers = frame["assessment_id"].map(lambda v: str(v).removeprefix("a"))
    mine = (numbers == str(target)).to_numpy()
    column = frame["operating_years"].to_numpy(dtype=object, copy=True)
    column[mine] = years
    typed = pd.Series(list(column)).infer_objects()
    if isinstance(years, bool) and mine.all():
        typed = typed.astype(bool)
    frame["operating_years"] = typed
    try:
        kept = {**batch[target].model_dump(), "operating_years": years}
        single: object = ccmm.Assessment.model_validate(kept).operating_years
    except ccmm.CCMMError:
        single = "refused"
    try:
        out = ccmm.evaluate_many(frame, standard, allow_missing=True)
    except ccmm.CCMMError:
        assert single == "refused" or frame["operating_years"].dtype == object
        return
    assert single != "refused", (years, frame["operating_years"].dtype, out["operating_years"])
    row = out[out["assessment_id"].map(lambda v: str(v).removeprefix("a")) == str(target)]
    got = row["operating_years"].iloc[0]
    assert (single is None and pd.isna(got)) or got == single
