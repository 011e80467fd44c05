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
    def item_id_array(self) -> np.ndarray:
        return np.array(self.item_ids, dtype=object)

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
    def by_domain(self) -> np.ndarray:
        """Item positions ordered by domain (stable): each domain's columns become one slice."""
        order: np.ndarray = np.argsort(self.item_domain, kind="stable")
        return order

    @cached_property
    def in_domain_order(self) -> bool:
        return bool(np.array_equal(self.by_domain, np.arange(len(self.item_ids))))

    @cached_property
    def filled_domains(self) -> np.ndarray:
        """Positions of the domains that have items (an empty one has no slice)."""
        filled: np.ndarray = np.flatnonzero(self.onehot.sum(axis=0) > 0)
        return filled

    @cached_property
    def domain_starts(self) -> np.ndarray:
        """First column of each filled domain once the columns are in domain order."""
        sizes = self.onehot.sum(axis=0).astype(np.int64)
        starts: np.ndarray = (np.cumsum(sizes) - sizes)[self.filled_domains]
        return starts

    @cached_property
    def count_dtype(self) -> type[np.integer[Any]]:
        """The narrowest integer that holds the item count of any domain (``reduceat`` runs
        fastest when it sums in the input's width)."""
        largest = int(self.onehot.sum(axis=0).max(initial=0))
        return np.uint8 if largest <= 255 else np.uint16 if largest <= 65535 else np.int64

    @cached_property
    def counted_grades(self) -> list[int]:
        """Positions of the grades that some reading or the total counts (0 counts nowhere)."""
        top = self.std.max_rating
        return [
            k
            for k, g in enumerate(self.std.grades)
            if g or any(counted(name, g, top) for name in READINGS)
        ]

    def check_rating(self, value: Any) -> int:
        """A rating as `ItemScore`'s validator reads it, and one of this standard's grades."""
        grade: int = _coerce_rating(value)
        if grade not in self.std.grades:
            raise ValueError(f"rating must be one of {list(self.std.grades)}, got {quote(value)}")
        return grade

    @cached_property
    def accepted_grades(self) -> tuple[int, ...]:
        """The grades that `check_rating` accepts as integers and keeps as they are."""
        accepted = []
        for g in self.std.grades:
            try:
                if self.check_rating(int(g)) == g:
                    accepted.append(g)
            except ValueError:
                continue
        return tuple(accepted)

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


def _factorize(
    column: pd.Series, what: str, index: pd.Index, *, typed: bool = False
) -> tuple[np.ndarray, Any]:
    """(code per row, -1 where missing; one value per code in order of first appearance).

    ``typed``: values of different types are different values. Hashing makes ``1``, ``1.0``,
    ``True`` and ``Decimal(1)`` one value, but a validator accepts ``1`` and refuses ``True``:
    in a column of Python objects each (type, value) pair is checked on its own.
    """
    try:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
    except TypeError:  # unhashable cells: lists, dicts, sets
        mask = column.map(lambda v: isinstance(v, list | dict | set)).to_numpy(dtype=bool)
        raise _fail(f"{what} that is not a plain value", _rows(mask, index), "") from None
    if not typed or column.dtype != object or not len(column):
        return codes, uniques
    cells = column.to_numpy(dtype=object)
    kinds = pd.factorize(np.fromiter(map(type, cells), dtype=object, count=len(cells)))[0]
    if kinds.max() == 0:  # one type throughout
        return codes, uniques
    present = np.flatnonzero(codes >= 0)
    pairs = codes[present].astype(np.int64) * (int(kinds.max()) + 1) + kinds[present]
    typed_codes = np.full(len(cells), -1, dtype=np.int64)
    typed_codes[present], _ = pd.factorize(pairs)
    _, first = np.unique(typed_codes[present], return_index=True)
    return typed_codes, cells[present[first]]


def _validated(
    column: pd.Series, check: Any, *, what: str, index: pd.Index, allow_missing: bool
) -> np.ndarray:
    """``column`` through ``check`` once per distinct value; NaN where missing (if allowed)."""
    codes, uniques = _factorize(column, what, index, typed=True)
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


