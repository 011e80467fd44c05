"""Typed model of a maturity standard: domains, sections, clauses, scored items, level rules.

A [`Standard`][ccmm.Standard] is built from data (see [`ccmm.load_standard`][]); nothing about
CC-CMM is hard-coded here, so a user's own standard of the same schema works the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ccmm._errors import StandardError
from ccmm._guard import checked_arguments
from ccmm._model import FrozenModel
from ccmm._readings import ShareReading
from ccmm._text import Text, quote

Rating = Literal["c_rate", "f_rate"]
RATINGS: tuple[Rating, Rating] = ("c_rate", "f_rate")


@checked_arguments
def parse_share(value: Any) -> Fraction:
    """Read a share exactly: ``"80%"``, ``"0.8"``, ``"4/5"``, ``0.8`` or a Fraction -> Fraction.

    Floats go through their decimal representation (``0.8`` -> ``4/5``), never their binary one.
    """
    if isinstance(value, bool):
        raise StandardError(
            f"share must be a number, a fraction or a percentage, got {quote(value)}"
        )
    if isinstance(value, Fraction):
        share = value
    elif isinstance(value, int):
        share = Fraction(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise StandardError(f"share must lie between 0 and 1 (0% and 100%), got {value!r}")
        share = Fraction(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > 64 or re.search(r"[eE][+-]?0*\d{4,}", text):
            # Fraction("1e999999999") would build a billion-digit integer: refused unread.
            raise StandardError(f"share must look like '80%', '0.8' or '4/5', got {quote(value)}")
        try:
            share = Fraction(text[:-1].strip()) / 100 if text.endswith("%") else Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise StandardError(
                f"share must look like '80%', '0.8' or '4/5', got {quote(value)}"
            ) from None
    else:
        raise StandardError(
            f"share must be a number, a fraction or a percentage, got {quote(value)}"
        )
    if not 0 <= share <= 1:
        raise StandardError(f"share must lie between 0 and 1 (0% and 100%), got {quote(value)}")
    return share


class _StandardModel(FrozenModel):
    _error_class = StandardError


class RatingGrade(_StandardModel):
    """One grade of the rating scale (0, 5 or 10 in CC-CMM)."""

    value: int
    name: Text


class Domain(_StandardModel):
    """A top-level part of the standard, e.g. ``3.0`` Data and performance."""

    id: str
    name: Text


class ClauseGroup(_StandardModel):
    """A named run of clauses inside a section (``first``..``last`` inclusive)."""

    id: str
    name: Text
    first: str
    last: str


class Section(_StandardModel):
    """A section of a domain (table-of-contents numbering); may have a parent section."""

    id: str
    domain: str
    parent: str | None = None
    name: Text
    groups: tuple[ClauseGroup, ...] = ()


class Item(_StandardModel):
    """A scored item: rated twice (C-Rate and F-Rate). Most clauses are one item."""

    id: str
    clause: str
    section: str
    domain: str
    title: Text
    summary: Text
    tags: tuple[str, ...] = ()


class Clause(_StandardModel):
    """A numbered requirement of the standard, with its section and the items it is scored as."""

    id: str
    section: str
    group: str | None = None
    title: Text
    summary: Text
    tags: tuple[str, ...] = ()
    items: tuple[Item, ...]


class Scope(_StandardModel):
    """A set of domains over which a share rule counts items."""

    id: str
    name: Text
    domains: tuple[str, ...] = Field(min_length=1)


class ShareRule(_StandardModel):
    """Holds when (items in ``scope`` with ``rating`` = 10) / (items in scope) >= ``minimum``."""

    scope: str
    rating: Rating
    minimum: Fraction

    @field_validator("minimum", mode="before")
    @classmethod
    def _exact_share(cls, value: Any) -> Fraction:
        return parse_share(value)


class LevelRule(_StandardModel):
    """Everything a level requires besides the levels below it."""

    level: int = Field(ge=1)
    name: Text
    summary: Text
    share_rules: tuple[ShareRule, ...] = ()
    min_total: int = Field(ge=0)
    min_operating_years: float | None = Field(default=None, ge=0)


class GlossaryTerm(_StandardModel):
    """A term of the trade, defined in ccmm's own words."""

    id: str
    abbreviation: str | None = None
    term: Text
    definition: Text


