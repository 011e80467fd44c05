"""pandera schemas of the canonical tables, built from the shipped table specs.

``schemas.registry``, ``schemas.facts``, ``schemas.intervals`` and ``schemas.analysis_log`` are
pandas `pandera.pandas.DataFrameSchema` objects;
[`polars_schema`][ccmm.crucial.schemas.polars_schema] builds the polars counterpart (pandera.polars)
from the same spec and the same row rules. Use them on your own
tables::

    from ccmm.crucial import schemas
    schemas.facts.validate(df, lazy=True)

Column checks come from the spec (type, not-null, finite, minimum, maximum, allowed values);
row rules (e.g. answered + abandoned <= offered) come from `ccmm.crucial._rules`, evaluated by the
engine's reference evaluation (`ccmm.crucial._evaluate`). Each
check is named with its CRUCIAL check id, so a pandera failure case names the rule it broke.
Cross-table rules (a metric in the facts must be in the registry, …) need more than one table
and live in [`ccmm.crucial.check`][] only. polars is imported only when a polars schema is
asked for.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from functools import cache, partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ccmm._exact import MAX_EXACT
from ccmm._guard import checked_arguments
from ccmm._pandera import pa
from ccmm._tables import ColumnSpec, TableSpec, load_table_spec
from ccmm.crucial._evaluate import rule_ok
from ccmm.crucial._kinds import polars_kind_ok
from ccmm.crucial._rules import RowRule, row_rules

if TYPE_CHECKING:  # pragma: no cover
    import pandera.polars as papl

#: The canonical tables that have schemas.
TABLES: tuple[str, ...] = ("registry", "facts", "intervals", "analysis_log")

#: What each spec kind means, for messages.
EXPECTED_KIND: dict[str, str] = {
    "int": "integers",
    "float": "numbers",
    "str": "text",
    "category": "text or categories",
    "datetime_tz": "time-zone-aware timestamps",
    "date": "dates",
    "bool": "booleans",
}


def _pandas_kind_ok(kind: str, s: pd.Series) -> bool:
    dtype = s.dtype
    if kind == "int":
        return bool(pd.api.types.is_integer_dtype(dtype))
    if kind == "float":
        return bool(pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype))
    if kind in ("str", "category"):
        if isinstance(dtype, pd.CategoricalDtype | pd.StringDtype):
            return True
        if pd.api.types.is_object_dtype(dtype):
            present = s.dropna()
            return bool(present.map(lambda v: isinstance(v, str)).all())
        return bool(pd.api.types.is_string_dtype(dtype))
    if kind == "datetime_tz":
        return isinstance(dtype, pd.DatetimeTZDtype)
    if kind == "date":
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return True
        if pd.api.types.is_object_dtype(dtype):
            return bool(s.dropna().map(lambda v: isinstance(v, dt.date)).all())
        return False
    if kind == "bool":
        return bool(pd.api.types.is_bool_dtype(dtype))
    return False  # pragma: no cover - ColumnKind is closed


@checked_arguments
def is_count_or_duration(col: ColumnSpec) -> bool:
    """Columns whose values are summed (counts, seconds): numbers with a minimum of 0 or more.
    They must lie within `ccmm._exact.MAX_EXACT` (check ``column_in_exact_range``)."""
    return col.kind in ("int", "float") and col.minimum is not None and col.minimum >= 0


def _is_number_column(s: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype))


def _finite(s: pd.Series) -> Any:
    return np.isfinite(s) if _is_number_column(s) else True


def _at_least(low: float, s: pd.Series) -> Any:
    return (s >= low) if _is_number_column(s) else True


def _at_most(high: float, s: pd.Series) -> Any:
    return (s <= high) if _is_number_column(s) else True


def _in_exact_range(s: pd.Series) -> Any:
    return (s <= MAX_EXACT) | ~np.isfinite(s) if _is_number_column(s) else True


def _allowed(allowed: list[str], s: pd.Series) -> Any:
    return s.isin(allowed)


def _pandas_checks(col: ColumnSpec) -> list[tuple[str, Callable[[pd.Series], Any]]]:
    """The column checks of ``col`` as (check id, function of the column): a boolean result per
    row (a missing value is not checked: pandera's ``ignore_na``) or one boolean."""
    checks: list[tuple[str, Callable[[pd.Series], Any]]] = [
        ("column_type", partial(_pandas_kind_ok, col.kind))
    ]
    if col.kind in ("int", "float"):
        checks.append(("column_finite", _finite))
    if col.minimum is not None:
        checks.append(("column_minimum", partial(_at_least, col.minimum)))
    if col.maximum is not None:
        checks.append(("column_maximum", partial(_at_most, col.maximum)))
    if is_count_or_duration(col):
        checks.append(("column_in_exact_range", _in_exact_range))
    if col.allowed is not None:
        checks.append(("column_allowed", partial(_allowed, list(col.allowed))))
    return checks


def _pandas_column(col: ColumnSpec) -> pa.Column:
    return pa.Column(
        dtype=None,
        checks=[pa.Check(fn, name=name, error=name) for name, fn in _pandas_checks(col)],
        nullable=col.nullable,
        required=col.required,
        name=col.name,
    )


@cache
def _column_checks(table: str) -> tuple[tuple[ColumnSpec, tuple[Any, ...]], ...]:
    return tuple((c, tuple(_pandas_checks(c))) for c in load_table_spec(table).columns)


def _numbers_pass(col: ColumnSpec, values: np.ndarray) -> bool:
    """`_columns_pass` for a numpy number column of an ``int``/``float`` kind, by reductions:
    every present value finite, within the column's minimum and maximum and (a count or
    duration) within the exact range; NaN is missing (refused unless nullable)."""
    if col.kind == "int" and values.dtype.kind == "f":
        return False  # the schema reports the type: let pandera list it
    if values.dtype.kind == "f":
        nan = np.isnan(values)
        if nan.any():
            if not col.nullable:
                return False
            values = values[~nan]
    if len(values) == 0:
        return True
    low, high = values.min(), values.max()
    if values.dtype.kind == "f" and not (np.isfinite(low) and np.isfinite(high)):
        return False
    if col.minimum is not None and not low >= col.minimum:
        return False
    if col.maximum is not None and not high <= col.maximum:
        return False
    return not (is_count_or_duration(col) and not high <= MAX_EXACT)


def _columns_pass(table: str, frame: pd.DataFrame) -> bool:
    """Whether every column check of ``table``'s pandas schema passes on ``frame``: the very
    functions the schema runs, without pandera's per-check bookkeeping (a table that passes,
    the usual case, is decided in a fraction of the time). False also when unsure (a required
    column absent, a check that raises): pandera then runs and reports."""
    present = set(frame.columns)
    for col, checks in _column_checks(table):
        if col.name not in present:
            if col.required:
                return False
            continue
        s = frame[col.name]
        if col.kind in ("int", "float") and isinstance(s.dtype, np.dtype) and s.dtype.kind in "iuf":
            if not _numbers_pass(col, s.to_numpy()):
                return False
            continue
        missing = s.isna().to_numpy()
        if not col.nullable and missing.any():
            return False
        for _, fn in checks:
            try:
                result = fn(s)
            except Exception:  # pandera would report the error as a failure case
                return False
            if isinstance(result, bool | np.bool_):
                if not result:
                    return False
                continue
            ok = np.asarray(result, dtype=bool)
            if not (ok | missing).all():
                return False
    return True


def _pandas_rule_check(rule: RowRule) -> pa.Check:
    def fn(df: pd.DataFrame) -> pd.Series | bool:
        if any(c not in df.columns for c in rule.columns):
            return True
        return pd.Series(rule_ok(rule, df), index=df.index)

    return pa.Check(fn, name=rule.check, error=rule.check)


def _build_pandas(spec: TableSpec, *, with_rules: bool) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {c.name: _pandas_column(c) for c in spec.columns},
        checks=[_pandas_rule_check(r) for r in row_rules(spec.name)] if with_rules else [],
        name=spec.name,
        strict=False,
        description=spec.row.en,
    )


