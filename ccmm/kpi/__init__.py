"""Contact-centre KPIs: the KPI catalogue, computation from interval data, target attainment,
forecast accuracy and survey sizes. (Erlang staffing moved to `ccmm.staffing`.)"""

from __future__ import annotations

from typing import Any

from ccmm._deprecated import install_moved_module
from ccmm.kpi._attainment import (
    AttainmentResult,
    AttainmentRule,
    ExcludedMetric,
    MetricAttainment,
    ShareTest,
    attainment,
    load_attainment_rules,
)
from ccmm.kpi._compute import (
    AbandonDefinition,
    ComputedKpi,
    KpiComputation,
    RowProblem,
    ServiceLevelDefinition,
    UndefinedValues,
    combine,
    compute,
    compute_agents,
    kpi_computation,
    validate_agents,
    validate_intervals,
    validate_table,
)
from ccmm.kpi.catalogue import Kpi, KpiCatalogue, load_kpi_catalogue
from ccmm.kpi.forecast import AccuracyFigures, ForecastAccuracy, forecast_accuracy
from ccmm.kpi.survey import margin_of_error, survey_sample_size

__all__: list[str] = [
    "AbandonDefinition",
    "AccuracyFigures",
    "AttainmentResult",
    "AttainmentRule",
    "ComputedKpi",
    "ExcludedMetric",
    "ForecastAccuracy",
    "Kpi",
    "KpiCatalogue",
    "KpiComputation",
    "MetricAttainment",
    "RowProblem",
    "ServiceLevelDefinition",
    "ShareTest",
    "UndefinedValues",
    "attainment",
    "combine",
    "compute",
    "compute_agents",
    "forecast_accuracy",
    "kpi_computation",
    "load_attainment_rules",
    "load_kpi_catalogue",
    "margin_of_error",
    "survey_sample_size",
    "validate_agents",
    "validate_intervals",
    "validate_table",
]


# The module behind `compute` is private since 0.2.0 (the function hid it); the old import path
# keeps working, with a warning, until 0.3.0.
install_moved_module("ccmm.kpi.compute", home="ccmm.kpi")


def __getattr__(name: str) -> Any:
    # The Erlang names of 0.1, deprecated: they moved to ccmm.staffing.
    from ccmm.staffing._deprecated import moved_attribute

    return moved_attribute("ccmm.kpi", name)


def __dir__() -> list[str]:
    return list(__all__)
