"""The engine's reference evaluation of the checks on pandas columns (numpy underneath).

The rules themselves are data (`ccmm.crucial._rules`); this module says what they mean on a
pandas table: which rows pass a row rule, the values a failure shows, the breaks of the interval
grid, and pandera's failure cases of a table's column checks. The pandas backend is this
evaluation; the engine formats every failure with it (so a polars or Spark failure reads exactly
as a pandas one), and the pandera schemas attach the same row-rule functions. Backends reach it
through the engine's public interface (`ccmm.crucial._engine`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ccmm._errors import InputDataError
from ccmm._frames import is_polars_frame
from ccmm._pandera import pa_errors
from ccmm._tables import TableSpec
from ccmm.crucial._kinds import polars_kind_ok
from ccmm.crucial._rules import (
    EXACT_FLOAT_LIMIT,
    AtMost,
    RowRule,
    TextPresent,
)


def as_float(s: pd.Series) -> np.ndarray:
    """Float view of a column; values that are not numbers become NaN (the schema reports them)."""
    if pd.api.types.is_bool_dtype(s.dtype) or not pd.api.types.is_numeric_dtype(s.dtype):
        return np.asarray(pd.to_numeric(s, errors="coerce"), dtype="float64")
    return np.asarray(s.to_numpy(dtype="float64", na_value=np.nan))


def text_missing(s: pd.Series) -> np.ndarray:
    """True where a text column is null or blank."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories.astype(str).str.strip() == ""
        codes = s.cat.codes.to_numpy()
        blank = np.append(np.asarray(cats, dtype=bool), True)  # code -1 (null) maps to the end
        return np.asarray(blank[codes])
    missing = s.isna().to_numpy().copy()
    present = ~missing
    if present.any():
        missing[present] = s[present].astype(str).str.strip().to_numpy() == ""
    return np.asarray(missing, dtype=bool)