@checked_arguments
@cache
def pandas_schema(table: str) -> pa.DataFrameSchema:
    """The pandas pandera schema of ``table`` (column checks and row rules)."""
    return _build_pandas(load_table_spec(table), with_rules=True)


@cache
def pandas_columns_schema(table: str) -> pa.DataFrameSchema:
    # Row rules are evaluated by the engine itself: a wide pandera check reports every column of
    # each failing row, which is noise in a report that names one column per failure.
    return _build_pandas(load_table_spec(table), with_rules=False)


# ---------------------------------------------------------------------------------------- polars


def _polars_columns_pass(table: str, frame: Any) -> bool:
    """Whether every column check of ``table``'s polars schema passes on polars ``frame``,
    decided from one pass of per-column statistics (null and NaN counts, least and largest
    value, distinct values of a column with allowed values). False also when unsure (a NaN, a
    required column absent, a type not covered): pandera.polars then runs and reports."""
    import polars as pl

    schema = frame.schema
    stats: list[Any] = []
    plan: list[tuple[ColumnSpec, Any, bool]] = []
    for col in load_table_spec(table).columns:
        if col.name not in schema:
            if col.required:
                return False
            continue
        dtype = schema[col.name]
        if not polars_kind_ok(col.kind, dtype):
            return False
        e = pl.col(col.name)
        number = col.kind in ("int", "float") and dtype.is_numeric()
        stats.append(e.null_count().alias(f"n_{col.name}"))
        if number:
            nan = e.is_nan().sum() if dtype.is_float() else pl.lit(0)
            stats += [nan.alias(f"nan_{col.name}"), e.min().alias(f"lo_{col.name}"),
                      e.max().alias(f"hi_{col.name}")]  # fmt: skip
        plan.append((col, dtype, number))
    if not stats:
        return True
    row = frame.select(stats).row(0, named=True)
    for col, _, number in plan:
        if row[f"n_{col.name}"] and not col.nullable:
            return False
        if number:
            if row[f"nan_{col.name}"] and (not col.nullable or col.maximum is not None):
                # NaN is missing (refused unless nullable) and orders above every number in
                # polars, so it breaks a maximum; min and max below skip it.
                return False
            low, high = row[f"lo_{col.name}"], row[f"hi_{col.name}"]
            if row[f"n_{col.name}"] + row[f"nan_{col.name}"] == frame.height:
                continue  # every value missing (and allowed to be)
            if not (math.isfinite(low) and math.isfinite(high)):
                return False
            if col.minimum is not None and not low >= col.minimum:
                return False
            if col.maximum is not None and not high <= col.maximum:
                return False
            if is_count_or_duration(col) and not high <= MAX_EXACT:
                return False
        if col.allowed is not None:
            present = frame.get_column(col.name).drop_nulls().unique().cast(pl.String)
            if not set(present.to_list()) <= set(col.allowed):
                return False
    return True


