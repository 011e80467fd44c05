"""The KPI catalogue, read from ``ccmm/standard_data/kpi/catalogue.yaml``.

Each [`Kpi`][ccmm.kpi.Kpi] says what it measures, where it sits in the performance system (category
and dimension following clauses 116, 117, 120 and 123 of CC-CMM-OC 2017, and the COPC performance
family), how it is computed and which reference values are commonly quoted for it. Reference
values are presets a user may override; nothing in ccmm treats them as rules.

Ratio KPIs are stated as a numerator and a denominator that are each a sum of input columns
(``talk_seconds + hold_seconds + acw_seconds``), so a roll-up always sums first and divides once.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ccmm._errors import InputDataError, StandardError
from ccmm._guard import checked_arguments
from ccmm._model import FrozenModel
from ccmm._standard_data import SCHEMA_VERSION, data_label, read_data
from ccmm._tables import Text

Category = Literal["customer", "operations-support", "financial"]
Dimension = Literal[
    "quality",
    "efficiency",
    "accessibility",
    "satisfaction",
    "development",
    "volume",
    "operating-efficiency",
]
CopcFamily = Literal["service", "quality", "cost", "revenue", "satisfaction"]
Direction = Literal["higher", "lower", "band"]
Comparison = Literal[">=", "<=", "approx"]
ReferenceKind = Literal["industry", "suggested", "target", "world-class", "guidance"]
ComputedBy = Literal["compute", "compute_agents"]

_COLUMN = r"[a-z][a-z0-9_]*"
_SUM_OF_COLUMNS = re.compile(rf"^\s*{_COLUMN}(\s*[+-]\s*{_COLUMN})*\s*$")


@checked_arguments
def column_terms(expression: str) -> tuple[tuple[int, str], ...]:
    """Split ``"a + b - c"`` into ``((1, "a"), (1, "b"), (-1, "c"))``.

    Raises [`InputDataError`][ccmm.InputDataError] when the expression is not a sum of column names.
    """
    if not _SUM_OF_COLUMNS.match(expression):
        raise InputDataError(
            f"column expression must be column names joined by + and -, got {expression!r}"
        )
    terms: list[tuple[int, str]] = []
    sign = 1
    for token in re.findall(rf"{_COLUMN}|[+-]", expression):
        if token in "+-":
            sign = 1 if token == "+" else -1
        else:
            terms.append((sign, token))
    return tuple(terms)


class _Frozen(FrozenModel):
    _error_class = StandardError


class Ratio(_Frozen):
    """A ratio of sums: each side is input columns joined by ``+`` and ``-``."""

    numerator: str
    denominator: str

    @field_validator("numerator", "denominator")
    @classmethod
    def _sum_of_columns(cls, value: str) -> str:
        if not _SUM_OF_COLUMNS.match(value):
            raise ValueError(f"must be column names joined by + and -, got {value!r}")
        return " ".join(value.split())

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column named on either side, numerator first, without repeats."""
        names = [c for _, c in column_terms(self.numerator) + column_terms(self.denominator)]
        return tuple(dict.fromkeys(names))


class Formula(_Frozen):
    """How a KPI is computed, in words (en/zh) and as a column expression."""

    words: Text
    expression: str = Field(min_length=1)


