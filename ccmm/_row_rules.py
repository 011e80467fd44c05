"""Row relations of the canonical tables (``standard_data/tables/row_rules.yaml``), stated once.

A relation says what one row of one table must satisfy between its own columns (answered within
threshold ≤ answered, a manually adjusted row names its approval, …). It is a description, not
an evaluation: KPI validation refuses rows that break an ``always`` relation, the CRUCIAL
backends (pandas, polars, Spark) each evaluate the relations its checks name. A missing value
never breaks a relation: missing cells are the column checks' finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ccmm._errors import StandardError
from ccmm._standard_data import data_label, read_data


@dataclass(frozen=True)
class AtMost:
    """Holds when the sum of the ``left`` columns is at most ``right`` (a column or a number)."""

    left: tuple[str, ...]
    right: str | float


@dataclass(frozen=True)
class TextPresent:
    """Holds when the text column ``column`` is neither null nor blank."""

    column: str


@dataclass(frozen=True)
class ReferencedWhenFlagged:
    """Holds unless the flag column ``flag`` is true while the text column ``reference`` is null
    or blank (a flag that is null or not a boolean true counts as not set)."""

    flag: str
    reference: str


#: What a relation asks of one row, without saying how any backend evaluates it.
Predicate = AtMost | TextPresent | ReferencedWhenFlagged


@dataclass(frozen=True)
class RowRelation:
    """One named relation of ``table``; ``always`` when it holds for any ACD or WFM export."""

    id: str
    table: str
    predicate: Predicate
    always: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the relation reads (all must be present for it to apply)."""
        p = self.predicate
        if isinstance(p, AtMost):
            return (*p.left, p.right) if isinstance(p.right, str) else p.left
        if isinstance(p, TextPresent):
            return (p.column,)
        return (p.flag, p.reference)


_SHAPES = {
    frozenset({"id", "sum", "at_most"}): "at_most",
    frozenset({"id", "present"}): "present",
    frozenset({"id", "flag", "reference"}): "flagged",
}


def _relation(table: str, entry: Any, label: str) -> RowRelation:
    if not isinstance(entry, dict):
        raise StandardError(f"{label}: a relation of {table} must be a mapping, got {entry!r}")
    always = entry.get("always", False)
    shape = _SHAPES.get(frozenset(k for k in entry if k != "always"))
    if shape is None or not isinstance(always, bool):
        raise StandardError(
            f"{label}: relation {entry.get('id')!r} of {table} must have keys id + sum + at_most, "
            f"id + present or id + flag + reference (and optionally always: true/false), "
            f"got {sorted(entry)}"
        )
    predicate: Predicate
    if shape == "at_most":
        left, right = entry["sum"], entry["at_most"]
        if not (isinstance(left, list) and left and all(isinstance(c, str) for c in left)):
            raise StandardError(f"{label}: {entry['id']}: sum must list column names")
        if isinstance(right, bool) or not isinstance(right, str | int | float):
            raise StandardError(f"{label}: {entry['id']}: at_most must be a column or a number")
        predicate = AtMost(tuple(left), right if isinstance(right, str) else float(right))
    elif shape == "present":
        predicate = TextPresent(str(entry["present"]))
    else:
        predicate = ReferencedWhenFlagged(str(entry["flag"]), str(entry["reference"]))
    return RowRelation(str(entry["id"]), table, predicate, always)


@cache
def row_relations() -> Mapping[str, RowRelation]:
    """Every shipped row relation by id, in file order (read once)."""
    label = data_label("tables", "row_rules.yaml")
    raw = read_data("tables", "row_rules.yaml")
    found: dict[str, RowRelation] = {}
    for table, entries in raw.get("tables", {}).items():
        for entry in entries:
            relation = _relation(str(table), entry, label)
            if relation.id in found:
                raise StandardError(f"{label}: relation id {relation.id!r} is given twice")
            found[relation.id] = relation
    return found


def relations_of(table: str, *, always: bool | None = None) -> tuple[RowRelation, ...]:
    """The relations of ``table`` in file order (only those whose ``always`` matches, if given)."""
    return tuple(
        r
        for r in row_relations().values()
        if r.table == table and (always is None or r.always == always)
    )


__all__ = [
    "AtMost",
    "Predicate",
    "ReferencedWhenFlagged",
    "RowRelation",
    "TextPresent",
    "relations_of",
    "row_relations",
]
