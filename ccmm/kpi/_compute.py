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

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccmm._errors import InputDataError
from ccmm._guard import checked_arguments
from ccmm._spark import is_spark_frame
from ccmm.kpi import _pandas_sums
from ccmm.kpi._core import KpiBackend, insert_threshold, ratios, rollup
from ccmm.kpi._frames import Freq
from ccmm.kpi._record import (
    PERIOD_COLUMN,
    AbandonDefinition,
    ComputedKpi,
    KpiComputation,
    ServiceLevelDefinition,
    UndefinedValues,
    kpi_computation,
)
from ccmm.kpi._validate import RowProblem, validate_agents, validate_intervals, validate_table


def _backend(frame: object) -> KpiBackend:
    """The backend module for ``frame``: Spark for a PySpark frame, pandas otherwise."""
    if is_spark_frame(frame):
        from ccmm._spark import kpi as spark_kpi  # pyspark is imported only from here on

        return spark_kpi
    return _pandas_sums


@checked_arguments
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
    return rollup(
        _backend(intervals),
        intervals,
        table="intervals",
        by=by,
        freq=freq,
        service_level_definition=service_level_definition,
        abandon_definition=abandon_definition,
    )


@checked_arguments
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
    return rollup(_backend(agents), agents, table="agents", by=by, freq=freq)


@checked_arguments
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
        mixed = insert_threshold(sums, low, high, position=len(keys))
    record = first.model_copy(
        update={"input_rows": sum(r.input_rows for r in records), "undefined": ()}
    )
    return ratios(sums, mixed, record)


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
