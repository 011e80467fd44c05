"""Reading assessments from JSON, YAML and CSV files, and writing fill-in templates.

CSV layout (what [`write_assessment_template`][ccmm.write_assessment_template] writes):

* metadata lines first, each ``# key: value`` — ``standard_id``, ``edition``, ``organisation``,
  ``assessed_on`` (ISO date), ``assessors`` (separated by ``;``), ``operating_years`` (blank when
  unknown);
* then a header row and one row per item: ``item, c_rate, f_rate, evidence, notes, assessor``;
  the template adds ``clause, section, title_en, title_zh`` for orientation (ignored on reading);
* an item whose two rating cells are both blank is *not assessed*; one blank and one filled is an
  error; ``evidence`` holds references separated by ``;``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from os import PathLike
from pathlib import Path
from typing import Any

from ccmm._errors import AssessmentError, CCMMError, MissingExtraError
from ccmm._guard import checked_arguments
from ccmm._json import read_json
from ccmm._limits import DEFAULT_LIMITS, Limits, decode_text, read_limited
from ccmm._text import quote
from ccmm._yaml import safe_load
from ccmm.assessment import Assessment, ItemScore
from ccmm.standard import Standard

_META_KEYS = (
    "standard_id",
    "edition",
    "organisation",
    "assessed_on",
    "assessors",
    "operating_years",
)
_ITEM_COLUMNS = ("item", "c_rate", "f_rate", "evidence", "notes", "assessor")
_ORIENTATION_COLUMNS = ("clause", "section", "title_en", "title_zh")


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _split_metadata(lines: list[str]) -> tuple[dict[str, str], list[str], int]:
    """The ``# key: value`` lines at the top: (metadata, problems, number of lines they take)."""
    meta: dict[str, str] = {}
    problems: list[str] = []
    body_start = 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith('"#'):  # a metadata line written (or re-saved) as one quoted cell
            # The cell is the value, commas and all ("# organisation: Acme, Ltd,").
            stripped = next(csv.reader([stripped]), [""])[0].strip()
        else:  # a spreadsheet program may add empty cells after an unquoted line
            stripped = stripped.strip(",")
        if not stripped:
            body_start = number
            continue
        if not stripped.startswith("#"):
            break
        body_start = number
        key, sep, value = stripped.lstrip("#").partition(":")
        key = key.strip()
        if not sep or key not in _META_KEYS:
            problems.append(f"line {number}: expected '# key: value' with key one of {_META_KEYS}")
            continue
        if key in meta:
            problems.append(f"line {number}: metadata {key!r} given twice")
        meta[key] = value.strip()
    return meta, problems, body_start


def _csv_rows(
    body: str, *, first_line: int, source: str, limits: Limits
) -> Iterator[tuple[int, list[str]]]:
    """(file line, cells) of every CSV record, strictly: a record is exactly one line.

    A quote left open swallows the lines after it into one cell; Python's csv module accepts that
    without a word when a later quote closes it. Here a record that spans lines, a malformed
    quote and a cell over the limit are errors naming the line.
    """
    reader = csv.reader(io.StringIO(body, newline=""), strict=True)
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = first_line + reader.line_num - 1
            if "field limit" in str(exc):  # the csv module's own cap, above any sane cell
                raise AssessmentError(
                    f"{source}: line {line}: a cell over {csv.field_size_limit():,} characters; "
                    f"the limit is {limits.max_cell_chars:,} (Limits.max_cell_chars)"
                ) from None
            opened = first_line + end
            if line > opened:  # the record began lines earlier: a quote there ran on
                raise AssessmentError(
                    f"{source}: line {opened}: a quoted cell runs on to line {line} and is "
                    f"malformed there ({exc}): a quote is not closed (cells cannot hold line "
                    "breaks)"
                ) from None
            raise AssessmentError(f"{source}: line {line}: malformed CSV ({exc})") from None
        start, end = end + 1, reader.line_num
        if end > start:
            raise AssessmentError(
                f"{source}: line {first_line + start - 1}: a quoted cell runs over lines "
                f"{first_line + start - 1}-{first_line + end - 1}: a quote is not closed (cells "
                "cannot hold line breaks); no line may be folded into another"
            )
        for cell in cells:
            if len(cell) > limits.max_cell_chars:
                raise AssessmentError(
                    f"{source}: line {first_line + start - 1}: a cell of {len(cell):,} characters "
                    f"({quote(cell)}); the limit is {limits.max_cell_chars:,} "
                    "(Limits.max_cell_chars)"
                )
        yield first_line + start - 1, cells


