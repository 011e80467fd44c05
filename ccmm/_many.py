"""Vectorised evaluation of many assessments from one long table (see ``evaluate_many``).

The table comes as one DataFrame (rows in any order) or as an iterable of DataFrames (chunks,
e.g. ``pd.read_csv(..., chunksize=...)``) that is streamed: each chunk is evaluated and dropped,
so peak memory is one chunk plus the result, whatever the number of assessments. An assessment's
rows may continue from one chunk into the next (the rows of the assessment on a chunk's last row
are held back for the next chunk), but must not come back after another assessment's rows have
ended a chunk.

Every value is validated by the same function as the single-assessment path: each *distinct*
rating goes through `ItemScore`'s rating validator and each distinct
``operating_years`` through `ccmm.assessment._check_operating_years`, so both paths accept
and refuse the same values; the per-row work is table look-ups.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ccmm._errors import AssessmentError, IncompleteAssessmentError, InputDataError
from ccmm._readings import READINGS, ShareReading, check_reading, counted, unit_size
from ccmm._text import quote
from ccmm.assessment import _check_operating_years, _coerce_rating

if TYPE_CHECKING:
    from ccmm.standard import Rating, Standard

_REQUIRED = ("assessment_id", "item", "c_rate", "f_rate")
_LISTED = 20  # rows named in a message; every row is in .problems


def _rows(mask: np.ndarray, index: pd.Index) -> list[str]:
    return [quote(i) for i in index[mask]]


def _fail(kind: str, rows: list[str], detail: str) -> AssessmentError:
    shown = ", ".join(rows[:_LISTED]) + (
        f" … (+{len(rows) - _LISTED} more)" if len(rows) > _LISTED else ""
    )
    return AssessmentError(
        f"scores table: {len(rows)} row(s) with {kind}{': ' + detail if detail else ''}; "
        f"rows {shown}",
        problems=[f"row {r}: {kind}" for r in rows],
    )


@dataclass(frozen=True)
class _Compiled:
    """What evaluating against one standard needs, computed once per call."""

    std: Standard

    @cached_property
    def item_ids(self) -> list[str]:
        return list(self.std.item_ids)

    @cached_property
    def onehot(self) -> np.ndarray:
        domain_ids = [d.id for d in self.std.domains]
        # float32: the count matrix product runs in BLAS and stays exact below 2**24 items.
        matrix = np.zeros((len(self.item_ids), len(domain_ids)), dtype=np.float32)
        for k, item in enumerate(self.std.items):
            matrix[k, domain_ids.index(item.domain)] = 1
        return matrix

    @cached_property
    def item_domain(self) -> np.ndarray:
        domain: np.ndarray = np.argmax(self.onehot, axis=1).astype(np.int64)
        return domain

    @cached_property
    def required(self) -> np.ndarray:
        optional = set(self.std.optional_domains)
        return np.array([i.domain not in optional for i in self.std.items])

    @cached_property
    def grade_index(self) -> np.ndarray:
        """Position of each grade value in ``std.grades`` (ratings are validated grades)."""
        index = np.zeros(self.std.max_rating + 1, dtype=np.int64)
        for k, grade in enumerate(self.std.grades):
            index[grade] = k
        return index

    @cached_property
    def scope_columns(self) -> dict[str, list[int]]:
        domain_ids = [d.id for d in self.std.domains]
        return {s.id: [domain_ids.index(d) for d in s.domains] for s in self.std.scopes}


def _check_columns(frame: object, label: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputDataError(
            f"evaluate_many needs a pandas DataFrame or an iterable of them; {label} is a "
            f"{type(frame).__name__}"
        )
    names = [str(c) for c in frame.columns]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputDataError(
            f"scores table: column(s) {', '.join(map(quote, twice))} given more than once"
        )
    absent = [c for c in _REQUIRED if c not in names]
    if absent:
        raise InputDataError(
            f"scores table is missing column(s) {absent}; got {[quote(n) for n in names]}"
        )
    return frame


def _factorize(column: pd.Series, what: str, index: pd.Index) -> tuple[np.ndarray, Any]:
    try:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
    except TypeError:  # unhashable cells: lists, dicts, sets
        mask = column.map(lambda v: isinstance(v, list | dict | set)).to_numpy(dtype=bool)
        raise _fail(f"{what} that is not a plain value", _rows(mask, index), "") from None
    return codes, uniques


def _validated(
    column: pd.Series, check: Any, *, what: str, index: pd.Index, allow_missing: bool
) -> np.ndarray:
    """``column`` through ``check`` once per distinct value; NaN where missing (if allowed)."""
    codes, uniques = _factorize(column, what, index)
    table = np.empty(len(uniques) + 1, dtype=float)
    table[-1] = np.nan
    bad: list[str] = []
    for k, value in enumerate(uniques.tolist()):
        try:
            checked = check(value)
        except ValueError:
            bad.append(quote(value))
            table[k] = np.inf  # marks the rows to name
            continue
        table[k] = np.nan if checked is None else checked
    values: np.ndarray = table[codes]
    if bad:
        raise _fail(what, _rows(np.isinf(values), index), f"got {', '.join(sorted(bad)[:_LISTED])}")
    if not allow_missing and (codes < 0).any():
        raise _fail(f"{what.split()[0]} missing", _rows(codes < 0, index), "")
    return values


def _operating_years(
    column: pd.Series, aid_codes: np.ndarray, aid_values: Any, index: pd.Index
) -> np.ndarray:
    """One value per assessment (NaN = unknown), each distinct one through the model's validator.

    Numbers are checked once per distinct per-assessment value; any other column (text, junk)
    once per distinct cell.
    """
    n_assess = len(aid_values)
    if column.dtype.kind in "fiu":
        yrs = column.to_numpy(dtype=float, na_value=np.nan)
    else:
        yrs = _validated(
            column,
            _check_operating_years,
            what="operating_years not a finite number of years >= 0",
            index=index,
            allow_missing=True,
        )
    years = np.full(n_assess, np.nan)
    known = ~np.isnan(yrs)
    # Reverse order so that the first known value of each assessment is the one kept.
    years[aid_codes[known][::-1]] = yrs[known][::-1]
    conflict = known & (yrs != years[aid_codes])
    if conflict.any():
        bad_a = sorted({quote(aid_values[a]) for a in aid_codes[conflict]})
        raise AssessmentError(
            f"scores table: operating_years differs within assessment(s) "
            f"{', '.join(bad_a[:_LISTED])}"
        )
    bad = []
    for value in np.unique(years[~np.isnan(years)]).tolist():
        try:
            _check_operating_years(value)
        except ValueError:
            bad.append(value)
    if bad:
        wrong = np.isin(yrs, bad)
        raise _fail(
            "operating_years not a finite number of years >= 0",
            _rows(wrong, index),
            f"got {', '.join(map(quote, bad[:_LISTED]))}",
        )
    return years


def _small_ints(column: pd.Series) -> np.ndarray | None:
    """``column`` as a NumPy array when it is integers in 0..1023 (the fast path), else None."""
    if column.dtype.kind not in "iu" or len(column) == 0:
        return None
    values = column.to_numpy()
    if values.min() < 0 or values.max() > 1023:
        return None
    return values


def _ratings(column: pd.Series, check: Any, *, what: str, index: pd.Index) -> np.ndarray:
    """Ratings through ``check`` once per distinct value (present values only), as int16."""
    values = _small_ints(column)
    if values is None:
        return _validated(column, check, what=what, index=index, allow_missing=False).astype(
            np.int16
        )
    present = np.flatnonzero(np.bincount(values))
    table = np.zeros(int(present[-1]) + 1, dtype=np.int16)
    bad: list[str] = []
    for value in present.tolist():
        try:
            table[value] = check(value)
        except ValueError:
            bad.append(quote(value))
    if bad:
        wrong = np.isin(values, [int(b) for b in bad])
        raise _fail(what, _rows(wrong, index), f"got {', '.join(bad[:_LISTED])}")
    out: np.ndarray = table[values]
    return out


def _assessment_codes(ids: pd.Series, index: pd.Index) -> tuple[np.ndarray, Any]:
    """(code per row, distinct ids in order of first appearance).

    Fast path: when each assessment's rows are together (the usual layout, and what a stream
    requires), codes are the running count of id changes; otherwise the ids are hashed.
    """
    values = ids.to_numpy()
    if len(values) and values.dtype.kind in "iuUO":
        try:
            change = np.empty(len(values), dtype=bool)
            change[0] = True
            np.not_equal(values[1:], values[:-1], out=change[1:])
            uniques = pd.Index(values[change])
            if uniques.is_unique and not uniques.hasnans:
                return np.cumsum(change) - 1, uniques
        except TypeError:  # ids that cannot be compared: hashed below, or refused there
            pass
    codes, uniques = _factorize(ids, "assessment_id", index)
    if (codes < 0).any():
        raise _fail("assessment_id missing (None or NaN)", _rows(codes < 0, index), "")
    return codes.astype(np.int64), uniques


def _evaluate_block(
    frame: pd.DataFrame, plan: _Compiled, *, allow_missing: bool, reading: ShareReading
) -> pd.DataFrame:
    std = plan.std
    item_ids = plan.item_ids
    n_items = len(item_ids)
    index = frame.index
    items = frame["item"]
    # Factorise first: the hashing of row values happens once, then only the (few) distinct ids
    # are looked up in the standard. A categorical column is used as it is.
    if isinstance(items.dtype, pd.CategoricalDtype):
        row_codes = items.cat.codes.to_numpy()
        distinct = items.cat.categories
    else:
        row_codes, distinct = _factorize(items, "item", index)
    lookup = pd.Index(item_ids).get_indexer(pd.Index([str(v) for v in distinct], dtype=object))
    codes = np.append(lookup, -1)[row_codes]
    unknown = codes < 0
    if unknown.any():
        bad = sorted({quote(v) for v in items[unknown].tolist()})
        raise _fail(
            "an item id not in the standard",
            _rows(unknown, index),
            f"{', '.join(bad[:_LISTED])} not in {std.id} {std.edition}",
        )
    grades = std.grades

    def rating(value: Any) -> int:
        grade: int = _coerce_rating(value)  # the validator of ItemScore
        if grade not in grades:
            raise ValueError(f"rating must be one of {list(grades)}, got {quote(value)}")
        return grade

    ratings = {
        column: _ratings(
            frame[column], rating, what=f"{column} not one of {list(grades)}", index=index
        )
        for column in ("c_rate", "f_rate")
    }
    aid_codes, aid_values = _assessment_codes(frame["assessment_id"], index)
    n_assess = len(aid_values)
    flat = aid_codes * n_items + codes
    rated = np.zeros(n_assess * n_items, dtype=bool)
    rated[flat] = True
    if int(np.count_nonzero(rated)) < len(frame):
        dup = pd.Series(flat).duplicated().to_numpy()  # only on the error path
        raise _fail("an (assessment_id, item) pair given twice", _rows(dup, index), "")
    n_required = int(plan.required.sum())
    required_rated = np.bincount(aid_codes, weights=plan.required[codes], minlength=n_assess)
    short = required_rated < n_required
    if short.any() and not allow_missing:
        holes = ~rated.reshape(n_assess, n_items) & plan.required
        a_idx, i_idx = np.nonzero(holes)
        labels = [v if isinstance(v, str) else quote(v) for v in list(aid_values)]
        missing = [f"{labels[a]}:{item_ids[i]}" for a, i in zip(a_idx, i_idx, strict=True)]
        ids = sorted({labels[a] for a in a_idx})
        raise IncompleteAssessmentError(
            f"{len(ids)} assessment(s) leave required items unrated ({len(missing)} in all), "
            f"e.g. {', '.join(missing[:_LISTED])}; pass allow_missing=True to count them as 0",
            missing=missing,
        )
    years = np.full(n_assess, np.nan)
    if "operating_years" in frame.columns:
        years = _operating_years(frame["operating_years"], aid_codes, aid_values, index)
    n_domains = plan.onehot.shape[1]
    n_grades = len(grades)
    cells = n_assess * n_domains * n_grades
    per_row_cell = (aid_codes * n_domains + plan.item_domain[codes]) * n_grades
    # One histogram per rating: rows per (assessment, domain, grade). Every reading's count and
    # the total are weighted sums of it, so all three readings cost one pass over the rows.
    hist: dict[Rating, np.ndarray] = {
        r: np.bincount(per_row_cell + plan.grade_index[ratings[r]], minlength=cells).reshape(
            n_assess, n_domains, n_grades
        )
        for r in ("c_rate", "f_rate")
    }
    grade_values = np.array(grades, dtype=np.int64)
    total = sum(h.sum(axis=1) @ grade_values for h in hist.values())
    total = np.asarray(total, dtype=np.int64).reshape(n_assess)
    out: dict[str, object] = {
        "assessment_id": aid_values,
        "level": np.zeros(n_assess, dtype=np.int64),
        "total": total,
        "operating_years": years,
    }
    sizes = plan.onehot.sum(axis=0).astype(np.int64)
    dens = {s.id: int(sizes[plan.scope_columns[s.id]].sum()) for s in std.scopes}
    used_rules = list(
        dict.fromkeys((r.rating, r.scope) for lv in std.levels for r in lv.share_rules)
    )
    levels: dict[ShareReading, np.ndarray] = {}
    for name in READINGS:
        weights = np.array([counted(name, g, std.max_rating) for g in grades], dtype=np.int64)
        per_item = unit_size(name, std.max_rating)
        counts = {
            (r, scope_id): hist[r][:, plan.scope_columns[scope_id], :].sum(axis=1) @ weights
            for r, scope_id in used_rules
        }
        holds_per_level = _levels_held(std, counts, dens, per_item, total, years)
        levels[name] = _reached(holds_per_level, std, n_assess)
        if name == reading:
            for key in used_rules:
                r, scope_id = key
                den = dens[scope_id] * per_item
                out[f"{r}_count[{scope_id}]"] = counts[key]
                out[f"{r}_share[{scope_id}]"] = counts[key] / den if den else np.nan
            for lv, holds in zip(std.levels, holds_per_level, strict=True):
                out[f"L{lv.level}_holds"] = holds
    out["level"] = levels[reading]
    for name in READINGS:
        out[f"level[{name}]"] = levels[name]
    return pd.DataFrame(out)


def _levels_held(
    std: Standard,
    counts: dict[tuple[Rating, str], np.ndarray],
    dens: dict[str, int],
    per_item: int,
    total: np.ndarray,
    years: np.ndarray,
) -> list[np.ndarray]:
    """Per level, which assessments meet that level's own rules (exact integer comparisons)."""
    held = []
    for lv in std.levels:
        holds = total >= lv.min_total
        for rule in lv.share_rules:
            m = rule.minimum
            holds &= (
                counts[(rule.rating, rule.scope)] * m.denominator
                >= m.numerator * dens[rule.scope] * per_item
            )
        if lv.min_operating_years is not None:
            with np.errstate(invalid="ignore"):
                holds &= np.nan_to_num(years, nan=-np.inf) >= lv.min_operating_years
        held.append(holds)
    return held


