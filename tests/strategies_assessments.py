"""Hypothesis strategies for assessments of the shipped standard, built once and shared."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from hypothesis import strategies as st

import ccmm
from ccmm.examples import load_example_assessment

STANDARD = ccmm.load_standard()
GRADES = (0, 5, 10)
OPTIONAL = set(STANDARD.optional_domains)
REQUIRED_IDS = tuple(i.id for i in STANDARD.items if i.domain not in OPTIONAL)
OPTIONAL_IDS = tuple(i.id for i in STANDARD.items if i.domain in OPTIONAL)
EXAMPLE = load_example_assessment()

years = st.one_of(st.none(), st.sampled_from((0.0, 1.5, 2.0, 3.0, 4.5, 5.0, 12.0)))
# Share of ratings at 10: from poor to perfect, so that every level (0-5) is exercised.
top_shares = st.sampled_from((0.3, 0.7, 0.85, 0.93, 0.97, 0.99, 1.0))


@st.composite
def assessments(draw: st.DrawFn, *, allow_optional_gaps: bool = True) -> ccmm.Assessment:
    """A valid assessment of CC-CMM-OC 2017; optional-domain items may be left out.

    354 ratings drawn one by one make hypothesis slow to generate and to shrink; instead a seed
    and a skew are drawn and the ratings derived from them (shrinking then works on the seed).
    """
    rng = random.Random(draw(st.integers(min_value=0, max_value=2**32 - 1)))
    p_top = draw(top_shares)

    def grade() -> int:
        return 10 if rng.random() < p_top else rng.choice((0, 5, 5))

    ids = REQUIRED_IDS
    skip_optional = allow_optional_gaps and draw(st.booleans()) and draw(st.booleans())
    if not skip_optional:
        ids = ids + OPTIONAL_IDS
    scores = {i: ccmm.ItemScore(c_rate=grade(), f_rate=grade()) for i in ids}
    return ccmm.Assessment(
        standard_id=STANDARD.id,
        edition=STANDARD.edition,
        organisation="Hypothetical centre",
        assessed_on=date(2026, 10, 1),
        assessors=["tester"],
        operating_years=draw(years),
        scores=scores,
    )


def assessment_from(scores: dict[str, tuple[int, int]], *, years: float | None) -> ccmm.Assessment:
    """An assessment from ``{item: (c_rate, f_rate)}``."""
    return ccmm.Assessment(
        standard_id=STANDARD.id,
        edition=STANDARD.edition,
        organisation="Constructed centre",
        assessed_on=date(2026, 10, 1),
        operating_years=years,
        scores={i: ccmm.ItemScore(c_rate=c, f_rate=f) for i, (c, f) in scores.items()},
    )


@st.composite
def panels_over(
    draw: st.DrawFn, items: Sequence[str], *, min_size: int = 2, max_size: int
) -> dict[str, ccmm.Assessment]:
    """Assessor name -> assessment of the example centre over ``items`` (some left out)."""
    grades = st.sampled_from(GRADES)
    size = draw(st.integers(min_value=min_size, max_value=max_size))
    panel = {}
    for n in range(size):
        rated = draw(st.lists(st.sampled_from(items), min_size=1, unique=True))
        scores = {
            i: ccmm.ItemScore(c_rate=draw(grades), f_rate=draw(grades)) for i in items if i in rated
        }
        panel[f"assessor {n}"] = EXAMPLE.model_copy(
            update={"scores": scores, "assessors": (f"assessor {n}",)}
        )
    return panel
