"""Contact-centre KPIs: the KPI catalogue, computation from interval data, Erlang staffing and
target attainment."""

from __future__ import annotations

from ccmm.kpi.attainment import (
    AttainmentResult,
    AttainmentRule,
    MetricAttainment,
    attainment,
    load_attainment_rules,
)
from ccmm.kpi.catalogue import Kpi, KpiCatalogue, load_kpi_catalogue
from ccmm.kpi.compute import (
    KpiComputation,
    RowProblem,
    combine,
    compute,
    compute_agents,
    kpi_computation,
    validate_agents,
    validate_intervals,
)
from ccmm.kpi.erlang import (
    ErlangAStaffingResult,
    StaffingResult,
    agents_for_asa,
    agents_for_service_level,
    average_speed_of_answer,
    erlang_a_abandon_probability,
    erlang_a_agents_for_service_level,
    erlang_a_average_speed_of_answer,
    erlang_a_service_level,
    erlang_a_wait_probability,
    erlang_b,
    erlang_c,
    occupancy,
    service_level,
    staff_intervals,
)
from ccmm.kpi.forecast import AccuracyFigures, ForecastAccuracy, forecast_accuracy
from ccmm.kpi.survey import margin_of_error, survey_sample_size

__all__: list[str] = [
    "AccuracyFigures",
    "AttainmentResult",
    "AttainmentRule",
    "ErlangAStaffingResult",
    "ForecastAccuracy",
    "Kpi",
    "KpiCatalogue",
    "KpiComputation",
    "MetricAttainment",
    "RowProblem",
    "StaffingResult",
    "agents_for_asa",
    "agents_for_service_level",
    "attainment",
    "average_speed_of_answer",
    "combine",
    "compute",
    "compute_agents",
    "erlang_a_abandon_probability",
    "erlang_a_agents_for_service_level",
    "erlang_a_average_speed_of_answer",
    "erlang_a_service_level",
    "erlang_a_wait_probability",
    "erlang_b",
    "erlang_c",
    "forecast_accuracy",
    "kpi_computation",
    "load_attainment_rules",
    "load_kpi_catalogue",
    "margin_of_error",
    "occupancy",
    "service_level",
    "staff_intervals",
    "survey_sample_size",
    "validate_agents",
    "validate_intervals",
]