def _reached(held: list[np.ndarray], std: Standard, n_assess: int) -> np.ndarray:
    """The highest level reached with every level below it (0: none)."""
    reached = np.ones(n_assess, dtype=bool)
    level = np.zeros(n_assess, dtype=np.int64)
    for lv, holds in zip(std.levels, held, strict=True):
        reached &= holds
        level[reached] = lv.level
    return level


def _chunks(scores: object) -> Iterator[pd.DataFrame]:
    """The frames of ``scores``, each a block of whole assessments (held-back rows joined)."""
    if isinstance(scores, pd.DataFrame):
        yield _check_columns(scores, "scores_frame")
        return
    if isinstance(scores, str | bytes | Mapping) or not isinstance(scores, Iterable):
        raise InputDataError(
            "evaluate_many needs a pandas DataFrame or an iterable of DataFrames, got "
            f"{type(scores).__name__}"
        )
    held: pd.DataFrame | None = None  # rows of the assessment that ended the previous chunk
    for number, chunk in enumerate(scores, start=1):
        frame = _check_columns(chunk, f"chunk {number}")
        if held is not None:
            head = _run_length(frame["assessment_id"], held["assessment_id"].iloc[-1], first=True)
            if head == len(frame):
                held = pd.concat([held, frame])
                continue
            yield pd.concat([held, frame.iloc[:head]]) if head else held
            held, frame = None, frame.iloc[head:]
        if frame.empty:
            continue
        tail = _run_length(frame["assessment_id"], frame["assessment_id"].iloc[-1], first=False)
        held, frame = frame.iloc[len(frame) - tail :], frame.iloc[: len(frame) - tail]
        if not frame.empty:
            yield frame
    if held is not None:
        yield held


