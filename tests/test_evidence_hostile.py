"""Odd and hostile input to ccmm.evidence (issue #14): a blank date is a finding naming its row,
never a crash; a check over no rows suggests nothing; every bad argument is a CCMMError."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_evidence import (
    DATE_COLUMNS,
    TABLE_NAMES,
    TARGET,
    Dataset,
    build_dataset,
    clean_datasets,
    junk,
)

from ccmm import CCMMError, InputDataError, evaluate
from ccmm.evidence import (
    Suggestions,
    load_evidence_map,
    merge,
    read_evidence_tables,
    required_sample_size,
    suggest,
    suggest_from_directory,
)
from ccmm.evidence._checks import Outcome
from ccmm.evidence._suggest import _evidence
from ccmm.examples import load_example_assessment as load_example

SMALL = build_dataset(
    start=pd.Period("2024-01", freq="M"), n_months=4, n_agents=1, n_intervals=4, as_of_day=10
)


def _evidence_rows(s: Suggestions, item: str, check: str) -> list[str]:
    sug = s.get(item)
    assert sug is not None, f"item {item} was not judged"
    return [
        r.row_key for e in (*sug.f_evidence, *sug.c_evidence) if e.check == check for r in e.rows
    ]


def _write(data: Dataset, folder: Path) -> Path:
    for name, frame in data.tables().items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


# ---------------------------------------------------------------- 3: a blank date in one row


def test_a_blank_period_start_on_a_missed_target_row_is_named_not_a_crash(tmp_path: Path) -> None:
    # The row that crashed `evaluate --evidence` with "NaTType does not support strftime":
    # a monthly value below its target whose period_start cell is blank in facts.csv.
    folder = _write(SMALL, tmp_path)
    facts = pd.read_csv(folder / "facts.csv", dtype=str, keep_default_na=False)
    facts.loc[0, "value"] = "0.1"  # service_level, target 0.8
    facts.loc[0, "period_start"] = ""
    facts.to_csv(folder / "facts.csv", index=False)
    s = suggest_from_directory(folder, as_of=SMALL.as_of)
    rows = _evidence_rows(s, "110.1", "crucial.column_not_null")
    named = [r for r in rows if r.startswith("period_start=<missing>")]
    assert named == [
        "period_start=<missing>, period=month, entity_level=agent, entity_id=A01, "
        "metric=service_level"
    ]
    missed = _evidence_rows(s, "112.3", "crucial.below_target_analysed")
    assert named[0] in missed


@settings(max_examples=12)
@given(clean_datasets(), st.sampled_from(DATE_COLUMNS), st.data())
def test_a_blank_date_in_any_row_of_any_table_never_crashes_and_is_reported(
    data: Dataset, where: tuple[str, str], draw: st.DataObject
) -> None:
    table, column = where
    frame = getattr(data, table).copy()
    row = draw.draw(st.integers(0, len(frame) - 1), label="row")
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = None
    if table == "facts" and draw.draw(st.booleans(), label="below target"):
        metric = str(frame.loc[row, "metric"])
        frame.loc[row, "value"] = -1.0 if TARGET[metric] > 1 else TARGET[metric] / 2
    s = data.with_(**{table: frame}).suggest()
    assert s.suggestions, "a blank date must not stop every item"
    if table in ("facts", "intervals"):
        # A blank key date fails CRUCIAL 110.1 (not null) on exactly that row, whatever else.
        rows = _evidence_rows(s, "110.1", "crucial.column_not_null")
        assert any(r.startswith(f"{column}=<missing>") for r in rows)


# ---------------------------------------------------------------- 6: no rows, no suggestion


def test_header_only_tables_suggest_nothing(tmp_path: Path) -> None:
    # Before: 103, 112.1, 115.1 (and more) got a 10 from zero rows.
    for name, frame in SMALL.tables().items():
        frame.iloc[:0].to_csv(tmp_path / f"{name}.csv", index=False)
    s = suggest_from_directory(tmp_path, as_of=SMALL.as_of)
    assert s.suggestions == ()
    reasons = {n.item: n.reason for n in s.not_judged}
    for item in ("103", "112.1", "115.1"):
        assert "no rows" in reasons[item], reasons[item]


@settings(max_examples=12)
@given(clean_datasets(), st.sets(st.sampled_from(TABLE_NAMES), min_size=1))
def test_a_check_that_saw_no_rows_grades_nothing(data: Dataset, emptied: set[str]) -> None:
    tables = {k: (v.iloc[:0] if k in emptied else v) for k, v in data.tables().items()}
    s = suggest(**tables, as_of=data.as_of)  # type: ignore[arg-type]
    for sug in s.suggestions:
        for e in (*sug.f_evidence, *sug.c_evidence):
            assert e.grade is None or e.n_checked >= 1, (sug.item, e.check)
    judged = set(s.items)
    if "intervals" in emptied:
        assert not judged & {"103", "112.1", "115.1"}
    if "survey" in emptied:
        assert "135" not in judged


@given(
    st.sampled_from(["pass", "fail"]),
    st.integers(0, 5),
    st.sampled_from(sorted(load_evidence_map().checks)),
)
def test_an_outcome_over_no_rows_never_gets_a_grade(
    status: str, offending: int, check: str
) -> None:
    outcome = Outcome(status, "s", n_checked=0, n_offending=offending)  # type: ignore[arg-type]
    e = _evidence(load_evidence_map(), check, outcome)
    assert (e.status, e.grade, e.reason) == ("not_run", None, "the check saw no rows")


# ------------------------------------------------------------- 8: bad arguments are CCMMError


def test_merge_with_a_dict_for_the_assessment_is_a_ccmm_error() -> None:
    s = SMALL.suggest()
    with pytest.raises(InputDataError, match="assessment must be Assessment, got dict"):
        merge({"a": 1}, s)  # type: ignore[arg-type]


def _only_ccmm_errors(call: object) -> None:
    with contextlib.suppress(CCMMError):
        call()  # type: ignore[operator]


@given(junk(), junk(), junk())
def test_merge_takes_junk_only_with_ccmm_errors(a: object, s: object, policy: object) -> None:
    good_a, good_s = load_example(), _SUGGESTIONS
    _only_ccmm_errors(lambda: merge(a, good_s))  # type: ignore[arg-type]
    _only_ccmm_errors(lambda: merge(good_a, s))  # type: ignore[arg-type]
    _only_ccmm_errors(lambda: merge(good_a, good_s, policy=policy))  # type: ignore[arg-type]


_SUGGESTIONS = SMALL.suggest()


@settings(max_examples=25)
@given(st.sampled_from(TABLE_NAMES), junk(), junk())
def test_suggest_takes_junk_only_with_ccmm_errors(table: str, value: object, as_of: object) -> None:
    tables: dict[str, object] = {table: value}
    _only_ccmm_errors(lambda: suggest(**tables, as_of=SMALL.as_of))  # type: ignore[arg-type]
    _only_ccmm_errors(lambda: suggest(as_of=as_of))  # type: ignore[arg-type]


@given(junk(), junk(), junk(), junk(), junk())
def test_other_entry_points_take_junk_only_with_ccmm_errors(
    a: object, b: object, c: object, d: object, e: object
) -> None:
    _only_ccmm_errors(lambda: read_evidence_tables(a))  # type: ignore[arg-type]
    _only_ccmm_errors(lambda: suggest_from_directory(a, as_of=b))  # type: ignore[arg-type]
    _only_ccmm_errors(lambda: load_evidence_map(a, b))  # type: ignore[arg-type]
    _only_ccmm_errors(
        lambda: required_sample_size(
            confidence=b,  # type: ignore[arg-type]
            margin_of_error=c,  # type: ignore[arg-type]
            population=d,  # type: ignore[arg-type]
            proportion=e,  # type: ignore[arg-type]
        )
    )


def test_required_sample_size_still_answers_good_arguments() -> None:
    # Cochran: z(0.95)^2 * 0.25 / 0.05^2 = 384.1 -> 385 without a population.
    assert required_sample_size(confidence=0.95, margin_of_error=0.05) == 385
    assert evaluate(load_example()).level >= 1
    assert dt.date(2024, 5, 10) == SMALL.as_of