def truthy(s: pd.Series) -> np.ndarray:
    """True where a flag column is true; null and anything that is not a boolean true is False."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return np.asarray(s.fillna(False).to_numpy(dtype=bool))
    return np.asarray(s.map(lambda v: v is True or v is np.True_).to_numpy(dtype=bool))


def _sum_of(names: tuple[str, ...], df: pd.DataFrame) -> np.ndarray:
    total = as_float(df[names[0]])
    for name in names[1:]:
        total = total + as_float(df[name])
    return total


def _is_integer_column(s: pd.Series) -> bool:
    return bool(pd.api.types.is_integer_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype))


def _big_integers(cols: list[pd.Series]) -> np.ndarray | None:
    """Rows where an all-integer set of columns holds a value beyond `EXACT_FLOAT_LIMIT`
    (None when a column is not integer: float sums are then the rule's arithmetic)."""
    if not all(_is_integer_column(s) for s in cols):
        return None
    big = np.zeros(len(cols[0]), dtype=bool)
    for s in cols:
        values = s.to_numpy()
        big |= (values >= EXACT_FLOAT_LIMIT) | (values <= -EXACT_FLOAT_LIMIT)
    return big


def rule_ok(rule: RowRule, df: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the rows of ``df`` that pass ``rule`` (a missing value passes)."""
    predicate = rule.predicate
    if isinstance(predicate, AtMost):
        right = predicate.right
        a = _sum_of(predicate.left, df)
        b = as_float(df[right]) if isinstance(right, str) else right
        passes = np.asarray(~(a > b))  # NaN compares False, so a missing value passes
        big = _big_integers([df[c] for c in rule.columns])
        if big is not None and big.any():
            # Re-decide with exact integer arithmetic where float64 sums are not exact.
            rows = np.flatnonzero(big)
            exact = [df[c].to_numpy(dtype=object)[rows] for c in rule.columns]
            left = exact[:-1] if isinstance(right, str) else exact
            bound = exact[-1] if isinstance(right, str) else [right] * len(rows)
            for k, row in enumerate(rows):
                passes[row] = not (sum(int(v[k]) for v in left) > bound[k])
        return passes
    if isinstance(predicate, TextPresent):
        return ~text_missing(df[predicate.column])
    return np.asarray(~(truthy(df[predicate.flag]) & text_missing(df[predicate.reference])))


def exact_sum(names: tuple[str, ...], df: pd.DataFrame) -> np.ndarray:
    """The sum of the columns ``names``: of integer columns exactly (Python integers) where a
    value is beyond `EXACT_FLOAT_LIMIT`, else as floats; for the values shown in failures."""
    total = _sum_of(names, df)
    cols = [df[c] for c in names]
    big = _big_integers(cols)
    if big is None or not big.any():
        return total
    out = total.astype(object)
    exact = [s.to_numpy(dtype=object) for s in cols]
    for row in np.flatnonzero(big):
        out[row] = sum(int(v[row]) for v in exact)
    return out


def rule_value(rule: RowRule, df: pd.DataFrame) -> np.ndarray:
    """The value a failure of ``rule`` shows, per row of ``df``."""
    predicate = rule.predicate
    if isinstance(predicate, AtMost):
        if isinstance(predicate.right, str):
            return exact_sum(predicate.left, df)
        if len(predicate.left) > 1:
            return _sum_of(predicate.left, df)
    return np.asarray(df[rule.column].to_numpy(dtype=object))


def rule_expected(rule: RowRule, df: pd.DataFrame) -> np.ndarray:
    """What a failure of ``rule`` expected, per row of ``df`` (blank for text rules)."""
    predicate = rule.predicate
    if isinstance(predicate, AtMost):
        if isinstance(predicate.right, str):
            return exact_sum((predicate.right,), df)
        return np.full(len(df), predicate.right, dtype=object)
    return np.full(len(df), "", dtype=object)


def grid_breaks(
    frame: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Each pair of consecutive intervals of a queue and channel that leave a gap or overlap:
    (earlier rows, later rows, earlier end, later start), instants in UTC nanoseconds; None
    when ``interval_start`` is not time-zone aware (the grid cannot be checked).

    The usual table (every row has a start and a length, rows already in (queue, start) order,
    one interval length) is read in place: on 10 million rows every array copied or gathered
    costs ~80 MB, and the copies were half the whole check's time. What is compared is the same
    in every case: ``start[i+1] != start[i] + length[i]`` for consecutive rows of a group
    (in int64, wrapping alike on both sides), written as ``diff(start) != length``.
    """
    start = frame["interval_start"]
    if not isinstance(start.dtype, pd.DatetimeTZDtype):
        return None
    # Compare in UTC: a daylight-saving change shifts local clocks, not the run of intervals.
    ns = start.dt.tz_convert("UTC").array.as_unit("ns").asi8
    minutes = as_float(frame["interval_minutes"])
    c_codes = _codes(frame["channel"])
    group = np.multiply(_codes(frame["queue"]), int(c_codes.max(initial=0)) + 2, dtype=np.int64)
    group += c_codes
    valid = ~start.isna().to_numpy() & ~np.isnan(minutes)
    rows: np.ndarray | None = None  # positions of the rows compared; None: all, in order
    if not valid.all():
        rows = np.flatnonzero(valid)
        group, ns, minutes = group[rows], ns[rows], minutes[rows]
    order = _time_order(group, ns)
    if order is not None:
        rows = order if rows is None else rows[order]
        group, ns, minutes = group[order], ns[order], minutes[order]
    same = group[1:] == group[:-1]
    d_time = np.diff(ns)
    if len(minutes) and minutes.min() == minutes.max():
        length: Any = _nanoseconds(minutes[:1])[0]  # one length: compared as a scalar
        bad = np.flatnonzero(same & (d_time != length))
        ends = ns[bad] + length
    else:
        lengths = _nanoseconds(minutes)
        bad = np.flatnonzero(same & (d_time != lengths[:-1]))
        ends = ns[bad] + lengths[bad]
    later = ns[bad + 1]
    if rows is not None:
        return rows[bad], rows[bad + 1], ends, later
    return bad, bad + 1, ends, later


def _nanoseconds(minutes: np.ndarray) -> np.ndarray:
    """Interval lengths in whole nanoseconds (truncated, as the grid has always read them)."""
    return (minutes * 60e9).astype(np.int64)


def group_time_order(group: np.ndarray, ns: np.ndarray) -> np.ndarray:
    """Positions that order rows by (group, start), stably: ``np.lexsort((ns, group))``."""
    order = _time_order(group, ns)
    return np.arange(len(group)) if order is None else order


def _time_order(group: np.ndarray, ns: np.ndarray) -> np.ndarray | None:
    """The positions that order rows by (group, start), stably (``np.lexsort((ns, group))``),
    or None when the rows are in that order already.

    ACD exports are usually time-major (all queues of one interval, then the next interval) or
    already grouped by queue; both are recognised in one linear pass, and a time-major table
    then needs only a stable sort of the small group codes (a radix sort for 16-bit codes)
    instead of a two-key comparison sort of millions of rows. Same order in every case.
    Neighbours are compared, not subtracted: the difference of two instants centuries apart
    does not fit an int64.
    """
    if len(group) < 2:
        return None
    later = ns[1:] >= ns[:-1]
    if ((group[1:] > group[:-1]) | ((group[1:] == group[:-1]) & later)).all():
        return None  # already in (group, start) order
    if later.all():
        small = group.astype(np.int16) if group.max() < 2**15 else group
        return np.argsort(small, kind="stable")
    return np.lexsort((ns, group))


def _codes(s: pd.Series) -> np.ndarray:
    """Integer codes of a column's values, -1 for a missing one (a categorical's own codes, in
    their small integer type: widened only where they are combined)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return np.asarray(s.cat.codes.to_numpy())
    codes, _ = pd.factorize(s, use_na_sentinel=True)
    return np.asarray(codes)


def schema_cases(spec: TableSpec, original: Any, frame: pd.DataFrame) -> pd.DataFrame | None:
    """pandera's failure cases of the table's column checks (None when it passes); a polars
    table (``original``) is validated by its pandera.polars schema, ``frame`` is then unused."""
    from ccmm.crucial.schemas import (
        _columns_pass,
        _polars_columns_pass,
        pandas_columns_schema,
        polars_columns_schema,
    )

    try:
        if is_polars_frame(original):
            if _polars_columns_pass(spec.name, original):
                return None  # every column check passes: pandera.polars would find nothing
            try:
                polars_columns_schema(spec.name).validate(original, lazy=True)
            except pa_errors.SchemaErrors:
                raise
            except Exception as exc:
                # pandera.polars raises polars' own SchemaError when a column has the wrong type
                # and failing rows as well; report the wrong types rather than crash.
                if not type(exc).__module__.startswith("polars"):
                    raise
                return _polars_type_cases(spec, original, exc)
        else:
            if _columns_pass(spec.name, frame):
                return None  # the schema's own check functions all pass: pandera would too
            # inplace: nothing is coerced, so pandera need not copy a 10-million-row frame.
            pandas_columns_schema(spec.name).validate(frame, lazy=True, inplace=True)
        return None
    except pa_errors.SchemaErrors as exc:
        cases = exc.failure_cases
    return pd.DataFrame({c: cases[c].to_numpy() for c in cases.columns})


def _polars_type_cases(spec: TableSpec, original: Any, exc: Exception) -> pd.DataFrame:
    """``column_type`` cases for the columns of polars table ``original`` whose type is wrong."""
    wrong = [
        (c.name, str(original.schema[c.name]))
        for c in spec.columns
        if c.name in original.columns and not polars_kind_ok(c.kind, original.schema[c.name])
    ]
    if not wrong:
        raise InputDataError(f"{spec.name} table could not be validated: {exc}") from None
    return pd.DataFrame(
        {
            "check": ["column_type"] * len(wrong),
            "column": [name for name, _ in wrong],
            "index": [None] * len(wrong),
            "failure_case": [dtype for _, dtype in wrong],
        }
    )


__all__ = [
    "as_float",
    "exact_sum",
    "grid_breaks",
    "group_time_order",
    "rule_expected",
    "rule_ok",
    "rule_value",
    "schema_cases",
    "text_missing",
    "truthy",
]
