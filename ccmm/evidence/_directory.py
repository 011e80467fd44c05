"""suggest_from_directory(): read the evidence tables from CSV files and suggest ratings."""

from __future__ import annotations

import datetime as dt
from os import PathLike

import pandas as pd

from ccmm._errors import InputDataError
from ccmm._tables import TableSpec, load_table_spec
from ccmm._text import quote
from ccmm.evidence._args import as_path
from ccmm.evidence._checks import TABLES
from ccmm.evidence._suggest import suggest
from ccmm.evidence.results import Suggestions

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _flag(v: object) -> object:
    if isinstance(v, bool):
        return v
    text = str(v).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None  # left for the CRUCIAL schema check to report


def _typed(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    """Give each column of a CSV table the dtype of its canonical spec."""
    out: dict[str, pd.Series] = {}
    for name in frame.columns:
        s = frame[name]
        kind = spec.column(name).kind if name in spec.column_names else "str"
        if kind == "datetime_tz":
            # Offsets may differ across a daylight-saving change: hold the instants in UTC.
            out[name] = pd.to_datetime(s, utc=True, errors="coerce", format="ISO8601")
        elif kind == "date":
            out[name] = pd.to_datetime(s, errors="coerce", format="ISO8601")
        elif kind == "category":
            out[name] = s.astype("category")
        elif kind == "bool":
            flags = s.map(_flag)
            out[name] = flags.astype(bool) if flags.notna().all() else flags.astype(object)
        elif kind in ("int", "float") and s.isna().all():
            # An empty numeric column reads as text from a frame built by hand: it is numbers.
            out[name] = s.astype("float64")
        elif kind == "str":
            out[name] = s.astype(object)
        else:
            out[name] = s
    return pd.DataFrame(out)


def read_evidence_tables(path: str | PathLike[str]) -> dict[str, pd.DataFrame]:
    """The evidence tables found in directory ``path``, typed per their canonical specs.

    Reads ``registry.csv``, ``facts.csv``, ``intervals.csv``, ``analysis_log.csv`` and
    ``survey.csv`` when present. Raises [`InputDataError`][ccmm.InputDataError] when ``path`` is not
    a directory, holds none of these files, or a file cannot be read as CSV (every such file
    listed).
    """
    folder = as_path("path", path)
    try:
        is_folder = folder.is_dir()
    except (OSError, ValueError):  # a name too long for the file system
        is_folder = False
    if not is_folder:
        raise InputDataError(
            f"evidence directory {quote(str(path))} does not exist or is not a folder"
        )
    tables: dict[str, pd.DataFrame] = {}
    problems: list[str] = []
    for name in TABLES:
        file = folder / f"{name}.csv"
        if not file.is_file():
            continue
        try:
            raw = pd.read_csv(file, keep_default_na=True)
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            problems.append(f"{file}: cannot be read as CSV: {exc}")
            continue
        tables[name] = _typed(raw, load_table_spec(name))
    if problems:
        raise InputDataError(f"cannot read the evidence in {folder}", problems=problems)
    if not tables:
        expected = ", ".join(f"{t}.csv" for t in TABLES)
        raise InputDataError(f"{folder} holds none of the evidence files ({expected})")
    return tables


def suggest_from_directory(
    path: str | PathLike[str],
    *,
    as_of: dt.date | str,
    allow_approved_adjustments: bool = False,
    attainment_window_months: int | None = None,
) -> Suggestions:
    """[`ccmm.evidence.suggest`][] on the CSV tables of directory ``path``.

    This is what ``ccmm evaluate FILE --evidence DIR`` calls.
    """
    return suggest(
        **read_evidence_tables(path),
        as_of=as_of,
        allow_approved_adjustments=allow_approved_adjustments,
        attainment_window_months=attainment_window_months,
    )


__all__ = ["read_evidence_tables", "suggest_from_directory"]
