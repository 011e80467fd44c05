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
import io
import json
from os import PathLike
from pathlib import Path
from typing import Any

from ccmm._errors import AssessmentError, CCMMError
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


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise AssessmentError(f"duplicated key {key!r}")
        seen[key] = value
    return seen


def _read_json(text: str, source: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs)
    except json.JSONDecodeError as exc:
        raise AssessmentError(f"{source}: not valid JSON: {exc}") from None
    except AssessmentError as exc:
        raise AssessmentError(f"{source}: {exc}") from None


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _read_csv(text: str, source: str) -> dict[str, Any]:
    lines = text.splitlines()
    meta: dict[str, Any] = {}
    problems: list[str] = []
    body_start = 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip().strip(",")
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
    reader = csv.DictReader(io.StringIO("\n".join(lines[body_start:])))
    header = [h.strip() for h in (reader.fieldnames or [])]
    known = set(_ITEM_COLUMNS) | set(_ORIENTATION_COLUMNS)
    unknown = [h for h in header if h not in known]
    if unknown:
        problems.append(f"unknown column(s) {unknown}; expected some of {sorted(known)}")
    for needed in ("item", "c_rate", "f_rate"):
        if needed not in header:
            problems.append(f"missing column {needed!r}")
    if problems:
        raise AssessmentError(f"{source}: cannot read assessment CSV", problems=problems)
    reader.fieldnames = header
    scores: dict[str, Any] = {}
    first_row: dict[str, int] = {}
    for offset, row in enumerate(reader):
        row_no = body_start + 2 + offset  # header line, then 1-based rows
        if None in row:
            problems.append(f"row {row_no}: more cells than columns")
        item = (row.get("item") or "").strip()
        if not item:
            if any((v or "").strip() for k, v in row.items() if k is not None):
                problems.append(f"row {row_no}: item id is empty")
            continue
        c_rate = (row.get("c_rate") or "").strip()
        f_rate = (row.get("f_rate") or "").strip()
        if item in first_row:
            problems.append(
                f"row {row_no}: item {item!r} duplicated (first on row {first_row[item]})"
            )
            continue
        first_row[item] = row_no
        if not c_rate and not f_rate:
            continue  # not assessed
        if not c_rate or not f_rate:
            blank = "c_rate" if not c_rate else "f_rate"
            problems.append(f"row {row_no}: item {item!r} has {blank} blank; rate both or neither")
            continue
        entry: dict[str, Any] = {"c_rate": c_rate, "f_rate": f_rate}
        if (row.get("evidence") or "").strip():
            entry["evidence"] = _split(row["evidence"])
        if (row.get("notes") or "").strip():
            entry["notes"] = row["notes"].strip()
        if (row.get("assessor") or "").strip():
            entry["assessor"] = row["assessor"].strip()
        try:  # validate here too, so that row problems of every kind are reported together
            ItemScore.model_validate(entry)
        except CCMMError as exc:
            problems.extend(f"row {row_no}: item {item!r} {p}" for p in exc.problems)
            continue
        scores[item] = entry
    if problems:
        raise AssessmentError(f"{source}: cannot read assessment CSV", problems=problems)
    data: dict[str, Any] = {k: v for k, v in meta.items() if v != ""}
    if "assessors" in data:
        data["assessors"] = _split(data["assessors"])
    data["scores"] = scores
    return data


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


def read_assessment(path: str | PathLike[str], *, standard: Standard | None = None) -> Assessment:
    """Read an assessment from ``.json``, ``.yaml``/``.yml`` or ``.csv``.

    Every problem in the file is reported at once, naming the file and the item or row. When
    ``standard`` is given — or the file names a standard ccmm ships — item ids and the
    standard's id and edition are checked against it too.
    """
    from ccmm._loader import list_standards, load_standard

    file = Path(path)
    source = str(file)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AssessmentError(f"{source}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AssessmentError(f"{source}: cannot read: {exc}") from None
    suffix = file.suffix.lower()
    if suffix == ".json":
        data = _read_json(text, source)
    elif suffix in {".yaml", ".yml"}:
        data = safe_load(text, source=source, error=AssessmentError)
    elif suffix == ".csv":
        data = _read_csv(text, source)
    else:
        raise AssessmentError(
            f"{source}: unsupported file type {suffix!r}; use .json, .yaml or .csv"
        )
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


def write_assessment(assessment: Assessment, path: str | PathLike[str]) -> None:
    """Write ``assessment`` as JSON (``.json``) or YAML (``.yaml``/``.yml``)."""
    file = Path(path)
    data = assessment.model_dump(mode="json")
    if file.suffix.lower() == ".json":
        file.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    elif file.suffix.lower() in {".yaml", ".yml"}:
        import yaml

        file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    else:
        raise AssessmentError(f"{file}: write assessments as .json or .yaml")


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
        for key, value in meta.items():
            buffer.write(f"# {key}: {value}\n")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        file.write_text(buffer.getvalue(), encoding="utf-8")
    elif suffix == ".xlsx":
        try:
            from openpyxl import Workbook
        except ImportError:
            raise AssessmentError(
                "writing .xlsx templates needs the xlsx extra: pip install 'ccmm[xlsx]'"
            ) from None
        book = Workbook()
        sheet = book.active
        sheet.title = "ratings"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        info = book.create_sheet("metadata")
        for key, value in meta.items():
            info.append([key, value])
        book.save(file)
    else:
        raise AssessmentError(f"{file}: templates are written as .csv or .xlsx")
    return file


__all__ = ["read_assessment", "write_assessment", "write_assessment_template"]
