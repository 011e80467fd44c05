"""The KPI category and dimension vocabularies, from their one data file.

``ccmm/standard_data/kpi/catalogue.yaml`` lists the categories of clause 116 and the dimensions
each must cover; every other reader (the CRUCIAL check that each category is reported every
month, the attainment scope filter, the registry's allowed categories) takes the ids from here
rather than writing them again.
"""

from __future__ import annotations

from functools import cache

from ccmm._standard_data import read_data


@cache
def _categories() -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = read_data("kpi", "catalogue.yaml")["categories"]
    return tuple((str(c["id"]), tuple(str(d["id"]) for d in c.get("dimensions", ()))) for c in raw)


def category_ids() -> tuple[str, ...]:
    """The KPI category ids in catalogue order: customer, operations-support, financial."""
    return tuple(c for c, _ in _categories())


def dimension_ids(category: str) -> tuple[str, ...]:
    """The dimension ids of KPI ``category`` in catalogue order (KeyError for an unknown id)."""
    return dict(_categories())[category]


__all__ = ["category_ids", "dimension_ids"]