def _read_csv(text: str, source: str, limits: Limits) -> dict[str, Any]:
    lines = text.split("\n")
    meta, problems, body_start = _split_metadata(lines)
    rows = _csv_rows(
        "\n".join(lines[body_start:]), first_line=body_start + 1, source=source, limits=limits
    )
    header_row = next(rows, None)
    header = [h.strip() for h in header_row[1]] if header_row else []
    return _table_data(meta, problems, header, rows, source=source, limits=limits)


def _table_data(
    meta: dict[str, str],
    problems: list[str],
    header: list[str],
    rows: Iterable[tuple[int, list[str]]],
    *,
    source: str,
    limits: Limits,
) -> dict[str, Any]:
    """Assessment mapping from metadata and a ratings table (CSV, xlsx), all problems at once."""
    known = set(_ITEM_COLUMNS) | set(_ORIENTATION_COLUMNS)
    unknown = [h for h in header if h not in known]
    if unknown:
        problems.append(
            f"unknown column(s) {', '.join(map(quote, unknown))}; expected some of {sorted(known)}"
        )
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        problems.append(f"column(s) {', '.join(map(quote, twice))} given more than once")
    for needed in ("item", "c_rate", "f_rate"):
        if needed not in header:
            problems.append(f"missing column {needed!r}")
    if problems:
        raise AssessmentError(f"{source}: cannot read assessment", problems=problems)
    position = {name: header.index(name) for name in _ITEM_COLUMNS if name in header}
    scores: dict[str, Any] = {}
    first_row: dict[str, int] = {}
    for count, (row_no, cells) in enumerate(rows, start=1):
        if count > limits.max_rows:
            raise AssessmentError(
                f"{source}: more than {limits.max_rows:,} rows (Limits.max_rows)", problems=problems
            )
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(f"row {row_no}: {len(cells)} cells, the header has {len(header)}")
            continue
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) < len(header):
            problems.append(f"row {row_no}: {len(cells)} cells, the header has {len(header)}")
            continue
        row = {name: cells[k].strip() for name, k in position.items()}
        item = row["item"]
        if not item:
            problems.append(f"row {row_no}: item id is empty")
            continue
        c_rate, f_rate = row["c_rate"], row["f_rate"]
        if item in first_row:
            problems.append(
                f"row {row_no}: item {quote(item)} duplicated (first on row {first_row[item]})"
            )
            continue
        first_row[item] = row_no
        if not c_rate and not f_rate:
            continue  # not assessed
        if not c_rate or not f_rate:
            blank = "c_rate" if not c_rate else "f_rate"
            problems.append(
                f"row {row_no}: item {quote(item)} has {blank} blank; rate both or neither"
            )
            continue
        entry: dict[str, Any] = {"c_rate": c_rate, "f_rate": f_rate}
        if row.get("evidence"):
            entry["evidence"] = _split(row["evidence"])
        for optional in ("notes", "assessor"):
            if row.get(optional):
                entry[optional] = row[optional]
        try:  # validate here too, so that row problems of every kind are reported together
            ItemScore.model_validate(entry)
        except CCMMError as exc:
            problems.extend(f"row {row_no}: item {quote(item)} {p}" for p in exc.problems)
            continue
        scores[item] = entry
    if problems:
        raise AssessmentError(f"{source}: cannot read assessment", problems=problems)
    data: dict[str, Any] = {k: v for k, v in meta.items() if v != ""}
    if "assessors" in data:
        data["assessors"] = _split(data["assessors"])
    data["scores"] = scores
    return data


