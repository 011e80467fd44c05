"""Typed results of [`ccmm.evidence.suggest`][] and [`ccmm.evidence.merge`][].

Offending rows are kept as small records (table, row key, message), not DataFrames, so that every
result is a frozen pydantic model that serialises to JSON.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from ccmm._model import FrozenModel
from ccmm.assessment import Assessment
from ccmm.standard import Rating

CheckStatus = Literal["pass", "fail", "not_run"]
Policy = Literal["fill-missing", "cap", "report"]
Verdict = Literal["supports", "contradicts", "cannot_judge", "unrated"]


class OffendingRow(FrozenModel):
    """One row (or group of rows) a check found at fault: where it is and what is wrong."""

    table: str
    row_key: str
    message: str


class Evidence(FrozenModel):
    """The outcome of one check: what it checked, the figures, the offending rows, its grade.

    ``status`` is ``not_run`` when the check could not run on the inputs given; ``reason`` then
    says why and ``missing`` names the inputs (``table`` or ``table.column``) it lacked.
    ``grade`` is ``None`` for a check that did not run.
    """

    check: str
    kind: str
    summary: str
    status: CheckStatus
    reason: str = ""
    missing: tuple[str, ...] = ()
    n_checked: int = Field(default=0, ge=0)
    n_offending: int = Field(default=0, ge=0)
    figures: dict[str, float | int | str] = Field(default_factory=dict)
    grading: str
    grade: int | None = None
    rows: tuple[OffendingRow, ...] = ()


class Suggestion(FrozenModel):
    """The ratings the data suggests for one item, each with the evidence behind it.

    ``c_rate`` is ``None`` when the data cannot show whether a method exists for the item.
    A rating is the lowest grade among the checks that ran for it.
    """

    item: str
    f_rate: int
    c_rate: int | None = None
    f_evidence: tuple[Evidence, ...]
    c_evidence: tuple[Evidence, ...] = ()

    def rating(self, which: Rating) -> int | None:
        """The suggested ``c_rate`` or ``f_rate``."""
        return self.f_rate if which == "f_rate" else self.c_rate

    def evidence_for(self, which: Rating) -> tuple[Evidence, ...]:
        """The evidence behind the suggested ``c_rate`` or ``f_rate``."""
        return self.f_evidence if which == "f_rate" else self.c_evidence


class NotJudged(FrozenModel):
    """An item of the mapping the data given cannot judge, and what it would need."""

    item: str
    missing: tuple[str, ...]
    reason: str


#: What a report says when ``allow_approved_adjustments`` was used.
APPROVED_ADJUSTMENTS_NOTE = (
    "Setting allow_approved_adjustments was used: values changed by hand that carry an approval "
    "reference passed 114.2."
)


class Suggestions(FrozenModel):
    """Everything [`ccmm.evidence.suggest`][] found, items in catalogue order."""

    standard_id: str
    edition: str
    as_of: date
    inputs: tuple[str, ...]
    suggestions: tuple[Suggestion, ...]
    not_judged: tuple[NotJudged, ...]
    #: True when hand edits with an approval reference were let pass 114.2 (see suggest()).
    allow_approved_adjustments: bool = False
    #: The months 127/128 were judged over when set by the caller (None: the mapping's, 3).
    attainment_window_months: int | None = None

    def get(self, item: str) -> Suggestion | None:
        """The suggestion for ``item``, or ``None`` when there is none."""
        for s in self.suggestions:
            if s.item == item:
                return s
        return None

    @property
    def items(self) -> tuple[str, ...]:
        """The ids of the items judged, in catalogue order."""
        return tuple(s.item for s in self.suggestions)

    def to_markdown(self, *, max_rows: int = 3) -> str:
        """A Markdown table: item, suggested F-Rate and C-Rate, failing checks and their rows."""

        def cell(text: object) -> str:
            return str(text).replace("|", "\\|").replace("\n", " ")

        lines = [
            f"Suggestions from data as of {self.as_of.isoformat()} "
            f"(inputs: {', '.join(self.inputs) or 'none'})",
            "",
            "| item | F-Rate | C-Rate | checks not passed (offending / checked) | rows |",
            "|---|---|---|---|---|",
        ]
        for s in self.suggestions:
            failing = [e for e in (*s.f_evidence, *s.c_evidence) if e.status == "fail"]
            seen: list[Evidence] = []
            for e in failing:
                if all(e.check != x.check for x in seen):
                    seen.append(e)
            checks = "; ".join(f"{e.check} ({e.n_offending}/{e.n_checked})" for e in seen)
            rows = [r.row_key for e in seen for r in e.rows]
            shown = "; ".join(rows[:max_rows]) + (
                f"; … {len(rows) - max_rows} more" if len(rows) > max_rows else ""
            )
            c = "–" if s.c_rate is None else str(s.c_rate)
            cells = (s.item, s.f_rate, c, checks or "—", shown or "—")
            lines.append("| " + " | ".join(cell(x) for x in cells) + " |")
        if self.allow_approved_adjustments:
            lines += ["", APPROVED_ADJUSTMENTS_NOTE]
        if self.not_judged:
            lines += ["", "Not judged:", ""]
            lines += [f"- {n.item}: {n.reason}" for n in self.not_judged]
        return "\n".join(lines) + "\n"


class RatingChange(FrozenModel):
    """One rating where the assessor and the data differ, or that the data filled.

    ``assessor`` is ``None`` when the item was unrated; ``result`` is the rating after the merge
    (``None`` when the item stays unrated). ``action`` says what the merge did: ``filled`` (an
    unrated item), ``capped`` (lowered to the data's rating) or ``none`` (listed only).
    """

    item: str
    rating: Rating
    assessor: int | None
    suggested: int
    result: int | None
    action: Literal["filled", "capped", "none"]
    evidence: tuple[Evidence, ...] = Field(min_length=1)


class ItemVerdict(FrozenModel):
    """What the data says about the assessor's ratings of one item of the mapping.

    ``supports``: every rating the data judges is at most what the data suggests;
    ``contradicts``: the assessor rated some rating above the data; ``cannot_judge``: the data
    given cannot judge the item; ``unrated``: the assessor left the item out.
    """

    item: str
    verdict: Verdict
    reason: str = ""


class NotFilled(FrozenModel):
    """An unrated item that ``fill-missing`` left unrated, and why."""

    item: str
    reason: str


class MergeResult(FrozenModel):
    """The merged assessment and everything the merge did or saw, in catalogue order."""

    policy: Policy
    before: Assessment
    assessment: Assessment
    changes: tuple[RatingChange, ...]
    disagreements: tuple[RatingChange, ...]
    verdicts: tuple[ItemVerdict, ...]
    not_filled: tuple[NotFilled, ...] = ()

    def verdict(self, item: str) -> ItemVerdict | None:
        """The verdict on ``item`` (``None`` for an item the mapping does not cover)."""
        for v in self.verdicts:
            if v.item == item:
                return v
        return None


__all__ = [
    "CheckStatus",
    "Evidence",
    "ItemVerdict",
    "MergeResult",
    "NotFilled",
    "NotJudged",
    "OffendingRow",
    "Policy",
    "RatingChange",
    "Suggestion",
    "Suggestions",
    "Verdict",
]


def __dir__() -> list[str]:
    return list(__all__)
