"""The CRUCIAL engine: validate each table with its pandera schema, then run the row and
cross-table rules, and assemble a [`CrucialReport`][ccmm.crucial.CrucialReport].

pandas and polars inputs take the same path after schema validation: a polars table is validated
with its pandera.polars schema and then read column by column into pandas, so every rule is
evaluated by the same code and both backends give the same report. The one exception is a polars
interval table, the large one: `ccmm.crucial._polars` checks it in polars, from the same
predicates, and hands only its failing rows to the reporting code here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ccmm import _frames
from ccmm._cells import MISSING, as_date, fmt
from ccmm._errors import InputDataError
from ccmm._exact import EXACT_TEXT
from ccmm._frames import is_polars_frame, is_spark_frame
from ccmm._pandera import pa_errors
from ccmm._tables import TableSpec, load_table_spec, missing_columns
from ccmm._vocabulary import category_ids
from ccmm.crucial._report import (
    FAILURE_COLUMNS,
    CheckResult,
    CrucialReport,
    PrincipleResult,
    Status,
    first_per_check,
)
from ccmm.crucial._rules import (
    CHECK_BY_ID,
    CHECKS,
    PRINCIPLES,
    Principle,
    RowRule,
    _num,
    row_rules,
    text_missing,
    truthy,
)
from ccmm.crucial.schemas import (
    EXPECTED_KIND,
    _pandas_columns_schema,
    _polars_columns_schema,
    _polars_kind_ok,
    is_count_or_duration,
)

#: Multiplier from numerator / denominator to a value in the unit.
UNIT_SCALE: Mapping[str, float] = {"percent": 100.0}
#: Why a check that ran over no rows (or no series, no metrics) is ``not_checked``.
NO_ROWS = "no rows"


# ------------------------------------------------------------------------------ value formatting


# ------------------------------------------------------------------------------------- the tables


@dataclass(frozen=True)
class _Table:
    name: str
    spec: TableSpec
    original: Any
    frame: pd.DataFrame  # pandas view of the data, RangeIndex 0..n-1 = row positions
    backend: str


def option(check: str, name: str) -> Any:
    """Option ``name`` of ``check`` as ``crucial.yaml`` sets it."""
    return CHECK_BY_ID[check].options[name]


def _require(name: str, spec: TableSpec, columns: Sequence[str]) -> None:
    absent = missing_columns(columns, spec)
    if absent:
        raise InputDataError(
            f"{name} table is missing required column(s) {', '.join(map(repr, absent))}"
        )


def _quoted(text: str, limit: int = 60) -> str:
    """``text`` quoted, cut to ``limit`` characters (user values in messages stay bounded)."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def require_unique_columns(name: str, columns: Sequence[object]) -> None:
    """Raise unless every column name of table ``name`` is given once (any backend)."""
    counts = Counter(str(c) for c in columns)
    repeated = [c for c, k in counts.items() if k > 1]
    if repeated:
        raise InputDataError(
            f"{name} table has duplicated column name(s) "
            f"{', '.join(_quoted(c) for c in repeated[:10])}; each column must appear once"
        )


def _load(name: str, obj: object) -> _Table:
    spec = load_table_spec(name)
    if isinstance(obj, pd.DataFrame):
        require_unique_columns(name, list(obj.columns))
        index = obj.index
        positional = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
        frame = obj if positional else obj.set_axis(pd.RangeIndex(len(obj)), axis=0)
        backend = "pandas"
        columns = [str(c) for c in obj.columns]
    elif is_polars_frame(obj):
        columns = list(obj.columns)  # type: ignore[attr-defined]
        backend = "polars"
        frame = pd.DataFrame()
    else:
        raise InputDataError(
            f"{name} must be a pandas or polars DataFrame, got {type(obj).__name__}"
        )
    _require(name, spec, columns)
    if backend == "polars":
        frame = _frames.polars_to_pandas(obj)
    return _Table(name, spec, obj, frame, backend)


# ------------------------------------------------------------------------------------ the results


class _Collector:
    """Collects failure frames and per-check outcomes."""

    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []
        self.checked: dict[str, int] = defaultdict(int)
        self.failed: dict[str, int] = defaultdict(int)
        self.ran: set[str] = set()
        self.skipped: dict[str, str] = {}

    def run(self, check: str, n_checked: int) -> None:
        self.ran.add(check)
        self.checked[check] += n_checked

    def skip(self, check: str, reason: str) -> None:
        self.skipped.setdefault(check, reason)

    def add(
        self,
        check: str,
        table: str,
        row_keys: Sequence[str],
        column: str | Sequence[str],
        values: Sequence[str],
        messages: Sequence[str],
    ) -> None:
        n = len(row_keys)
        if n == 0:
            return
        definition = CHECK_BY_ID[check]
        self.failed[check] += n
        self.frames.append(
            pd.DataFrame(
                {
                    "principle": definition.principle,
                    "item": definition.item,
                    "check": check,
                    "table": table,
                    "row_key": list(row_keys),
                    "column": [column] * n if isinstance(column, str) else list(column),
                    "value": list(values),
                    "message": list(messages),
                },
                columns=list(FAILURE_COLUMNS),
            )
        )