def _polars_column(col: ColumnSpec) -> Any:
    import pandera.polars as papl
    import polars as pl

    kind, name = col.kind, col.name

    def numeric(data: Any) -> bool:
        return bool(data.lazyframe.collect_schema()[data.key].is_numeric())

    def expr_check(make: Any, check: str) -> Any:
        def fn(data: Any) -> Any:
            if not numeric(data) and check != "column_allowed":
                return True
            return data.lazyframe.select(make(pl.col(data.key)))

        return papl.Check(fn, name=check, error=check)

    checks = [
        papl.Check(
            lambda data, kind=kind: polars_kind_ok(kind, data.lazyframe.collect_schema()[data.key]),
            name="column_type",
            error="column_type",
        )
    ]
    if kind in ("int", "float"):
        # NaN is a missing value (as in pandas and pandera's not-null check), not an infinite one.
        checks.append(
            expr_check(
                lambda e: e.cast(pl.Float64).is_finite() | e.cast(pl.Float64).is_nan(),
                "column_finite",
            )
        )
    if col.minimum is not None:
        low = col.minimum
        checks.append(expr_check(lambda e, low=low: e >= low, "column_minimum"))
    if col.maximum is not None:
        high = col.maximum
        checks.append(expr_check(lambda e, high=high: e <= high, "column_maximum"))
    if is_count_or_duration(col):
        checks.append(
            expr_check(
                lambda e: (e <= MAX_EXACT) | ~e.cast(pl.Float64).is_finite(),
                "column_in_exact_range",
            )
        )
    if col.allowed is not None:
        allowed = list(col.allowed)
        checks.append(
            expr_check(
                lambda e, allowed=allowed: e.cast(pl.String).is_in(allowed), "column_allowed"
            )
        )
    return papl.Column(
        dtype=None, checks=checks, nullable=col.nullable, required=col.required, name=name
    )


def _polars_rule_check(rule: RowRule) -> Any:
    import pandera.polars as papl
    import polars as pl

    def fn(data: Any) -> Any:
        names = data.lazyframe.collect_schema().names()
        if any(c not in names for c in rule.columns):
            return True
        frame = data.lazyframe.select(rule.columns).collect()
        as_pandas = pd.DataFrame({c: frame[c].to_numpy() for c in rule.columns})
        return pl.LazyFrame({"ok": rule_ok(rule, as_pandas)})

    return papl.Check(fn, name=rule.check, error=rule.check)


def _build_polars(spec: TableSpec, *, with_rules: bool) -> papl.DataFrameSchema:
    import pandera.polars as papl

    return papl.DataFrameSchema(
        {c.name: _polars_column(c) for c in spec.columns},
        checks=[_polars_rule_check(r) for r in row_rules(spec.name)] if with_rules else [],
        name=spec.name,
        strict=False,
        description=spec.row.en,
    )


@checked_arguments
@cache
def polars_schema(table: str) -> papl.DataFrameSchema:
    """The polars pandera schema of ``table``, built from the same spec and rules as pandas."""
    return _build_polars(load_table_spec(table), with_rules=True)


@cache
def polars_columns_schema(table: str) -> papl.DataFrameSchema:
    return _build_polars(load_table_spec(table), with_rules=False)


def __getattr__(name: str) -> pa.DataFrameSchema:
    # schemas.registry, schemas.facts, … are built on first use, not at import.
    if name in TABLES:
        return pandas_schema(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "EXPECTED_KIND",
    "TABLES",
    "analysis_log",  # noqa: F822 - provided by __getattr__
    "facts",  # noqa: F822
    "intervals",  # noqa: F822
    "is_count_or_duration",
    "pandas_schema",
    "polars_schema",
    "registry",  # noqa: F822
]


def __dir__() -> list[str]:
    return list(__all__)
