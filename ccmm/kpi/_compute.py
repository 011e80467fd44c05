"""KPIs from interval and agent data, at any roll-up, as ratios of sums.

`compute` groups the canonical interval table (``tables/intervals.yaml``) by the requested
columns and, optionally, a calendar period; it sums the additive columns per group and only then
divides, so a monthly service level is *answered within threshold summed over the month ÷
offered summed over the month*, never a mean of half-hour percentages. Which numerator and
denominator each KPI uses comes from the KPI catalogue (``ccmm/standard_data/kpi``).

The result is a pandas DataFrame: the group columns (``period`` first when ``freq`` is given),
the summed inputs, then one column per KPI, named by its catalogue id. How it was computed
(definitions chosen, formulas, and which values are undefined and why) is recorded in
``result.attrs["ccmm"]`` as a [`KpiComputation`][ccmm.kpi.KpiComputation]; read it with
[`kpi_computation`][ccmm.kpi.kpi_computation]. A zero denominator gives NaN, listed under
`KpiComputation.undefined` with its reason.

Partial results combine exactly: [`combine`][ccmm.kpi.combine] adds the sums of results computed on
disjoint parts of the data and recomputes the ratios, which equals computing on all rows at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccmm._errors import InputDataError
from ccmm._model import FrozenModel
from ccmm._spark import is_spark_frame
from ccmm._tables import TableSpec, load_table_spec
from ccmm.kpi._frames import FREQS, Freq, as_pandas, period_index
from ccmm.kpi._validate import (
    RowProblem,
    duplicate_key_problem,
    raise_if_problems,
    validate_agents,
    validate_intervals,
    validate_table,
)
from ccmm.kpi.catalogue import Ratio, column_terms, load_kpi_catalogue

ServiceLevelDefinition = Literal["offered", "answered", "offered_less_short_abandons"]
AbandonDefinition = Literal["all", "excluding_short"]
Table = Literal["intervals", "agents"]

PERIOD_COLUMN = "period"
ATTRS_KEY = "ccmm"
_HANDLING_PARTS = "talk_seconds + hold_seconds + acw_seconds"
_NOT_SUMMED = frozenset({"interval_minutes", "threshold_seconds"})


class _Frozen(FrozenModel):
    _error_class = InputDataError


class ComputedKpi(_Frozen):
    """One KPI column of a result and the ratio of sums it was computed with."""

    id: str
    definition: str | None
    numerator: str
    denominator: str


class UndefinedValues(_Frozen):
    """Result rows where one KPI is NaN, and why."""

    kpi: str
    reason: str
    rows: tuple[int, ...]
    """0-based positions in the result frame."""


class KpiComputation(_Frozen):
    """How a KPI result was computed; stored in ``result.attrs["ccmm"]``."""

    table: Table
    by: tuple[str, ...]
    freq: Freq | None
    period_column: str | None
    service_level_definition: ServiceLevelDefinition | None
    abandon_definition: AbandonDefinition | None
    sum_columns: tuple[str, ...]
    handling_seconds_from: Literal["column", "talk_seconds + hold_seconds + acw_seconds"] | None
    kpis: tuple[ComputedKpi, ...]
    input_rows: int
    undefined: tuple[UndefinedValues, ...]

    def settings(self) -> tuple[object, ...]:
        """What must agree for two results to be combined."""
        return (
            self.table,
            self.by,
            self.freq,
            self.service_level_definition,
            self.abandon_definition,
            self.sum_columns,
            self.handling_seconds_from,
            self.kpis,
        )


def kpi_computation(result: pd.DataFrame) -> KpiComputation:
    """The [`KpiComputation`][ccmm.kpi.KpiComputation] recorded with a result of `compute` (or
    relatives)."""
    recorded = result.attrs.get(ATTRS_KEY)
    if not isinstance(recorded, KpiComputation):
        raise InputDataError(
            "this DataFrame carries no KPI computation record (attrs['ccmm']); it was not made "
            "by ccmm.kpi.compute, compute_agents or combine, or the record was dropped"
        )
    return recorded


def _check_options(by: Sequence[str], freq: object, columns: Sequence[str], table: str) -> None:
    if isinstance(by, str):
        raise InputDataError(f"by must be a sequence of column names, got the string {by!r}")
    problems: list[str] = []
    if freq is not None and freq not in FREQS:
        problems.append(f"freq must be None, 'D', 'W' or 'MS', got {freq!r}")
    present = set(columns)
    for name in by:
        if name not in present:
            problems.append(f"by names column {name!r}, which the {table} table does not have")
        elif name == "interval_start":
            problems.append("group by time with freq='D', 'W' or 'MS', not by='interval_start'")
    if len(set(by)) != len(by):
        problems.append(f"by repeats a column: {list(by)}")
    if PERIOD_COLUMN in by and freq is not None:
        problems.append(f"by may not contain {PERIOD_COLUMN!r} when freq is given")
    if problems:
        raise InputDataError("invalid KPI options", problems=problems)


def _evaluate(frame: pd.DataFrame, expression: str) -> npt.NDArray[np.float64]:
    total = np.zeros(len(frame), dtype=np.float64)
    for sign, column in column_terms(expression):
        total += sign * frame[column].to_numpy(dtype=np.float64)
    return total


def _finish(
    sums: pd.DataFrame,
    mixed_threshold: npt.NDArray[np.bool_] | None,
    record: KpiComputation,
) -> pd.DataFrame:
    """Ratios from summed columns; records NaNs and their reasons in ``attrs``."""
    result = sums
    undefined: list[UndefinedValues] = []
    for kpi in record.kpis:
        numerator = _evaluate(result, kpi.numerator)
        denominator = _evaluate(result, kpi.denominator)
        zero = denominator == 0
        values = np.full(len(result), np.nan)
        np.divide(numerator, denominator, out=values, where=~zero)
        if zero.any():
            undefined.append(
                UndefinedValues(
                    kpi=kpi.id,
                    reason=f"the denominator {kpi.denominator} sums to zero",
                    rows=tuple(int(i) for i in np.flatnonzero(zero)),
                )
            )
        if kpi.id == "service_level" and mixed_threshold is not None:
            mixed = mixed_threshold & ~zero
            values[mixed] = np.nan
            if mixed.any():
                undefined.append(
                    UndefinedValues(
                        kpi=kpi.id,
                        reason="the group mixes different threshold_seconds values",
                        rows=tuple(int(i) for i in np.flatnonzero(mixed)),
                    )
                )
        result[kpi.id] = values
    result.attrs[ATTRS_KEY] = record.model_copy(update={"undefined": tuple(undefined)})
    return result


def _rollup(
    df: pd.DataFrame,
    *,
    sum_columns: Sequence[str],
    by: Sequence[str],
    freq: Freq | None,
    with_threshold: bool,
) -> tuple[pd.DataFrame, npt.NDArray[np.bool_] | None]:
    """Sum ``sum_columns`` per group; the group's threshold if it has one, else NaN (mixed)."""
    keys: list[Any] = [df[name] for name in by]
    if freq is not None:
        position, starts = period_index(df["interval_start"], freq)
        keys.insert(0, pd.Series(position, index=df.index, name=PERIOD_COLUMN, copy=False))
    value_columns = list(sum_columns) + (["threshold_seconds"] if with_threshold else [])
    if keys:
        grouped = df[value_columns].groupby(keys, sort=True, observed=True, dropna=False)
        sums = grouped[list(sum_columns)].sum().reset_index()
        if with_threshold:
            low = grouped["threshold_seconds"].min().to_numpy(dtype=np.float64)
            high = grouped["threshold_seconds"].max().to_numpy(dtype=np.float64)
    else:
        # No rows, no group: an empty result, as when grouping an empty table.
        rows = 1 if len(df) else 0
        sums = pd.DataFrame({c: [df[c].sum()][:rows] for c in sum_columns})
        if with_threshold:
            low = np.array([df["threshold_seconds"].min()][:rows], dtype=np.float64)
            high = np.array([df["threshold_seconds"].max()][:rows], dtype=np.float64)
    if freq is not None:
        sums[PERIOD_COLUMN] = starts[sums[PERIOD_COLUMN].to_numpy()]
    if not with_threshold:
        return sums, None
    mixed = low != high
    threshold = np.where(mixed, np.nan, low)
    sums.insert(len(by) + (freq is not None), "threshold_seconds", threshold)
    return sums, mixed


