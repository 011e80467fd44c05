"""merge(): combine an assessor's ratings with the data's suggestions, never raising a rating."""

from __future__ import annotations

from typing import get_args

from ccmm._errors import InputDataError, StandardMismatchError
from ccmm._loader import load_standard
from ccmm.assessment import Assessment, ItemScore
from ccmm.evidence._args import shown, type_name
from ccmm.evidence.results import (
    ItemVerdict,
    MergeResult,
    NotFilled,
    Policy,
    RatingChange,
    Suggestions,
)
from ccmm.standard import RATINGS

_AUTHOR = "ccmm.evidence"


def _note(previous: str | None, line: str) -> str:
    return line if not previous else f"{previous}\n{line}"


def merge(
    assessment: Assessment, suggestions: Suggestions, *, policy: Policy = "fill-missing"
) -> MergeResult:
    """Merge ``suggestions`` into ``assessment`` under ``policy``.

    * ``fill-missing``: items the assessor left unrated get the data's ratings, when the data
      suggests both a C-Rate and an F-Rate (otherwise they stay unrated, listed in
      ``not_filled``); rated items are left as they are.
    * ``cap``: a rating the assessor gave above the data's suggestion is lowered to it.
    * ``report``: nothing changes.

    Under every policy ``disagreements`` lists each rating where assessor and data differ (in
    either direction) with its evidence, ``changes`` each rating the merge set, and ``verdicts``
    whether the data supports, contradicts or cannot judge each item of the mapping. No rating is
    ever raised over one the assessor gave.
    """
    wrong = [
        f"{name} must be {cls.__name__}, got {type_name(value)}"
        for name, value, cls in (
            ("assessment", assessment, Assessment),
            ("suggestions", suggestions, Suggestions),
        )
        if not isinstance(value, cls)
    ]
    if wrong:
        raise InputDataError("merge() cannot use its arguments", problems=wrong)
    if not isinstance(policy, str) or policy not in get_args(Policy):
        raise InputDataError(
            f"policy must be one of {', '.join(map(repr, get_args(Policy)))}, got {shown(policy)}"
        )
    if (assessment.standard_id, assessment.edition) != (
        suggestions.standard_id,
        suggestions.edition,
    ):
        raise StandardMismatchError(
            f"the assessment is of {assessment.standard_id} {assessment.edition}, the "
            f"suggestions of {suggestions.standard_id} {suggestions.edition}"
        )
    standard = load_standard(suggestions.standard_id, suggestions.edition)
    order = {item: k for k, item in enumerate(standard.item_ids)}
    foreign = [
        i for i in (*suggestions.items, *(n.item for n in suggestions.not_judged)) if i not in order
    ]
    if foreign:
        raise InputDataError(
            f"the suggestions name items {standard.id} {standard.edition} does not have",
            problems=[f"item {shown(i)} is not in the standard" for i in foreign[:20]],
        )
    scores = dict(assessment.scores)
    changes: list[RatingChange] = []
    disagreements: list[RatingChange] = []
    verdicts: list[ItemVerdict] = []
    not_filled: list[NotFilled] = []
    judged = {s.item: s for s in suggestions.suggestions}
    unjudged = {n.item: n for n in suggestions.not_judged}
    as_of = suggestions.as_of.isoformat()
    for item in (*judged, *unjudged):
        if item in unjudged:
            verdicts.append(
                ItemVerdict(item=item, verdict="cannot_judge", reason=unjudged[item].reason)
            )
            continue
        s = judged[item]
        score = assessment.scores.get(item)
        if score is None:
            verdicts.append(ItemVerdict(item=item, verdict="unrated"))
            if policy != "fill-missing":
                continue
            if s.c_rate is None:
                not_filled.append(
                    NotFilled(item=item, reason="the data shows no C-Rate for this item")
                )
                continue
            checks = tuple(dict.fromkeys(e.check for e in (*s.c_evidence, *s.f_evidence)))
            scores[item] = ItemScore(
                c_rate=s.c_rate,
                f_rate=s.f_rate,
                evidence=checks,
                notes=f"rated from data as of {as_of} by {_AUTHOR}",
                assessor=_AUTHOR,
            )
            for which in RATINGS:
                suggested = s.rating(which)
                assert suggested is not None
                changes.append(
                    RatingChange(
                        item=item,
                        rating=which,
                        assessor=None,
                        suggested=suggested,
                        result=suggested,
                        action="filled",
                        evidence=s.evidence_for(which),
                    )
                )
            continue
        contradicted = False
        new_values: dict[str, int] = {}
        notes = score.notes
        for which in RATINGS:
            suggested = s.rating(which)
            given: int = getattr(score, which)
            if suggested is None or suggested == given:
                continue
            above = given > suggested
            contradicted |= above
            capped = policy == "cap" and above
            change = RatingChange(
                item=item,
                rating=which,
                assessor=given,
                suggested=suggested,
                result=suggested if capped else given,
                action="capped" if capped else "none",
                evidence=s.evidence_for(which),
            )
            disagreements.append(change)
            if capped:
                changes.append(change)
                new_values[which] = suggested
                failing = ", ".join(e.check for e in s.evidence_for(which) if e.grade == suggested)
                label = "C-Rate" if which == "c_rate" else "F-Rate"
                notes = _note(
                    notes,
                    f"{label} capped from {given} to {suggested} by data as of {as_of} ({failing})",
                )
        if new_values:
            refs = tuple(
                dict.fromkeys(
                    (
                        *score.evidence,
                        *(
                            e.check
                            for which in new_values
                            for e in s.evidence_for(which)  # type: ignore[arg-type]
                        ),
                    )
                )
            )
            scores[item] = ItemScore(
                **{
                    **score.model_dump(),
                    **new_values,
                    "evidence": refs,
                    "notes": notes,
                }
            )
        verdicts.append(
            ItemVerdict(item=item, verdict="contradicts" if contradicted else "supports")
        )
    merged = assessment if scores == dict(assessment.scores) else assessment.with_scores(scores)
    verdicts.sort(key=lambda v: order[v.item])
    return MergeResult(
        policy=policy,
        before=assessment,
        assessment=merged,
        changes=tuple(changes),
        disagreements=tuple(disagreements),
        verdicts=tuple(verdicts),
        not_filled=tuple(not_filled),
    )


__all__ = ["merge"]
