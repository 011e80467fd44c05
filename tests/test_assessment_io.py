"""Assessments: rating validation, reading JSON/YAML/CSV, templates, and the JSON Schema."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies_assessments import STANDARD, assessments

import ccmm
from ccmm.examples import example_path, load_example_assessment

SCHEMA_FILE = Path(ccmm.__file__).parent / "standard_data" / "schemas" / "assessment.schema.json"


@pytest.mark.parametrize("good", [0, 5, 10, "10", " 5 ", 10.0, "0"])
def test_ratings_accept_the_three_grades_also_as_text_from_csv(good: object) -> None:
    score = ccmm.ItemScore(c_rate=good, f_rate=good)  # type: ignore[arg-type]
    assert score.c_rate in (0, 5, 10)


@pytest.mark.parametrize("bad", [7, 7.5, True, False, -5, "7", "ten", None, 15, "5.0x"])
def test_ratings_refuse_anything_else_naming_the_value(bad: object) -> None:
    with pytest.raises(ccmm.AssessmentError, match="rating must be 0, 5 or 10") as err:
        ccmm.ItemScore(c_rate=bad, f_rate=10)  # type: ignore[arg-type]
    assert isinstance(err.value, ValueError)
    assert repr(bad) in str(err.value) or bad is None


def test_every_bad_rating_is_reported_at_once_with_its_item() -> None:
    with pytest.raises(ccmm.AssessmentError) as err:
        ccmm.Assessment(
            standard_id="cc-cmm-oc",
            edition="2017",
            organisation="x",
            assessed_on=date(2026, 1, 1),
            scores={"1": {"c_rate": 7, "f_rate": 10}, "2": {"c_rate": 10, "f_rate": True}},
        )
    assert err.value.problems == (
        "item '1' c_rate: rating must be 0, 5 or 10, got 7",
        "item '2' f_rate: rating must be 0, 5 or 10, got True (a boolean)",
    )


def test_models_are_frozen_and_forbid_extra_fields() -> None:
    score = ccmm.ItemScore(c_rate=10, f_rate=5)
    with pytest.raises(Exception, match="frozen"):
        score.c_rate = 5  # type: ignore[misc]
    with pytest.raises(ccmm.AssessmentError, match="Extra inputs"):
        ccmm.ItemScore(c_rate=10, f_rate=5, weight=2)  # type: ignore[call-arg]


def test_the_bundled_example_reads_and_names_its_standard() -> None:
    example = load_example_assessment()
    assert (example.standard_id, example.edition) == (STANDARD.id, STANDARD.edition)
    assert set(example.scores) == set(STANDARD.item_ids)


@given(assessments())
def test_json_and_yaml_files_round_trip_exactly(tmp_path_factory: pytest.TempPathFactory,
                                                assessment: ccmm.Assessment) -> None:  # fmt: skip
    folder = tmp_path_factory.mktemp("rt")
    for name in ("a.json", "a.yaml"):
        ccmm.write_assessment(assessment, folder / name)
        assert ccmm.read_assessment(folder / name) == assessment


@given(assessments())
def test_the_csv_template_filled_in_reads_back_the_same_assessment(
    tmp_path_factory: pytest.TempPathFactory, assessment: ccmm.Assessment
) -> None:
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    ccmm.write_assessment_template(path, organisation=assessment.organisation)
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        if line.startswith("# assessed_on:"):
            line = f"# assessed_on: {assessment.assessed_on.isoformat()}"
        elif line.startswith("# assessors:"):
            line = "# assessors: " + "; ".join(assessment.assessors)
        elif line.startswith("# operating_years:"):
            years = assessment.operating_years
            line = "# operating_years: " + ("" if years is None else repr(years))
        elif not line.startswith("#") and not line.startswith("item,"):
            item, rest = line.split(",", 1)
            score = assessment.scores.get(item)
            cells = rest.split(",", 2)
            if score is not None:
                cells[0], cells[1] = str(score.c_rate), str(score.f_rate)
            line = ",".join([item, *cells])
        out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    assert ccmm.read_assessment(path) == assessment


def test_template_lists_every_item_with_titles_in_both_languages(tmp_path: Path) -> None:
    path = ccmm.write_assessment_template(tmp_path / "t.csv")
    rows = [r for r in path.read_text(encoding="utf-8").splitlines() if not r.startswith("#")]
    assert rows[0].split(",")[:3] == ["item", "c_rate", "f_rate"]
    assert [r.split(",")[0] for r in rows[1:]] == list(STANDARD.item_ids)


def test_xlsx_template_has_a_row_per_item(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = ccmm.write_assessment_template(tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(path)["ratings"]
    assert sheet.max_row == 1 + len(STANDARD.items)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


META = "# standard_id: cc-cmm-oc\n# edition: 2017\n# organisation: X\n# assessed_on: 2026-01-01\n"


def test_csv_problems_are_all_reported_with_their_rows(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "a.csv",
        META + "item,c_rate,f_rate\n1,10,10\n1,5,5\n2,7,10\n3,10,\n",
    )
    with pytest.raises(ccmm.AssessmentError) as err:
        ccmm.read_assessment(path)
    text = str(err.value)
    assert "a.csv" in text
    assert "row 7: item '1' duplicated (first on row 6)" in text
    assert "row 9: item '3' has f_rate blank" in text


def test_csv_ratings_off_the_scale_name_the_item(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", META + "item,c_rate,f_rate\n1,10,10\n2,7.5,10\n")
    with pytest.raises(ccmm.AssessmentError, match=r"item '2' c_rate: rating must be 0, 5 or 10"):
        ccmm.read_assessment(path)


def test_unknown_item_ids_are_listed(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", META + "item,c_rate,f_rate\n1,10,10\n999,5,5\n109,5,5\n")
    with pytest.raises(
        ccmm.AssessmentError, match=r"2 item id\(s\) not in cc-cmm-oc 2017: '999', '109'"
    ):
        ccmm.read_assessment(path)


def test_duplicated_keys_in_json_and_yaml_are_refused(tmp_path: Path) -> None:
    body = (
        '"standard_id": "cc-cmm-oc", "edition": "2017", "organisation": "X", '
        '"assessed_on": "2026-01-01"'
    )
    dup = '"scores": {"1": {"c_rate": 10, "f_rate": 10}, "1": {"c_rate": 0, "f_rate": 0}}'
    path = _write(tmp_path, "a.json", "{" + body + ", " + dup + "}")
    with pytest.raises(ccmm.AssessmentError, match="duplicated key '1'"):
        ccmm.read_assessment(path)
    yml = _write(
        tmp_path,
        "a.yaml",
        "standard_id: cc-cmm-oc\nscores:\n"
        "  '1': {c_rate: 10, f_rate: 10}\n  '1': {c_rate: 0, f_rate: 0}\n",
    )
    with pytest.raises(ccmm.AssessmentError, match="duplicated key '1'"):
        ccmm.read_assessment(yml)


def test_unsafe_yaml_tags_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.yaml", "standard_id: !!python/object/apply:os.getcwd []\n")
    with pytest.raises(ccmm.AssessmentError, match="not valid safe YAML"):
        ccmm.read_assessment(path)


def test_wrong_standard_or_edition_is_a_clear_error(tmp_path: Path) -> None:
    example = load_example_assessment()
    other = ccmm.Standard.model_validate({**STANDARD.model_dump(mode="json"), "edition": "2030"})
    with pytest.raises(ccmm.StandardMismatchError, match=r"for cc-cmm-oc 2017.*cc-cmm-oc 2030"):
        ccmm.evaluate(example, other)
    data = example.model_dump(mode="json") | {"edition": "2099"}
    path = _write(tmp_path, "a.json", json.dumps(data))
    read = ccmm.read_assessment(path)  # not shipped: read, and refused when evaluated
    with pytest.raises(ccmm.StandardError, match="no edition '2099'"):
        ccmm.evaluate(read)


def test_unreadable_files_raise_ccmm_errors(tmp_path: Path) -> None:
    with pytest.raises(ccmm.AssessmentError, match="no such file"):
        ccmm.read_assessment(tmp_path / "missing.json")
    with pytest.raises(ccmm.AssessmentError, match="unsupported file type"):
        ccmm.read_assessment(_write(tmp_path, "a.txt", "x"))
    with pytest.raises(ccmm.AssessmentError, match="not valid JSON"):
        ccmm.read_assessment(_write(tmp_path, "a.json", "{"))


def test_shipped_json_schema_is_the_one_generated_from_the_model() -> None:
    shipped = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert shipped == ccmm.assessment_json_schema()


def test_json_schema_validates_the_example_and_rejects_a_rating_of_7() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    document = json.loads(example_path().read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    document["scores"]["1"]["c_rate"] = 7
    with pytest.raises(jsonschema.ValidationError, match="7 is not one of"):
        jsonschema.validate(document, schema)


@given(st.sampled_from([0, 5, 10]), st.integers(min_value=-20, max_value=20))
def test_schema_and_model_agree_on_every_rating(good: int, any_int: int) -> None:
    schema = ccmm.assessment_json_schema()
    doc = {
        "standard_id": "s", "edition": "1", "organisation": "o", "assessed_on": "2026-01-01",
        "scores": {"1": {"c_rate": good, "f_rate": any_int}},
    }  # fmt: skip
    schema_ok = jsonschema.Draft202012Validator(schema).is_valid(doc)
    try:
        ccmm.Assessment.model_validate(doc)
        model_ok = True
    except ccmm.AssessmentError:
        model_ok = False
    assert schema_ok == model_ok == (any_int in (0, 5, 10))