def _interval_kpis(
    service_level_definition: ServiceLevelDefinition,
    abandon_definition: AbandonDefinition,
) -> tuple[ComputedKpi, ...]:
    catalogue = load_kpi_catalogue()
    chosen = {"service_level": service_level_definition, "abandon_rate": abandon_definition}
    out: list[ComputedKpi] = []
    for kpi in catalogue.computed_by("compute"):
        definition = chosen.get(kpi.id)
        ratio: Ratio | None = kpi.ratio
        if definition is not None:
            ratio = kpi.definition(definition).ratio
        assert ratio is not None, f"catalogue KPI {kpi.id} computed by compute() has no ratio"
        out.append(
            ComputedKpi(
                id=kpi.id,
                definition=definition,
                numerator=ratio.numerator,
                denominator=ratio.denominator,
            )
        )
    return tuple(out)


def _agent_kpis() -> tuple[ComputedKpi, ...]:
    out: list[ComputedKpi] = []
    for kpi in load_kpi_catalogue().computed_by("compute_agents"):
        assert kpi.ratio is not None, f"catalogue KPI {kpi.id} has no ratio"
        out.append(
            ComputedKpi(
                id=kpi.id,
                definition=None,
                numerator=kpi.ratio.numerator,
                denominator=kpi.ratio.denominator,
            )
        )
    return tuple(out)


