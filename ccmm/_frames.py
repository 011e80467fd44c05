"""Frame kinds: telling pandas, polars and PySpark DataFrames apart, and polars → pandas.

The one place that decides what kind of table a caller passed. Neither polars nor pyspark is
imported to decide: a frame's class names its library. polars is imported only to convert a
polars frame the caller passed; converting a Spark frame is the Spark backend's business
(``ccmm._spark``), since only that package may import pyspark.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from ccmm._errors import InputDataError

FrameKind = Literal["pandas", "polars", "spark"]


def is_polars_frame(obj: object) -> bool:
    """True for a polars DataFrame, decided without importing polars."""
    cls = type(obj)
    return cls.__module__.split(".")[0] == "polars" and cls.__name__ == "DataFrame"


def is_spark_frame(obj: object) -> bool:
    """True for a PySpark SQL DataFrame (classic or Spark Connect), decided without importing
    pyspark; a pandas-on-Spark frame is not one."""
    cls = type(obj)
    return cls.__module__.startswith("pyspark.sql") and cls.__name__ == "DataFrame"


def frame_kind(obj: object) -> FrameKind | None:
    """``"pandas"``, ``"polars"`` or ``"spark"`` for a DataFrame of that library, else None."""
    if isinstance(obj, pd.DataFrame):
        return "pandas"
    if is_polars_frame(obj):
        return "polars"
    if is_spark_frame(obj):
        return "spark"
    return None


def as_pandas(frame: object, *, table: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """``frame`` as a pandas DataFrame (polars frames are converted, only ``columns`` if given).

    Raises [`InputDataError`][ccmm.InputDataError] for anything that is not a pandas or polars
    DataFrame.
    """
    if isinstance(frame, pd.DataFrame):
        return frame
    if is_polars_frame(frame):
        return polars_to_pandas(frame, columns=columns)
    raise InputDataError(
        f"{table} must be a pandas or polars DataFrame, got {type(frame).__module__}."
        f"{type(frame).__qualname__}"
    )


def polars_to_pandas(frame: Any, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """A polars frame as pandas, column by column without a pyarrow round trip.

    Instants stay instants (tz-aware in the column's zone), dates become midnight timestamps,
    categoricals stay categorical (built from codes, not one string per row), strings become
    objects; other columns are their numpy arrays. ``columns`` (if given) picks the columns to
    convert, in the frame's order.
    """
    import polars as pl  # only reached when the caller passed a polars frame

    wanted = None if columns is None else set(columns)
    cols: dict[str, Any] = {}
    for name in frame.columns:
        if wanted is not None and name not in wanted:
            continue
        s = frame.get_column(name)
        dtype = s.dtype
        if isinstance(dtype, pl.Datetime):
            values = pd.DatetimeIndex(s.to_numpy()).as_unit("ns")
            cols[name] = (
                values.tz_localize("UTC").tz_convert(dtype.time_zone) if dtype.time_zone else values
            )
        elif dtype == pl.Date:
            cols[name] = pd.DatetimeIndex(s.to_numpy()).as_unit("ns")
        elif isinstance(dtype, pl.Categorical | pl.Enum):
            cols[name] = _polars_categorical(s)
        elif dtype == pl.String:
            cols[name] = pd.Series(s.to_numpy(), dtype=object)
        else:
            cols[name] = s.to_numpy()
    return pd.DataFrame(cols, copy=False)  # no block consolidation: that would copy it all


def _polars_categorical(s: Any) -> pd.Categorical:
    """A polars categorical as a pandas one, without materialising one string per row."""
    import polars as pl

    present: Any = s.drop_nulls().unique()
    global_codes = present.to_physical().to_numpy().astype(np.int64)
    texts: Any = np.array(present.cast(pl.String).to_list(), dtype=object)
    order = np.argsort(texts.astype(str), kind="stable")  # categories sorted, as pandas' own
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    lookup = np.full(int(global_codes.max(initial=-1)) + 2, -1, dtype=np.int64)
    lookup[global_codes] = rank
    physical = s.to_physical().fill_null(-1).cast(pl.Int64).to_numpy()
    codes = lookup[physical]  # a null's -1 reads the last slot, which is -1
    return pd.Categorical.from_codes(codes, texts[order].tolist())


__all__ = [
    "FrameKind",
    "as_pandas",
    "frame_kind",
    "is_polars_frame",
    "is_spark_frame",
    "polars_to_pandas",
]
