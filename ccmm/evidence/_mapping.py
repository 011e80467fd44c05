"""The evidence mapping of an edition (``evidence.yaml``): checks, item -> checks, grading rules.

Read with `importlib.resources` from the edition's directory, next to (but apart from) the
standard's own data, and validated against the standard: every item id must exist and every check
named by an item must be defined.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ccmm._errors import StandardError
from ccmm._loader import list_standards, load_standard
from ccmm._model import FrozenModel
from ccmm._standard_data import has_data, read_data
from ccmm._text import quote
from ccmm.evidence._args import as_text
from ccmm.standard import parse_share

CheckKind = Literal[
    "crucial",
    "registry_documented",
    "registry_covers",
    "metric_has_target",
    "metric_has_data",
    "target_refreshed",
    "monthly_continuity",
    "attainment_share",
    "no_hand_edits",
    "improvement_reflects_capability",
    "metric_recorded_monthly",
    "below_target_analysed",
    "analysed_every_quarter",
    "interval_granularity",
    "survey_sample_adequate",
    "survey_monthly",
    "survey_method_stated",
]


class _MappingModel(FrozenModel):
    _error_class = StandardError


class GradingRule(_MappingModel):
    """How one check's outcome becomes a grade.

    ``share``: no offending row -> ``full``; offending rows at most ``partial_max_share`` of the
    rows checked -> ``partial``; otherwise ``none``. ``pass-fail``: ``full`` when the check
    passes, else ``none``.
    """

    kind: Literal["share", "pass-fail"]
    full: int
    partial: int
    none: int
    partial_max_share: Fraction = Fraction(0)

    @field_validator("partial_max_share", mode="before")
    @classmethod
    def _exact(cls, value: Any) -> Fraction:
        return parse_share(value)

    def grade(self, *, passed: bool, n_checked: int, n_offending: int) -> int:
        """The grade of a check that ran on ``n_checked`` rows, ``n_offending`` of them failing.

        ``passed`` is the check's own verdict, used by ``pass-fail`` rules (a yes/no test may
        pass with some rows not counted, e.g. 3 of 4 metrics on target).
        """
        if self.kind == "pass-fail":
            return self.full if passed else self.none
        if n_offending == 0:
            return self.full
        share = self.partial_max_share
        # Exact: n_offending / n_checked <= p/q  <=>  n_offending * q <= p * n_checked.
        if n_checked > 0 and n_offending * share.denominator <= share.numerator * n_checked:
            return self.partial
        return self.none


class Grading(_MappingModel):
    """The named grading rules and which one a check uses unless it names another."""

    default: str
    rules: dict[str, GradingRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_known(self) -> Grading:
        if self.default not in self.rules:
            raise ValueError(f"default grading rule {self.default!r} is not among the rules")
        return self


class CheckSpec(_MappingModel):
    """One named check instance: its kind, the kind's options and its grading rule."""

    kind: CheckKind
    params: dict[str, Any] = Field(default_factory=dict)
    grading: str | None = None


class ItemChecks(_MappingModel):
    """The checks behind one item's F-Rate and (optionally) C-Rate."""

    f_rate: tuple[str, ...] = Field(min_length=1)
    c_rate: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


class EvidenceMap(_MappingModel):
    """The whole mapping of one standard edition."""

    schema_version: int = 1
    standard_id: str
    edition: str
    grading: Grading
    checks: dict[str, CheckSpec]
    items: dict[str, ItemChecks]

    @field_validator("edition", mode="before")
    @classmethod
    def _edition_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _references(self) -> EvidenceMap:
        problems: list[str] = []
        for name, spec in self.checks.items():
            if spec.grading is not None and spec.grading not in self.grading.rules:
                problems.append(f"check {name!r}: unknown grading rule {spec.grading!r}")
        for item, checks in self.items.items():
            listed = (*checks.f_rate, *checks.c_rate)
            for name in listed:
                if name not in self.checks:
                    problems.append(f"item {item!r}: unknown check {name!r}")
            for name in checks.optional:
                if name not in listed:
                    problems.append(f"item {item!r}: optional check {name!r} is not listed")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def rule_of(self, check: str) -> tuple[str, GradingRule]:
        """The name and the rule that grades ``check``."""
        name = self.checks[check].grading or self.grading.default
        return name, self.grading.rules[name]


def load_evidence_map(standard_id: str = "cc-cmm-oc", edition: str = "2017") -> EvidenceMap:
    """The evidence mapping shipped with a standard edition, checked against that standard."""
    standard_id, edition = as_text("standard_id", standard_id), as_text("edition", edition)
    shipped = {(r.id, r.edition) for r in list_standards()}
    if (standard_id, edition) not in shipped:  # checked first: a user's text is never a path
        known = ", ".join(f"{i} {e}" for i, e in sorted(shipped))
        raise StandardError(
            f"no shipped standard {quote(standard_id)} {quote(edition)}; shipped: {known}"
        )
    return _load_evidence_map(standard_id, edition)


@cache
def _load_evidence_map(standard_id: str, edition: str) -> EvidenceMap:
    label = f"{standard_id}/{edition}/evidence.yaml"
    if not has_data(standard_id, edition, "evidence.yaml"):
        raise StandardError(f"{standard_id} {edition} ships no evidence mapping ({label})")
    raw = read_data(standard_id, edition, "evidence.yaml")
    try:
        mapping = EvidenceMap.model_validate(raw)
    except StandardError as exc:
        raise StandardError(f"{label}: invalid evidence mapping", problems=exc.problems) from None
    standard = load_standard(standard_id, edition)
    problems = []
    if (mapping.standard_id, mapping.edition) != (standard_id, edition):
        problems.append(
            f"names {mapping.standard_id} {mapping.edition}, but lives in {standard_id} {edition}"
        )
    problems += [
        f"item {i!r} is not in the standard" for i in mapping.items if not standard.has_item(i)
    ]
    for name, rule in mapping.grading.rules.items():
        off = [g for g in (rule.full, rule.partial, rule.none) if g not in standard.grades]
        if off:
            problems.append(
                f"grading rule {name!r}: {off} not on the rating scale {standard.grades}"
            )
    if problems:
        raise StandardError(f"{label}: does not fit its standard", problems=problems)
    return mapping


__all__ = [
    "CheckKind",
    "CheckSpec",
    "EvidenceMap",
    "Grading",
    "GradingRule",
    "ItemChecks",
    "load_evidence_map",
]
