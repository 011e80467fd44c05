"""What changed between two assessments of one standard: level, every rule, every rating.

Both assessments are evaluated with [`ccmm.evaluate`][] (so both must be complete, as there);
an item left out of one of them counts 0 there, as the evaluator counts it, and is also listed in
``newly_assessed`` or ``no_longer_assessed`` so that a change of coverage is never mistaken for a
silent change of ratings.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from ccmm._errors import StandardMismatchError
from ccmm._guard import checked_arguments
from ccmm._model import FrozenModel, trusted
from ccmm.assessment import Assessment
from ccmm.planning import RatingStep
from ccmm.scoring import RuleResult, evaluate, resolve_standard
from ccmm.standard import RATINGS, Rating, Standard

Movement = Literal["gained", "lost", "still met", "still unmet"]


class RatingMovement(RatingStep):
    """One rating of one item that differs between the two assessments (may span two grades)."""


class RuleMovement(FrozenModel):
    """One rule of one level before and after.

    ``change`` is the difference of the observed figures (top-grade items, points or years;
    None when the operating years are unknown on either side).
    """

    level: int
    kind: Literal["share", "total", "operating_years"]
    label: str
    before: RuleResult
    after: RuleResult
    movement: Movement
    change: int | float | None


class Comparison(FrozenModel):
    """The result of `compare`.

    ``improved`` and ``regressed`` list each changed rating once, in catalogue order with C-Rate
    before F-Rate; `improved_in` and `regressed_in` pick one rating.
    """

    standard_id: str
    edition: str
    organisation_before: str
    organisation_after: str
    assessed_on_before: date
    assessed_on_after: date
    level_before: int
    level_after: int
    level_change: int
    total_before: int
    total_after: int
    total_change: int
    rules: tuple[RuleMovement, ...]
    improved: tuple[RatingMovement, ...]
    regressed: tuple[RatingMovement, ...]
    newly_assessed: tuple[str, ...]
    no_longer_assessed: tuple[str, ...]

    def improved_in(self, rating: Rating) -> tuple[RatingMovement, ...]:
        """The improvements of one rating (``"c_rate"`` or ``"f_rate"``)."""
        return tuple(c for c in self.improved if c.rating == rating)

    def regressed_in(self, rating: Rating) -> tuple[RatingMovement, ...]:
        """The regressions of one rating (``"c_rate"`` or ``"f_rate"``)."""
        return tuple(c for c in self.regressed if c.rating == rating)

    @property
    def rules_gained(self) -> tuple[RuleMovement, ...]:
        return tuple(r for r in self.rules if r.movement == "gained")

    @property
    def rules_lost(self) -> tuple[RuleMovement, ...]:
        return tuple(r for r in self.rules if r.movement == "lost")


def _movement(before: bool, after: bool) -> Movement:
    if before == after:
        return "still met" if after else "still unmet"
    return "gained" if after else "lost"


def _change(before: RuleResult, after: RuleResult) -> int | float | None:
    if before.observed is None or after.observed is None:
        return None
    return after.observed - before.observed


@checked_arguments
def compare(
    before: Assessment, after: Assessment, *, standard: Standard | None = None
) -> Comparison:
    """Compare two assessments of the same standard edition (``standard``: default, the shipped
    one they name). Raises [`ccmm.StandardMismatchError`][] when they name different ones."""
    if (before.standard_id, before.edition) != (after.standard_id, after.edition):
        raise StandardMismatchError(
            f"cannot compare: the assessment before ({before.organisation!r}) is for "
            f"{before.standard_id} {before.edition}, the one after ({after.organisation!r}) is "
            f"for {after.standard_id} {after.edition}"
        )
    std = resolve_standard(before, standard)
    ev_before = evaluate(before, std)
    ev_after = evaluate(after, std)
    rules = tuple(
        trusted(
            RuleMovement,
            level=b.level,
            kind=b.kind,
            label=b.label,
            before=b,
            after=a,
            movement=_movement(b.holds, a.holds),
            change=_change(b, a),
        )
        for b, a in zip(ev_before.rules, ev_after.rules, strict=True)
    )
    improved: list[RatingMovement] = []
    regressed: list[RatingMovement] = []
    for item in std.items:
        old, new = before.scores.get(item.id), after.scores.get(item.id)
        for rating in RATINGS:
            was = 0 if old is None else getattr(old, rating)
            now = 0 if new is None else getattr(new, rating)
            if was == now:
                continue
            change = trusted(
                RatingMovement,
                item=item.id,
                rating=rating,
                from_rating=was,
                to_rating=now,
                domain=item.domain,
                section=item.section,
            )
            (improved if now > was else regressed).append(change)
    return trusted(
        Comparison,
        standard_id=std.id,
        edition=std.edition,
        organisation_before=before.organisation,
        organisation_after=after.organisation,
        assessed_on_before=before.assessed_on,
        assessed_on_after=after.assessed_on,
        level_before=ev_before.level,
        level_after=ev_after.level,
        level_change=ev_after.level - ev_before.level,
        total_before=ev_before.total,
        total_after=ev_after.total,
        total_change=ev_after.total - ev_before.total,
        rules=rules,
        improved=tuple(improved),
        regressed=tuple(regressed),
        newly_assessed=tuple(
            i for i in std.item_ids if i in after.scores and i not in before.scores
        ),
        no_longer_assessed=tuple(
            i for i in std.item_ids if i in before.scores and i not in after.scores
        ),
    )


__all__ = ["Comparison", "Movement", "RatingMovement", "RuleMovement", "compare"]
