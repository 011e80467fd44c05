"""Whether a polars column type holds a canonical column kind (shared by the pandera.polars
schemas and the engine's report of wrong types)."""

from __future__ import annotations

from typing import Any


def polars_kind_ok(kind: str, dtype: Any) -> bool:
    import polars as pl

    if kind == "int":
        return bool(dtype.is_integer())
    if kind == "float":
        return bool(dtype.is_numeric())
    if kind in ("str", "category"):
        return dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum | pl.Categorical)
    if kind == "datetime_tz":
        return isinstance(dtype, pl.Datetime) and dtype.time_zone is not None
    if kind == "date":
        return dtype == pl.Date or isinstance(dtype, pl.Datetime)
    if kind == "bool":
        return bool(dtype == pl.Boolean)
    return False  # pragma: no cover


__all__ = ["polars_kind_ok"]