def _operating_years(column: pd.Series, who: _Assessments, index: pd.Index) -> np.ndarray:
    """One value per assessment (NaN = unknown), each distinct one through the model's validator.

    Numbers are checked once per distinct per-assessment value; any other column (text, junk)
    once per distinct cell. Known values that differ within an assessment are refused.
    """
    n_assess = len(who.ids)
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
    if who.starts is not None:  # rows together: the least and the greatest known of each run
        years = np.fmin.reduceat(yrs, who.starts)
        conflict = ~np.isnan(years) & (years != np.fmax.reduceat(yrs, who.starts))
        differs = sorted({quote(v) for v in who.ids[conflict]})
    else:
        codes = who.row_codes(len(yrs))
        years = np.full(n_assess, np.nan)
        known = ~np.isnan(yrs)
        # Reverse order so that the first known value of each assessment is the one kept.
        years[codes[known][::-1]] = yrs[known][::-1]
        wrong_rows = known & (yrs != years[codes])
        differs = sorted({quote(who.ids[a]) for a in codes[wrong_rows]})
    if differs:
        raise AssessmentError(
            f"scores table: operating_years differs within assessment(s) "
            f"{', '.join(differs[:_LISTED])}"
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


def _item_positions(items: pd.Series, plan: _Compiled, index: pd.Index) -> np.ndarray:
    """Each row's item as its position in the standard; unknown ids are refused, all named.

    Factorise first: the hashing of row values happens once, then only the (few) distinct ids
    are looked up in the standard. A categorical column is used as it is, and when its
    categories are the standard's items in the standard's order its codes are the positions.
    """
    if isinstance(items.dtype, pd.CategoricalDtype):
        row_codes = items.cat.codes.to_numpy()
        distinct = items.cat.categories
    elif _template_order(items, plan):
        return np.tile(
            np.arange(len(plan.item_ids), dtype=np.int16), len(items) // len(plan.item_ids)
        )
    else:
        row_codes, distinct = _factorize(items, "item", index, typed=True)
    lookup = pd.Index(plan.item_ids).get_indexer(pd.Index([str(v) for v in distinct], dtype=object))
    if np.array_equal(lookup, np.arange(len(lookup))):
        codes: np.ndarray = row_codes
    else:
        codes = np.append(lookup, -1)[row_codes]
    unknown = codes < 0
    if unknown.any():
        std = plan.std
        bad = sorted({quote(v) for v in items[unknown].tolist()})
        raise _fail(
            "an item id not in the standard",
            _rows(unknown, index),
            f"{', '.join(bad[:_LISTED])} not in {std.id} {std.edition}",
        )
    return codes


def _template_order(items: pd.Series, plan: _Compiled) -> bool:
    """Whether the rows list the standard's item ids (as text) in its order, once per assessment
    after another: one comparison per row instead of hashing every row's text."""
    ids = plan.item_id_array
    if not len(items) or len(items) % len(ids) or items.dtype.kind not in "OT":
        return False
    values = items.to_numpy(dtype=object)
    try:
        return bool(
            (values[: len(ids)] == ids).all() and (values.reshape(-1, len(ids)) == ids).all()
        )
    except (TypeError, ValueError):  # cells whose comparison is not a truth value: hashed later
        return False


def _rating_values(column: pd.Series, plan: _Compiled, *, what: str, index: pd.Index) -> np.ndarray:
    """The column's ratings as int8, as `ItemScore`'s validator reads them.

    A numeric column whose every value equals a grade the validator accepts (tested once per
    standard, `_Compiled.accepted_grades`) is valid as it is: the validator maps such a value to
    that grade. Any other column goes through the validator once per distinct value, which
    names the rows it refuses.
    """
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iuf":
        values = column.to_numpy()
        if sum(np.count_nonzero(values == g) for g in plan.accepted_grades) == len(values):
            return values.astype(np.int8, copy=False)
    return _ratings(column, plan.check_rating, what=what, index=index).astype(np.int8)


@dataclass(frozen=True)
class _Assessments:
    """The assessments of a block: distinct ids (order of first appearance) and where their rows
    are: ``starts`` (first row of each) when each assessment's rows are together, else a code
    per row."""

    ids: Any
    starts: np.ndarray | None
    codes: np.ndarray | None

    def row_codes(self, n_rows: int) -> np.ndarray:
        if self.codes is not None:
            return self.codes
        assert self.starts is not None
        run = np.diff(np.append(self.starts, n_rows))
        return np.repeat(np.arange(len(self.ids), dtype=np.int64), run)


def _assessments(ids: pd.Series, index: pd.Index) -> _Assessments:
    """Fast path: when each assessment's rows are together (the usual layout, and what a stream
    requires) the runs of equal ids are the assessments; otherwise the ids are hashed."""
    values = ids.to_numpy()
    if len(values) and values.dtype.kind in "iuUO":
        try:
            change = np.empty(len(values), dtype=bool)
            change[0] = True
            np.not_equal(values[1:], values[:-1], out=change[1:])
            uniques = pd.Index(values[change])
            if uniques.is_unique and not uniques.hasnans:
                return _Assessments(uniques, np.flatnonzero(change), None)
        except TypeError:  # ids that cannot be compared: hashed below, or refused there
            pass
    codes, uniques = _factorize(ids, "assessment_id", index)
    if (codes < 0).any():
        raise _fail("assessment_id missing (None or NaN)", _rows(codes < 0, index), "")
    return _Assessments(uniques, None, codes.astype(np.int64))


def _grid(
    ratings: dict[Rating, np.ndarray],
    positions: np.ndarray,
    who: _Assessments,
    n_items: int,
    index: pd.Index,
) -> dict[Rating, np.ndarray]:
    """Each rating as an (assessments x items) int8 grid in the standard's item order, -1 where
    an item is not rated; a pair given twice is refused.

    When every assessment's rows are together and list the standard's items in its order (a
    template's layout), the rating columns are that grid already; otherwise they are scattered.
    """
    n_rows, n_assess = len(positions), len(who.ids)
    if (
        who.starts is not None
        and n_rows == n_assess * n_items
        and np.array_equal(who.starts, np.arange(0, n_rows, n_items))
        and (positions.reshape(n_assess, n_items) == np.arange(n_items)).all()
    ):
        return {r: v.reshape(n_assess, n_items) for r, v in ratings.items()}
    flat = who.row_codes(n_rows) * n_items + positions
    grid: dict[Rating, np.ndarray] = {}
    for r, values in ratings.items():
        cells = np.full(n_assess * n_items, -1, dtype=np.int8)
        cells[flat] = values
        grid[r] = cells.reshape(n_assess, n_items)
    if int(np.count_nonzero(grid["c_rate"] >= 0)) < n_rows:
        dup = pd.Series(flat).duplicated().to_numpy()  # only on the error path
        raise _fail("an (assessment_id, item) pair given twice", _rows(dup, index), "")
    return grid


def _histogram(grid: np.ndarray, plan: _Compiled) -> np.ndarray:
    """Rated items per (grade, assessment, domain), from one rating's grid.

    The columns are put in domain order (a copy only for a standard whose items are not listed
    domain by domain), so that each domain is one slice summed by ``reduceat``. Grades that no
    reading and not the total count (0) are left at 0.
    """
    n_assess = grid.shape[0]
    hist = np.zeros((len(plan.std.grades), n_assess, plan.onehot.shape[1]), dtype=np.int64)
    if not n_assess or not plan.domain_starts.size:
        return hist
    if not plan.in_domain_order:
        grid = grid[:, plan.by_domain]
    for k in plan.counted_grades:
        same = grid == plan.std.grades[k]
        hist[k][:, plan.filled_domains] = np.add.reduceat(
            same.view(np.uint8), plan.domain_starts, axis=1, dtype=plan.count_dtype
        )
    return hist


def _evaluate_block(
    frame: pd.DataFrame, plan: _Compiled, *, allow_missing: bool, reading: ShareReading
) -> pd.DataFrame:
    std = plan.std
    item_ids = plan.item_ids
    n_items = len(item_ids)
    index = frame.index
    positions = _item_positions(frame["item"], plan, index)
    grades = std.grades
    ratings: dict[Rating, np.ndarray] = {
        column: _rating_values(
            frame[column], plan, what=f"{column} not one of {list(grades)}", index=index
        )
        for column in ("c_rate", "f_rate")
    }
    who = _assessments(frame["assessment_id"], index)
    aid_values = who.ids
    n_assess = len(aid_values)
    grid = _grid(ratings, positions, who, n_items, index)
    holes = (grid["c_rate"] < 0) & plan.required
    if not allow_missing and holes.any():
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
        years = _operating_years(frame["operating_years"], who, index)
    # One histogram per rating: items per (assessment, domain, grade). Every reading's count and
    # the total are weighted sums of it, so all three readings cost one pass over the grid.
    hist = {r: _histogram(g, plan) for r, g in grid.items()}
    total = np.zeros(n_assess, dtype=np.int64)
    for h in hist.values():
        for k in plan.counted_grades:
            total += grades[k] * h[k].sum(axis=1)
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
        per_item = unit_size(name, std.max_rating)
        per_domain = {
            r: sum(
                (counted(name, grades[k], std.max_rating) * h[k] for k in plan.counted_grades),
                np.zeros(h.shape[1:], dtype=np.int64),
            )
            for r, h in hist.items()
        }
        counts = {
            (r, scope_id): per_domain[r][:, plan.scope_columns[scope_id]].sum(axis=1)
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

    Slices, not copies: a chunk is split where its last assessment's rows begin. The rows are
    compared in windows growing from the end concerned, so that the cost is that of the run,
    not of the chunk.
    """
    try:
        if bool(pd.isna(key)):
            return 0
    except (TypeError, ValueError):  # junk ids: the block is refused with its rows
        return 0
    n_rows, width = len(ids), 1024
    while True:
        width = min(width, n_rows)
        window = ids.iloc[:width] if first else ids.iloc[n_rows - width :]
        try:
            same = (window == key).to_numpy(dtype=bool)
        except (TypeError, ValueError):
            return 0
        if not first:
            same = same[::-1]
        if not same.all():
            return int(np.argmin(same))
        if width == n_rows:
            return n_rows
        width *= 8


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
