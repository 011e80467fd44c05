"""Hypothesis strategies for small random standards and their assessments, built once and shared.

The standards use the same data schema as the shipped CC-CMM-OC 2017 (domains, sections, scopes,
levels with share rules, ``min_total`` and operating years, clauses) and are validated by
:class:`ccmm.Standard`, so anything that works on them works on a user's standard file. They are
small (a few items) so that tests can enumerate every assessment reachable by steps.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

import ccmm

GRADES = (0, 5, 10)
RATING_NAMES = ("c_rate", "f_rate")
# Minimum shares as a standard file may write them: percentages, decimals and fractions.
SHARES = ("0", "1/4", "1/3", "50%", "0.6", "2/3", "75%", "80%", "1")


def _text(label: str) -> dict[str, str]:
    return {"en": label, "zh": label}


@st.composite
def standard_data(
    draw: st.DrawFn,
    *,
    max_items: int = 4,
    max_domains: int = 3,
    max_levels: int = 3,
    overlapping: bool = False,
) -> dict[str, Any]:
    """The data of a small standard, as a user's standard file would hold it.

    Scopes are the blocks of a random partition of the domains, sometimes with a second scope id
    naming exactly the same domains: the rules of one rating then use disjoint or identical
    scopes. With ``overlapping=True`` up to two further scopes over random sets of domains are
    added, which may overlap the others without being identical.
    """
    n_domains = draw(st.integers(1, max_domains))
    domains = [f"{k + 1}.0" for k in range(n_domains)]
    n_items = draw(st.integers(1, max_items))
    item_domains = [draw(st.sampled_from(domains)) for _ in range(n_items)]
    optional = draw(st.lists(st.sampled_from(domains), max_size=1)) if n_domains > 1 else []
    block = [draw(st.integers(0, n_domains - 1)) for _ in domains]
    scopes: list[dict[str, Any]] = [
        {
            "id": f"s{b}",
            "name": _text(f"s{b}"),
            "domains": [d for d, k in zip(domains, block, strict=True) if k == b],
        }
        for b in sorted(set(block))
    ]
    if draw(st.booleans()):
        twin = draw(st.sampled_from(scopes))
        scopes.append({**twin, "id": f"{twin['id']}-twin", "name": _text(f"{twin['id']}-twin")})
    if overlapping:
        for k, chosen in enumerate(
            draw(st.lists(st.sets(st.sampled_from(domains), min_size=1), min_size=1, max_size=2))
        ):
            scopes.append({"id": f"x{k}", "name": _text(f"x{k}"), "domains": sorted(chosen)})
    scope_ids = [s["id"] for s in scopes]
    max_total = 2 * GRADES[-1] * n_items
    levels = []
    for level in range(1, draw(st.integers(1, max_levels)) + 1):
        rules = draw(
            st.lists(
                st.tuples(
                    st.sampled_from(scope_ids),
                    st.sampled_from(RATING_NAMES),
                    st.sampled_from(SHARES),
                ),
                max_size=4,
            )
        )
        levels.append(
            {
                "level": level,
                "name": _text(f"Level {level}"),
                "summary": _text(f"Level {level} of a test standard"),
                "share_rules": [
                    {"scope": scope, "rating": rating, "minimum": share}
                    for scope, rating, share in rules
                ],
                "min_total": draw(st.integers(0, max_total)),
                "min_operating_years": draw(st.one_of(st.none(), st.sampled_from((0, 1, 2.5)))),
            }
        )
    return {
        "schema_version": 1,
        "id": "test-standard",
        "edition": "1",
        "name": _text("Test standard"),
        "rating_scale": [{"value": g, "name": _text(f"grade {g}")} for g in GRADES],
        "ratings": {"c_rate": _text("C-Rate"), "f_rate": _text("F-Rate")},
        "domains": [{"id": d, "name": _text(f"domain {d}")} for d in domains],
        "optional_domains": optional,
        "sections": [
            {"id": f"{d[0]}.1", "domain": d, "name": _text(f"section {d[0]}.1")} for d in domains
        ],
        "scopes": scopes,
        "levels": levels,
        "clauses": [
            {
                "id": str(k + 1),
                "section": f"{d[0]}.1",
                "title": _text(f"clause {k + 1}"),
                "summary": _text(f"clause {k + 1} of a test standard"),
            }
            for k, d in enumerate(item_domains)
        ],
    }


def standards(**options: Any) -> st.SearchStrategy[ccmm.Standard]:
    """Small validated standards (options as for :func:`standard_data`)."""
    return standard_data(**options).map(ccmm.Standard.model_validate)


grades = st.sampled_from(GRADES)
operating_years = st.one_of(st.none(), st.sampled_from((0.0, 1.0, 2.0, 3.0)))


@st.composite
def assessments_of(draw: st.DrawFn, standard: ccmm.Standard) -> ccmm.Assessment:
    """A valid assessment of ``standard``; items of optional domains may be left out."""
    optional = set(standard.optional_domains)
    scores = {}
    for item in standard.items:
        if item.domain in optional and draw(st.booleans()):
            continue
        scores[item.id] = ccmm.ItemScore(c_rate=draw(grades), f_rate=draw(grades))
    return ccmm.Assessment(
        standard_id=standard.id,
        edition=standard.edition,
        organisation="Random centre",
        assessed_on=date(2026, 10, 1),
        operating_years=draw(operating_years),
        scores=scores,
    )


@st.composite
def standards_with_assessments(
    draw: st.DrawFn, **options: Any
) -> tuple[ccmm.Standard, ccmm.Assessment]:
    """A small standard (options as for :func:`standard_data`) and an assessment of it."""
    standard = draw(standards(**options))
    return standard, draw(assessments_of(standard))


def ratings_of(standard: ccmm.Standard, assessment: ccmm.Assessment) -> dict[str, tuple[int, int]]:
    """``{item: (c_rate, f_rate)}`` for every item of ``standard``; items left out count 0."""
    out = {}
    for item in standard.items:
        score = assessment.scores.get(item.id)
        out[item.id] = (0, 0) if score is None else (score.c_rate, score.f_rate)
    return out
