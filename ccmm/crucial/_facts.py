"""The cross-table CRUCIAL checks (registry, facts, analysis log), on pandas tables.

These tables hold monthly values and one row per metric, so every backend brings them to
pandas and the checks here run once for all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ccmm._cells import MISSING, fmt
from ccmm._vocabulary import category_ids
from ccmm.crucial._engine import (
    Collector,
    Table,
    as_float,
    fill,
    row_keys,
    text_missing,
    truthy,
)
from ccmm.crucial._series import SERIES_COLUMNS, gap_table, labels

#: Multiplier from numerator / denominator to a value in the unit.
UNIT_SCALE: Mapping[str, float] = {"percent": 100.0}


# --------------------------------------------------------------------------- cross-table rules


@dataclass(frozen=True)
class Registry:
    """Per-metric attributes from the registry (the first row of a duplicated metric wins)."""

    table: Table
    first: pd.DataFrame  # indexed by metric (as str)

    def attr(self, metrics: pd.Series, column: str) -> pd.Series:
        if column not in self.first.columns:
            return pd.Series(np.nan, index=metrics.index)
        mapping = self.first[column]
        return metrics.astype(object).map(lambda m: mapping.get(str(m), np.nan))


def registry_of(table: Table) -> Registry:
    frame = table.frame
    keys = frame["metric"].astype(object).map(str)
    first = frame.assign(_metric=keys).drop_duplicates("_metric", keep="first")
    return Registry(table, first.set_index("_metric"))


def _metric_lookup(
    metric: pd.Series, mapping: Mapping[str, object]
) -> tuple[np.ndarray, np.ndarray]:
    """(lookup, codes): ``mapping`` of each distinct metric (unknown -> NaN, last slot: a
    missing metric) and each row's index into it."""
    if isinstance(metric.dtype, pd.CategoricalDtype):
        uniques: Iterable[object] = metric.cat.categories
        codes = metric.cat.codes.to_numpy()
    else:
        codes, uniques = pd.factorize(metric, use_na_sentinel=True)
    lookup = np.array([*(mapping.get(str(u), np.nan) for u in uniques), np.nan], dtype=object)
    return lookup, np.where(codes < 0, len(lookup) - 1, codes)


def _map_metric(metric: pd.Series, mapping: Mapping[str, object]) -> np.ndarray:
    """Map a (possibly categorical) metric column through ``mapping``; unknown -> NaN."""
    lookup, codes = _metric_lookup(metric, mapping)
    return np.asarray(lookup[codes])


def _metric_in(metric: pd.Series, names: set[str]) -> np.ndarray:
    """True where the (possibly categorical) metric is one of ``names``; null is never in."""
    if isinstance(metric.dtype, pd.CategoricalDtype):
        cats, codes = metric.cat.categories, metric.cat.codes.to_numpy()
    else:
        codes, cats = pd.factorize(metric, use_na_sentinel=True)
    lookup = np.array([*(str(c) in names for c in cats), False], dtype=bool)
    return np.asarray(lookup[codes])


def _metric_attr(facts: Table, reg: Registry, column: str) -> np.ndarray:
    if column not in reg.first.columns:
        return np.full(len(facts.frame), np.nan, dtype=object)
    mapping = {str(k): v for k, v in reg.first[column].items() if not _isna(v)}
    return _map_metric(facts.frame["metric"], mapping)


def _metric_number(facts: Table, reg: Registry, column: str) -> np.ndarray:
    """A registry column as a number for each fact (NaN: unknown metric, missing or not a
    number), converted once per distinct metric rather than once per fact."""
    if column not in reg.first.columns:
        return np.full(len(facts.frame), np.nan)
    mapping = {str(k): v for k, v in reg.first[column].items() if not _isna(v)}
    lookup, codes = _metric_lookup(facts.frame["metric"], mapping)
    numbers = pd.to_numeric(pd.Series(lookup, dtype=object), errors="coerce")
    return np.asarray(np.asarray(numbers, dtype="float64")[codes])


@dataclass(frozen=True)
class _FactUnits:
    """Each fact's registry unit and its kind, held per distinct metric (``lookup``, ``kinds``:
    the last slot is a missing metric) with each fact's index into them (``codes``): a test of
    the unit is then made once per metric, not once per fact."""

    lookup: np.ndarray
    kinds: np.ndarray
    codes: np.ndarray

    @property
    def unit(self) -> np.ndarray:
        return np.asarray(self.lookup[self.codes])

    @property
    def kind(self) -> np.ndarray:
        return np.asarray(self.kinds[self.codes])

    def named(self, name: str) -> np.ndarray:
        """True where the fact's unit is ``name`` or of kind ``name``."""
        per_metric = (self.lookup == name) | (self.kinds == name)
        return np.asarray(per_metric[self.codes], dtype=bool)