class Standard(_StandardModel):
    """A maturity standard and edition, validated, with a content digest.

    ``items`` are in catalogue order; ``digest`` is the sha256 of the canonical JSON form of the
    data (set by the loader; computed on demand when a Standard is built directly).
    """

    schema_version: int = 1
    id: str
    edition: str
    name: Text
    rating_scale: tuple[RatingGrade, ...]
    ratings: dict[Rating, Text]
    domains: tuple[Domain, ...]
    optional_domains: tuple[str, ...] = ()
    sections: tuple[Section, ...]
    scopes: tuple[Scope, ...]
    levels: tuple[LevelRule, ...]
    # How a share rule counts "met" unless a call names another (see ccmm._readings).
    share_reading: ShareReading = "rated_10"
    clauses: tuple[Clause, ...]
    glossary: tuple[GlossaryTerm, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _expand_items(cls, data: Any) -> Any:
        """Give every clause its items: a clause without an ``items`` list is one item."""
        if not isinstance(data, Mapping):
            return data
        sections = data.get("sections", ())
        raw_clauses = data.get("clauses", ())
        if not isinstance(raw_clauses, list | tuple):
            return data  # field validation reports it
        domain_of = {
            s.get("id"): s.get("domain")
            for s in (sections if isinstance(sections, list | tuple) else ())
            if isinstance(s, Mapping)
        }
        clauses = []
        for raw in raw_clauses:
            if not isinstance(raw, Mapping):
                clauses.append(raw)
                continue
            clause = dict(raw)
            items = clause.get("items")
            if items is None:
                items = [{k: clause[k] for k in ("id", "title", "summary", "tags") if k in clause}]
            if not isinstance(items, list | tuple):
                clauses.append(clause)  # field validation reports it
                continue
            filled = []
            for item in items:
                if isinstance(item, Mapping):
                    item = {
                        "clause": clause.get("id"),
                        "section": clause.get("section"),
                        "domain": domain_of.get(clause.get("section")),
                        **item,
                    }
                filled.append(item)
            clause["items"] = filled
            clauses.append(clause)
        return {**data, "clauses": clauses}

    @model_validator(mode="after")
    def _check_references(self) -> Standard:
        problems: list[str] = []

        def unique(kind: str, ids: list[str]) -> None:
            seen: set[str] = set()
            for i in ids:
                if i in seen:
                    problems.append(f"{kind} id {i!r} appears more than once")
                seen.add(i)

        unique("domain", [d.id for d in self.domains])
        unique("section", [s.id for s in self.sections])
        unique("clause", [c.id for c in self.clauses])
        unique("item", [i.id for c in self.clauses for i in c.items])
        unique("scope", [s.id for s in self.scopes])
        domains = {d.id for d in self.domains}
        sections = {s.id: s for s in self.sections}
        for s in self.sections:
            if s.domain not in domains:
                problems.append(f"section {s.id!r}: unknown domain {s.domain!r}")
            if s.parent is not None and s.parent not in sections:
                problems.append(f"section {s.id!r}: unknown parent section {s.parent!r}")
        for d in self.optional_domains:
            if d not in domains:
                problems.append(f"optional_domains: unknown domain {d!r}")
        for c in self.clauses:
            if c.section not in sections:
                problems.append(f"clause {c.id!r}: unknown section {c.section!r}")
            elif c.group is not None and c.group not in {g.id for g in sections[c.section].groups}:
                problems.append(f"clause {c.id!r}: section {c.section} has no group {c.group!r}")
            if not c.items:
                problems.append(f"clause {c.id!r} has no scored item")
        grades = [g.value for g in self.rating_scale]
        if len(grades) < 2 or grades != sorted(set(grades)) or grades[0] != 0:
            problems.append(f"rating_scale must be increasing values starting at 0, got {grades}")
        scopes = {s.id for s in self.scopes}
        for scope in self.scopes:
            for d in scope.domains:
                if d not in domains:
                    problems.append(f"scope {scope.id!r}: unknown domain {d!r}")
            if len(set(scope.domains)) != len(scope.domains):
                problems.append(f"scope {scope.id!r} lists a domain more than once")
        expected = list(range(1, len(self.levels) + 1))
        if [lv.level for lv in self.levels] != expected:
            problems.append(
                f"levels must be numbered {expected}, got {[lv.level for lv in self.levels]}"
            )
        for lv in self.levels:
            for r in lv.share_rules:
                if r.scope not in scopes:
                    problems.append(f"level {lv.level}: share rule names unknown scope {r.scope!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # ---- derived views (computed once per Standard) -------------------------------------
    @cached_property
    def items(self) -> tuple[Item, ...]:
        """Every scored item, in catalogue order."""
        return tuple(i for c in self.clauses for i in c.items)

    @cached_property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    @cached_property
    def _item_by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.items}

    @cached_property
    def _clause_by_id(self) -> dict[str, Clause]:
        return {c.id: c for c in self.clauses}

    def item(self, item_id: str) -> Item:
        """The item with id ``item_id`` (``KeyError`` if the standard has none)."""
        return self._item_by_id[item_id]

    def clause(self, clause_id: str) -> Clause:
        """The clause with id ``clause_id`` (``KeyError`` if the standard has none)."""
        return self._clause_by_id[clause_id]

    def has_item(self, item_id: str) -> bool:
        return item_id in self._item_by_id

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def domain(self, domain_id: str) -> Domain:
        for d in self.domains:
            if d.id == domain_id:
                return d
        raise KeyError(domain_id)

    def scope(self, scope_id: str) -> Scope:
        return self._scope_by_id[scope_id]

    def level(self, level: int) -> LevelRule:
        return self.levels[level - 1]

    @property
    def max_rating(self) -> int:
        return self.rating_scale[-1].value

    @property
    def grades(self) -> tuple[int, ...]:
        return tuple(g.value for g in self.rating_scale)

    @cached_property
    def scope_sizes(self) -> dict[str, int]:
        """Number of items in each scope."""
        per_domain: dict[str, int] = {}
        for item in self.items:
            per_domain[item.domain] = per_domain.get(item.domain, 0) + 1
        return {s.id: sum(per_domain.get(d, 0) for d in s.domains) for s in self.scopes}

    @cached_property
    def item_positions(self) -> tuple[tuple[str, int, int], ...]:
        """``(item id, domain position, section position)`` per item, in catalogue order.

        Positions index ``domains`` and ``sections``; computed once so that hot loops (the
        evaluator) index lists instead of looking names up.
        """
        d_pos = {d.id: k for k, d in enumerate(self.domains)}
        s_pos = {s.id: k for k, s in enumerate(self.sections)}
        return tuple((i.id, d_pos[i.domain], s_pos[i.section]) for i in self.items)

    @cached_property
    def _scope_by_id(self) -> dict[str, Scope]:
        return {s.id: s for s in self.scopes}

    @cached_property
    def max_total(self) -> int:
        return 2 * self.max_rating * len(self.items)

    @cached_property
    def digest(self) -> str:
        """sha256 of the canonical JSON form of this standard's data."""
        from ccmm._loader import canonical_digest

        return canonical_digest(self)


__all__ = [
    "RATINGS",
    "Clause",
    "ClauseGroup",
    "Domain",
    "GlossaryTerm",
    "Item",
    "LevelRule",
    "Rating",
    "RatingGrade",
    "Scope",
    "Section",
    "ShareRule",
    "Standard",
    "parse_share",
]


def __dir__() -> list[str]:
    return list(__all__)
