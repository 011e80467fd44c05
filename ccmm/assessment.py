"""Assessments: each item of a standard rated twice, C-Rate (method) and F-Rate (execution)."""

from __future__ import annotations

import math
import re
import sys
from datetime import date
from numbers import Real
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BeforeValidator, Field, field_validator

from ccmm._errors import AssessmentError
from ccmm._model import FrozenModel
from ccmm._text import quote

_INTEGER = re.compile(r"[+-]?\d+")


def _coerce_rating(value: Any) -> Any:
    """Accept 0, 5, 10 (also as integer-like strings from CSV, or whole floats); refuse the rest.

    Booleans are refused although Python treats them as integers: a ``True`` in a ratings column
    is a data-entry slip, not a 1.
    """
    original = value
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"rating must be 0, 5 or 10, got {original!r} (a boolean)")
    if isinstance(value, np.integer | np.floating):
        value = value.item()
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 10 or not _INTEGER.fullmatch(text):  # int() of long digit runs is slow
            raise ValueError(f"rating must be 0, 5 or 10, got {quote(original)}")
        value = int(text)
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"rating must be 0, 5 or 10, got {quote(original)}")
        value = int(value)
    if not isinstance(value, int) or value not in (0, 5, 10):
        raise ValueError(f"rating must be 0, 5 or 10, got {quote(original)}")
    return value


def _check_operating_years(value: Any) -> float | None:
    """``operating_years`` as a finite number of years >= 0, or None when unknown.

    The one validator of this field, used by `Assessment` and, once per distinct value,
    by `ccmm.evaluate_many`: both paths accept and refuse the same values. Unknown is
    None, blank text or NaN (a blank cell of a table); booleans, text that is not a number,
    negative numbers and infinities (``1e400`` reads as one) are refused.
    """
    pandas = sys.modules.get("pandas")  # a pandas missing marker exists only once it is loaded
    if value is None or (pandas is not None and (value is pandas.NA or value is pandas.NaT)):
        return None
    problem = f"operating_years must be a finite number of years >= 0, got {quote(value)}"
    if isinstance(value, bool) or not isinstance(value, str | int | float | Real):
        raise ValueError(problem)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if len(text) > 50:  # float() of a long text is exact work proportional to its length
            raise ValueError(problem)
        try:
            value = float(text)
        except ValueError:
            raise ValueError(problem) from None
    try:
        years = float(value)
    except (OverflowError, ValueError, TypeError):
        raise ValueError(problem) from None
    if math.isnan(years):  # NaN is how a table marks a blank cell: unknown, as None is
        return None
    if math.isinf(years) or years < 0:
        raise ValueError(problem)
    return years


OperatingYears = Annotated[float | None, BeforeValidator(_check_operating_years)]


RatingValue = Annotated[Literal[0, 5, 10], BeforeValidator(_coerce_rating)]
"""A rating: 0 (does not meet), 5 (partly meets) or 10 (fully meets)."""


class ItemScore(FrozenModel):
    """The two ratings of one item, with optional evidence references, notes and assessor."""

    _error_class = AssessmentError

    c_rate: RatingValue = Field(description="C-Rate: is there a compliant method (0, 5, 10)")
    f_rate: RatingValue = Field(description="F-Rate: is it carried out (0, 5, 10)")
    evidence: tuple[str, ...] = Field(default=(), description="references to evidence documents")
    notes: str | None = None
    assessor: str | None = None


class Assessment(FrozenModel):
    """One organisation's ratings against one standard edition.

    ``scores`` maps item id (e.g. ``"47"``, ``"109.1"``) to its [`ItemScore`][ccmm.ItemScore]. Items
    left out are *not assessed*; what that means is decided by [`ccmm.evaluate`][].
    """

    _error_class = AssessmentError

    standard_id: str = Field(min_length=1, examples=["cc-cmm-oc"])
    edition: str = Field(min_length=1, examples=["2017"])
    organisation: str = Field(min_length=1)
    assessed_on: date
    assessors: tuple[str, ...] = ()
    operating_years: OperatingYears = Field(
        default=None, ge=0, description="years the centre has operated; None when unknown"
    )
    scores: dict[str, ItemScore]

    @field_validator("edition", mode="before")
    @classmethod
    def _edition_as_text(cls, value: Any) -> Any:
        # YAML reads `edition: 2017` as an integer; an edition is a name, not a number.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    def with_scores(self, scores: dict[str, ItemScore]) -> Assessment:
        """A copy with ``scores`` replaced (validated again)."""
        return Assessment.model_validate({**self.model_dump(), "scores": scores})


def assessment_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of an assessment file, generated from
    [`Assessment`][ccmm.Assessment].

    The same schema ships as ``ccmm/standard_data/schemas/assessment.schema.json`` so that tools
    without Python can validate assessment files.
    """
    schema = Assessment.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://ccmm.readthedocs.io/schemas/assessment.schema.json",
        **schema,
    }


__all__ = ["Assessment", "ItemScore", "RatingValue", "assessment_json_schema"]


def __dir__() -> list[str]:
    return list(__all__)
