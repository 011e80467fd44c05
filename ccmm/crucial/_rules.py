"""The CRUCIAL checks, defined once: id, principle, item, table and message template.

Every check the report can name is listed in [`CHECKS`][ccmm.crucial.CHECKS]. Row rules (a predicate
over the columns of one row) are defined here as well, as functions over pandas Series that return a
boolean mask of *passing* rows; the engine evaluates them directly and [`ccmm.crucial.schemas`][]
attaches the very same functions to the pandas and polars pandera schemas, so both backends share
one definition of each rule. A missing value never fails a row rule: missing values are the
schema's business (check ``column_not_null``), and reporting them twice would blur which
principle a defect belongs to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Principle = Literal[
    "collectable", "reportable", "usable", "cyclical", "improvable", "accurate", "logical"
]

#: The seven principles of clause 3.2, in the standard's order.
PRINCIPLES: tuple[Principle, ...] = (
    "collectable",
    "reportable",
    "usable",
    "cyclical",
    "improvable",
    "accurate",
    "logical",
)


@dataclass(frozen=True)
class CheckDef:
    """One named check: which principle and item it evidences, and how a failure reads.

    ``template`` is a `str.format` template; the engine fills it with named fields that
    differ per check (always ``column`` and ``value``, plus check-specific ones).
    """

    id: str
    principle: Principle
    item: str
    table: str
    summary: str
    template: str


CHECKS: tuple[CheckDef, ...] = (
    # Collectable (109)
    CheckDef(
        "metric_registered",
        "collectable",
        "109.1",
        "facts",
        "every metric in the facts is defined in the registry",
        "metric {value!r} is not in the registry",
    ),
    CheckDef(
        "registry_row_documented",
        "collectable",
        "109.2",
        "registry",
        "every registry row has a definition, a collection process and an owner",
        "metric {metric!r} has no {column}",
    ),
    # Reportable (110)
    CheckDef(
        "column_type",
        "reportable",
        "110.1",
        "*",
        "each column has the type of the canonical table",
        "column {column!r} must hold {expected}, got dtype {value}",
    ),
    CheckDef(
        "column_not_null",
        "reportable",
        "110.1",
        "*",
        "required values are present",
        "column {column!r} must not be empty",
    ),
    CheckDef(
        "column_finite",
        "reportable",
        "110.1",
        "*",
        "numbers are finite",
        "column {column!r} must be a finite number, got {value}",
    ),
    CheckDef(
        "column_minimum",
        "reportable",
        "110.1",
        "*",
        "numbers are at least the column minimum",
        "column {column!r} must be at least {expected}, got {value}",
    ),
    CheckDef(
        "column_maximum",
        "reportable",
        "110.1",
        "*",
        "numbers are at most the column maximum",
        "column {column!r} must be at most {expected}, got {value}",
    ),
    CheckDef(
        "column_allowed",
        "reportable",
        "110.1",
        "*",
        "values come from the column's allowed set",
        "column {column!r} must be one of {expected}, got {value!r}",
    ),
    CheckDef(
        "column_in_exact_range",
        "reportable",
        "110.1",
        "*",
        "counts and durations are at most 2**53, the range in which sums are exact",
        "column {column!r} must be at most {expected}, got {value}",
    ),
    CheckDef(
        "column_schema",
        "reportable",
        "110.1",
        "*",
        "any other schema failure reported by pandera",
        "column {column!r} fails {expected}: {value}",
    ),
    CheckDef(
        "metric_defined_once",
        "reportable",
        "110.2",
        "registry",
        "each metric is defined once, so it has one unit",
        "metric {metric!r} is defined {count} times (units: {units})",
    ),
    CheckDef(
        "fact_unit_matches_registry",
        "reportable",
        "110.2",
        "facts",
        "a unit stated in the facts is the registry unit",
        "metric {metric!r} is in {expected} per the registry, got unit {value!r}",
    ),
    CheckDef(
        "one_value_per_key",
        "reportable",
        "110.2",
        "facts",
        "one value per (period, entity, metric)",
        "{count} rows share this (period, entity, metric)",
    ),
    # Usable (111)
    CheckDef(
        "metric_has_target",
        "usable",
        "111",
        "facts",
        "every fact has a target (its own or the registry's), so the gap can be computed",
        "metric {metric!r} has no target in this row nor in the registry",
    ),
    CheckDef(
        "metric_has_direction",
        "usable",
        "111",
        "registry",
        "every metric says whether higher or lower is better",
        "metric {metric!r} has no direction (higher or lower)",
    ),
    # Cyclical (112)
    CheckDef(
        "interval_granularity",
        "cyclical",
        "112.1",
        "intervals",
        "intervals are 30 minutes long or shorter (clause 103)",
        "interval is {value} minutes long; at most {expected} is required",
    ),
    CheckDef(
        "interval_grid",
        "cyclical",
        "112.1",
        "intervals",
        "each queue and channel has a regular run of intervals: no gap, no overlap (in UTC)",
        "{problem}",
    ),
    CheckDef(
        "category_every_month",
        "cyclical",
        "112.2",
        "facts",
        "customer, operations-support and financial metrics are present in every month",
        "no {category} metric is reported for {month}",
    ),
    CheckDef(
        "below_target_analysed",
        "cyclical",
        "112.3",
        "facts",
        "every monthly value below target has an entry in the analysis log",
        "metric {metric!r} missed its target in {month} (value {value}, target {expected}) "
        "and the analysis log has no entry for it",
    ),
    # Improvable (113)
    CheckDef(
        "trend_available",
        "improvable",
        "113.1",
        "facts",
        "every entity's series of a tracked metric has at least two periods",
        "only {value} period(s) of {metric!r}; a trend needs at least 2",
    ),
    CheckDef(
        "tracked_at_team_level",
        "improvable",
        "113.2",
        "registry",
        "improvement-tracked metrics are reported for teams or departments",
        "metric {metric!r} is tracked for improvement but has no team or department rows",
    ),
    CheckDef(
        "tracked_at_individual_level",
        "improvable",
        "113.3",
        "registry",
        "improvement-tracked metrics are reported for individual agents",
        "metric {metric!r} is tracked for improvement but has no agent rows",
    ),
    # Accurate (114)
    CheckDef(
        "source_recorded",
        "accurate",
        "114.1",
        "facts",
        "every fact names the system it was read from",
        "the row does not name its source system",
    ),
    CheckDef(
        "adjustment_approved",
        "accurate",
        "114.2",
        "facts",
        "manually adjusted rows carry an approval reference (clause 102)",
        "value was adjusted by hand without an approval reference",
    ),
    CheckDef(
        "definition_reviewed",
        "accurate",
        "114.3",
        "registry",
        "registry definitions were reviewed within 12 months of as_of",
        "definition of {metric!r} last reviewed {value}; a review on or after {expected} "
        "is required",
    ),
    # Logical (115)
    CheckDef(
        "answered_abandoned_within_offered",
        "logical",
        "115.1",
        "intervals",
        "answered + abandoned <= offered",
        "answered + abandoned = {value} exceeds offered = {expected}",
    ),
    CheckDef(
        "within_threshold_within_answered",
        "logical",
        "115.1",
        "intervals",
        "answered within threshold <= answered",
        "answered within threshold = {value} exceeds answered = {expected}",
    ),
    CheckDef(
        "short_abandons_within_abandoned",
        "logical",
        "115.1",
        "intervals",
        "short abandons <= abandoned",
        "short abandons = {value} exceed abandoned = {expected}",
    ),
    CheckDef(
        "rate_in_range",
        "logical",
        "115.1",
        "facts",
        "ratio values lie in [0, 1] and percent values in [0, 100]",
        "metric {metric!r} is a {unit} and must lie in {expected}, got {value}",
    ),
    CheckDef(
        "derived_matches_components",
        "logical",
        "115.2",
        "facts",
        "a reported ratio agrees with numerator / denominator within the tolerance",
        "{problem}",
    ),
)

CHECK_BY_ID: Mapping[str, CheckDef] = {c.id: c for c in CHECKS}


def _num(s: pd.Series) -> np.ndarray:
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


@dataclass(frozen=True)
class AtMost:
    """Passes when the sum of the ``left`` columns is at most ``right`` (a column or a number).

    A missing value on either side passes (NaN compares false).
    """

    left: tuple[str, ...]
    right: str | float


@dataclass(frozen=True)
class TextPresent:
    """Passes when the text column ``column`` is neither null nor blank."""

    column: str


@dataclass(frozen=True)
class ReferencedWhenFlagged:
    """Passes unless the flag column ``flag`` is true while the text column ``reference`` is
    null or blank (a flag that is null or not a boolean true counts as not set)."""

    flag: str
    reference: str


#: What a row rule asks of one row, without saying how to evaluate it: pandas evaluates it
#: below, the Spark backend (``ccmm._spark``) turns the same description into SQL expressions.
Predicate = AtMost | TextPresent | ReferencedWhenFlagged


@dataclass(frozen=True)
class RowRule:
    """A rule over the columns of single rows of one table.

    ``predicate`` is the backend-neutral rule. ``ok`` receives the table (pandas) and returns a
    boolean mask of passing rows. ``columns`` must all be present for the rule to apply;
    ``column`` is the one named in the failure, and ``value``/``expected`` give the per-row
    numbers shown in the message.
    """

    check: str
    table: str
    predicate: Predicate
    columns: tuple[str, ...]
    column: str
    ok: Callable[[pd.DataFrame], np.ndarray]
    value: Callable[[pd.DataFrame], np.ndarray]
    expected: Callable[[pd.DataFrame], np.ndarray]


#: The interval length clause 103 asks for at most (half an hour).
MAX_INTERVAL_MINUTES = 30


def _sum_of(names: tuple[str, ...]) -> Callable[[pd.DataFrame], np.ndarray]:
    def get(df: pd.DataFrame) -> np.ndarray:
        total = _num(df[names[0]])
        for name in names[1:]:
            total = total + _num(df[name])
        return total

    return get


def _column_values(name: str) -> Callable[[pd.DataFrame], np.ndarray]:
    def get(df: pd.DataFrame) -> np.ndarray:
        return np.asarray(df[name].to_numpy(dtype=object))

    return get


def _constant(text: object) -> Callable[[pd.DataFrame], np.ndarray]:
    def get(df: pd.DataFrame) -> np.ndarray:
        return np.full(len(df), text, dtype=object)

    return get


def _rule(check: str, table: str, predicate: Predicate) -> RowRule:
    """The pandas evaluation of ``predicate``; the rule is stated once, as the predicate."""
    if isinstance(predicate, AtMost):
        left = predicate.left
        right = predicate.right
        total = _sum_of(left) if len(left) > 1 else _column_values(left[0])
        if isinstance(right, str):
            bound: Callable[[pd.DataFrame], np.ndarray] = exact_sum((right,))
        else:
            bound = _constant(right)

        def ok(df: pd.DataFrame) -> np.ndarray:
            a = _sum_of(left)(df)
            b = _num(df[right]) if isinstance(right, str) else right
            passes = np.asarray(~(a > b))  # NaN compares False, so a missing value passes
            _exact_recheck(df, columns, right, passes)
            return passes

        columns = (*left, right) if isinstance(right, str) else left
        value = exact_sum(left) if isinstance(right, str) else total
        return RowRule(check, table, predicate, columns, left[0], ok, value, bound)
    if isinstance(predicate, TextPresent):
        name = predicate.column

        def present(df: pd.DataFrame) -> np.ndarray:
            return ~text_missing(df[name])

        return RowRule(
            check, table, predicate, (name,), name, present, _column_values(name), _nothing
        )
    flag, ref = predicate.flag, predicate.reference

    def referenced(df: pd.DataFrame) -> np.ndarray:
        return np.asarray(~(truthy(df[flag]) & text_missing(df[ref])))

    return RowRule(
        check, table, predicate, (flag, ref), ref, referenced, _column_values(ref), _nothing
    )


#: Below this magnitude a float64 sum of a few integers is exact; at or above it integer
#: columns are summed and compared as Python integers (issue 14: 2**62 + 2**62 > 2**62 + 1).
EXACT_FLOAT_LIMIT = 2**50


def _is_integer_column(s: pd.Series) -> bool:
    return bool(pd.api.types.is_integer_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype))


def _exact_recheck(
    df: pd.DataFrame, columns: tuple[str, ...], right: str | float, passes: np.ndarray
) -> None:
    """Re-decide, with exact integer arithmetic, the rows of an all-integer AtMost rule where a
    value is too large for float64 sums to be exact; updates ``passes`` in place."""
    cols = [df[c] for c in columns]
    if not all(_is_integer_column(s) for s in cols):
        return
    big = np.zeros(len(df), dtype=bool)
    for s in cols:
        values = s.to_numpy()
        big |= (values >= EXACT_FLOAT_LIMIT) | (values <= -EXACT_FLOAT_LIMIT)
    rows = np.flatnonzero(big)
    if not len(rows):
        return
    exact = [s.to_numpy(dtype=object)[rows] for s in cols]  # Python ints: no rounding
    left = exact[:-1] if isinstance(right, str) else exact
    bound = exact[-1] if isinstance(right, str) else [right] * len(rows)
    for k, row in enumerate(rows):
        passes[row] = not (sum(int(v[k]) for v in left) > bound[k])


def exact_sum(names: tuple[str, ...]) -> Callable[[pd.DataFrame], np.ndarray]:
    """The sum of integer columns exactly (Python integers) where a value is beyond
    `EXACT_FLOAT_LIMIT`, else as floats; for the values shown in failures."""

    def get(df: pd.DataFrame) -> np.ndarray:
        total = _sum_of(names)(df)
        cols = [df[c] for c in names]
        if not all(_is_integer_column(s) for s in cols):
            return total
        big = np.zeros(len(df), dtype=bool)
        for s in cols:
            values = s.to_numpy()
            big |= (values >= EXACT_FLOAT_LIMIT) | (values <= -EXACT_FLOAT_LIMIT)
        if not big.any():
            return total
        out = total.astype(object)
        exact = [s.to_numpy(dtype=object) for s in cols]
        for row in np.flatnonzero(big):
            out[row] = sum(int(v[row]) for v in exact)
        return out

    return get


def _nothing(df: pd.DataFrame) -> np.ndarray:
    return np.full(len(df), "", dtype=object)


ROW_RULES: tuple[RowRule, ...] = (
    _rule(
        "answered_abandoned_within_offered",
        "intervals",
        AtMost(("answered", "abandoned"), "offered"),
    ),
    _rule(
        "within_threshold_within_answered",
        "intervals",
        AtMost(("answered_within_threshold",), "answered"),
    ),
    _rule(
        "short_abandons_within_abandoned", "intervals", AtMost(("abandoned_short",), "abandoned")
    ),
    _rule(
        "interval_granularity",
        "intervals",
        AtMost(("interval_minutes",), float(MAX_INTERVAL_MINUTES)),
    ),
    _rule("source_recorded", "facts", TextPresent("source")),
    _rule(
        "adjustment_approved", "facts", ReferencedWhenFlagged("manually_adjusted", "adjustment_ref")
    ),
)


def row_rules(table: str) -> tuple[RowRule, ...]:
    """The row rules of ``table`` in catalogue order."""
    return tuple(r for r in ROW_RULES if r.table == table)


__all__: list[str] = []