def _labels(s: pd.Series) -> pd.Series:
    """The column as a categorical of `fmt` texts, formatting each distinct value once.

    Categories are sorted, so sorting or grouping by the result is by text, whatever the input
    dtype (pandas or polars origin, categorical or not).
    """
    codes: np.ndarray
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, uniques = s.cat.codes.to_numpy(), list(s.cat.categories)
    else:
        codes, found = pd.factorize(s, use_na_sentinel=True)
        uniques = list(found)
    texts = np.array([fmt(u) for u in uniques], dtype=str)
    cats, inverse = np.unique(texts, return_inverse=True)
    new_codes = np.where(codes < 0, -1, np.append(inverse, -1)[codes])
    labels = pd.Categorical.from_codes(new_codes, list(cats), ordered=True)  # type: ignore[call-overload]
    return pd.Series(labels, index=s.index)


def fmt_many(values: pd.Series | np.ndarray) -> np.ndarray:
    """`fmt` of every cell, formatting each distinct value once (an object array).

    A million failing rows usually hold a few thousand distinct values, so the failure table
    is built from array lookups rather than one Python call per row.
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if series.dtype == object:
        # Python objects hash 1, 1.0 and True alike but print differently: one by one.
        return np.array([fmt(v) for v in series.to_numpy()], dtype=object)
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), list(series.cat.categories)
    else:
        codes, found = pd.factorize(series, use_na_sentinel=True)
        uniques = list(found)
    texts = np.array([*(fmt(u) for u in uniques), MISSING], dtype=object)
    return np.asarray(texts[codes])  # code -1 (missing) reads the last slot


def _row_keys(table: _Table, positions: np.ndarray) -> list[str]:
    """``col=value, …`` over the table's key columns, for the rows at ``positions``."""
    if len(positions) == 0:
        return []
    parts = [
        f"{col}=" + fmt_many(table.frame[col].iloc[positions].reset_index(drop=True))
        for col in table.spec.key
        if col in table.frame.columns
    ]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + ", " + part
    return list(joined)


def _fill(check: str, **fields: object) -> str:
    return CHECK_BY_ID[check].template.format(**fields)


# ---------------------------------------------------------------------------- schema validation


def _schema_run(spec: TableSpec, n: int, out: _Collector) -> None:
    """Count the ``n`` rows as checked by each column check the table's spec has."""
    for check in ("column_type", "column_not_null", "column_finite"):
        out.run(check, n)
    if any(c.minimum is not None for c in spec.columns):
        out.run("column_minimum", n)
    if any(c.maximum is not None for c in spec.columns):
        out.run("column_maximum", n)
    if any(c.allowed is not None for c in spec.columns):
        out.run("column_allowed", n)
    if any(is_count_or_duration(c) for c in spec.columns):
        out.run("column_in_exact_range", n)


def _schema_cases(spec: TableSpec, original: Any, frame: pd.DataFrame) -> pd.DataFrame | None:
    """pandera's failure cases of the table's column checks (None when it passes); a polars
    table (``original``) is validated by its pandera.polars schema, ``frame`` is then unused."""
    try:
        if is_polars_frame(original):
            try:
                _polars_columns_schema(spec.name).validate(original, lazy=True)
            except pa_errors.SchemaErrors:
                raise
            except Exception as exc:
                # pandera.polars raises polars' own SchemaError when a column has the wrong type
                # and failing rows as well; report the wrong types rather than crash.
                if not type(exc).__module__.startswith("polars"):
                    raise
                return _polars_type_cases(spec, original, exc)
        else:
            # inplace: nothing is coerced, so pandera need not copy a 10-million-row frame.
            _pandas_columns_schema(spec.name).validate(frame, lazy=True, inplace=True)
        return None
    except pa_errors.SchemaErrors as exc:
        cases = exc.failure_cases
    return pd.DataFrame({c: cases[c].to_numpy() for c in cases.columns})


def _polars_type_cases(spec: TableSpec, original: Any, exc: Exception) -> pd.DataFrame:
    """``column_type`` cases for the columns of polars table ``original`` whose type is wrong."""
    wrong = [
        (c.name, str(original.schema[c.name]))
        for c in spec.columns
        if c.name in original.columns and not _polars_kind_ok(c.kind, original.schema[c.name])
    ]
    if not wrong:
        raise InputDataError(f"{spec.name} table could not be validated: {exc}") from None
    return pd.DataFrame(
        {
            "check": ["column_type"] * len(wrong),
            "column": [name for name, _ in wrong],
            "index": [None] * len(wrong),
            "failure_case": [dtype for _, dtype in wrong],
        }
    )


