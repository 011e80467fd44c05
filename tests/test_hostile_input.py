"""Hostile and odd input to the readers: every problem is a CCMMError, in bounded time and memory.

Each test names the class of problem it proves closed; the property tests generate the class
(alias bombs of every width, nesting of every depth, numbers of every length, stray quotes in
every cell), not only the example of issue #14.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import math
import os
import resource
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_assessments import STANDARD, assessments
from strategies_junk import (
    FORMULA_STARTS,
    alias_bombs,
    deep_documents,
    formula_text,
    huge_numbers,
    junk_scalars,
    one_line_text,
    small_files,
    yaml_alias_bomb,
)

import ccmm
from ccmm._text import QUOTE_WIDTH, quote
from ccmm.examples import load_example_assessment

EXAMPLE = load_example_assessment()
META = "# standard_id: cc-cmm-oc\n# edition: 2017\n# organisation: X\n# assessed_on: 2026-01-01\n"
MESSAGE_BOUND = 4_000  # characters: a message never grows with what the file expands to


def _write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _refusal(path: Path, **kwargs: object) -> ccmm.CCMMError:
    with pytest.raises(ccmm.CCMMError) as err:
        ccmm.read_assessment(path, **kwargs)  # type: ignore[arg-type]
    assert len(str(err.value)) < MESSAGE_BOUND
    return err.value


def _peak_bytes(action: object) -> int:
    tracemalloc.start()
    try:
        with contextlib.suppress(ccmm.CCMMError):
            action()  # type: ignore[operator]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ---- limits: alias bombs, nesting, numbers, size ----------------------------------------------
def test_the_307_byte_alias_bomb_of_issue_14_is_refused_in_a_short_message(tmp_path: Path) -> None:
    path = _write(tmp_path, "bomb.yaml", yaml_alias_bomb(7, 9))
    assert path.stat().st_size < 500
    error = _refusal(path)
    assert "Limits.max_yaml_nodes" in str(error) and "bomb.yaml" in str(error)
    assert _peak_bytes(lambda: ccmm.read_assessment(path)) < 20_000_000


@given(bomb=alias_bombs())
def test_every_alias_bomb_is_refused_before_it_is_built(
    tmp_path_factory: pytest.TempPathFactory, bomb: str
) -> None:
    path = _write(tmp_path_factory.mktemp("bomb"), "a.yaml", bomb)
    error = _refusal(path)
    assert "Limits.max_yaml_nodes" in str(error)
    assert _peak_bytes(lambda: ccmm.read_assessment(path)) < 20_000_000


@given(levels=st.integers(1, 4), width=st.integers(1, 5))
def test_small_aliases_within_the_limit_still_read(
    tmp_path_factory: pytest.TempPathFactory, levels: int, width: int
) -> None:
    """The alias limit counts expanded values: harmless anchors are read as before."""
    text = (
        "standard_id: cc-cmm-oc\nedition: '2017'\norganisation: &org Centre\nassessed_on: "
        "2026-01-01\nassessors: [*org]\nscores:\n  '1': &r {c_rate: 10, f_rate: 5}\n  '2': *r\n"
    )
    path = _write(tmp_path_factory.mktemp("ok"), "a.yaml", text)
    read = ccmm.read_assessment(path)
    assert read.assessors == ("Centre",) and read.scores["2"] == read.scores["1"]
    bomb = yaml_alias_bomb(levels, width)  # at most 5**4 values: within the default limit
    assert ccmm._yaml.safe_load(bomb, source="s", error=ccmm.AssessmentError)


@given(doc=deep_documents())
def test_nesting_deeper_than_the_limit_is_refused_naming_the_limit(
    tmp_path_factory: pytest.TempPathFactory, doc: tuple[str, str]
) -> None:
    suffix, text = doc
    error = _refusal(_write(tmp_path_factory.mktemp("deep"), "a" + suffix, text))
    assert "max_depth" in str(error) or "nesting" in str(error)


@given(digits=huge_numbers, suffix=st.sampled_from([".json", ".yaml", ".csv"]))
def test_numbers_of_thousands_of_digits_are_refused_with_a_bounded_message(
    tmp_path_factory: pytest.TempPathFactory, digits: str, suffix: str
) -> None:
    folder = tmp_path_factory.mktemp("num")
    if suffix == ".csv":
        text = META + f"item,c_rate,f_rate\n1,{digits},10\n"
    elif suffix == ".json":
        text = (
            '{"standard_id": "cc-cmm-oc", "edition": "2017", "organisation": "X", '
            f'"assessed_on": "2026-01-01", "scores": {{"1": {{"c_rate": {digits}, "f_rate": 5}}}}}}'
        )
    else:
        text = (
            "standard_id: cc-cmm-oc\nedition: '2017'\norganisation: X\nassessed_on: 2026-01-01\n"
            f"scores:\n  '1': {{c_rate: {digits}, f_rate: 5}}\n"
        )
    error = _refusal(_write(folder, "a" + suffix, text))
    assert digits not in str(error) or len(digits) < QUOTE_WIDTH


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_without_reading_them(special: str, tmp_path: Path) -> None:
    if not os.path.exists(special):
        pytest.skip(f"no {special} here")
    link = tmp_path / "a.json"
    link.symlink_to(special)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    error = _refusal(link)
    assert "not a regular file" in str(error)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB


@given(size=st.integers(1, 4096), suffix=st.sampled_from([".json", ".yaml", ".csv", ".xlsx"]))
def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(
    tmp_path_factory: pytest.TempPathFactory, size: int, suffix: str
) -> None:
    path = _write(tmp_path_factory.mktemp("big"), "a" + suffix, b" " * (size + 1))
    error = _refusal(path, limits=ccmm.Limits(max_file_bytes=size))
    assert "Limits.max_file_bytes" in str(error)


@given(length=st.integers(65_537, 140_000))
def test_a_csv_cell_over_the_cell_limit_names_its_line(
    tmp_path_factory: pytest.TempPathFactory, length: int
) -> None:
    text = META + "item,c_rate,f_rate,notes\n1,10,10,ok\n2,5,5," + "n" * length + "\n"
    error = _refusal(_write(tmp_path_factory.mktemp("cell"), "a.csv", text))
    assert "line 7" in str(error) and "Limits.max_cell_chars" in str(error)


@given(data=small_files, suffix=st.sampled_from([".json", ".yaml", ".yml", ".csv", ".xlsx"]))
def test_a_small_file_of_any_shape_is_read_or_refused_as_a_ccmm_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = _write(tmp_path_factory.mktemp("any"), "a" + suffix, data)
    try:
        ccmm.read_assessment(path)
    except ccmm.CCMMError as exc:
        message = str(exc)
    else:
        message = ""
    assert len(message) < MESSAGE_BOUND


@given(value=st.one_of(st.text(min_size=200, max_size=5_000), st.integers(min_value=10**200)))
def test_quoted_values_are_cut_to_a_bounded_length(value: object) -> None:
    assert len(quote(value)) <= QUOTE_WIDTH
    with pytest.raises(ccmm.AssessmentError) as err:
        ccmm.ItemScore(c_rate=value, f_rate=10)  # type: ignore[arg-type]
    assert len(str(err.value)) < 400


def test_limits_are_validated_settings() -> None:
    assert ccmm.Limits().max_depth == 32
    with pytest.raises(ccmm.InputDataError):
        ccmm.Limits(max_depth=0)
    with pytest.raises(ccmm.InputDataError):
        ccmm.Limits(max_rows="many")  # type: ignore[arg-type]


def test_a_users_standard_file_obeys_the_same_limits(tmp_path: Path) -> None:
    path = _write(tmp_path, "std.yaml", yaml_alias_bomb(8, 9))
    with pytest.raises(ccmm.StandardError, match=r"Limits\.max_yaml_nodes"):
        ccmm.load_standard(path)
    deep = _write(tmp_path, "std.json", "[" * 50_000 + "]" * 50_000)
    with pytest.raises(ccmm.StandardError, match="max_depth"):
        ccmm.load_standard(deep)


# ---- strict CSV: nothing folded, nothing ragged -----------------------------------------------
def _example_csv(tmp_path: Path) -> tuple[Path, list[str]]:
    path = ccmm.write_assessment_template(tmp_path / "t.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        if line.startswith("# assessed_on:"):
            line = "# assessed_on: 2026-01-01"
        elif not line.startswith("#") and not line.startswith("item,"):
            cells = next(csv.reader([line]))
            score = EXAMPLE.scores[cells[0]]
            cells[1:4] = [str(score.c_rate), str(score.f_rate), "doc-1"]
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="").writerow(cells)
            line = buffer.getvalue()
        out.append(line)
    return path, out


def test_an_unterminated_quote_in_item_149_evidence_is_an_error_not_19_lost_items(
    tmp_path: Path,
) -> None:
    path, lines = _example_csv(tmp_path)
    row = next(k for k, line in enumerate(lines) if line.startswith("149,"))
    lines[row] = lines[row].replace("doc-1", '"doc-1', 1)
    lines[-1] = lines[-1].replace("doc-1", 'doc-1"', 1)  # a later quote closes it
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = _refusal(path)
    assert f"line {row + 1}" in str(error) and "quote" in str(error)


@given(data=st.data())
def test_a_stray_quote_in_any_cell_is_an_error_naming_a_line(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("quote")
    path, lines = _example_csv(folder)
    first = next(k for k, line in enumerate(lines) if line.startswith("item,")) + 1
    row = data.draw(st.integers(first, len(lines) - 1))
    cells = lines[row].split(",")
    k = data.draw(st.integers(0, 4))
    cells[k] = '"' + cells[k]
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = _refusal(path)
    assert "line" in str(error) or "row" in str(error)


@given(drop=st.integers(1, 3), extra=st.integers(1, 3), data=st.data())
def test_ragged_rows_are_errors_naming_the_row(
    tmp_path_factory: pytest.TempPathFactory, drop: int, extra: int, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("ragged")
    body = "item,c_rate,f_rate,evidence,notes\n" + "".join(
        f"{i},10,10,d,n\n" for i in STANDARD.item_ids[:5]
    )
    lines = (META + body).splitlines()
    row = data.draw(st.integers(6, len(lines) - 1))
    short = data.draw(st.booleans())
    if short:
        lines[row] = ",".join(lines[row].split(",")[:-drop])
    else:
        lines[row] += ",x" * extra
    error = _refusal(_write(folder, "a.csv", "\n".join(lines) + "\n"))
    assert f"row {row + 1}: " in str(error) and "the header has 5" in str(error)


def test_duplicated_columns_are_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", META + "item,c_rate,f_rate,notes,notes\n1,10,10,a,b\n")
    assert "'notes' given more than once" in str(_refusal(path))


# ---- xlsx: read back what is written, formulas written as text --------------------------------
@settings(max_examples=10)  # a workbook costs about a second to write and read
@given(assessment=assessments(), organisation=one_line_text)
def test_an_assessment_written_as_xlsx_reads_back_equal(
    tmp_path_factory: pytest.TempPathFactory, assessment: ccmm.Assessment, organisation: str
) -> None:
    pytest.importorskip("openpyxl")
    assessment = assessment.model_copy(update={"organisation": organisation})
    path = tmp_path_factory.mktemp("x") / "a.xlsx"
    ccmm.write_assessment(assessment, path)
    assert ccmm.read_assessment(path) == assessment


@settings(max_examples=10)
@given(organisation=st.one_of(formula_text, one_line_text), data=st.data())
def test_the_xlsx_template_filled_in_reads_back_and_never_holds_a_formula(
    tmp_path_factory: pytest.TempPathFactory, organisation: str, data: st.DataObject
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path_factory.mktemp("t") / "t.xlsx"
    ccmm.write_assessment_template(path, organisation=organisation)
    book = openpyxl.load_workbook(path)
    assert all(c.data_type != "f" for sheet in book for row in sheet.iter_rows() for c in row)
    meta = {row[0].value: row[1] for row in book["metadata"].iter_rows()}
    assert meta["organisation"].value == organisation
    assert meta["organisation"].quotePrefix == organisation.startswith(FORMULA_STARTS)
    meta["assessed_on"].value = "2026-03-01"
    rated = data.draw(st.lists(st.sampled_from(STANDARD.item_ids), unique=True, max_size=8))
    for row in book["ratings"].iter_rows(min_row=2):
        if row[0].value in rated:
            row[1].value, row[2].value = 10, 5
    book.save(path)
    read = ccmm.read_assessment(path)
    assert read.organisation == organisation.strip()
    assert {i: (s.c_rate, s.f_rate) for i, s in read.scores.items()} == dict.fromkeys(
        rated, (10, 5)
    )


@settings(max_examples=20)
@given(
    organisation=st.one_of(
        formula_text,
        one_line_text,
        st.builds(lambda a, b: f"{a},{b}", one_line_text, formula_text),  # a cell of its own
    ),
    data=st.data(),
)
def test_the_csv_template_never_starts_a_cell_with_a_formula_and_reads_back(
    tmp_path_factory: pytest.TempPathFactory, organisation: str, data: st.DataObject
) -> None:
    path = tmp_path_factory.mktemp("t") / "t.csv"
    ccmm.write_assessment_template(path, organisation=organisation)
    text = path.read_text(encoding="utf-8")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    rated = data.draw(st.lists(st.sampled_from(STANDARD.item_ids), unique=True, min_size=1))
    lines = text.splitlines()
    filled = []
    for line in lines:
        item = line.split(",", 1)[0]
        if item in rated:
            line = ",".join([item, "10", "5", *line.split(",")[3:]])
        elif '"# assessed_on' in line or line.startswith("# assessed_on"):
            line = "# assessed_on: 2026-03-01"
        filled.append(line)
    path.write_text("\n".join(filled) + "\n", encoding="utf-8")
    read = ccmm.read_assessment(path, limits=None)
    assert read.organisation == organisation.strip()
    assert {i: (s.c_rate, s.f_rate) for i, s in read.scores.items()} == dict.fromkeys(
        rated, (10, 5)
    )


@pytest.mark.parametrize("organisation", [",", "0,", "Acme, Ltd,", ",Acme"])
def test_a_metadata_value_with_commas_at_its_ends_reads_back_whole(
    tmp_path: Path, organisation: str
) -> None:
    # The quoted cell is the value: its own commas are not a spreadsheet's empty cells.
    path = tmp_path / "t.csv"
    ccmm.write_assessment_template(path, organisation=organisation)
    text = path.read_text(encoding="utf-8").replace("# assessed_on: ", "# assessed_on: 2026-03-01")
    path.write_text(text, encoding="utf-8")
    assert ccmm.read_assessment(path).organisation == organisation


def test_a_formula_in_an_assessment_workbook_is_refused(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "a.xlsx"
    ccmm.write_assessment(EXAMPLE, path)
    book = openpyxl.load_workbook(path)
    book["ratings"]["B2"] = "=5+5"
    book.save(path)
    assert "formula" in str(_refusal(path))


@pytest.mark.parametrize("name", ["a\nb", "a\x00b", "a\x1b[31mb", "a\rb"])
def test_a_template_organisation_with_line_breaks_or_controls_is_refused(
    tmp_path: Path, name: str
) -> None:
    with pytest.raises(ccmm.AssessmentError, match="one line of text"):
        ccmm.write_assessment_template(tmp_path / "t.csv", organisation=name)


# ---- operating_years: one validator -----------------------------------------------------------
@pytest.mark.parametrize("years", ["inf", "1e400", "-5", "abc", "true", "-.inf", ".inf", "[1]"])
def test_operating_years_that_are_not_finite_non_negative_numbers_are_refused(
    tmp_path: Path, years: str
) -> None:
    text = (
        "standard_id: cc-cmm-oc\nedition: '2017'\norganisation: X\nassessed_on: 2026-01-01\n"
        f"operating_years: {years}\nscores: {{}}\n"
    )
    assert "operating_years" in str(_refusal(_write(tmp_path, "a.yaml", text)))


# ---- evaluate_many: one validator, streamed chunks, junk ids ----------------------------------
def _long(batch: list[ccmm.Assessment]) -> pd.DataFrame:
    rows = [
        {"assessment_id": f"a{k}", "item": i, "c_rate": s.c_rate, "f_rate": s.f_rate,
         "operating_years": a.operating_years}
        for k, a in enumerate(batch) for i, s in a.scores.items()
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _outcome(action: object) -> object:
    try:
        return action()  # type: ignore[operator]
    except ccmm.CCMMError:
        return "refused"


@given(years=st.one_of(junk_scalars, st.floats(), st.text(max_size=8)))
def test_evaluate_and_evaluate_many_accept_and_refuse_the_same_operating_years(
    years: object,
) -> None:
    single = _outcome(
        lambda: (
            ccmm.Assessment.model_validate(
                {**EXAMPLE.model_dump(), "operating_years": years}
            ).operating_years
        )
    )
    frame = _long([EXAMPLE])
    frame["operating_years"] = pd.Series([years] * len(frame), dtype=object)
    many = _outcome(lambda: ccmm.evaluate_many(frame)["operating_years"].iloc[0])
    if isinstance(single, str):
        assert many == single == "refused"
    elif single is None:
        assert many != many  # NaN: unknown
    else:
        assert many == single


@given(rating=st.one_of(junk_scalars, st.integers(-20, 20), st.floats(), st.text(max_size=4)))
def test_evaluate_and_evaluate_many_accept_and_refuse_the_same_ratings(rating: object) -> None:
    single = _outcome(lambda: ccmm.ItemScore(c_rate=rating, f_rate=10).c_rate)  # type: ignore[arg-type]
    frame = _long([EXAMPLE])
    frame["c_rate"] = pd.Series([rating] * len(frame), dtype=object)
    many = _outcome(lambda: int(ccmm.evaluate_many(frame)["total"].iloc[0]))
    if single == "refused":
        assert many == "refused"
    else:
        assert many != "refused"


@given(batch=st.lists(assessments(), min_size=1, max_size=5), data=st.data())
def test_evaluate_many_over_chunks_equals_one_frame_wherever_the_chunks_are_cut(
    batch: list[ccmm.Assessment], data: st.DataObject
) -> None:
    frame = _long(batch)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(frame)), max_size=6)))
    bounds = [0, *cuts, len(frame)]
    chunks = [frame.iloc[a:b] for a, b in itertools.pairwise(bounds)]
    whole = ccmm.evaluate_many(frame)
    pd.testing.assert_frame_equal(ccmm.evaluate_many(iter(chunks)), whole)


def test_an_assessment_split_over_chunks_that_are_not_consecutive_is_refused() -> None:
    frame = _long([EXAMPLE, EXAMPLE])
    first, second = frame[frame.assessment_id == "a0"], frame[frame.assessment_id == "a1"]
    chunks = [first.iloc[:50], second, first.iloc[50:]]
    with pytest.raises(ccmm.AssessmentError, match="come back"):
        ccmm.evaluate_many(chunks, allow_missing=True)


@pytest.mark.parametrize("missing", [math.nan, None, pd.NA])
def test_a_missing_assessment_id_is_an_error_naming_the_row(missing: object) -> None:
    frame = _long([EXAMPLE]).astype({"assessment_id": object})
    frame.loc[7, "assessment_id"] = missing
    with pytest.raises(ccmm.AssessmentError, match=r"assessment_id missing.*rows 7"):
        ccmm.evaluate_many(frame)


def test_duplicated_columns_in_the_scores_table_are_named() -> None:
    frame = _long([EXAMPLE])
    frame = pd.concat([frame, frame[["c_rate"]]], axis=1)
    with pytest.raises(ccmm.InputDataError, match="'c_rate' given more than once"):
        ccmm.evaluate_many(frame)
