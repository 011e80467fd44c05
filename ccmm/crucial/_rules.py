"""The CRUCIAL checks, defined once: id, principle, item, table and message template.

Every check the report can name is listed in [`CHECKS`][ccmm.crucial.CHECKS], read from the
edition's ``crucial.yaml``. Row rules (a predicate over the columns of one row, from
``tables/row_rules.yaml``) are defined here as data; this module imports no dataframe library, and
each backend evaluates the predicates its own way. A missing value never fails a row rule: missing
values are the schema's business (check ``column_not_null``), and reporting them twice would blur
which principle a defect belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from types import MappingProxyType
from typing import Any, Literal

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


#: Below this magnitude a float64 sum of a few integers is exact; at or above it integer
#: columns are summed and compared as Python integers (issue 14: 2**62 + 2**62 > 2**62 + 1).
EXACT_FLOAT_LIMIT = 2**50


@dataclass(frozen=True)
class RowRule:
    """A rule over the columns of single rows of one table, stated once as its ``predicate``.

    ``columns`` must all be present for the rule to apply; ``column`` is the one named in the
    failure. Each backend evaluates the predicate its own way (the engine's reference
    evaluation on pandas columns is `ccmm.crucial._evaluate`).
    """

    check: str
    table: str
    predicate: Predicate
    columns: tuple[str, ...]
    column: str


def _rule(check: str, table: str, predicate: Predicate) -> RowRule:
    if isinstance(predicate, AtMost):
        right = predicate.right
        columns = (*predicate.left, right) if isinstance(right, str) else predicate.left
        return RowRule(check, table, predicate, columns, predicate.left[0])
    if isinstance(predicate, TextPresent):
        return RowRule(check, table, predicate, (predicate.column,), predicate.column)
    flag, ref = predicate.flag, predicate.reference
    return RowRule(check, table, predicate, (flag, ref), ref)


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


def row_rule_with(check: str, options: Mapping[str, Any]) -> RowRule:
    """The row rule of ``kind: row_rule`` check ``check`` evaluated with ``options`` (a run's
    settings, e.g. another ``at_most`` bound) instead of ``crucial.yaml``'s."""
    definition = CHECK_BY_ID[check]
    return _row_rule_of(replace(definition, options=MappingProxyType(dict(options))))


ROW_RULES: tuple[RowRule, ...] = tuple(_row_rule_of(c) for c in CHECKS if c.kind == "row_rule")


def row_rules(table: str) -> tuple[RowRule, ...]:
    """The row rules of ``table`` in catalogue order."""
    return tuple(r for r in ROW_RULES if r.table == table)


__all__ = [
    "CHECKS",
    "CHECK_BY_ID",
    "EXACT_FLOAT_LIMIT",
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
    "row_rule_with",
    "row_rules",
]