def _schema_failures(table: _Table, out: _Collector) -> None:
    n = len(table.frame)
    _schema_run(table.spec, n, out)
    cases = _schema_cases(table.spec, table.original, table.frame)
    if cases is not None:
        _report_schema_cases(table, n, cases, out)


def _report_schema_cases(table: _Table, n: int, cases: pd.DataFrame, out: _Collector) -> None:
    """Report pandera's failure ``cases``; their index points at rows of ``table.frame``."""
    spec = table.spec
    known = {
        "column_type",
        "column_finite",
        "column_minimum",
        "column_maximum",
        "column_allowed",
        "column_in_exact_range",
    }
    groups: dict[tuple[str, str], list[tuple[int | None, object]]] = defaultdict(list)
    for check_name, column, index, failure_case in zip(
        cases["check"], cases["column"], cases["index"], cases["failure_case"], strict=True
    ):
        raw_check = str(check_name)
        check = (
            "column_not_null"
            if raw_check == "not_nullable"
            else (raw_check if raw_check in known else "column_schema")
        )
        pos = None if index is None or pd.isna(index) else int(index)
        groups[(check, str(column))].append((pos, failure_case))
    for (check, column), cases_of in sorted(groups.items()):
        if check == "column_schema":
            out.run(check, n)
        col_spec = spec.column(column) if column in spec.column_names else None
        expected: object = ""
        if col_spec is not None:
            expected = {
                "column_type": EXPECTED_KIND[col_spec.kind],
                "column_minimum": fmt(col_spec.minimum),
                "column_maximum": fmt(col_spec.maximum),
                "column_allowed": ", ".join(col_spec.allowed or ()),
                "column_in_exact_range": EXACT_TEXT,
            }.get(check, "")
        positions = np.array(sorted({p for p, _ in cases_of if p is not None}), dtype=np.int64)
        if len(positions):
            values = [fmt(v) for v in table.frame[column].iloc[positions].to_numpy(dtype=object)]
            keys = _row_keys(table, positions)
        else:
            dtype_text = str(table.frame[column].dtype) if column in table.frame else ""
            if table.backend == "polars" and column in table.original.columns:
                dtype_text = str(table.original.schema[column])
            values = [dtype_text if check == "column_type" else fmt(cases_of[0][1])]
            keys = [""]
            if check == "column_schema":
                expected = str(cases_of[0][1])
        out.add(
            check,
            spec.name,
            keys,
            column,
            values,
            [_fill(check, column=column, value=v, expected=expected) for v in values],
        )


# ------------------------------------------------------------------------------------ row rules


def _apply_row_rule(rule: RowRule, table: _Table, out: _Collector) -> None:
    if any(c not in table.frame.columns for c in rule.columns):
        absent = [c for c in rule.columns if c not in table.frame.columns]
        out.skip(rule.check, f"{table.name} has no column {', '.join(absent)}")
        return
    frame = table.frame
    out.run(rule.check, len(frame))
    _report_row_rule(rule, table, np.flatnonzero(~rule.ok(frame)), out)


def _report_row_rule(rule: RowRule, table: _Table, positions: np.ndarray, out: _Collector) -> None:
    """Report the rows of ``table.frame`` at ``positions`` as breaking ``rule``."""
    if len(positions) == 0:
        return
    sub = table.frame.iloc[positions]
    values = fmt_many(rule.value(sub))
    expected = fmt_many(rule.expected(sub))
    filled: dict[tuple[str, str], str] = {}
    messages = []
    for pair in zip(values, expected, strict=True):
        text = filled.get(pair)
        if text is None:
            text = filled[pair] = _fill(rule.check, column=rule.column, value=pair[0],
                                        expected=pair[1])  # fmt: skip
        messages.append(text)
    out.add(rule.check, table.name, _row_keys(table, positions), rule.column, list(values),
            messages)  # fmt: skip


# --------------------------------------------------------------------------- cross-table rules


@dataclass(frozen=True)
class _Registry:
    """Per-metric attributes from the registry (the first row of a duplicated metric wins)."""

    table: _Table
    first: pd.DataFrame  # indexed by metric (as str)

    def attr(self, metrics: pd.Series, column: str) -> pd.Series:
        if column not in self.first.columns:
            return pd.Series(np.nan, index=metrics.index)
        mapping = self.first[column]
        return metrics.astype(object).map(lambda m: mapping.get(str(m), np.nan))


