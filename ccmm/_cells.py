"""Backend-neutral text for one table cell, and the check date; shared by the CRUCIAL and
evidence checks so both print values (and read ``as_of``) the same way."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from ccmm._errors import InputDataError

#: How a missing cell (None, NA, NaT or NaN) is printed.
MISSING = "<missing>"


def fmt(v: object) -> str:
    """A backend-independent text for one cell (ints and integral floats print the same)."""
    if v is None or v is pd.NaT or v is pd.NA:
        return MISSING
    if isinstance(v, bool | np.bool_):
        return "true" if v else "false"
    if isinstance(v, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(v)
        if ts.tzinfo is None and ts == ts.normalize():
            return ts.date().isoformat()
        return ts.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, np.datetime64):
        return fmt(pd.Timestamp(v))
    if isinstance(v, int | np.integer):
        return str(int(v))
    if isinstance(v, float | np.floating):
        f = float(v)
        if math.isnan(f):
            return MISSING
        if f.is_integer() and abs(f) < 1e15:
            return str(int(f))
        return repr(f)
    return str(v)


def as_date(as_of: object) -> dt.date:
    """``as_of`` as a date: a date, a datetime (its date) or ISO date text."""
    if isinstance(as_of, pd.Timestamp | dt.datetime):
        if pd.isna(as_of):  # NaT passes for a datetime but has no date
            raise InputDataError("as_of must be a date (or ISO date text), got NaT")
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    if isinstance(as_of, str):
        try:
            return dt.date.fromisoformat(as_of)
        except ValueError:
            pass
    raise InputDataError(f"as_of must be a date (or ISO date text), got {as_of!r}")


__all__ = ["MISSING", "as_date", "fmt"]
