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

__all__: list[str] = [
    "AttainmentResult",
    "AttainmentRule",
    "Kpi",
    "KpiCatalogue",
    "KpiComputation",
    "MetricAttainment",
    "RowProblem",
    "attainment",
    "combine",
    "compute",
    "compute_agents",
    "kpi_computation",
    "load_attainment_rules",
    "load_kpi_catalogue",
    "validate_agents",
    "validate_intervals",
]
