"""One series of fact values (a metric for one entity and period length): the series' labels
as sorted text categories, and each series' latest row, whose gap to its target is what the
report shows (`gap_table`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ccmm._cells import fmt

#: The columns that name one series of values (its latest value is its gap).
SERIES_COLUMNS = ("metric", "entity_level", "entity_id", "period")


def labels(s: pd.Series) -> pd.Series:
    """The column as a categorical of `fmt` texts, formatting each distinct value once.

    Categories are sorted, so sorting or grouping by the result is by text, whatever the input
    dtype (pandas or polars origin, categorical or not).
    """
    codes: np.ndarray
    if isinstance(s.dtype, pd.CategoricalDtype):
        categories = s.cat.categories
        if categories.is_monotonic_increasing and all(type(c) is str for c in categories):
            # Already its own labels (a str formats as itself, the categories are sorted).
            return s if s.cat.ordered else s.cat.as_ordered()
        codes, uniques = s.cat.codes.to_numpy(), list(categories)
    else:
        codes, found = pd.factorize(s, use_na_sentinel=True)
        uniques = list(found)
    texts = np.array([u if type(u) is str else fmt(u) for u in uniques], dtype=str)
    cats, inverse = np.unique(texts, return_inverse=True)
    new_codes = np.where(codes < 0, -1, np.append(inverse, -1)[codes])
    labels = pd.Categorical.from_codes(new_codes, list(cats), ordered=True)  # type: ignore[call-overload]
    return pd.Series(labels, index=s.index)


def gap_table(
    frame: pd.DataFrame,
    series: Mapping[str, pd.Series],
    value: np.ndarray,
    target: np.ndarray,
    direction: np.ndarray,
    favourable: np.ndarray,
) -> pd.DataFrame:
    """The latest row of each series (metric, entity level, entity id, period): ordered by the
    labels' texts, then period start and value, missing last, ties in row order."""
    start = pd.to_datetime(frame["period_start"], errors="coerce").to_numpy()
    instants = start
    if start.dtype.kind != "M":  # zoned timestamps: ordered by instant
        utc = pd.to_datetime(pd.Series(start), utc=True)
        instants = utc.dt.tz_localize(None).to_numpy()
    codes = []
    radix = 1
    for c in SERIES_COLUMNS:
        code = series[c].cat.codes.to_numpy().astype(np.int64)
        codes.append(np.where(code < 0, len(series[c].cat.categories), code))  # missing last
        radix *= len(series[c].cat.categories) + 1
    if radix < 2**62:  # one integer per series, in the order of the labels' texts
        combined = np.zeros(len(value), dtype=np.int64)
        for c, code in zip(SERIES_COLUMNS, codes, strict=True):
            combined = combined * (len(series[c].cat.categories) + 1) + code
        last = latest_of_each(combined, instants, value)
    else:
        # np.lexsort is stable and puts NaN / NaT last, as sort_values(kind="stable") does.
        order = np.lexsort((value, instants, *reversed(codes)))
        boundary = np.zeros(max(len(order) - 1, 0), dtype=bool)  # a series ends after True
        for code in codes:
            sorted_code = code[order]
            boundary |= sorted_code[1:] != sorted_code[:-1]
        last = order[np.append(boundary, True)] if len(order) else order
    latest = pd.DataFrame(
        {
            c: pd.Series(np.asarray(series[c].array[last], dtype=object), dtype=object)
            for c in SERIES_COLUMNS
        }
        | {
            "period_start": start[last],
            "value": value[last],
            "target": target[last],
            "direction": direction[last],
            "gap": value[last] - target[last],
            "favourable_gap": favourable[last],
        }
    )
    latest = latest.assign(meets=latest["favourable_gap"] >= 0)
    return latest.reset_index(drop=True)


def latest_of_each(series: np.ndarray, instants: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Position of the latest row of each series code, in code order: the latest instant
    (missing counts as latest), then the largest value (missing largest), then the last row.

    The same rows as sorting everything by (series, instant, value) and taking each series'
    last, but only the rows at their series' latest instant are sorted.
    """
    if len(series) == 0:
        return np.zeros(0, dtype=np.intp)
    moment = instants.view(np.int64).copy()
    moment[np.isnat(instants)] = np.iinfo(np.int64).max  # missing last, as np.lexsort puts NaT
    latest = pd.Series(moment).groupby(series).transform("max").to_numpy()
    candidates = np.flatnonzero(moment == latest)
    # Stable, NaN last: among equal values the later row ends up last.
    order = candidates[np.lexsort((value[candidates], series[candidates]))]
    code = series[order]
    last: np.ndarray = order[np.append(code[1:] != code[:-1], True)]
    return last


__all__ = ["SERIES_COLUMNS", "gap_table", "labels", "latest_of_each"]
