"""Several assessors: consolidate their assessments into one, and measure how well they agree.

[`consolidate`][ccmm.consolidate] merges assessments of one centre by several assessors into one
[`Assessment`][ccmm.Assessment] (per item and rating, the lower median or the minimum of the grades)
and lists the items they disagree on. `agreement` measures agreement with exact agreement,
Cohen's kappa (two raters), Fleiss' kappa and Krippendorff's alpha, either on assessments or on
any long table of scores (subject, rater, score) such as a call-monitoring calibration session.
Formulas and conventions: ``docs/agreement.md``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from ccmm._errors import AssessmentError, InputDataError, StandardMismatchError
from ccmm._model import FrozenModel
from ccmm._text import quote
from ccmm.assessment import Assessment, ItemScore
from ccmm.scoring import resolve_standard
from ccmm.standard import RATINGS, Rating, Standard

if TYPE_CHECKING:
    import pandas as pd

    from ccmm._agreement_stats import Codes

ConsolidationMethod = Literal["median", "min"]
RatingChoice = Literal["c_rate", "f_rate", "both"]
Assessments = Sequence[Assessment] | Mapping[str, Assessment]

TABLE_COLUMNS = ("subject", "rater", "score")
"""Columns of the long table `agreement` accepts: one row per score a rater gave."""


# ---- results --------------------------------------------------------------------------------
class Disagreement(FrozenModel):
    """One rating of one item on which the assessors who rated it gave different grades."""

    item_id: str
    rating: Rating
    grades: dict[str, int]
    """Assessor -> grade, for the assessors who rated the item, in the order they were given."""
    consolidated: int

    @property
    def spread(self) -> int:
        """Highest minus lowest grade given."""
        return max(self.grades.values()) - min(self.grades.values())


class PartlyRatedItem(FrozenModel):
    """An item some assessors rated and others left out (consolidated from those who rated it)."""

    item_id: str
    rated_by: tuple[str, ...]
    not_rated_by: tuple[str, ...]


class Consolidation(FrozenModel):
    """The consolidated assessment and where the assessors differ.

    ``assessors`` are the labels of the input assessments (the keys of a mapping, else each
    assessment's ``assessors`` joined with ``" & "``, else ``"assessment <n>"``).
    """

    method: ConsolidationMethod
    assessors: tuple[str, ...]
    assessment: Assessment
    disagreements: tuple[Disagreement, ...]
    """Item ratings with differing grades, in catalogue order, C-Rate before F-Rate."""
    partly_rated: tuple[PartlyRatedItem, ...]

    @property
    def disagreeing_items(self) -> tuple[str, ...]:
        """Ids of the items with at least one disagreement, in catalogue order, once each."""
        return tuple(dict.fromkeys(d.item_id for d in self.disagreements))


class CohenKappa(FrozenModel):
    """Cohen's kappa of exactly two raters, over the subjects both of them scored.

    Weights use category positions on the scale: linear ``|i - j|``, quadratic ``(i - j)²``.
    """

    raters: tuple[str, str]
    subjects: int
    unweighted: float
    linear: float
    quadratic: float


class Agreement(FrozenModel):
    """How well raters agree, by several coefficients; ``None`` with a reason when undefined.

    ``subjects`` counts the subjects in the input, ``ratings`` the scores given and ``missing``
    the rater x subject cells without a score. Each coefficient says on how many subjects it was
    computed, since each uses a different subset when scores are missing.
    """

    raters: tuple[str, ...]
    scale: tuple[float, ...]
    subjects: int
    ratings: int
    missing: int
    exact_agreement: float | None
    """Share of subjects, among those scored by two raters or more, on which all agree."""
    exact_agreement_subjects: int
    cohen_kappa: CohenKappa | None
    cohen_kappa_reason: str | None
    fleiss_kappa: float | None
    fleiss_kappa_subjects: int
    fleiss_kappa_reason: str | None
    krippendorff_alpha_ordinal: float | None
    krippendorff_alpha_interval: float | None
    krippendorff_alpha_subjects: int
    krippendorff_alpha_reason: str | None


# ---- shared input handling --------------------------------------------------------------------
def _quoted(names: Sequence[object]) -> str:
    return ", ".join(repr(n) for n in names)


def _labelled(assessments: object, *, purpose: str) -> dict[str, Assessment]:
    """Assessor label -> assessment, refusing anything but two or more distinct assessors."""
    if isinstance(assessments, Assessment):
        raise AssessmentError(
            f"{purpose} needs assessments from at least two assessors, got a single Assessment"
        )
    if isinstance(assessments, Mapping):
        pairs = list(assessments.items())
    elif isinstance(assessments, Sequence) and not isinstance(assessments, str | bytes):
        pairs = [
            (" & ".join(a.assessors) if isinstance(a, Assessment) and a.assessors else "", a)
            for a in assessments
        ]
        pairs = [(label or f"assessment {n}", a) for n, (label, a) in enumerate(pairs, start=1)]
    else:
        raise InputDataError(
            f"{purpose} needs a sequence or a mapping of Assessments, got {type(assessments)!r}"
        )
    problems = [
        f"{label!r}: expected an Assessment, got {type(a).__name__}"
        for label, a in pairs
        if not isinstance(a, Assessment)
    ]
    problems += [
        f"assessor label must be a non-empty string, got {label!r}"
        for label, _ in pairs
        if not isinstance(label, str) or not label
    ]
    if problems:
        raise InputDataError(f"{purpose}: {len(problems)} problem(s)", problems=problems)
    labels = [label for label, _ in pairs]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise AssessmentError(
            f"{purpose}: several assessments come from the same assessor(s) {_quoted(repeated)}; "
            "each must come from a different assessor (pass a mapping {name: assessment} to "
            "name them)"
        )
    if len(pairs) < 2:
        got = f"1 (from {labels[0]!r})" if labels else "none"
        raise AssessmentError(f"{purpose} needs assessments from at least two assessors, got {got}")
    return dict(pairs)


def _common_standard(
    labelled: Mapping[str, Assessment], standard: Standard | None, *, purpose: str
) -> Standard:
    """The one standard every assessment is of; every item id must belong to it."""
    editions = {label: (a.standard_id, a.edition) for label, a in labelled.items()}
    if len(set(editions.values())) > 1:
        raise StandardMismatchError(
            f"{purpose}: the assessments are of different standards or editions",
            problems=[f"{label!r}: {sid} {ed}" for label, (sid, ed) in editions.items()],
        )
    first = next(iter(labelled.values()))
    resolved = resolve_standard(first, standard)
    unknown = [
        f"{label!r}: item {item_id!r} is not in {resolved.id} {resolved.edition}"
        for label, a in labelled.items()
        for item_id in a.scores
        if not resolved.has_item(item_id)
    ]
    if unknown:
        raise AssessmentError(f"{purpose}: {len(unknown)} unknown item id(s)", problems=unknown)
    return resolved


# ---- consolidation ------------------------------------------------------------------------------
def _consolidated_grade(grades: Sequence[int], method: ConsolidationMethod) -> int:
    ordered = sorted(grades)
    if method == "min":
        return ordered[0]
    # Lower median: for an even count, the lower of the two middle grades. It is the highest
    # grade that a strict majority of the assessors gave or exceeded.
    return ordered[(len(ordered) - 1) // 2]


def _merged_notes(notes: Mapping[str, str]) -> str | None:
    """One note kept as written; different notes each prefixed with who wrote them."""
    authors: dict[str, list[str]] = {}
    for label, text in notes.items():
        authors.setdefault(text, []).append(label)
    if len(authors) <= 1:
        return next(iter(authors), None)
    return "\n".join(f"{', '.join(labels)}: {text}" for text, labels in authors.items())


def consolidate(
    assessments: Assessments,
    *,
    method: ConsolidationMethod = "median",
    standard: Standard | None = None,
) -> Consolidation:
    """Merge assessments of one centre by several assessors into one assessment.

    ``assessments`` is a sequence of [`Assessment`][ccmm.Assessment] or a mapping assessor name ->
    assessment. Per item and rating (C-Rate and F-Rate separately), the consolidated grade is

    * ``"median"``: the *lower* median of the grades given. With an odd number of assessors
      that is the median; with an even number it is the lower of the two middle grades (for
      grades 5 and 10: 5), so the grade is one a strict majority of assessors gave or exceeded;
    * ``"min"``: the lowest grade given.

    Only the assessors who rated an item count for it; items some left out are listed in
    ``partly_rated``. The consolidated assessment keeps the organisation, takes the latest
    assessment date, every assessor named, the smallest known operating years; per item, the
    union of evidence references, the notes (one text kept as written, different texts each
    prefixed with the assessors who wrote them) and the item's ``assessor`` when all agree.

    Raises [`AssessmentError`][ccmm.AssessmentError] for fewer than two assessors, one assessor
    twice, different organisations or unknown item ids,
    [`StandardMismatchError`][ccmm.StandardMismatchError] for assessments of different standards or
    editions, [`InputDataError`][ccmm.InputDataError] for a bad ``method`` or input that is not
    assessments.
    """
    if not isinstance(method, str) or method not in ("median", "min"):
        raise InputDataError(f"method must be 'median' or 'min', got {quote(method)}")
    labelled = _labelled(assessments, purpose="consolidate")
    resolved = _common_standard(labelled, standard, purpose="consolidate")
    organisations = {label: a.organisation for label, a in labelled.items()}
    if len(set(organisations.values())) > 1:
        raise AssessmentError(
            "consolidate: the assessments are of different organisations",
            problems=[f"{label!r}: {org!r}" for label, org in organisations.items()],
        )
    labels = tuple(labelled)
    scores: dict[str, ItemScore] = {}
    disagreements: list[Disagreement] = []
    partly: list[PartlyRatedItem] = []
    for item_id in resolved.item_ids:
        given = {label: a.scores[item_id] for label, a in labelled.items() if item_id in a.scores}
        if not given:
            continue
        if len(given) < len(labels):
            partly.append(
                PartlyRatedItem(
                    item_id=item_id,
                    rated_by=tuple(given),
                    not_rated_by=tuple(label for label in labels if label not in given),
                )
            )
        merged: dict[str, int] = {}
        for rating in RATINGS:
            grades = {label: int(getattr(score, rating)) for label, score in given.items()}
            merged[rating] = _consolidated_grade(list(grades.values()), method)
            if len(set(grades.values())) > 1:
                disagreements.append(
                    Disagreement(
                        item_id=item_id,
                        rating=rating,
                        grades=grades,
                        consolidated=merged[rating],
                    )
                )
        evidence = tuple(dict.fromkeys(ref for s in given.values() for ref in s.evidence))
        item_assessors = {s.assessor for s in given.values()}
        scores[item_id] = ItemScore(
            c_rate=merged["c_rate"],
            f_rate=merged["f_rate"],
            evidence=evidence,
            notes=_merged_notes({label: s.notes for label, s in given.items() if s.notes}),
            assessor=item_assessors.pop() if len(item_assessors) == 1 else None,
        )
    members = list(labelled.values())
    known_years = [a.operating_years for a in members if a.operating_years is not None]
    named = [name for a in members for name in a.assessors] or list(labels)
    consolidated = Assessment(
        standard_id=resolved.id,
        edition=resolved.edition,
        organisation=members[0].organisation,
        assessed_on=max(a.assessed_on for a in members),
        assessors=tuple(dict.fromkeys(named)),
        operating_years=min(known_years) if known_years else None,
        scores=scores,
    )
    return Consolidation(
        method=method,
        assessors=labels,
        assessment=consolidated,
        disagreements=tuple(disagreements),
        partly_rated=tuple(partly),
    )


# ---- agreement: inputs to a rater x subject matrix --------------------------------------------
class _Matrix:
    """Scores as category codes (raters x subjects, -1 where missing) on a sorted scale."""

    def __init__(self, raters: tuple[str, ...], scale: tuple[float, ...], codes: Codes) -> None:
        self.raters = raters
        self.scale = scale
        self.codes = codes


def _is_data_frame(value: object) -> bool:
    # A DataFrame can only exist if pandas was imported: do not import it just to ask.
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.DataFrame)


def _choose_raters(available: Sequence[str], wanted: Sequence[str] | None) -> tuple[str, ...]:
    if wanted is None:
        chosen = tuple(available)
    else:
        if isinstance(wanted, str):
            raise InputDataError(f"raters must be a list of rater names, got the string {wanted!r}")
        chosen = tuple(wanted)
        unknown = [r for r in chosen if r not in set(available)]
        if unknown:
            raise InputDataError(
                f"unknown rater(s) {_quoted(unknown)}; the ratings name {_quoted(available)}"
            )
        repeated = sorted({r for r in chosen if chosen.count(r) > 1})
        if repeated:
            raise InputDataError(f"raters names {_quoted(repeated)} more than once")
    if len(chosen) < 2:
        got = f"only {chosen[0]!r}" if chosen else "none"
        raise InputDataError(f"agreement needs at least two raters, got {got}")
    return chosen


def _from_assessments(
    assessments: object,
    *,
    rating: RatingChoice,
    raters: Sequence[str] | None,
    standard: Standard | None,
) -> _Matrix:
    import numpy as np

    from ccmm._agreement_stats import MISSING

    if rating not in ("c_rate", "f_rate", "both"):
        raise InputDataError(f"rating must be 'c_rate', 'f_rate' or 'both', got {rating!r}")
    labelled = _labelled(assessments, purpose="agreement")
    resolved = _common_standard(labelled, standard, purpose="agreement")
    chosen = _choose_raters(list(labelled), raters)
    kinds: tuple[Rating, ...] = RATINGS if rating == "both" else (rating,)
    grades = resolved.grades
    position = {g: i for i, g in enumerate(grades)}
    columns: list[list[int]] = []
    for item_id in resolved.item_ids:
        given = [labelled[r].scores.get(item_id) for r in chosen]
        if all(s is None for s in given):
            continue
        for kind in kinds:
            columns.append(
                [MISSING if s is None else position[int(getattr(s, kind))] for s in given]
            )
    codes = np.array(columns, dtype=np.int64).T.reshape(len(chosen), len(columns))
    return _Matrix(chosen, tuple(float(g) for g in grades), codes)


def _from_table(
    table: pd.DataFrame, *, raters: Sequence[str] | None, scale: Sequence[float] | None
) -> _Matrix:
    import numpy as np
    import pandas as pd

    from ccmm._agreement_stats import MISSING

    absent = [c for c in TABLE_COLUMNS if c not in table.columns]
    if absent:
        raise InputDataError(
            f"ratings table is missing required column(s) {_quoted(absent)}; "
            f"got columns {_quoted([str(c) for c in table.columns]) or '(none)'}"
        )
    # Positions, not index labels, locate rows internally (an index may repeat); messages show
    # the index label, which is what the user sees.
    labels = list(table.index)
    subjects = table["subject"].to_numpy(dtype=object)
    raters_given = table["rater"].to_numpy(dtype=object)
    raw = table["score"]
    problems: list[str] = []
    for name, column in (("subject", subjects), ("rater", raters_given)):
        problems += [f"row {labels[i]!r}: {name} is empty" for i in np.flatnonzero(pd.isna(column))]
    if pd.api.types.is_bool_dtype(raw.dtype):
        problems.append("column 'score' holds booleans; expected numbers on an ordinal scale")
        values = np.full(len(labels), np.nan)
    else:
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        given = raw.notna().to_numpy()
        originals = raw.to_numpy(dtype=object)
        problems += [
            f"row {labels[i]!r}: score must be a number, got {originals[i]!r}"
            for i in np.flatnonzero(np.isnan(values) & given)
        ]
        problems += [
            f"row {labels[i]!r}: score must be finite, got {originals[i]!r}"
            for i in np.flatnonzero(np.isinf(values))
        ]
    if scale is not None:
        if isinstance(scale, str) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in scale
        ):
            raise InputDataError(f"scale must be a list of finite numbers, got {scale!r}")
        steps = sorted({float(v) for v in scale})
        if len(steps) < 2:
            raise InputDataError(f"scale must hold two or more distinct numbers, got {scale!r}")
        shown = ", ".join(f"{v:g}" for v in steps)
        problems += [
            f"row {labels[i]!r}: score {values[i]:g} is not on the scale {shown} "
            f"(subject {subjects[i]!r}, rater {raters_given[i]!r})"
            for i in np.flatnonzero(np.isfinite(values) & ~np.isin(values, steps))
        ]
    first_row: dict[tuple[object, object], int] = {}
    repeats: dict[tuple[object, object], list[object]] = {}
    for i, key in enumerate(zip(subjects, raters_given, strict=True)):
        if pd.isna(key[0]) or pd.isna(key[1]):
            continue
        if key in first_row:
            repeats.setdefault(key, [labels[first_row[key]]]).append(labels[i])
        else:
            first_row[key] = i
    problems += [
        f"subject {subject!r} scored by rater {rater!r} more than once (rows {_quoted(rows)})"
        for (subject, rater), rows in repeats.items()
    ]
    names_of = np.array([str(r) for r in raters_given], dtype=object)
    if len(set(names_of)) != len(set(raters_given)):
        problems.append("two different raters have the same name once written as text")
    if problems:
        raise InputDataError(f"ratings table: {len(problems)} problem(s)", problems=problems)

    names = tuple(sorted(set(names_of)))
    chosen = _choose_raters(names, raters)
    row_of = {name: r for r, name in enumerate(chosen)}
    keep = np.array([n in row_of for n in names_of], dtype=bool)
    subject_codes, distinct = pd.factorize(pd.Series(subjects[keep], dtype=object), sort=False)
    if scale is None:
        steps = [float(v) for v in np.unique(values[keep][~np.isnan(values[keep])])]
    rows = np.array([row_of[n] for n in names_of[keep]], dtype=np.int64)
    kept = values[keep]
    scored = ~np.isnan(kept)
    codes = np.full((len(chosen), len(distinct)), MISSING, dtype=np.int64)
    codes[rows[scored], subject_codes[scored]] = np.searchsorted(
        np.array(steps, dtype=np.float64), kept[scored]
    )
    return _Matrix(chosen, tuple(steps), codes)


# ---- agreement ----------------------------------------------------------------------------------
def agreement(
    ratings: Assessments | pd.DataFrame,
    *,
    rating: RatingChoice | None = None,
    raters: Sequence[str] | None = None,
    scale: Sequence[float] | None = None,
    standard: Standard | None = None,
) -> Agreement:
    """How well raters agree: exact agreement, Cohen's kappa, Fleiss' kappa, Krippendorff's alpha.

    ``ratings`` is either

    * two or more [`Assessment`][ccmm.Assessment] (a sequence, or a mapping rater name ->
      assessment) of one standard: each item's C-Rate and F-Rate are separate subjects
      (``rating="both"``, the default), or only one of them (``rating="c_rate"`` or
      ``"f_rate"``); the scale is the standard's grades (0, 5, 10); or
    * a pandas DataFrame in long form with columns ``subject``, ``rater`` and ``score``, one row
      per score, scores numbers on any ordinal scale (an empty score is a missing rating). The
      scale is ``scale`` when given (scores off it are refused), else the distinct scores seen.

    ``raters`` restricts the computation to the raters named (in that order). Cohen's kappa is
    given only for exactly two raters; otherwise it is ``None`` and ``cohen_kappa_reason`` says
    why, and so for every coefficient that is undefined on the data.

    Raises [`InputDataError`][ccmm.InputDataError] for fewer than two raters, unknown raters,
    missing columns, scores that are not numbers or off the scale, a rater scoring a subject twice;
    [`AssessmentError`][ccmm.AssessmentError] /
    [`StandardMismatchError`][ccmm.StandardMismatchError] for one assessor only or assessments of
    different standards.
    """
    if _is_data_frame(ratings):
        if rating is not None or standard is not None:
            raise InputDataError(
                "rating= and standard= apply to assessments, not to a table of scores"
            )
        matrix = _from_table(ratings, raters=raters, scale=scale)  # type: ignore[arg-type]
    else:
        if scale is not None:
            raise InputDataError(
                "scale= applies to a table of scores; assessments use their standard's grades"
            )
        if rating is not None and not isinstance(rating, str):
            raise InputDataError(
                f"rating must be 'c_rate', 'f_rate' or 'both', got {quote(rating)}"
            )
        matrix = _from_assessments(
            ratings, rating=rating or "both", raters=raters, standard=standard
        )
    return _measure(matrix)


def _measure(matrix: _Matrix) -> Agreement:
    import numpy as np

    from ccmm._agreement_stats import (
        MISSING,
        cohen_kappa,
        exact_agreement,
        fleiss_kappa,
        krippendorff_alpha,
    )

    codes = matrix.codes
    categories = len(matrix.scale)
    scale = np.array(matrix.scale, dtype=np.float64)
    ratings = int((codes != MISSING).sum())
    share, compared = exact_agreement(codes)

    cohen: CohenKappa | None = None
    cohen_reason: str | None = None
    if len(matrix.raters) != 2:
        cohen_reason = f"Cohen's kappa needs exactly two raters, got {len(matrix.raters)}"
    else:
        kappas, both = cohen_kappa(codes[0], codes[1], categories)
        if kappas is None:
            cohen_reason = (
                "the two raters scored no subject in common"
                if both == 0
                else "both raters used a single, identical score: chance agreement is 1"
            )
        else:
            first, second = matrix.raters
            cohen = CohenKappa(
                raters=(first, second),
                subjects=both,
                unweighted=kappas["unweighted"],
                linear=kappas["linear"],
                quadratic=kappas["quadratic"],
            )

    fleiss, complete = fleiss_kappa(codes, categories)
    fleiss_reason = None
    if fleiss is None:
        fleiss_reason = (
            "no subject was scored by every rater"
            if complete == 0
            else "every score falls in one category: chance agreement is 1"
        )

    ordinal, pairable = krippendorff_alpha(codes, scale, "ordinal")
    interval, _ = krippendorff_alpha(codes, scale, "interval")
    alpha_reason = None
    if ordinal is None or interval is None:
        alpha_reason = (
            "no subject was scored by two raters or more"
            if pairable == 0
            else "the scores of subjects scored twice or more show no variation"
        )
        ordinal = interval = None

    return Agreement(
        raters=matrix.raters,
        scale=matrix.scale,
        subjects=int(codes.shape[1]),
        ratings=ratings,
        missing=int(codes.size) - ratings,
        exact_agreement=share,
        exact_agreement_subjects=compared,
        cohen_kappa=cohen,
        cohen_kappa_reason=cohen_reason,
        fleiss_kappa=fleiss,
        fleiss_kappa_subjects=complete,
        fleiss_kappa_reason=fleiss_reason,
        krippendorff_alpha_ordinal=ordinal,
        krippendorff_alpha_interval=interval,
        krippendorff_alpha_subjects=pairable,
        krippendorff_alpha_reason=alpha_reason,
    )


__all__ = [
    "TABLE_COLUMNS",
    "Agreement",
    "CohenKappa",
    "Consolidation",
    "ConsolidationMethod",
    "Disagreement",
    "PartlyRatedItem",
    "RatingChoice",
    "agreement",
    "consolidate",
]
