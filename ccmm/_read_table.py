"""Reading a centre's own tables: CSV, Parquet, Excel or a DataFrame, into a canonical table.

`read_table` reads the file (or takes the DataFrame), renames the columns a mapping names,
derives the ones a mapping states as arithmetic over source columns (see ``ccmm._arith``: parsed
by a whitelist, never ``eval``), and gives the canonical table's columns the types its spec names
(``ccmm/standard_data/tables/<name>.yaml``). A cell that cannot be read as its type is an error
naming the source, row and column (all of them at once), never a silent blank.

Mappings for documented ACD export layouts ship in ``ccmm/standard_data/mappings/*.yaml``; each
names the public documentation its column names come from. See ``docs/reading.md``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator

from ccmm._arith import Expression, parse_expression
from ccmm._errors import InputDataError
from ccmm._escape import quoted
from ccmm._guard import checked_arguments
from ccmm._limits import DEFAULT_LIMITS, Limits, decode_text, read_limited
from ccmm._model import FrozenModel
from ccmm._text import quote

if TYPE_CHECKING:
    import pandas as pd

SUFFIXES = (".csv", ".parquet", ".pq", ".xlsx", ".xlsm", ".xls")
FIRST_DATA_ROW = 2  # row 1 of a file is the header
_SHOWN = 10  # bad cells quoted per column; the rest are counted
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_MAPPING_SUFFIXES = (".yaml", ".yml")


class TableMapping(FrozenModel):
    """How the columns of an export become the columns of a canonical table.

    ``columns`` renames source columns (source name → canonical name); ``derive`` states a
    canonical column as arithmetic over source columns (canonical name → expression, e.g.
    ``"asa_seconds * answered"``; names with spaces go between backticks; a quoted text such as
    ``"'voice'"`` fills the column with that text). ``source`` says where the export's column
    names are documented.
    """

    _error_class = InputDataError

    name: str | None = None
    table: str = Field(min_length=1)
    source: str | None = None
    description: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    derive: dict[str, str] = Field(default_factory=dict)

    @field_validator("table")
    @classmethod
    def _known_table(cls, value: str) -> str:
        from ccmm._tables import load_table_spec

        if value not in _TABLES:
            raise ValueError(f"table must be one of {', '.join(_TABLES)}, got {quote(value)}")
        load_table_spec(value)
        return value


_TABLES = ("intervals", "agents", "registry", "facts", "analysis_log", "survey")


def list_mappings() -> tuple[str, ...]:
    """Names of the export mappings shipped with ccmm (pass one as ``mapping=``)."""
    folder = resources.files("ccmm.standard_data").joinpath("mappings")
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


@cache
def _shipped_mapping(name: str) -> TableMapping:
    from ccmm._standard_data import read_data

    # The shared reader checks the file's schema_version and refuses duplicated keys.
    return _mapping_from(read_data("mappings", f"{name}.yaml"), source=f"mapping {name!r}")


def _mapping_from(raw: Any, *, source: str) -> TableMapping:
    from ccmm._standard_data import SCHEMA_VERSION

    if not isinstance(raw, dict):
        raise InputDataError(f"{source}: a mapping must be a YAML mapping, got {quote(raw)}")
    fields = {str(k): v for k, v in raw.items()}
    # A centre's own file may be a copy of a shipped one, which states its schema_version.
    version = fields.pop("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise InputDataError(
            f"{source}: schema_version must be {SCHEMA_VERSION}, got {quote(version)}"
        )
    try:
        return TableMapping(**fields)
    except InputDataError as exc:
        raise InputDataError(
            f"{source}: not a valid table mapping",
            problems=[f"{source}: {p}" for p in exc.problems],
        ) from None


@checked_arguments
def load_mapping(mapping: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> TableMapping:
    """A `TableMapping` from a YAML file, or a shipped one by name (see `list_mappings`).

    The file is read within ``limits`` (size, nesting, alias expansion; see ``docs/limits.md``).
    """
    from ccmm._yaml import safe_load

    if isinstance(mapping, str) and mapping in list_mappings():
        return _shipped_mapping(mapping)
    path = Path(mapping)
    if path.suffix.lower() not in _MAPPING_SUFFIXES:
        raise InputDataError(
            f"mapping must be a shipped name ({', '.join(list_mappings())}) or a .yaml file, "
            f"got {quote(str(mapping))}"
        )
    data = read_limited(path, limits=limits, error=InputDataError)
    text = decode_text(data, source=str(path), error=InputDataError)
    raw = safe_load(text, source=str(path), error=InputDataError, limits=limits)
    return _mapping_from(raw, source=str(path))


# --- reading files -------------------------------------------------------------------------


def _polars_parquet(data: bytes) -> pd.DataFrame:
    import pandas as pd

    try:
        import polars as pl
    except ImportError:
        raise InputDataError(
            "reading Parquet needs pyarrow (pip install pyarrow) or polars"
        ) from None
    frame = pl.read_parquet(io.BytesIO(data))
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


def read_raw(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> pd.DataFrame:
    """The table in ``path`` as pandas read it (no typing beyond the reader's own).

    The index is the row number in the file, as the file readers count: the header is row 1,
    so the first data row is 2. A message naming a row (``row 7: score must be a number``)
    points at the line a spreadsheet or an editor shows. The file is refused if it is larger
    than ``limits.max_file_bytes`` or holds more than ``limits.max_rows`` data rows.
    """
    import pandas as pd

    file = Path(path)
    frame = _read(file, limits)
    if len(frame) > limits.max_rows:
        raise InputDataError(
            f"{file}: {len(frame):,} data rows; the limit is {limits.max_rows:,} (Limits.max_rows)"
        )
    _refuse_long_cells(frame, file, limits)
    frame.index = pd.RangeIndex(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame))
    return frame


def _refuse_long_cells(frame: pd.DataFrame, file: Path, limits: Limits) -> None:
    """Raise naming the first cell (and header) longer than ``limits.max_cell_chars``."""
    import numpy as np

    for name in frame.columns:
        if len(str(name)) > limits.max_cell_chars:
            raise InputDataError(
                f"{file}: a column name of {len(str(name)):,} characters; the limit is "
                f"{limits.max_cell_chars:,} (Limits.max_cell_chars)"
            )
        column = frame[name]
        if column.dtype != object and str(column.dtype) not in {"str", "string"}:
            continue
        lengths = column.map(lambda v: len(v) if isinstance(v, str) else 0).to_numpy()
        over = np.flatnonzero(lengths > limits.max_cell_chars)
        if len(over):
            raise InputDataError(
                f"{file}: row {int(over[0]) + FIRST_DATA_ROW}, column {quote(str(name))}: a value "
                f"of {int(lengths[over[0]]):,} characters; the limit is "
                f"{limits.max_cell_chars:,} (Limits.max_cell_chars)"
            )


def _read(file: Path, limits: Limits) -> pd.DataFrame:
    import pandas as pd

    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputDataError(
            f"{file}: unsupported table type {suffix or '(no extension)'!r}; "
            "use .csv, .parquet or .xlsx"
        )
    data = read_limited(file, limits=limits, error=InputDataError)
    try:
        if suffix == ".csv":
            return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
        if suffix in {".parquet", ".pq"}:
            try:
                return pd.read_parquet(io.BytesIO(data))
            except ImportError:
                return _polars_parquet(data)
        try:
            return pd.read_excel(io.BytesIO(data))
        except ImportError:
            raise InputDataError(
                f"{file}: reading Excel needs the xlsx extra: pip install 'ccmm[xlsx]'"
            ) from None
    except InputDataError as exc:
        if str(file) in str(exc):
            raise
        raise InputDataError(f"{file}: {exc}") from None
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise InputDataError(f"{file}: cannot read the table: {exc}") from None
    except Exception as exc:  # parser errors of the readers have no common base class
        raise InputDataError(f"{file}: cannot read the table: {exc}") from None


# --- typing ----------------------------------------------------------------------------------


def _bad(
    source: str, column: str, kind: str, frame: pd.DataFrame, mask: Any, first_row: int
) -> list[str]:
    positions = [int(i) for i in mask.nonzero()[0]]
    if not positions:
        return []
    values = frame[column].to_numpy(dtype=object)
    shown = [f"row {p + first_row}: {quoted(values[p])}" for p in positions[:_SHOWN]]
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
    frame: pd.DataFrame,
    table: str,
    *,
    source: str,
    time_zone: str | None = None,
    first_row: int = FIRST_DATA_ROW,
) -> pd.DataFrame:
    """``frame`` with the columns of canonical table ``table`` given their spec's types.

    Time-zone aware columns keep their instants; they are shown in ``time_zone`` (default UTC),
    and values written without a UTC offset are read as local times there (an error without
    ``time_zone``). Columns the spec does not name are left as they are. ``first_row`` is the
    row number messages give the first row (2 for a file, whose row 1 is the header).
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
                "" if time_zone else " (or give a time zone, --tz, for local times)"
            )
            problems += _bad(source, str(name), expected, frame, bad, first_row)
            out[name] = typed
        elif kind == "date":
            typed = pd.to_datetime(s, errors="coerce", format="ISO8601")
            if isinstance(typed.dtype, pd.DatetimeTZDtype):
                typed = typed.dt.tz_localize(None)
            problems += _bad(
                source,
                str(name),
                "dates (YYYY-MM-DD)",
                frame,
                given & typed.isna().to_numpy(),
                first_row,
            )
            out[name] = typed
        elif kind in {"int", "float"}:
            typed = pd.to_numeric(s, errors="coerce")
            problems += _bad(
                source, str(name), "numbers", frame, given & typed.isna().to_numpy(), first_row
            )
            # Counts derived by arithmetic arrive as floats; whole ones become integers.
            whole = (
                typed.dtype.kind == "f" and typed.notna().all() and (typed == typed.round()).all()
            )
            if kind == "int" and len(typed) and whole:
                typed = typed.astype("int64")
            out[name] = typed
        elif kind == "bool":
            if pd.api.types.is_bool_dtype(s.dtype):
                continue
            text = s.astype("string").str.strip().str.lower()
            truth = text.isin(_TRUE).fillna(False).to_numpy()
            falsity = text.isin(_FALSE).fillna(False).to_numpy()
            problems += _bad(
                source, str(name), "true or false", frame, given & ~truth & ~falsity, first_row
            )
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