def _sum_columns(spec: TableSpec, present: set[str], also: Sequence[str] = ()) -> list[str]:
    additive = [
        c.name
        for c in spec.columns
        if c.kind in ("int", "float")
        and c.name not in _NOT_SUMMED
        and (c.name in present or c.name in also)
    ]
    return additive


def group_key(spec: TableSpec, by: Sequence[str]) -> list[str]:
    """The columns that identify one input row: the table key plus any other ``by`` column."""
    return [*spec.key, *(c for c in by if c not in spec.key)]


def _duplicates(df: pd.DataFrame, spec: TableSpec, by: Sequence[str]) -> list[RowProblem]:
    problem = duplicate_key_problem(df, group_key(spec, by), spec.name)
    return [] if problem is None else [problem]


def _short_abandons_problems(
    columns: Iterable[str],
    service_level_definition: ServiceLevelDefinition,
    abandon_definition: AbandonDefinition,
) -> list[RowProblem]:
    """The missing ``abandoned_short`` column, when a chosen definition needs it."""
    needs_short = (
        service_level_definition == "offered_less_short_abandons"
        or abandon_definition == "excluding_short"
    )
    if not needs_short or "abandoned_short" in set(columns):
        return []
    return [
        RowProblem(
            table="intervals",
            column="abandoned_short",
            check="missing_column",
            rows=(),
            row_count=0,
            message=(
                f"intervals table needs column 'abandoned_short' for service_level_definition="
                f"{service_level_definition!r}, abandon_definition={abandon_definition!r}"
            ),
        )
    ]


def _interval_result(
    sums: pd.DataFrame,
    mixed_threshold: npt.NDArray[np.bool_] | None,
    *,
    spec: TableSpec,
    present: set[str],
    by: Sequence[str],
    freq: Freq | None,
    service_level_definition: ServiceLevelDefinition,
    abandon_definition: AbandonDefinition,
    input_rows: int,
) -> pd.DataFrame:
    """`compute`'s result from the group sums, whichever backend summed them."""
    kpis = _interval_kpis(service_level_definition, abandon_definition)
    has_handling = "handling_seconds" in present
    if not has_handling:
        position = list(sums.columns).index("available_seconds") + 1
        sums.insert(position, "handling_seconds", _evaluate(sums, _HANDLING_PARTS))
    record = KpiComputation(
        table="intervals",
        by=tuple(by),
        freq=freq,
        period_column=PERIOD_COLUMN if freq is not None else None,
        service_level_definition=service_level_definition,
        abandon_definition=abandon_definition,
        sum_columns=tuple(_sum_columns(spec, present, also=["handling_seconds"])),
        handling_seconds_from="column" if has_handling else _HANDLING_PARTS,
        kpis=kpis,
        input_rows=input_rows,
        undefined=(),
    )
    return _finish(sums, mixed_threshold, record)