def _registry(table: _Table) -> _Registry:
    frame = table.frame
    keys = frame["metric"].astype(object).map(str)
    first = frame.assign(_metric=keys).drop_duplicates("_metric", keep="first")
    return _Registry(table, first.set_index("_metric"))


def _map_metric(metric: pd.Series, mapping: Mapping[str, object]) -> np.ndarray:
    """Map a (possibly categorical) metric column through ``mapping``; unknown -> NaN."""
    if isinstance(metric.dtype, pd.CategoricalDtype):
        cats = [mapping.get(str(c), np.nan) for c in metric.cat.categories]
        lookup = np.array([*cats, np.nan], dtype=object)
        return np.asarray(lookup[metric.cat.codes.to_numpy()])
    codes, uniques = pd.factorize(metric, use_na_sentinel=True)
    lookup = np.array([*(mapping.get(str(u), np.nan) for u in uniques), np.nan], dtype=object)
    return np.asarray(lookup[codes])


def _metric_in(metric: pd.Series, names: set[str]) -> np.ndarray:
    """True where the (possibly categorical) metric is one of ``names``; null is never in."""
    if isinstance(metric.dtype, pd.CategoricalDtype):
        cats, codes = metric.cat.categories, metric.cat.codes.to_numpy()
    else:
        codes, cats = pd.factorize(metric, use_na_sentinel=True)
    lookup = np.array([*(str(c) in names for c in cats), False], dtype=bool)
    return np.asarray(lookup[codes])


def _metric_attr(facts: _Table, reg: _Registry, column: str) -> np.ndarray:
    if column not in reg.first.columns:
        return np.full(len(facts.frame), np.nan, dtype=object)
    mapping = {str(k): v for k, v in reg.first[column].items() if not _isna(v)}
    return _map_metric(facts.frame["metric"], mapping)


def _isna(v: object) -> bool:
    if isinstance(v, list | tuple | np.ndarray):
        return False
    return bool(pd.isna(v))  # type: ignore[call-overload]