def _fact_units(facts: Table, reg: Registry, kinds: Mapping[str, str]) -> _FactUnits:
    if "unit" in reg.first.columns:
        mapping = {str(k): v for k, v in reg.first["unit"].items() if not _isna(v)}
    else:
        mapping = {}
    lookup, codes = _metric_lookup(facts.frame["metric"], mapping)
    return _FactUnits(lookup, _kinds_of(lookup, kinds), codes)


def _isna(v: object) -> bool:
    if isinstance(v, list | tuple | np.ndarray):
        return False
    return bool(pd.isna(v))  # type: ignore[call-overload]


def registry_checks(reg: Registry, out: Collector, as_of: dt.date) -> None:
    table = reg.table
    frame = table.frame
    n = len(frame)
    metric_text = [fmt(v) for v in frame["metric"].to_numpy(dtype=object)]
    # 109.2: definition, collection process and owner are written down.
    out.run("registry_row_documented", n)
    documented = [str(c) for c in out.option("registry_row_documented", "columns")]
    for column in (c for c in documented if c in frame.columns):
        positions = np.flatnonzero(text_missing(frame[column]))
        out.add(
            "registry_row_documented",
            "registry",
            row_keys(table, positions),
            column,
            [fmt(frame[column].iloc[p]) for p in positions],
            [
                fill("registry_row_documented", metric=metric_text[p], column=column)
                for p in positions
            ],
        )
    # 110.2: one definition (hence one unit) per metric.
    out.run("metric_defined_once", n)
    keys = pd.Series(metric_text)
    dup = np.flatnonzero(keys.duplicated(keep=False).to_numpy())
    if len(dup):
        units = frame["unit"].astype(object).map(fmt)
        by_metric = {
            m: sorted(set(units.iloc[dup][keys.iloc[dup] == m])) for m in set(keys.iloc[dup])
        }
        counts = keys.iloc[dup].value_counts()
        out.add(
            "metric_defined_once",
            "registry",
            row_keys(table, dup),
            "metric",
            [metric_text[p] for p in dup],
            [
                fill(
                    "metric_defined_once",
                    metric=metric_text[p],
                    count=int(counts[metric_text[p]]),
                    units=", ".join(by_metric[metric_text[p]]),
                )
                for p in dup
            ],
        )
    # 111: a direction, so "better" and the gap's sign are defined.
    out.run("metric_has_direction", n)
    positions = np.flatnonzero(frame["direction"].isna().to_numpy())
    out.add(
        "metric_has_direction",
        "registry",
        row_keys(table, positions),
        "direction",
        [MISSING] * len(positions),
        [fill("metric_has_direction", metric=metric_text[p]) for p in positions],
    )
    # 114.3: reviewed within max_age_months (12 by default) of as_of.
    out.run("definition_reviewed", n)
    cutoff = pd.Timestamp(as_of) - pd.DateOffset(
        months=int(out.option("definition_reviewed", "max_age_months"))
    )
    reviewed = pd.to_datetime(frame["definition_reviewed_on"], errors="coerce")
    if isinstance(reviewed.dtype, pd.DatetimeTZDtype):
        reviewed = reviewed.dt.tz_localize(None)
    stale = reviewed.isna().to_numpy() | (reviewed < cutoff).to_numpy()
    positions = np.flatnonzero(stale)
    out.add(
        "definition_reviewed",
        "registry",
        row_keys(table, positions),
        "definition_reviewed_on",
        [fmt(reviewed.iloc[p]) for p in positions],
        [
            fill(
                "definition_reviewed",
                metric=metric_text[p],
                value=fmt(reviewed.iloc[p]),
                expected=cutoff.date().isoformat(),
            )
            for p in positions
        ],
    )


def _month_start(values: pd.Series) -> pd.Series:
    ts = pd.to_datetime(values, errors="coerce")
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_localize(None)
    return ts.dt.to_period("M").dt.start_time


def _month_text(start: pd.Timestamp) -> str:
    return "an undated month" if pd.isna(start) else start.strftime("%Y-%m")