def _agent_result(
    sums: pd.DataFrame,
    *,
    sum_columns: Sequence[str],
    by: Sequence[str],
    freq: Freq | None,
    input_rows: int,
) -> pd.DataFrame:
    """[`compute_agents`][ccmm.kpi.compute_agents]' result from the group sums, whichever backend
    summed them."""
    record = KpiComputation(
        table="agents",
        by=tuple(by),
        freq=freq,
        period_column=PERIOD_COLUMN if freq is not None else None,
        service_level_definition=None,
        abandon_definition=None,
        sum_columns=tuple(sum_columns),
        handling_seconds_from="column",
        kpis=_agent_kpis(),
        input_rows=input_rows,
        undefined=(),
    )
    return _finish(sums, None, record)


def compute(
    intervals: object,
    *,
    by: Sequence[str] = ("queue", "channel"),
    freq: Freq | None = None,
    service_level_definition: ServiceLevelDefinition = "offered",
    abandon_definition: AbandonDefinition = "all",
) -> pd.DataFrame:
    """KPIs of an interval table per group, every one a ratio of sums.

    ``intervals`` is a pandas, polars or PySpark DataFrame with the columns of the canonical
    interval table; extra columns are ignored unless named in ``by``. The result is a pandas
    DataFrame in every case, with the same numbers (Spark: only the group sums reach the driver;
    periods are cut in the session time zone, see ``docs/spark.md``). One row per group
    (sorted by ``period`` then ``by``):

    * ``period`` (only with ``freq``): start of the calendar day (``"D"``), ISO week starting
      Monday (``"W"``) or month (``"MS"``) in the timestamps' own time zone;
    * the ``by`` columns (none: one row for the whole table);
    * ``threshold_seconds``: the group's answer-time threshold, NaN when the group mixes several
      (its service level is then NaN too);
    * the summed inputs: ``offered``, ``answered``, ``abandoned``, ``abandoned_short`` (if given),
      ``answered_within_threshold``, ``wait_seconds``, ``talk_seconds``, ``hold_seconds``,
      ``acw_seconds``, ``available_seconds``, ``handling_seconds`` (talk + hold + ACW when the
      column is absent) and ``staffed_seconds`` (if given);
    * the KPIs ``service_level``, ``abandon_rate``, ``answer_rate``, ``asa_seconds``,
      ``aht_seconds`` and ``occupancy`` (fractions and seconds; see ``docs/kpi.md``).

    ``service_level_definition``: ``"offered"`` (answered within threshold ÷ offered),
    ``"answered"`` (÷ answered) or ``"offered_less_short_abandons"`` (÷ (offered − short
    abandons)). ``abandon_definition``: ``"all"`` (abandoned ÷ offered) or ``"excluding_short"``
    ((abandoned − short) ÷ (offered − short)). Both are recorded in ``attrs["ccmm"]``.

    Raises [`InputDataError`][ccmm.InputDataError] naming every bad column and row (see
    [`validate_intervals`][ccmm.kpi.validate_intervals]) and every bad option; never returns inf.
    """
    if is_spark_frame(intervals):
        from ccmm._spark import kpi as spark_kpi  # pyspark is imported only from here on

        return spark_kpi.compute(
            intervals,
            by=by,
            freq=freq,
            service_level_definition=service_level_definition,
            abandon_definition=abandon_definition,
        )
    spec = load_table_spec("intervals")
    keep = [*spec.column_names, *by] if not isinstance(by, str) else None
    df = as_pandas(intervals, table="intervals", columns=keep)
    _check_options(by, freq, list(df.columns), "intervals")
    problems: list[RowProblem] = validate_intervals(df)
    problems.extend(_duplicates(df, spec, by))
    problems.extend(
        _short_abandons_problems(df.columns, service_level_definition, abandon_definition)
    )
    raise_if_problems(problems, table="intervals")
    present = set(df.columns)
    sum_columns = _sum_columns(spec, present)
    sums, mixed = _rollup(df, sum_columns=sum_columns, by=by, freq=freq, with_threshold=True)
    return _interval_result(
        sums,
        mixed,
        spec=spec,
        present=present,
        by=by,
        freq=freq,
        service_level_definition=service_level_definition,
        abandon_definition=abandon_definition,
        input_rows=len(df),
    )


