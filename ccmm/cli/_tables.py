"""Reading the command line's tables: CSV, Parquet or Excel, chosen by the file's extension.

Columns of a canonical table (``ccmm/standard_data/tables/<name>.yaml``) are given the types
its spec names; a cell that cannot be read as that type is an error naming the file, row and
column (all of them at once), never a silent blank.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccmm._errors import InputDataError
from ccmm._escape import quoted

if TYPE_CHECKING:
    import pandas as pd

SUFFIXES = (".csv", ".parquet", ".pq", ".xlsx", ".xlsm", ".xls")
FIRST_DATA_ROW = 2  # row 1 is the header
_SHOWN = 10  # bad cells quoted per column; the rest are counted
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def _polars_parquet(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        import polars as pl
    except ImportError:
        raise InputDataError(
            f"{path}: reading Parquet needs pyarrow (pip install pyarrow) or polars"
        ) from None
    frame = pl.read_parquet(path)
    columns: dict[str, Any] = {}
    for name, s in frame.to_dict().items():
        if isinstance(s.dtype, pl.Datetime):
            values = pd.DatetimeIndex(s.to_numpy()).as_unit("ns")
            tz = s.dtype.time_zone
            columns[name] = values.tz_localize("UTC").tz_convert(tz) if tz else values
        elif isinstance(s.dtype, pl.Categorical | pl.Enum) or s.dtype == pl.String:
            columns[name] = pd.Series(s.cast(pl.String).to_numpy(), dtype=object)
        else:
            columns[name] = s.to_numpy()
    return pd.DataFrame(columns)


def read_raw(path: str | Path) -> pd.DataFrame:
    """The table in ``path`` as pandas read it (no typing beyond the reader's own).

    The index is the row number in the file, as the file readers count: the header is row 1,
    so the first data row is 2. A message naming a row (``row 7: score must be a number``)
    points at the line a spreadsheet or an editor shows.
    """
    import pandas as pd

    frame = _read(Path(path))
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    return frame


def _read(file: Path) -> pd.DataFrame:
    import pandas as pd

    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputDataError(
            f"{file}: unsupported table type {suffix or '(no extension)'!r}; "
            "use .csv, .parquet or .xlsx"
        )
    if not file.is_file():
        raise InputDataError(f"{file}: no such file")
    try:
        if suffix == ".csv":
            return pd.read_csv(file, encoding="utf-8-sig")
        if suffix in {".parquet", ".pq"}:
            try:
                return pd.read_parquet(file)
            except ImportError:
                return _polars_parquet(file)
        try:
            return pd.read_excel(file)
        except ImportError:
            raise InputDataError(
                f"{file}: reading Excel needs the xlsx extra: pip install 'ccmm[xlsx]'"
            ) from None
    except InputDataError:
        raise
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise InputDataError(f"{file}: cannot read the table: {exc}") from None
    except Exception as exc:  # parser errors of the readers have no common base class
        raise InputDataError(f"{file}: cannot read the table: {exc}") from None


def _bad(source: str, column: str, kind: str, frame: pd.DataFrame, mask: Any) -> list[str]:
    positions = [int(i) for i in mask.nonzero()[0]]
    if not positions:
        return []
    values = frame[column].to_numpy(dtype=object)
    shown = [f"row {p + FIRST_DATA_ROW}: {quoted(values[p])}" for p in positions[:_SHOWN]]
    more = f" and {len(positions) - _SHOWN} more" if len(positions) > _SHOWN else ""
    return [f"{source}: column {column!r} must hold {kind}; " + ", ".join(shown) + more]


def _datetimes(values: pd.Series, time_zone: str | None) -> tuple[pd.Series, Any]:
    """Timestamps from ``values``; naive ones are read in ``time_zone`` (None: left unread)."""
    import numpy as np
    import pandas as pd

    if isinstance(values.dtype, pd.DatetimeTZDtype):
        out = values if time_zone is None else values.dt.tz_convert(time_zone)
        return out, np.zeros(len(values), dtype=bool)
    text = values.astype("string")
    given = values.notna().to_numpy()
    has_offset = text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True).fillna(False).to_numpy()
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    if has_offset.any():
        parsed[has_offset] = pd.to_datetime(
            text[has_offset], utc=True, errors="coerce", format="ISO8601"
        )
    naive = given & ~has_offset
    if naive.any() and time_zone is not None:
        local = pd.to_datetime(text[naive], errors="coerce", format="ISO8601")
        parsed[naive] = local.dt.tz_localize(time_zone, ambiguous="NaT", nonexistent="NaT")
    bad = given & parsed.isna().to_numpy()
    zone = time_zone or "UTC"
    return parsed.dt.tz_convert(zone), bad


def type_table(
    frame: pd.DataFrame, table: str, *, source: str, time_zone: str | None = None
) -> pd.DataFrame:
    """``frame`` with the columns of canonical table ``table`` given their spec's types.

    Time-zone aware columns keep their instants; they are shown in ``time_zone`` (default UTC),
    and values written without a UTC offset are read as local times there (an error without
    ``time_zone``). Columns the spec does not name are left as they are.
    """
    import pandas as pd

    from ccmm._tables import load_table_spec

    spec = load_table_spec(table)
    out = frame.copy()
    problems: list[str] = []
    for name in frame.columns:
        if name not in spec.column_names:
            continue
        kind = spec.column(str(name)).kind
        s = frame[name]
        given = s.notna().to_numpy()
        if kind == "datetime_tz":
            typed, bad = _datetimes(s, time_zone)
            expected = "date-times with a UTC offset" + (
                "" if time_zone else " (or pass --tz for local times)"
            )
            problems += _bad(source, str(name), expected, frame, bad)
            out[name] = typed
        elif kind == "date":
            typed = pd.to_datetime(s, errors="coerce", format="ISO8601")
            if isinstance(typed.dtype, pd.DatetimeTZDtype):
                typed = typed.dt.tz_localize(None)
            problems += _bad(
                source, str(name), "dates (YYYY-MM-DD)", frame, given & typed.isna().to_numpy()
            )
            out[name] = typed
        elif kind in {"int", "float"}:
            typed = pd.to_numeric(s, errors="coerce")
            problems += _bad(source, str(name), "numbers", frame, given & typed.isna().to_numpy())
            out[name] = typed
        elif kind == "bool":
            if pd.api.types.is_bool_dtype(s.dtype):
                continue
            text = s.astype("string").str.strip().str.lower()
            truth = text.isin(_TRUE).fillna(False).to_numpy()
            falsity = text.isin(_FALSE).fillna(False).to_numpy()
            problems += _bad(source, str(name), "true or false", frame, given & ~truth & ~falsity)
            cells = [
                True if t else (False if f else None)
                for t, f in zip(truth.tolist(), falsity.tolist(), strict=True)
            ]
            out[name] = pd.Series(cells, index=frame.index, dtype=bool if given.all() else object)
        elif kind == "category":
            out[name] = s.astype(object).where(s.notna(), None).astype("category")
        else:
            out[name] = s.astype(object).where(s.notna(), None)
    if problems:
        raise InputDataError(
            f"{source}: {len(problems)} column(s) cannot be read", problems=problems
        )
    return out


def read_table(
    path: str | Path, table: str | None = None, *, time_zone: str | None = None
) -> pd.DataFrame:
    """Read ``path``; with ``table``, type its canonical columns (see `type_table`)."""
    frame = read_raw(path)
    if table is None:
        return frame
    return type_table(frame, table, source=str(path), time_zone=time_zone)


__all__ = ["SUFFIXES", "read_raw", "read_table", "type_table"]