def _registry_checks(reg: _Registry, out: _Collector, as_of: dt.date) -> None:
    table = reg.table
    frame = table.frame
    n = len(frame)
    metric_text = [fmt(v) for v in frame["metric"].to_numpy(dtype=object)]
    # 109.2: definition, collection process and owner are written down.
    out.run("registry_row_documented", n)
    for column in ("definition", "collection_process", "owner"):
        positions = np.flatnonzero(text_missing(frame[column]))
        out.add(
            "registry_row_documented",
            "registry",
            _row_keys(table, positions),
            column,
            [fmt(frame[column].iloc[p]) for p in positions],
            [
                _fill("registry_row_documented", metric=metric_text[p], column=column)
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
            _row_keys(table, dup),
            "metric",
            [metric_text[p] for p in dup],
            [
                _fill(
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
        _row_keys(table, positions),
        "direction",
        [MISSING] * len(positions),
        [_fill("metric_has_direction", metric=metric_text[p]) for p in positions],
    )
    # 114.3: reviewed within 12 months of as_of.
    out.run("definition_reviewed", n)
    cutoff = pd.Timestamp(as_of) - pd.DateOffset(
        months=int(option("definition_reviewed", "max_age_months"))
    )
    reviewed = pd.to_datetime(frame["definition_reviewed_on"], errors="coerce")
    if isinstance(reviewed.dtype, pd.DatetimeTZDtype):
        reviewed = reviewed.dt.tz_localize(None)
    stale = reviewed.isna().to_numpy() | (reviewed < cutoff).to_numpy()
    positions = np.flatnonzero(stale)
    out.add(
        "definition_reviewed",
        "registry",
        _row_keys(table, positions),
        "definition_reviewed_on",
        [fmt(reviewed.iloc[p]) for p in positions],
        [
            _fill(
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


def _fact_checks(
    facts: _Table,
    reg: _Registry,
    analysis: _Table | None,
    out: _Collector,
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
        _row_keys(facts, positions),
        "metric",
        mtext,
        [_fill("metric_registered", value=m) for m in mtext],
    )
    # 110.2: one value per key; a stated unit is the registry's.
    out.run("one_value_per_key", n)
    key_cols = [c for c in facts.spec.key if c in frame.columns]
    dup_mask = frame.duplicated(key_cols, keep=False).to_numpy()
    positions = np.flatnonzero(dup_mask)
    if len(positions):
        keys = _row_keys(facts, positions)
        counts = pd.Series(keys).value_counts()
        out.add(
            "one_value_per_key",
            "facts",
            keys,
            "value",
            [fmt(v) for v in frame["value"].iloc[positions].to_numpy(dtype=object)],
            [_fill("one_value_per_key", count=int(counts[k])) for k in keys],
        )
    unit = _metric_attr(facts, reg, "unit")
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
            _row_keys(facts, positions),
            "unit",
            [fmt(stated[p]) for p in positions],
            [
                _fill(
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
    own_target = _num(frame["target"])
    reg_target = np.asarray(
        pd.to_numeric(pd.Series(_metric_attr(facts, reg, "target")), errors="coerce"),
        dtype="float64",
    )
    target = np.where(np.isnan(own_target), reg_target, own_target)
    value = _num(frame["value"])
    no_target = np.isnan(target) & registered
    positions = np.flatnonzero(no_target)
    out.add(
        "metric_has_target",
        "facts",
        _row_keys(facts, positions),
        "target",
        [MISSING] * len(positions),
        [_fill("metric_has_target", metric=fmt(metric.iloc[p])) for p in positions],
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
        present = pd.DataFrame({"category": category, "month": month}).dropna().drop_duplicates()
        have = set(zip(present["category"].astype(str), present["month"], strict=True))
        missing = [(c, m) for c in category_ids() for m in span if (c, m) not in have]
        out.add(
            "category_every_month",
            "facts",
            [f"category={c}, month={m.strftime('%Y-%m')}" for c, m in missing],
            "metric",
            [MISSING] * len(missing),
            [
                _fill("category_every_month", category=c, month=m.strftime("%Y-%m"))
                for c, m in missing
            ],
        )

    # 112.3: monthly values below target are analysed.
    monthly = (frame["period"].astype(object) == "month").to_numpy()
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
            _row_keys(facts, pos),
            "value",
            [fmt(value[p]) for p in pos],
            [
                _fill(
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
    _improvable(facts, reg, registered, out)

    # 115.1: rates within their range.
    out.run("rate_in_range", n)
    bad = np.zeros(n, dtype=bool)
    ranges: Mapping[str, tuple[float, float]] = {
        str(u): (float(lo), float(hi)) for u, (lo, hi) in option("rate_in_range", "ranges").items()
    }
    for unit_name, (lo, hi) in ranges.items():
        is_unit = unit == unit_name
        bad |= is_unit & ((value < lo) | (value > hi))
    positions = np.flatnonzero(bad)
    out.add(
        "rate_in_range",
        "facts",
        _row_keys(facts, positions),
        "value",
        [fmt(value[p]) for p in positions],
        [
            _fill(
                "rate_in_range",
                metric=fmt(metric.iloc[p]),
                unit=fmt(unit[p]),
                expected="[{}, {}]".format(*map(fmt, ranges[str(unit[p])])),
                value=fmt(value[p]),
            )
            for p in positions
        ],
    )
    # 115.2: reported ratio = numerator / denominator (times 100 for percent).
    if "numerator" in frame.columns and "denominator" in frame.columns:
        _derived(facts, unit, value, out, tolerance)
    else:
        out.skip("derived_matches_components", "the facts have no numerator and denominator")

    return _gaps(frame, metric, value, target, direction, favourable)


def _improvable(facts: _Table, reg: _Registry, registered: np.ndarray, out: _Collector) -> None:
    frame = facts.frame
    tracked_col = (
        reg.first["improvement_tracked"]
        if "improvement_tracked" in reg.first.columns
        else pd.Series(True, index=reg.first.index)
    )
    tracked = {str(m) for m, t in tracked_col.items() if t is True or t is np.True_}
    is_tracked = registered & _metric_in(frame["metric"], tracked)
    sub = pd.DataFrame(
        {c: _labels(frame[c]) for c in ("metric", "entity_level", "entity_id", "period")}
        | {"period_start": frame["period_start"]}
    )[is_tracked]
    # 113.1: a trend needs at least two periods per (metric, entity, period length).
    series = sub.groupby(["metric", "entity_level", "entity_id", "period"], observed=True)[
        "period_start"
    ].nunique()
    out.run("trend_available", len(series))
    short = series[series < int(option("trend_available", "min_periods"))]
    out.add(
        "trend_available",
        "facts",
        [
            f"metric={m}, entity_level={lvl}, entity_id={e}, period={p}"
            for (m, lvl, e, p) in short.index
        ],
        "period_start",
        [str(int(c)) for c in short.to_numpy()],
        [_fill("trend_available", metric=key[0], value=int(c)) for key, c in short.items()],
    )
    pairs = sub[["metric", "entity_level"]].drop_duplicates()
    metrics = sorted({str(m) for m in pairs["metric"]})
    levels: dict[str, set[str]] = {m: set() for m in metrics}
    for m, lvl in zip(pairs["metric"].astype(str), pairs["entity_level"].astype(str), strict=True):
        levels[m].add(lvl)
    out.run("tracked_at_team_level", len(metrics))
    out.run("tracked_at_individual_level", len(metrics))
    team = {str(v) for v in option("tracked_at_team_level", "levels")}
    agent = {str(v) for v in option("tracked_at_individual_level", "levels")}
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
            [_fill(check, metric=m) for m in missing],
        )


def _derived(
    facts: _Table, unit: np.ndarray, value: np.ndarray, out: _Collector, tolerance: float
) -> None:
    frame = facts.frame
    num = _num(frame["numerator"])
    den = _num(frame["denominator"])
    has_num, has_den = ~np.isnan(num), ~np.isnan(den)
    considered = has_num | has_den
    out.run("derived_matches_components", int(considered.sum()))
    factor = np.ones(len(frame))
    for unit_name, scale in UNIT_SCALE.items():
        factor[unit == unit_name] = scale
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
        _row_keys(facts, positions),
        "value",
        [fmt(value[p]) for p in positions],
        [_fill("derived_matches_components", problem=t) for t in problems],
    )


def _gaps(
    frame: pd.DataFrame,
    metric: pd.Series,
    value: np.ndarray,
    target: np.ndarray,
    direction: np.ndarray,
    favourable: np.ndarray,
) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "metric": _labels(metric).array,
            "entity_level": _labels(frame["entity_level"]).array,
            "entity_id": _labels(frame["entity_id"]).array,
            "period": _labels(frame["period"]).array,
            "period_start": pd.to_datetime(frame["period_start"], errors="coerce").to_numpy(),
            "value": value,
            "target": target,
            "direction": direction,
            "gap": value - target,
            "favourable_gap": favourable,
        }
    )
    table = table.sort_values(
        ["metric", "entity_level", "entity_id", "period", "period_start", "value"], kind="stable"
    )
    latest = table.drop_duplicates(["metric", "entity_level", "entity_id", "period"], keep="last")
    latest = latest.assign(meets=latest["favourable_gap"] >= 0)
    for c in ("metric", "entity_level", "entity_id", "period"):
        latest[c] = latest[c].astype(object)
    return latest.reset_index(drop=True)


def _interval_grid(table: _Table, out: _Collector) -> None:
    frame = table.frame
    start = frame["interval_start"]
    if not isinstance(start.dtype, pd.DatetimeTZDtype):
        out.skip("interval_grid", "interval_start is not time-zone aware")
        return
    out.run("interval_grid", len(frame))
    # Compare in UTC: a daylight-saving change shifts local clocks, not the run of intervals.
    ns = start.dt.tz_convert("UTC").array.as_unit("ns").asi8
    minutes = _num(frame["interval_minutes"])
    q_codes = _codes(frame["queue"])
    c_codes = _codes(frame["channel"])
    group = q_codes * (int(c_codes.max(initial=0)) + 2) + c_codes
    valid = ~start.isna().to_numpy() & ~np.isnan(minutes)
    idx = np.flatnonzero(valid)
    order = idx[_group_time_order(group[idx], ns[idx])]
    s = ns[order]
    end = s + (minutes[order] * 60e9).astype(np.int64)
    same = group[order][1:] == group[order][:-1]
    gap = same & (s[1:] > end[:-1])
    overlap = same & (s[1:] < end[:-1])
    bad = np.flatnonzero(gap | overlap)
    _report_grid(table, order[bad], order[bad + 1], end[bad], s[bad + 1], out)


def _group_time_order(group: np.ndarray, ns: np.ndarray) -> np.ndarray:
    """Positions that order rows by (group, start), stably: ``np.lexsort((ns, group))``.

    ACD exports are usually time-major (all queues of one interval, then the next interval) or
    already grouped by queue; both are recognised in one linear pass, and a time-major table
    then needs only a stable sort of the small group codes (a radix sort for 16-bit codes)
    instead of a two-key comparison sort of millions of rows. Same order in every case.
    """
    if len(group) < 2:
        return np.arange(len(group))
    d_group = np.diff(group)
    d_time = np.diff(ns)
    if ((d_group > 0) | ((d_group == 0) & (d_time >= 0))).all():
        return np.arange(len(group))  # already in (group, start) order
    if (d_time >= 0).all():
        small = group.astype(np.int16) if group.max() < 2**15 else group
        return np.argsort(small, kind="stable")
    return np.lexsort((ns, group))


def _report_grid(
    table: _Table,
    earlier: np.ndarray,
    later: np.ndarray,
    earlier_end_ns: np.ndarray,
    later_start_ns: np.ndarray,
    out: _Collector,
) -> None:
    """Report each pair of consecutive intervals (rows ``earlier[k]``, ``later[k]`` of
    ``table.frame``) that leave a gap or overlap; the instants are UTC nanoseconds."""
    if len(later) == 0:
        return
    start = table.frame["interval_start"]
    problems = []
    for e, p, end_ns, start_ns in zip(earlier, later, earlier_end_ns, later_start_ns, strict=True):
        prev_end = pd.Timestamp(int(end_ns), tz="UTC").tz_convert(start.dt.tz)
        missing = (int(start_ns) - int(end_ns)) / 60e9
        problems.append(
            grid_problem(bool(start_ns > end_ns), start.iloc[e], prev_end, start.iloc[p], missing)
        )
    out.add(
        "interval_grid",
        "intervals",
        _row_keys(table, later),
        "interval_start",
        [fmt(start.iloc[p]) for p in later],
        [_fill("interval_grid", problem=t) for t in problems],
    )


def grid_problem(
    gap: bool,
    earlier_start: pd.Timestamp,
    earlier_end: pd.Timestamp,
    this_start: pd.Timestamp,
    missing_minutes: float,
) -> str:
    """What is wrong between two consecutive intervals of a queue (any backend)."""
    if gap:
        return (
            f"{fmt(missing_minutes)} minute(s) missing between {earlier_end.isoformat()} and "
            f"{this_start.isoformat()}"
        )
    return (
        f"interval starting {this_start.isoformat()} overlaps the one starting "
        f"{earlier_start.isoformat()} (ends {earlier_end.isoformat()})"
    )


def _codes(s: pd.Series) -> np.ndarray:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return np.asarray(s.cat.codes.to_numpy(), dtype=np.int64)
    codes, _ = pd.factorize(s, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64)


def _adjusted_rows(facts: _Table) -> pd.DataFrame:
    frame = facts.frame
    positions = np.flatnonzero(truthy(frame["manually_adjusted"]))
    cols = [*(c for c in facts.spec.key if c in frame.columns), "value", "adjustment_ref"]
    rows = frame.iloc[positions][cols].astype(object)
    out = pd.DataFrame({c: [fmt(v) for v in rows[c].to_numpy()] for c in cols}, columns=cols)
    return out.sort_values(cols, kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------------ the entry


def _check_date(as_of: object, tolerance: object) -> dt.date:
    """The date checked as of; raises unless ``tolerance`` is a number in [0, 1)."""
    day = as_date(as_of)
    if not (isinstance(tolerance, int | float) and 0 <= tolerance < 1):
        raise InputDataError(f"tolerance must be a number in [0, 1), got {tolerance!r}")
    return day


def check(
    facts: object,
    *,
    registry: object,
    intervals: object | None = None,
    analysis_log: object | None = None,
    as_of: dt.date | str,
    tolerance: float = 0.005,
    max_failures: int | None = None,
) -> CrucialReport:
    """Check the CRUCIAL principles (clause 3.2) on a KPI fact table and its companions.

    ``facts``, ``registry`` and optionally ``intervals`` and ``analysis_log`` are pandas or
    polars DataFrames with the columns of the canonical tables ([`ccmm.crucial.schemas`][]).
    ``as_of`` is the date the check is made for (definitions must have been reviewed within the
    12 months before it); ``tolerance`` is the relative difference allowed between a reported
    ratio and numerator / denominator (item 115.2).

    Any table may also be a PySpark DataFrame (``pip install ccmm[spark]``; see
    ``docs/spark.md``): the interval table is then checked in Spark and the report's
    ``failures`` holds at most 1,000 examples per check and column, while every ``n_failures``
    stays exact; the fact table, registry and analysis log are brought to the driver.

    ``max_failures`` (keyword-only; None keeps every failure) caps the rows of ``failures`` per
    check, the first in the report's order; every ``n_failures`` stays exact, and every output
    format (`to_dict`, ``to_json``, ``to_markdown``, ``to_html``) shows
    the capped table.

    Data problems are reported in the result, never raised. Raises
    [`InputDataError`][ccmm.InputDataError] only for input that cannot be checked at all: not a
    DataFrame, or required columns missing (every such problem of every table is listed at once).
    """
    absent = [name for name, table in (("facts", facts), ("registry", registry)) if table is None]
    if absent:
        raise InputDataError(
            "the tables cannot be checked",
            problems=[
                f"{name} is required: give a pandas, polars or Spark DataFrame, got None"
                for name in absent
            ],
        )
    if any(is_spark_frame(t) for t in (facts, registry, intervals, analysis_log)):
        from ccmm._spark.crucial import check as spark_check  # pyspark only from here on

        return spark_check(
            facts,
            registry=registry,
            intervals=intervals,
            analysis_log=analysis_log,
            as_of=as_of,
            tolerance=tolerance,
            max_failures=max_failures,
        )
    day = _check_date(as_of, tolerance)
    cap = check_max_failures(max_failures)
    given = {
        "facts": facts,
        "registry": registry,
        "intervals": intervals,
        "analysis_log": analysis_log,
    }
    problems: list[str] = []
    tables: dict[str, _Table] = {}
    polars_intervals: Any = None  # checked in polars, never converted whole
    for name, obj in given.items():
        if obj is None:
            continue
        try:
            if name == "intervals" and is_polars_frame(obj):
                _require(name, load_table_spec(name), list(obj.columns))  # type: ignore[attr-defined]
                polars_intervals = obj
            else:
                tables[name] = _load(name, obj)
        except InputDataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputDataError("the tables cannot be checked", problems=problems)

    out = _Collector()
    for name in ("registry", "facts", "intervals", "analysis_log"):
        if name in tables:
            _schema_failures(tables[name], out)
            for rule in row_rules(name):
                _apply_row_rule(rule, tables[name], out)
    if polars_intervals is not None:
        from ccmm.crucial._polars import check_intervals  # polars only from here on

        check_intervals(polars_intervals, out)
    elif "intervals" in tables:
        _interval_grid(tables["intervals"], out)
    else:
        for rule in row_rules("intervals"):
            out.skip(rule.check, "no interval table given")
        out.skip("interval_grid", "no interval table given")

    reg = _registry(tables["registry"])
    _registry_checks(reg, out, day)
    gaps = _fact_checks(tables["facts"], reg, tables.get("analysis_log"), out, float(tolerance))
    return _assemble(out, day, float(tolerance), _adjusted_rows(tables["facts"]), gaps, cap)


def check_max_failures(max_failures: object) -> int | None:
    """``max_failures`` if it is None or a whole number >= 0; InputDataError otherwise."""
    if max_failures is None:
        return None
    if isinstance(max_failures, bool) or not isinstance(max_failures, int | np.integer):
        raise InputDataError(
            f"max_failures must be None or a whole number >= 0, got {_quoted(repr(max_failures))}"
        )
    if max_failures < 0:
        raise InputDataError(
            f"max_failures must be None or a whole number >= 0, got {max_failures}"
        )
    return int(max_failures)


def _assemble(
    out: _Collector,
    as_of: dt.date,
    tolerance: float,
    adjusted: pd.DataFrame,
    gaps: pd.DataFrame,
    max_failures: int | None = None,
) -> CrucialReport:
    if out.frames:
        failures = pd.concat(out.frames, ignore_index=True)
    else:
        failures = pd.DataFrame({c: pd.Series(dtype=object) for c in FAILURE_COLUMNS})
    order = {p: i for i, p in enumerate(PRINCIPLES)}
    check_order = {c.id: i for i, c in enumerate(CHECKS)}
    failures = (
        failures.assign(_p=failures["principle"].map(order), _c=failures["check"].map(check_order))
        .sort_values(
            ["_p", "item", "_c", "table", "row_key", "column", "value", "message"], kind="stable"
        )
        .drop(columns=["_p", "_c"])
        .reset_index(drop=True)
    )
    failures = first_per_check(failures, max_failures)
    principles: dict[Principle, PrincipleResult] = {}
    for principle in PRINCIPLES:
        results = []
        for c in CHECKS:
            if c.principle != principle:
                continue
            status: Status
            reason = ""
            if c.id in out.ran:
                status = "fail" if out.failed[c.id] else "pass"
                if status == "pass" and out.checked[c.id] == 0:
                    status, reason = "not_checked", NO_ROWS  # nothing looked at passed nothing
            elif c.id in out.skipped:
                status, reason = "not_checked", out.skipped[c.id]
            else:
                continue  # a schema check that no table has (e.g. no column maximum)
            results.append(
                CheckResult(
                    check=c.id,
                    item=c.item,
                    table=c.table,
                    summary=c.summary,
                    status=status,
                    reason=reason,
                    n_checked=out.checked[c.id],
                    n_failures=out.failed[c.id],
                )
            )
        ran = [r for r in results if r.status != "not_checked"]
        failed = [r for r in ran if r.status == "fail"]
        skipped = [r for r in results if r.status == "not_checked"]
        p_status: Status = "fail" if failed else ("pass" if ran else "not_checked")
        reason = "; ".join(f"{r.check} ({r.item}) not checked: {r.reason}" for r in skipped)
        principles[principle] = PrincipleResult(
            principle=principle,
            items=tuple(sorted({c.item for c in CHECKS if c.principle == principle})),
            status=p_status,
            reason=reason,
            checks=tuple(results),
            n_checks_run=len(ran),
            n_checks_failed=len(failed),
            n_failures=sum(r.n_failures for r in results),
        )
    return CrucialReport(
        as_of=as_of,
        tolerance=tolerance,
        principles=principles,
        failures=failures,
        adjusted_rows=adjusted,
        gaps=gaps,
    )


__all__ = ["check", "fmt"]
