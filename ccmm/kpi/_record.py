"""What a KPI result records about how it was computed (``result.attrs["ccmm"]``)."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from ccmm._errors import InputDataError
from ccmm._guard import checked_arguments
from ccmm._model import FrozenModel
from ccmm.kpi._frames import Freq

ServiceLevelDefinition = Literal["offered", "answered", "offered_less_short_abandons"]
AbandonDefinition = Literal["all", "excluding_short"]
Table = Literal["intervals", "agents"]

PERIOD_COLUMN = "period"
ATTRS_KEY = "ccmm"
HANDLING_PARTS = "talk_seconds + hold_seconds + acw_seconds"


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


@checked_arguments
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


__all__ = [
    "ATTRS_KEY",
    "HANDLING_PARTS",
    "PERIOD_COLUMN",
    "AbandonDefinition",
    "ComputedKpi",
    "KpiComputation",
    "ServiceLevelDefinition",
    "Table",
    "UndefinedValues",
    "kpi_computation",
]
