"""Spark plumbing shared by the KPI and CRUCIAL backends: column types, time zones, and bringing
small results (groups, failure samples, the registry) to the driver as pandas.

Only imported once a PySpark DataFrame has been passed; pyspark is imported here lazily as well,
so the module itself loads without it. Arrow is not needed: results are collected as rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

_INTEGRAL = frozenset({"tinyint", "smallint", "int", "bigint"})
_FLOATING = frozenset({"float", "double"})


def functions() -> Any:
    """``pyspark.sql.functions`` (imported only here, when a Spark frame was given)."""
    import pyspark.sql.functions as spark_functions

    return spark_functions


def window() -> Any:
    """``pyspark.sql.Window``."""
    from pyspark.sql import Window

    return Window


def quoted(column: str) -> str:
    """A column name as a Spark SQL identifier."""
    return "`" + column.replace("`", "``") + "`"


def type_name(frame: Any, column: str) -> str:
    """Spark's short name of the column's type: ``bigint``, ``double``, ``timestamp``, …"""
    return str(frame.schema[column].dataType.simpleString())


def column_types(frame: Any) -> dict[str, str]:
    """`type_name` of every column, from one look at the schema."""
    return {f.name: str(f.dataType.simpleString()) for f in frame.schema.fields}


def is_integral(type_text: str) -> bool:
    return type_text in _INTEGRAL


def is_floating(type_text: str) -> bool:
    """Types that can hold NaN and infinities."""
    return type_text in _FLOATING


def is_numeric(type_text: str) -> bool:
    """Numbers, not booleans (as pandas' and polars' "numeric and not bool")."""
    return type_text in _INTEGRAL or type_text in _FLOATING or type_text.startswith("decimal")


def kind_ok(kind: str, type_text: str) -> bool:
    """Whether a Spark column type holds the canonical column kind of ``tables/*.yaml``."""
    if kind == "int":
        return is_integral(type_text)
    if kind == "float":
        return is_numeric(type_text)
    if kind in ("str", "category"):
        return type_text == "string" or type_text.startswith(("varchar", "char"))
    if kind == "datetime_tz":
        # TIMESTAMP is an instant (shown in the session time zone); TIMESTAMP_NTZ is naive.
        return type_text == "timestamp"
    if kind == "date":
        return type_text in ("date", "timestamp", "timestamp_ntz")
    if kind == "bool":
        return type_text == "boolean"
    return False  # pragma: no cover - ColumnKind is closed


def session_time_zone(frame: Any) -> str:
    """The session time zone: Spark shows instants, and cuts days and months, in this zone."""
    return str(frame.sparkSession.conf.get("spark.sql.session.timeZone"))


def selectable(frame: Any, column: str) -> Any:
    """The column as collected: instants as microseconds since the epoch (exact, zone-free)."""
    F = functions()
    if type_name(frame, column) == "timestamp":
        return F.unix_micros(frame[column]).alias(column)
    return frame[column].alias(column)


def from_cells(values: list[Any], type_text: str, tz: str) -> Any:
    """Collected cells of one column as a pandas-friendly array (instants tz-aware in ``tz``)."""
    if type_text == "timestamp":
        micros = np.array(
            [np.iinfo(np.int64).min if v is None else v for v in values], dtype=np.int64
        )
        return (
            pd.DatetimeIndex(micros.view("datetime64[us]"))
            .tz_localize("UTC")
            .tz_convert(tz)
            .as_unit("ns")
        )
    if type_text in ("date", "timestamp_ntz"):
        return pd.DatetimeIndex(pd.to_datetime(pd.Series(values, dtype=object))).as_unit("ns")
    missing = any(v is None for v in values)
    if is_integral(type_text):
        if missing:
            return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        return np.array(values, dtype=np.int64)
    if is_numeric(type_text):
        return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    if type_text == "boolean" and not missing:
        return np.array(values, dtype=bool)
    return np.array(values, dtype=object)


def to_pandas(frame: Any) -> pd.DataFrame:
    """A (small) Spark frame on the driver as pandas, column types as the pandas path expects.

    Instants become tz-aware timestamps in the session time zone, dates become midnight
    timestamps, integers with nulls become floats with NaN (as from polars), strings objects.
    """
    tz = session_time_zone(frame)
    names = list(frame.columns)
    rows = frame.select(*(selectable(frame, c) for c in names)).collect()
    data = {
        name: from_cells([r[i] for r in rows], type_name(frame, name), tz)
        for i, name in enumerate(names)
    }
    return pd.DataFrame(data, columns=names)


__all__: list[str] = []