# --- mapping ---------------------------------------------------------------------------------


def _merged(
    mapping: TableMapping | None,
    columns: Mapping[str, str] | None,
    derive: Mapping[str, str] | None,
    where: str,
) -> tuple[dict[str, str], dict[str, str]]:
    """Renames and derivations: the mapping's, overridden by the explicit arguments."""
    given_columns = dict(columns or {})
    given_derive = dict(derive or {})
    problems = [
        f"{where}: column {quote(t)} is both renamed to and derived"
        for t in sorted(set(given_columns.values()) & set(given_derive))
    ]
    if problems:
        raise InputDataError(f"{where}: the mapping contradicts itself", problems=problems)
    base_columns = dict(mapping.columns) if mapping else {}
    base_derive = dict(mapping.derive) if mapping else {}
    # An explicit argument wins over the mapping for the canonical column it names.
    targets = set(given_columns.values()) | set(given_derive)
    base_columns = {s: t for s, t in base_columns.items() if t not in targets}
    base_derive = {t: e for t, e in base_derive.items() if t not in targets}
    return {**base_columns, **given_columns}, {**base_derive, **given_derive}


def _apply_mapping(
    frame: pd.DataFrame,
    table: str,
    renames: dict[str, str],
    derivations: dict[str, str],
    *,
    where: str,
    first_row: int,
) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    from ccmm._tables import load_table_spec

    spec = load_table_spec(table)
    present = [str(c) for c in frame.columns]
    known = set(present)
    problems: list[str] = []
    canonical = set(spec.column_names)
    for source_name, target in renames.items():
        if source_name not in known:
            problems.append(
                f"{where}: columns: no source column {quote(source_name)} "
                f"(to become {quote(target)}); the source has {_listed(present)}"
            )
        if target not in canonical:
            problems.append(
                f"{where}: columns: {quote(target)} is not a column of the {table} table "
                f"(expected one of {_listed(spec.column_names)})"
            )
    seen: dict[str, str] = {}
    for source_name, target in renames.items():
        if target in seen:
            problems.append(
                f"{where}: columns: {quote(seen[target])} and {quote(source_name)} "
                f"both become {quote(target)}"
            )
        seen[target] = source_name
    expressions: dict[str, Expression] = {}
    for target, text in derivations.items():
        if target not in canonical:
            problems.append(
                f"{where}: derive: {quote(target)} is not a column of the {table} table "
                f"(expected one of {_listed(spec.column_names)})"
            )
        try:
            expression = parse_expression(text, where=f"{where}: derive {target}")
        except InputDataError as exc:
            problems.extend(exc.problems)
            continue
        missing = [c for c in expression.columns if c not in known]
        if missing:
            problems.append(
                f"{where}: derive {target}: no source column "
                f"{', '.join(quote(c) for c in missing)} in {quote(text)}; the source has "
                f"{_listed(present)}"
            )
            continue
        expressions[target] = expression
    if problems:
        raise InputDataError(f"{where}: the mapping does not fit the table", problems=problems)
    # Source columns read by an expression must hold numbers.
    numeric: dict[str, pd.Series] = {}
    for name in dict.fromkeys(c for e in expressions.values() for c in e.columns):
        values = pd.to_numeric(frame[name], errors="coerce")
        bad = frame[name].notna().to_numpy() & values.isna().to_numpy()
        problems += _bad(where, name, "numbers", frame, bad, first_row)
        numeric[name] = values
    if problems:
        raise InputDataError(
            f"{where}: {len(problems)} column(s) cannot be read", problems=problems
        )
    numbers = pd.DataFrame(numeric, index=frame.index)
    derived: dict[str, Any] = {}
    for target, expression in expressions.items():
        if expression.constant_text is not None:
            derived[target] = pd.Series(expression.constant_text, index=frame.index, dtype=object)
            continue
        evaluated = expression.evaluate(numbers)
        undefined = expression.undefined_rows(numbers)
        if undefined.any():
            rows = [str(int(p) + first_row) for p in np.flatnonzero(undefined)[:_SHOWN]]
            more = f" and {int(undefined.sum()) - _SHOWN} more" if undefined.sum() > _SHOWN else ""
            problems.append(
                f"{where}: derive {target}: {quote(expression.text)} is undefined (a division by "
                f"zero) on row(s) {', '.join(rows)}{more}"
            )
        derived[target] = pd.Series(evaluated, index=frame.index)
    if problems:
        raise InputDataError(f"{where}: derived columns cannot be computed", problems=problems)
    out = frame.rename(columns=renames)
    # A source column that happens to carry a canonical name it is not mapped to stays only if
    # nothing else provides that column.
    out = out.drop(columns=[c for c in derived if c in out.columns and c not in renames.values()])
    for target, values in derived.items():
        out[target] = values
    order = [c for c in spec.column_names if c in out.columns]
    rest = [c for c in out.columns if c not in set(order)]
    return out[order + rest]


