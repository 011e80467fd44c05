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
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from ccmm._errors import StandardError
from ccmm._row_rules import AtMost, Predicate, ReferencedWhenFlagged, TextPresent, row_relations
from ccmm._standard_data import data_label, read_data

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


Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class CheckDef:
    """One named check: which principle and item it evidences, and how a failure reads.

    ``template`` is a `str.format` template; the engine fills it with named fields that
    differ per check (always ``column`` and ``value``, plus check-specific ones). ``kind`` names
    how the check is evaluated, ``options`` are its default settings and ``severity`` how a
    failure counts; all come from the edition's ``crucial.yaml``.
    """

    id: str
    principle: Principle
    item: str
    table: str
    summary: str
    template: str
    kind: str = ""
    options: Mapping[str, Any] = field(default_factory=dict, hash=False)
    severity: Severity = "error"


_CHECK_KEYS = frozenset({"id", "principle", "item", "table", "kind", "summary", "message"})
_OPTIONAL_KEYS = frozenset({"options", "severity"})


def _check_def(entry: Any, label: str) -> CheckDef:
    if not isinstance(entry, dict):
        raise StandardError(f"{label}: each check must be a mapping, got {entry!r}")
    keys = set(entry)
    if not _CHECK_KEYS <= keys <= _CHECK_KEYS | _OPTIONAL_KEYS:
        raise StandardError(
            f"{label}: check {entry.get('id')!r} must have keys {sorted(_CHECK_KEYS)} "
            f"(and optionally {sorted(_OPTIONAL_KEYS)}), got {sorted(keys)}"
        )
    if entry["principle"] not in PRINCIPLES:
        raise StandardError(
            f"{label}: check {entry['id']!r}: principle must be one of {', '.join(PRINCIPLES)}, "
            f"got {entry['principle']!r}"
        )
    severity = entry.get("severity", "error")
    if severity not in ("error", "warning"):
        raise StandardError(
            f"{label}: check {entry['id']!r}: severity must be error or warning, got {severity!r}"
        )
    options = entry.get("options") or {}
    if not isinstance(options, dict):
        raise StandardError(f"{label}: check {entry['id']!r}: options must be a mapping")
    return CheckDef(
        id=str(entry["id"]),
        principle=entry["principle"],
        item=str(entry["item"]),
        table=str(entry["table"]),
        summary=str(entry["summary"]),
        template=str(entry["message"]),
        kind=str(entry["kind"]),
        options=MappingProxyType(dict(options)),
        severity=severity,
    )


@cache
def load_checks(standard_id: str = "cc-cmm-oc", edition: str = "2017") -> tuple[CheckDef, ...]:
    """The checks of ``<standard_id>/<edition>/crucial.yaml``, in report order (read once)."""
    label = data_label(standard_id, edition, "crucial.yaml")
    raw = read_data(standard_id, edition, "crucial.yaml")
    checks = tuple(_check_def(entry, label) for entry in raw.get("checks", ()))
    seen: set[str] = set()
    for c in checks:
        if c.id in seen:
            raise StandardError(f"{label}: check id {c.id!r} is given twice")
        seen.add(c.id)
    return checks


CHECKS: tuple[CheckDef, ...] = load_checks()

CHECK_BY_ID: Mapping[str, CheckDef] = {c.id: c for c in CHECKS}


def default_options() -> dict[str, dict[str, Any]]:
    """Every check's options as ``crucial.yaml`` gives them: check id -> option -> value."""
    return {c.id: dict(c.options) for c in CHECKS}


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


def _sum_of(names: tuple[str, ...]) -> Callable[[pd.DataFrame], np.ndarray]:
    def get(df: pd.DataFrame) -> np.ndarray:
        total = as_float(df[names[0]])
        for name in names[1:]:
            total = total + as_float(df[name])
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
            b = as_float(df[right]) if isinstance(right, str) else right
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


def _row_rule_of(check: CheckDef) -> RowRule:
    """The row rule of a ``kind: row_rule`` check: the relation its ``rule`` option names, with
    the bound replaced by its ``at_most`` option when one is given."""
    relation = row_relations().get(str(check.options.get("rule")))
    if relation is None:
        raise StandardError(
            f"crucial.yaml: check {check.id!r} names row rule {check.options.get('rule')!r}, "
            f"which tables/row_rules.yaml does not state"
        )
    predicate = relation.predicate
    if "at_most" in check.options and isinstance(predicate, AtMost):
        bound = check.options["at_most"]
        predicate = AtMost(predicate.left, bound if isinstance(bound, str) else float(bound))
    return _rule(check.id, relation.table, predicate)


ROW_RULES: tuple[RowRule, ...] = tuple(_row_rule_of(c) for c in CHECKS if c.kind == "row_rule")


def row_rules(table: str) -> tuple[RowRule, ...]:
    """The row rules of ``table`` in catalogue order."""
    return tuple(r for r in ROW_RULES if r.table == table)


__all__ = [
    "CHECKS",
    "CHECK_BY_ID",
    "PRINCIPLES",
    "ROW_RULES",
    "AtMost",
    "CheckDef",
    "Predicate",
    "Principle",
    "ReferencedWhenFlagged",
    "RowRule",
    "Severity",
    "TextPresent",
    "default_options",
    "load_checks",
    "row_rules",
]