def fact_checks(
    facts: Table,
    reg: Registry,
    analysis: Table | None,
    out: Collector,
    tolerance: float,
) -> pd.DataFrame:
    """Cross-table checks on the facts; returns the gap table."""
    frame = facts.frame
    n = len(frame)
    metric = frame["metric"]
    known = {str(k) for k in reg.first.index}
    registered = _metric_in(metric, known)
    # 109.1
    out.run("metric_registered", n)
    positions = np.flatnonzero(~registered)
    mtext = [fmt(v) for v in metric.iloc[positions].to_numpy(dtype=object)]
    out.add(
        "metric_registered",
        "facts",
        row_keys(facts, positions),
        "metric",
        mtext,
        [fill("metric_registered", value=m) for m in mtext],
    )
    # 110.2: one value per key; a stated unit is the registry's.
    out.run("one_value_per_key", n)
    key_cols = [c for c in facts.spec.key if c in frame.columns]
    dup_mask = frame.duplicated(key_cols, keep=False).to_numpy()
    positions = np.flatnonzero(dup_mask)
    if len(positions):
        keys = row_keys(facts, positions)
        counts = pd.Series(keys).value_counts()
        out.add(
            "one_value_per_key",
            "facts",
            keys,
            "value",
            [fmt(v) for v in frame["value"].iloc[positions].to_numpy(dtype=object)],
            [fill("one_value_per_key", count=int(counts[k])) for k in keys],
        )
    units = _fact_units(facts, reg, out.units)
    unit = units.unit
    if "unit" in frame.columns:
        out.run("fact_unit_matches_registry", n)
        stated = frame["unit"].astype(object).to_numpy()
        stated_present = ~pd.isna(stated)
        unit_known = ~pd.isna(unit)
        bad = stated_present & unit_known
        bad[bad] = stated[bad].astype(str) != unit[bad].astype(str)
        positions = np.flatnonzero(bad)
        out.add(
            "fact_unit_matches_registry",
            "facts",
            row_keys(facts, positions),
            "unit",
            [fmt(stated[p]) for p in positions],
            [
                fill(
                    "fact_unit_matches_registry",
                    metric=fmt(metric.iloc[p]),
                    expected=fmt(unit[p]),
                    value=fmt(stated[p]),
                )
                for p in positions
            ],
        )
    else:
        out.skip("fact_unit_matches_registry", "the facts have no unit column")

    # 111: every fact has a target (its own, else the registry's).
    out.run("metric_has_target", n)
    own_target = as_float(frame["target"])
    reg_target = _metric_number(facts, reg, "target")
    target = np.where(np.isnan(own_target), reg_target, own_target)
    value = as_float(frame["value"])
    no_target = np.isnan(target) & registered
    positions = np.flatnonzero(no_target)
    out.add(
        "metric_has_target",
        "facts",
        row_keys(facts, positions),
        "target",
        [MISSING] * len(positions),
        [fill("metric_has_target", metric=fmt(metric.iloc[p])) for p in positions],
    )
    direction = _metric_attr(facts, reg, "direction")
    sign = np.where(direction == "higher", 1.0, np.where(direction == "lower", -1.0, np.nan))
    favourable = (value - target) * sign

    # 112.2: each category present in every month of the span.
    out.run("category_every_month", n)
    month = _month_start(frame["period_start"])
    category = _metric_attr(facts, reg, "category")
    if month.notna().any():
        span = pd.date_range(month.min(), month.max(), freq="MS")
        # The (category, month) pairs present, found on integer codes (one per distinct value).
        cat_codes, cat_values = pd.factorize(pd.Series(category, dtype=object))
        month_codes, month_values = pd.factorize(month)
        known_pair = (cat_codes >= 0) & (month_codes >= 0)
        width = max(len(month_values), 1)
        pairs = np.unique(cat_codes[known_pair].astype(np.int64) * width + month_codes[known_pair])
        have = {(str(cat_values[p // width]), month_values[p % width]) for p in pairs.tolist()}
        missing = [(c, m) for c in category_ids() for m in span if (c, m) not in have]
        out.add(
            "category_every_month",
            "facts",
            [f"category={c}, month={m.strftime('%Y-%m')}" for c, m in missing],
            "metric",
            [MISSING] * len(missing),
            [
                fill("category_every_month", category=c, month=m.strftime("%Y-%m"))
                for c, m in missing
            ],
        )

    # The series labels, formatted once for the checks below and the gap table.
    series = {c: labels(frame[c]) for c in SERIES_COLUMNS}

    # 112.3: monthly values below target are analysed.
    monthly = (series["period"] == "month").to_numpy(dtype=bool)
    below = monthly & (favourable < 0)
    if analysis is None:
        out.skip("below_target_analysed", "no analysis log given")
    else:
        out.run("below_target_analysed", int(monthly.sum()))
        log = analysis.frame
        log_month = _month_start(log["period_start"])
        log_metric = log["metric"].astype(object).map(fmt)
        log_entity = log["entity_id"].astype(object)
        any_entity = set(
            zip(log_month[log_entity.isna()], log_metric[log_entity.isna()], strict=True)
        )
        per_entity = set(
            zip(
                log_month[log_entity.notna()],
                log_metric[log_entity.notna()],
                log_entity[log_entity.notna()].map(fmt),
                strict=True,
            )
        )
        # A fact without a period start cannot be matched to any log entry: it stays
        # unexplained, in "an undated month" (the schema names the blank cell as well).
        positions = np.flatnonzero(below)
        undated = month.isna().to_numpy()
        unexplained = [
            p
            for p in positions
            if undated[p]
            or (
                (month.iloc[p], fmt(metric.iloc[p])) not in any_entity
                and (month.iloc[p], fmt(metric.iloc[p]), fmt(frame["entity_id"].iloc[p]))
                not in per_entity
            )
        ]
        pos = np.array(unexplained, dtype=np.int64)
        out.add(
            "below_target_analysed",
            "facts",
            row_keys(facts, pos),
            "value",
            [fmt(value[p]) for p in pos],
            [
                fill(
                    "below_target_analysed",
                    metric=fmt(metric.iloc[p]),
                    # A blank period_start is column_not_null's finding; name no month here.
                    month=_month_text(month.iloc[p]),
                    value=fmt(value[p]),
                    expected=fmt(target[p]),
                )
                for p in pos
            ],
        )

    # 113: tracked metrics at agent and team/department level; a trend per entity.
    _improvable(facts, reg, registered, out, series)

    # 115.1: rates within their range.
    out.run("rate_in_range", n)
    bad = np.zeros(n, dtype=bool)
    ranges: Mapping[str, tuple[float, float]] = {
        str(u): (float(lo), float(hi))
        for u, (lo, hi) in out.option("rate_in_range", "ranges").items()
    }
    kind = units.kind
    for unit_name, (lo, hi) in ranges.items():
        # A range applies to the unit of that name and to every unit of that kind (a declared
        # ``pct`` of kind percent is a percent).
        bad |= units.named(unit_name) & ((value < lo) | (value > hi))
    positions = np.flatnonzero(bad)
    out.add(
        "rate_in_range",
        "facts",
        row_keys(facts, positions),
        "value",
        [fmt(value[p]) for p in positions],
        [
            fill(
                "rate_in_range",
                metric=fmt(metric.iloc[p]),
                unit=fmt(unit[p]),
                expected="[{}, {}]".format(*map(fmt, _range_of(ranges, unit[p], kind[p]))),
                value=fmt(value[p]),
            )
            for p in positions
        ],
    )
    # 115.2: reported ratio = numerator / denominator (times 100 for percent).
    if "numerator" in frame.columns and "denominator" in frame.columns:
        _derived(facts, units, value, out, tolerance)
    else:
        out.skip("derived_matches_components", "the facts have no numerator and denominator")

    return gap_table(frame, series, value, target, direction, favourable)


def _kinds_of(unit: np.ndarray, kinds: Mapping[str, str]) -> np.ndarray:
    """The kind of each fact's registry unit (None where the unit is unknown or missing)."""
    return np.asarray(pd.Series(unit, dtype=object).map(dict(kinds)).to_numpy(dtype=object))


def _range_of(
    ranges: Mapping[str, tuple[float, float]], unit: object, kind: object
) -> tuple[float, float]:
    """The range that applies to a unit: its own by name, else its kind's."""
    return ranges[str(unit)] if str(unit) in ranges else ranges[str(kind)]


def _improvable(
    facts: Table,
    reg: Registry,
    registered: np.ndarray,
    out: Collector,
    series_labels: Mapping[str, pd.Series],
) -> None:
    frame = facts.frame
    tracked_col = (
        reg.first["improvement_tracked"]
        if "improvement_tracked" in reg.first.columns
        else pd.Series(True, index=reg.first.index)
    )
    tracked = {str(m) for m, t in tracked_col.items() if t is True or t is np.True_}
    is_tracked = registered & _metric_in(frame["metric"], tracked)
    sub = pd.DataFrame(dict(series_labels) | {"period_start": frame["period_start"]})[is_tracked]
    # 113.1: a trend needs at least two periods per (metric, entity, period length).
    series = sub.groupby(["metric", "entity_level", "entity_id", "period"], observed=True)[
        "period_start"
    ].nunique()
    out.run("trend_available", len(series))
    short = series[series < int(out.option("trend_available", "min_periods"))]
    out.add(
        "trend_available",
        "facts",
        [
            f"metric={m}, entity_level={lvl}, entity_id={e}, period={p}"
            for (m, lvl, e, p) in short.index
        ],
        "period_start",
        [str(int(c)) for c in short.to_numpy()],
        [fill("trend_available", metric=key[0], value=int(c)) for key, c in short.items()],
    )
    pairs = sub[["metric", "entity_level"]].drop_duplicates()
    metrics = sorted({str(m) for m in pairs["metric"]})
    levels: dict[str, set[str]] = {m: set() for m in metrics}
    for m, lvl in zip(pairs["metric"].astype(str), pairs["entity_level"].astype(str), strict=True):
        levels[m].add(lvl)
    out.run("tracked_at_team_level", len(metrics))
    out.run("tracked_at_individual_level", len(metrics))
    team = {str(v) for v in out.option("tracked_at_team_level", "levels")}
    agent = {str(v) for v in out.option("tracked_at_individual_level", "levels")}
    no_team = [m for m in metrics if not levels[m] & team]
    no_agent = [m for m in metrics if not levels[m] & agent]
    for check, missing in (
        ("tracked_at_team_level", no_team),
        ("tracked_at_individual_level", no_agent),
    ):
        out.add(
            check,
            "registry",
            [f"metric={m}" for m in missing],
            "metric",
            missing,
            [fill(check, metric=m) for m in missing],
        )


def _derived(
    facts: Table, units: _FactUnits, value: np.ndarray, out: Collector, tolerance: float
) -> None:
    frame = facts.frame
    num = as_float(frame["numerator"])
    den = as_float(frame["denominator"])
    has_num, has_den = ~np.isnan(num), ~np.isnan(den)
    considered = has_num | has_den
    out.run("derived_matches_components", int(considered.sum()))
    factor = np.ones(len(frame))
    for unit_name, scale in UNIT_SCALE.items():
        factor[units.named(unit_name)] = scale
    with np.errstate(divide="ignore", invalid="ignore"):
        recomputed = factor * num / den
    both = has_num & has_den
    half = considered & ~both
    zero = both & (den == 0)
    diff = np.abs(value - recomputed)
    bound = tolerance * np.maximum(np.abs(recomputed), np.abs(value))
    # A value that is not a number is the schema's finding (110.1), not a disagreement.
    off = both & ~zero & ~np.isnan(value) & ~(diff <= bound + 1e-12)
    positions = np.flatnonzero(half | zero | off)
    problems = []
    for p in positions:
        if half[p]:
            problems.append("numerator and denominator must be given together")
        elif zero[p]:
            problems.append(f"value {fmt(value[p])} is reported but the denominator is 0")
        else:
            problems.append(
                f"value {fmt(value[p])} differs from numerator / denominator = "
                f"{fmt(recomputed[p])} by more than {tolerance:g} (relative)"
            )
    out.add(
        "derived_matches_components",
        "facts",
        row_keys(facts, positions),
        "value",
        [fmt(value[p]) for p in positions],
        [fill("derived_matches_components", problem=t) for t in problems],
    )


def adjusted_rows(facts: Table) -> pd.DataFrame:
    frame = facts.frame
    positions = np.flatnonzero(truthy(frame["manually_adjusted"]))
    cols = [*(c for c in facts.spec.key if c in frame.columns), "value", "adjustment_ref"]
    rows = frame.iloc[positions][cols].astype(object)
    out = pd.DataFrame({c: [fmt(v) for v in rows[c].to_numpy()] for c in cols}, columns=cols)
    return out.sort_values(cols, kind="stable").reset_index(drop=True)


__all__ = ["Registry", "adjusted_rows", "fact_checks", "registry_checks", "registry_of"]