def _run_length(ids: pd.Series, key: Any, *, first: bool) -> int:
    """Rows equal to ``key`` at the start (``first``) or the end of ``ids``; 0 if not comparable.

    Slices, not copies: a chunk is split where its last assessment's rows begin.
    """
    try:
        if bool(pd.isna(key)):
            return 0
        same = (ids == key).to_numpy(dtype=bool)
    except (TypeError, ValueError):  # junk ids: the block is refused with its rows
        return 0
    if not first:
        same = same[::-1]
    return int(np.argmin(same)) if not same.all() else len(same)


def evaluate_frame(
    scores: pd.DataFrame | Iterable[pd.DataFrame],
    standard: Standard | None,
    *,
    allow_missing: bool,
    reading: ShareReading | None = None,
) -> pd.DataFrame:
    from ccmm._loader import load_standard

    if not isinstance(allow_missing, bool):
        raise InputDataError(f"allow_missing must be True or False, got {quote(allow_missing)}")
    plan = _Compiled(standard or load_standard())
    used = plan.std.share_reading if reading is None else check_reading(reading)
    results = [
        _evaluate_block(block, plan, allow_missing=allow_missing, reading=used)
        for block in _chunks(scores)
    ]
    if not results:  # no rows at all: no assessments, and the columns of the result
        empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in _REQUIRED})
        return _evaluate_block(empty, plan, allow_missing=allow_missing, reading=used)
    out = pd.concat(results, ignore_index=True) if len(results) > 1 else results[0]
    again = pd.Index(out["assessment_id"]).duplicated()
    if again.any():
        ids = [quote(v) for v in out["assessment_id"][again].tolist()]
        raise AssessmentError(
            f"scores table: the rows of assessment(s) {', '.join(ids[:_LISTED])} come back after "
            "other assessments' rows; in a stream of chunks, keep each assessment's rows together",
            problems=[f"assessment {i}: rows not together" for i in ids],
        )
    return out