class Definition(_Frozen):
    """A named way of computing a KPI (service level over offered, over answered, …)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text
    ratio: Ratio


class ReferenceValue(_Frozen):
    """A commonly quoted value for a KPI and where it comes from; a preset, not a rule."""

    label: Text
    kind: ReferenceKind
    value: float
    comparison: Comparison
    threshold_seconds: int | None = Field(default=None, ge=0)
    source: str
    #: The KPI definition the value is measured under (an id of the KPI's ``definitions``), when
    #: the source names one (e.g. service level over answered calls).
    definition: str | None = None


class Band(_Frozen):
    """The range a ``direction: band`` KPI should stay in (both bounds inclusive)."""

    lower: float
    upper: float

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if not self.lower <= self.upper:
            raise ValueError(f"band lower must not exceed upper, got {self.lower} > {self.upper}")
        return self


class Kpi(_Frozen):
    """One contact-centre KPI of the catalogue.

    ``direction`` says which way is better: ``higher``, ``lower``, or ``band`` (neither too low
    nor too high: inside ``band`` is on target, e.g. occupancy).
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    category: Category
    dimension: Dimension
    copc_family: CopcFamily
    unit: str = Field(min_length=1)
    direction: Direction
    band: Band | None = None
    table: str = Field(description="the table the input columns come from")
    computed_by: tuple[ComputedBy, ...] = ()
    formula: Formula
    inputs: tuple[str, ...] = Field(min_length=1)
    ratio: Ratio | None = None
    definitions: tuple[Definition, ...] = ()
    reference_values: tuple[ReferenceValue, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Kpi:
        if (self.direction == "band") != (self.band is not None):
            raise ValueError(
                f"KPI {self.id!r}: direction band needs band lower and upper bounds, and only "
                "direction band takes them"
            )
        if self.definitions:
            if self.ratio is None:
                raise ValueError(f"KPI {self.id!r} has definitions but no ratio")
            if self.definitions[0].ratio != self.ratio:
                raise ValueError(
                    f"KPI {self.id!r}: the first definition must be the default ratio "
                    f"{self.ratio.numerator} / {self.ratio.denominator}"
                )
            ids = [d.id for d in self.definitions]
            if len(set(ids)) != len(ids):
                raise ValueError(f"KPI {self.id!r} repeats a definition id: {ids}")
        if self.ratio is not None:
            unlisted = [c for c in self.ratio.columns if c not in self.inputs]
            if unlisted:
                raise ValueError(f"KPI {self.id!r}: ratio uses columns not in inputs: {unlisted}")
        return self

    def definition(self, definition_id: str) -> Definition:
        """The named definition, or [`InputDataError`][ccmm.InputDataError] listing the known
        ones."""
        for d in self.definitions:
            if d.id == definition_id:
                return d
        known = ", ".join(repr(d.id) for d in self.definitions) or "(none)"
        raise InputDataError(
            f"KPI {self.id!r} has no definition {definition_id!r}; expected one of {known}"
        )


class DimensionInfo(_Frozen):
    """A dimension of a KPI category (quality, efficiency, …)."""

    id: Dimension
    name: Text


class CategoryInfo(_Frozen):
    """A KPI category and the dimensions it must cover."""

    id: Category
    name: Text
    dimensions: tuple[DimensionInfo, ...]


class KpiCatalogue(_Frozen):
    """The whole catalogue: categories with their dimensions, sources and KPIs in file order."""

    catalogue: str
    version: int
    categories: tuple[CategoryInfo, ...]
    sources: dict[str, Text]
    kpis: tuple[Kpi, ...]

    @model_validator(mode="after")
    def _consistent(self) -> KpiCatalogue:
        problems: list[str] = []
        ids = [k.id for k in self.kpis]
        problems += [
            f"KPI id {i!r} appears more than once" for i in sorted(set(ids)) if ids.count(i) > 1
        ]
        allowed = {c.id: {d.id for d in c.dimensions} for c in self.categories}
        for k in self.kpis:
            if k.category not in allowed:
                problems.append(f"KPI {k.id!r}: category {k.category!r} is not declared")
            elif k.dimension not in allowed[k.category]:
                problems.append(
                    f"KPI {k.id!r}: dimension must be one of {sorted(allowed[k.category])} "
                    f"for category {k.category!r}, got {k.dimension!r}"
                )
            problems += [
                f"KPI {k.id!r}: reference source {r.source!r} is not declared under sources"
                for r in k.reference_values
                if r.source not in self.sources
            ]
            defined = {d.id for d in k.definitions}
            problems += [
                f"KPI {k.id!r}: reference definition {r.definition!r} is not among "
                f"{sorted(defined)}"
                for r in k.reference_values
                if r.definition is not None and r.definition not in defined
            ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def get(self, kpi_id: str) -> Kpi:
        """The KPI with this id; [`InputDataError`][ccmm.InputDataError] naming the id when there is
        none."""
        for k in self.kpis:
            if k.id == kpi_id:
                return k
        raise InputDataError(
            f"unknown KPI id {kpi_id!r}; the catalogue has {len(self.kpis)} KPIs "
            f"({', '.join(k.id for k in self.kpis[:6])}, …)"
        )

    def by_category(self, category: Category) -> tuple[Kpi, ...]:
        """KPIs of one category, in file order."""
        return tuple(k for k in self.kpis if k.category == category)

    def computed_by(self, function: ComputedBy) -> tuple[Kpi, ...]:
        """KPIs that ``function`` outputs as columns, in file order."""
        return tuple(k for k in self.kpis if function in k.computed_by)


def parse_kpi_catalogue(raw: Any, *, source: str = "<data>") -> KpiCatalogue:
    """Validate a catalogue already read from YAML; [`StandardError`][ccmm.StandardError] lists
    every problem. A ``schema_version`` key (as in the shipped file) must be that of the shipped
    layout."""
    if isinstance(raw, dict) and "schema_version" in raw:
        if raw["schema_version"] != SCHEMA_VERSION:
            raise StandardError(
                f"KPI catalogue {source}: schema_version must be {SCHEMA_VERSION}, "
                f"got {raw['schema_version']!r}"
            )
        raw = {k: v for k, v in raw.items() if k != "schema_version"}
    try:
        return KpiCatalogue.model_validate(raw)
    except StandardError as exc:
        raise StandardError(f"KPI catalogue {source} is malformed", problems=exc.problems) from None


@cache
def load_kpi_catalogue() -> KpiCatalogue:
    """The KPI catalogue shipped with ccmm (read once, then cached)."""
    raw = read_data("kpi", "catalogue.yaml")
    return parse_kpi_catalogue(raw, source=data_label("kpi", "catalogue.yaml"))


__all__ = [
    "Band",
    "Category",
    "CategoryInfo",
    "Comparison",
    "CopcFamily",
    "Definition",
    "Dimension",
    "DimensionInfo",
    "Direction",
    "Formula",
    "Kpi",
    "KpiCatalogue",
    "Ratio",
    "ReferenceValue",
    "column_terms",
    "load_kpi_catalogue",
    "parse_kpi_catalogue",
]


def __dir__() -> list[str]:
    return list(__all__)