def _xlsx_text(value: object) -> str:
    """One spreadsheet cell as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (
            value.date().isoformat()
            if value == dt.datetime.combine(value.date(), dt.time())
            else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, source: str, limits: Limits) -> dict[str, Any]:
    """Read an assessment workbook laid out like the xlsx template: ``ratings`` and ``metadata``."""
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise MissingExtraError(
            "reading .xlsx assessments needs the xlsx extra: pip install 'ccmm[xlsx]'"
        ) from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise AssessmentError(f"{source}: not an xlsx workbook: {exc}") from None
    if unpacked > limits.max_file_bytes:
        raise AssessmentError(
            f"{source}: unpacks to {unpacked:,} bytes; the limit is {limits.max_file_bytes:,} "
            "(Limits.max_file_bytes)"
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise AssessmentError(
            f"{source}: not an xlsx workbook: {quote(str(exc), width=200)}"
        ) from None
    try:
        if "ratings" not in book.sheetnames:
            raise AssessmentError(
                f"{source}: no sheet named 'ratings'; sheets: "
                + ", ".join(map(quote, book.sheetnames))
            )

        def sheet_rows(name: str) -> Iterator[tuple[int, list[str]]]:
            for number, cells in enumerate(book[name].iter_rows(), start=1):
                if number > limits.max_rows + 1:
                    raise AssessmentError(
                        f"{source}: sheet {name!r} has more than {limits.max_rows:,} rows "
                        "(Limits.max_rows)"
                    )
                texts = []
                for cell in cells:
                    if getattr(cell, "data_type", None) == "f":
                        raise AssessmentError(
                            f"{source}: sheet {name!r} row {number}: cell {quote(cell.value)} "
                            "is a formula; enter values"
                        )
                    text = _xlsx_text(cell.value)
                    if len(text) > limits.max_cell_chars:
                        raise AssessmentError(
                            f"{source}: sheet {name!r} row {number}: a cell of {len(text):,} "
                            f"characters; the limit is {limits.max_cell_chars:,} "
                            "(Limits.max_cell_chars)"
                        )
                    texts.append(text)
                while texts and texts[-1] == "":
                    texts.pop()  # read-only sheets pad rows to the widest one
                yield number, texts

        meta: dict[str, str] = {}
        problems: list[str] = []
        if "metadata" in book.sheetnames:
            for number, cells in sheet_rows("metadata"):
                if not any(cells):
                    continue
                key = cells[0].strip()
                if key not in _META_KEYS or len(cells) > 2:
                    problems.append(
                        f"sheet 'metadata' row {number}: expected a key (one of {_META_KEYS}) "
                        f"and a value, got {quote(cells)}"
                    )
                elif key in meta:
                    problems.append(f"sheet 'metadata' row {number}: {key!r} given twice")
                else:
                    meta[key] = cells[1].strip() if len(cells) > 1 else ""
        rows = sheet_rows("ratings")
        header_row = next(rows, None)
        header = [h.strip() for h in header_row[1]] if header_row else []
        padded = ((n, cells + [""] * (len(header) - len(cells))) for n, cells in rows)
        return _table_data(meta, problems, header, padded, source=source, limits=limits)
    finally:
        book.close()


def check_against_standard(assessment: Assessment, standard: Standard, *, source: str) -> None:
    """Raise if ``assessment`` names another standard or rates items ``standard`` does not have."""
    from ccmm._errors import StandardMismatchError

    if (assessment.standard_id, assessment.edition) != (standard.id, standard.edition):
        raise StandardMismatchError(
            f"{source}: assessment is for {assessment.standard_id} {assessment.edition}, "
            f"but the standard used is {standard.id} {standard.edition}"
        )
    unknown = [i for i in assessment.scores if not standard.has_item(i)]
    if unknown:
        raise AssessmentError(
            f"{source}: {len(unknown)} item id(s) not in {standard.id} {standard.edition}: "
            + ", ".join(map(repr, unknown))
        )


@checked_arguments
def read_assessment(
    path: str | PathLike[str], *, standard: Standard | None = None, limits: Limits | None = None
) -> Assessment:
    """Read an assessment from ``.json``, ``.yaml``/``.yml``, ``.csv`` or ``.xlsx``.

    Every problem in the file is reported at once, naming the file and the item or row. When
    ``standard`` is given — or the file names a standard ccmm ships — item ids and the
    standard's id and edition are checked against it too. The file must stay within ``limits``
    (size, nesting, aliases, cell length, rows; see `ccmm.Limits`), checked before it is
    parsed.
    """
    from ccmm._loader import list_standards, load_standard

    limits = limits or DEFAULT_LIMITS
    file = Path(path)
    source = str(file)
    suffix = file.suffix.lower()
    if suffix not in {".json", ".yaml", ".yml", ".csv", ".xlsx"}:
        raise AssessmentError(
            f"{source}: unsupported file type {quote(suffix)}; use .json, .yaml, .csv or .xlsx"
        )
    raw = read_limited(file, limits=limits, error=AssessmentError)
    if suffix == ".xlsx":
        data = _read_xlsx(raw, source, limits)
    else:
        text = decode_text(raw, source=source, error=AssessmentError)
        if suffix == ".json":
            data = read_json(text, source=source, error=AssessmentError, limits=limits)
        elif suffix == ".csv":
            data = _read_csv(text, source, limits)
        else:
            data = safe_load(text, source=source, error=AssessmentError, limits=limits)
    if not isinstance(data, dict):
        raise AssessmentError(f"{source}: expected a mapping at the top level")
    try:
        assessment = Assessment.model_validate(data)
    except CCMMError as exc:
        raise AssessmentError(f"{source}: invalid assessment", problems=exc.problems) from None
    if standard is None and any(
        (r.id, r.edition) == (assessment.standard_id, assessment.edition) for r in list_standards()
    ):
        standard = load_standard(assessment.standard_id, assessment.edition)
    if standard is not None:
        check_against_standard(assessment, standard, source=source)
    return assessment


@checked_arguments
def write_assessment(assessment: Assessment, path: str | PathLike[str]) -> None:
    """Write ``assessment`` as JSON (``.json``), YAML (``.yaml``/``.yml``) or xlsx (``.xlsx``).

    A workbook has the template's layout (sheets ``ratings`` and ``metadata``) and reads back
    equal with `read_assessment`; it needs the ``xlsx`` extra.
    """
    file = Path(path)
    data = assessment.model_dump(mode="json")
    suffix = file.suffix.lower()
    if suffix == ".json":
        file.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    elif suffix in {".yaml", ".yml"}:
        import yaml

        file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    elif suffix == ".xlsx":
        years = assessment.operating_years
        meta = {
            "standard_id": assessment.standard_id,
            "edition": assessment.edition,
            "organisation": assessment.organisation,
            "assessed_on": assessment.assessed_on.isoformat(),
            "assessors": "; ".join(assessment.assessors),
            "operating_years": "" if years is None else repr(years),
        }
        rows = [
            [item, s.c_rate, s.f_rate, "; ".join(s.evidence), s.notes or "", s.assessor or ""]
            for item, s in assessment.scores.items()
        ]
        _write_workbook(file, list(_ITEM_COLUMNS), rows, meta)
    else:
        raise AssessmentError(f"{file}: write assessments as .json, .yaml or .xlsx")


def _write_workbook(
    file: Path, header: list[str], rows: list[list[Any]], meta: dict[str, str]
) -> None:
    """Save sheets ``ratings`` (``header`` then ``rows``) and ``metadata`` (key, value)."""
    try:
        from openpyxl import Workbook
        from openpyxl.utils.exceptions import IllegalCharacterError
    except ImportError:
        raise MissingExtraError(
            "writing .xlsx files needs the xlsx extra: pip install 'ccmm[xlsx]'"
        ) from None
    book = Workbook()
    sheet = book.active
    sheet.title = "ratings"
    try:
        _append_as_text(sheet, header)
        for row in rows:
            _append_as_text(sheet, row)
        info = book.create_sheet("metadata")
        for key, value in meta.items():
            _append_as_text(info, [key, value])
    except IllegalCharacterError as exc:
        raise AssessmentError(
            f"{file}: a value holds a control character a workbook cannot store: {exc}"
        ) from None
    book.save(file)


# Tab is allowed (and written as text); other C0 controls, DEL and line breaks are not.
_LINE_BREAK_OR_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]")

#: A text cell starting with one of these is a formula (or becomes one) in a spreadsheet program.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _append_as_text(sheet: Any, values: list[Any]) -> None:
    """Append ``values`` as one row of plain text cells: never a live formula.

    openpyxl stores a string starting with ``=`` as a formula; spreadsheet programs also run
    cells starting with ``+ - @`` (and tab or CR). Such cells are stored as strings with Excel's
    quote prefix, so that ``=HYPERLINK(...)`` from an organisation's name is shown, not run.
    """
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True


@checked_arguments
def write_assessment_template(
    path: str | PathLike[str], standard: Standard | None = None, *, organisation: str = ""
) -> Path:
    """Write a fill-in template: ``.csv`` always, ``.xlsx`` when the ``xlsx`` extra is installed.

    Rows list every item in catalogue order with its clause, section and title in both
    languages; rating cells are blank.
    """
    from ccmm._loader import load_standard

    std = standard or load_standard()
    file = Path(path)
    if _LINE_BREAK_OR_CONTROL.search(organisation):
        raise AssessmentError(
            f"organisation must be one line of text without control characters, "
            f"got {quote(organisation)}"
        )
    meta = {
        "standard_id": std.id,
        "edition": std.edition,
        "organisation": organisation,
        "assessed_on": "",
        "assessors": "",
        "operating_years": "",
    }
    header = [*_ITEM_COLUMNS, *_ORIENTATION_COLUMNS]
    rows = [
        [i.id, "", "", "", "", "", i.clause, i.section, i.title.en, i.title.zh] for i in std.items
    ]
    suffix = file.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for key, value in meta.items():
            # One cell per metadata line, quoted when it holds a comma: a spreadsheet program
            # sees text starting with "#", never a cell of its own starting with "=" (#14).
            writer.writerow([f"# {key}: {value}"])
        writer.writerow(header)
        writer.writerows(rows)
        file.write_text(buffer.getvalue(), encoding="utf-8")
    elif suffix == ".xlsx":
        _write_workbook(file, header, rows, meta)
    else:
        raise AssessmentError(f"{file}: templates are written as .csv or .xlsx")
    return file


__all__ = [
    "FORMULA_STARTS",
    "read_assessment",
    "write_assessment",
    "write_assessment_template",
]
