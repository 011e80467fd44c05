"""Vectorised evaluation of many assessments from one long table (see ``evaluate_many``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ccmm._errors import AssessmentError, IncompleteAssessmentError, InputDataError

if TYPE_CHECKING:
    from ccmm.standard import Rating, Standard

_REQUIRED = ("assessment_id", "item", "c_rate", "f_rate")
_LISTED = 20  # rows named in a message; every row is in .problems


def _rows(mask: np.ndarray, index: pd.Index) -> list[str]:
    return [str(i) for i in index[mask]]


def _fail(kind: str, rows: list[str], detail: str) -> AssessmentError:
    shown = ", ".join(rows[:_LISTED]) + (
        f" … (+{len(rows) - _LISTED} more)" if len(rows) > _LISTED else ""
    )
    return AssessmentError(
        f"scores table: {len(rows)} row(s) with {kind}: {detail}; rows {shown}",
        problems=[f"row {r}: {kind}" for r in rows],
    )


def evaluate_frame(
    frame: pd.DataFrame, standard: Standard | None, *, allow_missing: bool
) -> pd.DataFrame:
    from ccmm._loader import load_standard

    if not isinstance(frame, pd.DataFrame):
        raise InputDataError(f"evaluate_many needs a pandas DataFrame, got {type(frame).__name__}")
    absent = [c for c in _REQUIRED if c not in frame.columns]
    if absent:
        raise InputDataError(
            f"scores table is missing column(s) {absent}; got {list(map(str, frame.columns))}"
        )
    std = standard or load_standard()
    item_ids = list(std.item_ids)
    n_items = len(item_ids)
    items = frame["item"]
    # Factorise first: the hashing of row values happens once, then only the (few) distinct ids
    # are looked up in the standard. A categorical column is used as it is.
    if isinstance(items.dtype, pd.CategoricalDtype):
        row_codes = items.cat.codes.to_numpy()
        distinct = items.cat.categories
    else:
        row_codes, distinct = pd.factorize(items)
    lookup = pd.Index(item_ids).get_indexer(pd.Index(distinct).astype(str))
    codes = np.where(row_codes >= 0, np.append(lookup, -1)[row_codes], -1).astype(np.int64)
    unknown = codes < 0
    if unknown.any():
        bad = sorted(set(items[unknown].astype(str).tolist()))
        raise _fail(
            "an item id not in the standard",
            _rows(unknown, frame.index),
            f"{', '.join(map(repr, bad[:_LISTED]))} not in {std.id} {std.edition}",
        )
    grades = np.array(std.grades)
    ratings: dict[str, np.ndarray] = {}
    for column in ("c_rate", "f_rate"):
        raw = frame[column]
        if pd.api.types.is_bool_dtype(raw):
            raise _fail(f"a boolean {column}", _rows(np.ones(len(raw), bool), frame.index), "")
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad_mask = ~np.isin(values, grades)
        if bad_mask.any():
            got = ", ".join(sorted({repr(v) for v in raw[bad_mask].tolist()})[:_LISTED])
            raise _fail(
                f"{column} not one of {list(std.grades)}",
                _rows(bad_mask, frame.index),
                f"got {got}",
            )
        ratings[column] = values.astype(np.int16)
    aid_codes, aid_values = pd.factorize(frame["assessment_id"], sort=False)
    n_assess = len(aid_values)
    pair = aid_codes.astype(np.int64) * n_items + codes
    seen = np.bincount(pair, minlength=n_assess * n_items)
    if (seen > 1).any():
        dup = pd.Series(pair).duplicated().to_numpy()  # only on the error path: name the rows
        raise _fail("an (assessment_id, item) pair given twice", _rows(dup, frame.index), "")
    c = np.zeros((n_assess, n_items), dtype=np.int16)
    f = np.zeros((n_assess, n_items), dtype=np.int16)
    rated = np.zeros((n_assess, n_items), dtype=bool)
    c[aid_codes, codes] = ratings["c_rate"]
    f[aid_codes, codes] = ratings["f_rate"]
    rated[aid_codes, codes] = True
    optional = set(std.optional_domains)
    required = np.array([i.domain not in optional for i in std.items])
    holes = ~rated & required
    if holes.any() and not allow_missing:
        a_idx, i_idx = np.nonzero(holes)
        labels = [str(v) for v in aid_values]
        missing = [f"{labels[a]}:{item_ids[i]}" for a, i in zip(a_idx, i_idx, strict=True)]
        ids = sorted({labels[a] for a in a_idx})
        raise IncompleteAssessmentError(
            f"{len(ids)} assessment(s) leave required items unrated ({len(missing)} in all), "
            f"e.g. {', '.join(missing[:_LISTED])}; pass allow_missing=True to count them as 0",
            missing=missing,
        )
    years = np.full(n_assess, np.nan)
    if "operating_years" in frame.columns:
        yrs = pd.to_numeric(frame["operating_years"], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan
        )
        known = ~np.isnan(yrs)
        # Reverse order so that the first known value of each assessment is the one kept.
        years[aid_codes[known][::-1]] = yrs[known][::-1]
        conflict = known & (yrs != years[aid_codes])
        if conflict.any():
            bad_a = sorted({str(aid_values[a]) for a in aid_codes[conflict]})
            raise AssessmentError(
                f"scores table: operating_years differs within assessment(s) {', '.join(bad_a)}"
            )
    top = std.max_rating
    domain_ids = [d.id for d in std.domains]
    onehot = np.zeros((n_items, len(domain_ids)), dtype=np.int32)
    for k, item in enumerate(std.items):
        onehot[k, domain_ids.index(item.domain)] = 1
    per_domain: dict[Rating, np.ndarray] = {
        "c_rate": (c == top).astype(np.int32) @ onehot,
        "f_rate": (f == top).astype(np.int32) @ onehot,
    }
    sizes = onehot.sum(axis=0)
    out: dict[str, object] = {
        "assessment_id": aid_values,
        "level": np.zeros(n_assess, dtype=np.int64),
        "total": c.sum(axis=1, dtype=np.int64) + f.sum(axis=1, dtype=np.int64),
        "operating_years": years,
    }
    counts: dict[tuple[Rating, str], np.ndarray] = {}
    dens: dict[str, int] = {}
    for scope in std.scopes:
        cols = [domain_ids.index(d) for d in scope.domains]
        dens[scope.id] = int(sizes[cols].sum())
        for rating in ("c_rate", "f_rate"):
            counts[(rating, scope.id)] = per_domain[rating][:, cols].sum(axis=1)
    used = [(r.rating, r.scope) for lv in std.levels for r in lv.share_rules]
    for key in dict.fromkeys(used):
        rating, scope_id = key
        out[f"{rating}_count[{scope_id}]"] = counts[key]
        out[f"{rating}_share[{scope_id}]"] = (
            counts[key] / dens[scope_id] if dens[scope_id] else np.nan
        )
    reached = np.ones(n_assess, dtype=bool)
    level = np.zeros(n_assess, dtype=np.int64)
    total = out["total"]
    assert isinstance(total, np.ndarray)
    for lv in std.levels:
        holds = total >= lv.min_total
        for r in lv.share_rules:
            m = r.minimum
            holds &= counts[(r.rating, r.scope)] * m.denominator >= m.numerator * dens[r.scope]
        if lv.min_operating_years is not None:
            with np.errstate(invalid="ignore"):
                holds &= np.nan_to_num(years, nan=-np.inf) >= lv.min_operating_years
        out[f"L{lv.level}_holds"] = holds
        reached &= holds
        level[reached] = lv.level
    out["level"] = level
    return pd.DataFrame(out)
