"""The attainment rules (``standard_data/attainment/rules.yaml``) and the exact shares they use."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer

from ccmm._errors import InputDataError, StandardError
from ccmm._model import FrozenModel
from ccmm._standard_data import read_data
from ccmm._vocabulary import category_ids

Direction = Literal["higher", "lower", "band"]
TrendTest = Literal["mann-kendall", "consecutive-improvement"]
ShareTestName = Literal["meets", "meets_or_improving"]


def parse_share(raw: object) -> object:
    """Read a share exactly: Fraction, int, Decimal, "13/20", "0.65", "65%" or a float's repr."""
    if isinstance(raw, bool):
        raise ValueError(f"a share must be a number, got {raw!r}")
    if isinstance(raw, Fraction):
        return raw
    if isinstance(raw, int | Decimal):
        return Fraction(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError(f"a share must be finite, got {raw!r}")
        # The shortest decimal that round-trips (0.65 -> "0.65" -> 13/20), not the binary value.
        return Fraction(repr(raw))
    if isinstance(raw, str):
        text = raw.strip()
        try:
            if text.endswith("%"):
                return Fraction(text[:-1].strip()) / 100
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise ValueError(
                f"a share must look like '65%', '0.65' or '13/20', got {raw!r}"
            ) from None
    raise ValueError(f"a share must be a fraction, a decimal or a percentage, got {raw!r}")


def _check_unit_interval(share: Fraction) -> Fraction:
    if not 0 <= share <= 1:
        raise ValueError(f"a share must lie between 0 and 1 (0% and 100%), got {share}")
    return share


Share = Annotated[
    Fraction,
    BeforeValidator(parse_share),
    AfterValidator(_check_unit_interval),
    PlainSerializer(str, return_type=str),
]


class AttainmentRule(FrozenModel):
    """What counts as attaining targets.

    ``meet_share`` of the metrics must be on target and ``meet_or_improve_share`` on target or
    improving. A trend needs ``min_trend_periods`` consecutive months ending at ``as_of`` and is
    judged by ``trend_test`` at one-sided level ``alpha``. The level is taken over the last
    ``level_periods`` months (ratio of sums when more than one). A bad value is an
    [`ccmm.InputDataError`][] naming the field.
    """

    _error_class = InputDataError

    meet_share: Share
    meet_or_improve_share: Share
    min_trend_periods: int = Field(default=6, ge=3)
    trend_test: TrendTest = "mann-kendall"
    alpha: float = Field(default=0.05, gt=0.0, lt=0.5)
    level_periods: int = Field(default=1, ge=1)


@dataclass(frozen=True)
class RuleBook:
    rules: Mapping[str, AttainmentRule]
    categories: tuple[str, ...]
    copc_families: tuple[str, ...]


@cache
def rule_book() -> RuleBook:
    raw: Any = read_data("attainment", "rules.yaml")
    try:
        rules = {
            str(name): AttainmentRule.model_validate(
                {k: v for k, v in body.items() if k != "title"}
            )
            for name, body in raw["rules"].items()
        }
        return RuleBook(
            rules=rules,
            categories=category_ids(),
            copc_families=tuple(str(c) for c in raw["copc_families"]),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:  # pragma: no cover
        raise StandardError(f"attainment/rules.yaml is malformed: {exc}") from exc


def load_attainment_rules() -> dict[str, AttainmentRule]:
    """The shipped rules by name (``"cc-cmm-2017"``, ``"copc-gold"``), in file order."""
    return dict(rule_book().rules)


def resolve_rule(rule: str | AttainmentRule) -> tuple[AttainmentRule, str | None]:
    if isinstance(rule, AttainmentRule):
        return rule, None
    rules = rule_book().rules
    if isinstance(rule, str) and rule in rules:
        return rules[rule], rule
    raise InputDataError(
        f"rule must be one of {', '.join(map(repr, rules))} or an AttainmentRule, got {rule!r}"
    )


__all__ = [
    "AttainmentRule",
    "Direction",
    "Share",
    "ShareTestName",
    "TrendTest",
    "load_attainment_rules",
    "resolve_rule",
    "rule_book",
]