def compute_agents(
    agents: object,
    *,
    by: Sequence[str] = ("agent_id",),
    freq: Freq | None = None,
) -> pd.DataFrame:
    """Agent KPIs (occupancy, utilisation, schedule adherence, attendance) as ratios of sums.

    ``agents`` is a pandas or polars DataFrame with the columns of the canonical agent table
    (``tables/agents.yaml``); the result is a pandas DataFrame laid out like `compute`'s
    (``period``, the ``by`` columns, the summed seconds, then the KPIs), with the record in
    ``attrs["ccmm"]``. Raises [`InputDataError`][ccmm.InputDataError] naming every bad column and
    row.
    """
    if is_spark_frame(agents):
        from ccmm._spark import kpi as spark_kpi

        return spark_kpi.compute_agents(agents, by=by, freq=freq)
    spec = load_table_spec("agents")
    keep = [*spec.column_names, *by] if not isinstance(by, str) else None
    df = as_pandas(agents, table="agents", columns=keep)
    _check_options(by, freq, list(df.columns), "agents")
    raise_if_problems([*validate_agents(df), *_duplicates(df, spec, by)], table="agents")
    sum_columns = _sum_columns(spec, set(df.columns))
    sums, _ = _rollup(df, sum_columns=sum_columns, by=by, freq=freq, with_threshold=False)
    return _agent_result(sums, sum_columns=sum_columns, by=by, freq=freq, input_rows=len(df))


def combine(results: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Combine results computed on disjoint parts of the data into the result for all of it.

    The summed columns are added per group and the KPIs recomputed from the totals, so the
    outcome equals computing on all rows at once. All results must share table, grouping,
    frequency and definitions; [`InputDataError`][ccmm.InputDataError] otherwise.
    """
    if not results:
        raise InputDataError("combine needs at least one KPI result, got none")
    records = [kpi_computation(r) for r in results]
    first = records[0]
    differing = [i for i, r in enumerate(records) if r.settings() != first.settings()]
    if differing:
        raise InputDataError(
            f"results {differing} were computed with other settings than result 0 (table, by, "
            "freq, definitions or columns must agree)"
        )
    keys = ([PERIOD_COLUMN] if first.freq is not None else []) + list(first.by)
    sum_columns = list(first.sum_columns)
    frame = pd.concat(results, ignore_index=True)
    frame.attrs = {}
    with_threshold = first.table == "intervals"
    mixed: npt.NDArray[np.bool_] | None = None
    if keys:
        grouped = frame.groupby(keys, sort=True, observed=True, dropna=False)
        sums = grouped[sum_columns].sum().reset_index()
        if with_threshold:
            # A NaN threshold means "already mixed"; -1/-2 make such groups differ below.
            threshold = frame["threshold_seconds"]
            low = (
                threshold.fillna(-1)
                .groupby([frame[k] for k in keys], sort=True, observed=True, dropna=False)
                .min()
                .to_numpy()
            )
            high = (
                threshold.fillna(-2)
                .groupby([frame[k] for k in keys], sort=True, observed=True, dropna=False)
                .max()
                .to_numpy()
            )
    else:
        rows = 1 if len(frame) else 0
        sums = pd.DataFrame({c: [frame[c].sum()][:rows] for c in sum_columns})
        if with_threshold:
            low = np.array([frame["threshold_seconds"].fillna(-1).min()][:rows])
            high = np.array([frame["threshold_seconds"].fillna(-2).max()][:rows])
    if with_threshold:
        mixed = np.asarray(low != high, dtype=bool)
        sums.insert(len(keys), "threshold_seconds", np.where(mixed, np.nan, low))
    record = first.model_copy(
        update={"input_rows": sum(r.input_rows for r in records), "undefined": ()}
    )
    return _finish(sums, mixed, record)


__all__ = [
    "AbandonDefinition",
    "ComputedKpi",
    "KpiComputation",
    "RowProblem",
    "ServiceLevelDefinition",
    "UndefinedValues",
    "combine",
    "compute",
    "compute_agents",
    "kpi_computation",
    "validate_agents",
    "validate_intervals",
    "validate_table",
]


def __dir__() -> list[str]:
    return list(__all__)
