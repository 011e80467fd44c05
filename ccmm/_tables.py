"""Canonical table definitions, read from ``ccmm/standard_data/tables/*.yaml``.

A `TableSpec` is backend-neutral: the pandas and polars pandera schemas (see
[`ccmm.crucial.schemas`][]) and the KPI code are all built from the same spec, so a column is
defined exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ccmm._errors import InputDataError, StandardError
from ccmm._standard_data import has_data, read_data
from ccmm._text import Text, quote

ColumnKind = Literal["int", "float", "str", "category", "datetime_tz", "date", "bool"]


class ColumnSpec(BaseModel):
    """One column of a canonical table."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    kind: ColumnKind
    required: bool = True
    nullable: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    #: A vocabulary the allowed values are read from when the spec is loaded (``units``: the
    #: built-in unit words and every ISO 4217 code, ``ccmm/standard_data/units/``;
    #: ``categories``: the KPI category ids of ``kpi/catalogue.yaml``, via ``ccmm._vocabulary``).
    allowed_vocabulary: Literal["units", "categories"] | None = None
    unit: str | None = None
    description: Text


class TableSpec(BaseModel):
    """A canonical table: its name, what one row is, and its columns in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    row: Text
    key: tuple[str, ...] = ()
    columns: tuple[ColumnSpec, ...]

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


@cache
def load_table_spec(name: str) -> TableSpec:
    """Load the shipped spec of table ``name`` (``intervals``, ``agents``, ``registry``, …)."""
    try:
        shipped = name != "row_rules" and has_data("tables", f"{name}.yaml")
    except (OSError, ValueError):  # a name too long for a file name, or holding NUL
        shipped = False
    if not shipped:
        raise StandardError(f"no table spec named {quote(name)} ships with ccmm")
    raw: Any = read_data("tables", f"{name}.yaml")
    if any(c.get("allowed_vocabulary") for c in raw.get("columns", ())):
        # A new mapping: the reader's cached data stays as read.
        columns = [
            {**c, "allowed": list(_vocabulary(c["allowed_vocabulary"]))}
            if c.get("allowed_vocabulary")
            else c
            for c in raw["columns"]
        ]
        raw = {**raw, "columns": columns}
    return TableSpec.model_validate(raw)


def _vocabulary(name: object) -> tuple[str, ...]:
    """The allowed values a column's ``allowed_vocabulary`` names (the spec's model refuses an
    unknown name)."""
    if name == "units":
        from ccmm._units import known_units

        return tuple(known_units())
    if name == "categories":
        from ccmm._vocabulary import category_ids

        return category_ids()
    return ()


def missing_columns(columns: Iterable[str], spec: TableSpec) -> list[str]:
    """Required columns of ``spec`` that are not among ``columns``, in spec order."""
    present = set(columns)
    return [c for c in spec.required_columns if c not in present]


def require_columns(
    columns: Iterable[str], spec: TableSpec, *, table: str | None = None, also: Iterable[str] = ()
) -> None:
    """Raise [`InputDataError`][ccmm.InputDataError] naming every required column that is absent."""
    present = list(columns)
    absent = missing_columns(present, spec) + [c for c in also if c not in set(present)]
    if absent:
        label = table or spec.name
        raise InputDataError(
            f"{label} table is missing required column(s) {', '.join(map(repr, absent))}; "
            f"got columns {', '.join(map(repr, present)) or '(none)'}"
        )


def describe(spec: TableSpec, lang: Literal["en", "zh"] = "en") -> Mapping[str, str]:
    """Column name -> description in ``lang``, for docs and error messages."""
    return {c.name: getattr(c.description, lang) for c in spec.columns}


__all__ = [
    "ColumnKind",
    "ColumnSpec",
    "TableSpec",
    "Text",
    "describe",
    "load_table_spec",
    "missing_columns",
    "require_columns",
]
