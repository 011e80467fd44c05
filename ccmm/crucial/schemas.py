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
from functools import cache
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


def _pandas_column(col: ColumnSpec) -> pa.Column:
    kind = col.kind
    checks: list[pa.Check] = [
        pa.Check(
            lambda s, kind=kind: _pandas_kind_ok(kind, s),
            name="column_type",
            error="column_type",
        )
    ]
    if kind in ("int", "float"):
        checks.append(
            pa.Check(
                lambda s: np.isfinite(s) if _is_number_column(s) else True,
                name="column_finite",
                error="column_finite",
            )
        )
    if col.minimum is not None:
        low = col.minimum
        checks.append(
            pa.Check(
                lambda s, low=low: (s >= low) if _is_number_column(s) else True,
                name="column_minimum",
                error="column_minimum",
            )
        )
    if col.maximum is not None:
        high = col.maximum
        checks.append(
            pa.Check(
                lambda s, high=high: (s <= high) if _is_number_column(s) else True,
                name="column_maximum",
                error="column_maximum",
            )
        )
    if is_count_or_duration(col):
        checks.append(
            pa.Check(
                lambda s: (s <= MAX_EXACT) | ~np.isfinite(s) if _is_number_column(s) else True,
                name="column_in_exact_range",
                error="column_in_exact_range",
            )
        )
    if col.allowed is not None:
        allowed = list(col.allowed)
        checks.append(
            pa.Check(
                lambda s, allowed=allowed: s.isin(allowed),
                name="column_allowed",
                error="column_allowed",
            )
        )
    return pa.Column(
        dtype=None,
        checks=checks,
        nullable=col.nullable,
        required=col.required,
        name=col.name,
    )


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