def _listed(names: Any) -> str:
    names = list(names)
    shown = ", ".join(quote(n) for n in names[:20])
    return (shown + f" and {len(names) - 20} more") if len(names) > 20 else (shown or "(none)")


def _as_pandas(source: object) -> pd.DataFrame | None:
    import pandas as pd

    from ccmm.kpi._frames import as_pandas, is_polars_frame

    if isinstance(source, pd.DataFrame):
        return source.reset_index(drop=True)
    if is_polars_frame(source):
        return as_pandas(source, table="source")
    return None


def read_table(
    source: str | Path | object,
    table: str,
    *,
    columns: Mapping[str, str] | None = None,
    derive: Mapping[str, str] | None = None,
    time_zone: str | None = None,
    mapping: str | Path | TableMapping | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> pd.DataFrame:
    """Read a centre's table into canonical table ``table`` (``intervals``, ``registry``, …).

    ``source`` is a path to a CSV, Parquet or Excel file, or a pandas or polars DataFrame.
    ``columns`` renames source columns to canonical ones (``{"Queue": "queue"}``); ``derive``
    states canonical columns as arithmetic over source columns
    (``{"wait_seconds": "asa_seconds * answered"}``; ``+ - * /``, parentheses, numbers,
    ``round(x)``; names with spaces between backticks), evaluated without Python ``eval``.
    ``mapping`` holds both: a shipped mapping's name (`list_mappings`), a YAML file or a
    `TableMapping`; explicit ``columns``/``derive`` override it column by column. ``time_zone``
    reads date-times written without a UTC offset as local times there and shows every
    date-time in it.

    Returns a pandas DataFrame: the canonical columns present, in the spec's order and typed as
    it says, then the other source columns unchanged. Raises
    [`InputDataError`][ccmm.InputDataError] naming every problem at once: an unreadable file,
    an unknown source or canonical column, an expression outside the whitelist, a cell that is
    not of its column's type, a division by zero in a derived column.
    """
    from ccmm._tables import load_table_spec

    if not isinstance(table, str) or table not in _TABLES:
        raise InputDataError(f"table must be one of {', '.join(_TABLES)}, got {quote(table)}")
    load_table_spec(table)
    if isinstance(mapping, TableMapping) or mapping is None:
        chosen = mapping
    elif isinstance(mapping, str | Path):
        chosen = load_mapping(mapping, limits=limits)
    else:
        raise InputDataError(
            f"mapping must be a name, a path or a TableMapping, got {quote(mapping)}"
        )
    if chosen is not None and chosen.table != table:
        raise InputDataError(
            f"mapping {quote(chosen.name or '')} is for the {chosen.table} table, not {table}"
        )
    frame = _as_pandas(source)
    if frame is not None:
        where, first_row = "DataFrame", 0
    elif isinstance(source, str | Path):
        frame = read_raw(source, limits=limits)
        where, first_row = str(source), FIRST_DATA_ROW
        frame = frame.reset_index(drop=True)
    else:
        raise InputDataError(
            "source must be a path to a CSV, Parquet or Excel file, or a pandas or polars "
            f"DataFrame, got {type(source).__name__}"
        )
    renames, derivations = _merged(chosen, columns, derive, where)
    if renames or derivations:
        frame = _apply_mapping(frame, table, renames, derivations, where=where, first_row=first_row)
    typed = type_table(frame, table, source=where, time_zone=time_zone, first_row=first_row)
    if first_row:
        import pandas as pd

        typed.index = pd.RangeIndex(first_row, first_row + len(typed))
    return typed


__all__ = [
    "SUFFIXES",
    "TableMapping",
    "list_mappings",
    "load_mapping",
    "read_raw",
    "read_table",
    "type_table",
]
