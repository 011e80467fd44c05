"""Queueing models of a contact centre: Erlang B, C and A, and staffing searches.

Every function broadcasts its array arguments against each other (numpy rules) and works on all
elements at once; scalars in give Python scalars out. Traffic in Erlangs is
``calls × aht / interval_seconds``; ``threshold_seconds`` is the answer threshold of a service
level (as in the interval tables). Names carry their model: ``erlang_c_service_level`` is the
Erlang C prediction, not the KPI ``service_level`` computed from data by `ccmm.kpi.compute`.
Formulas and conventions are in the staffing page of the documentation.

>>> from ccmm.staffing import agents_for_service_level
>>> agents_for_service_level(
...     100, 180, interval_seconds=1800, target_service_level=0.8, threshold_seconds=20
... ).agents
14
"""

from __future__ import annotations

from ccmm.staffing._erlang_a import (
    erlang_a_abandon_probability,
    erlang_a_average_speed_of_answer,
    erlang_a_service_level,
    erlang_a_wait_probability,
)
from ccmm.staffing._erlang_c import (
    erlang_b,
    erlang_c,
    erlang_c_average_speed_of_answer,
    erlang_c_occupancy,
    erlang_c_service_level,
)
from ccmm.staffing._intervals import staff_intervals
from ccmm.staffing._model_fit import IntervalFits, ModelFit, PeriodFit, model_fit
from ccmm.staffing._patience import PatienceEstimate, PatienceGroup, estimate_patience
from ccmm.staffing._pooling import PoolingResult, pooling
from ccmm.staffing._results import ErlangAStaffingResult, StaffingResult
from ccmm.staffing._search import (
    agents_for_asa,
    agents_for_service_level,
    erlang_a_agents_for_service_level,
)
from ccmm.staffing._simulate import (
    ReplicationCounts,
    SimulatedMeasure,
    SimulationResult,
    simulate,
)

__all__ = [
    "ErlangAStaffingResult",
    "IntervalFits",
    "ModelFit",
    "PatienceEstimate",
    "PatienceGroup",
    "PeriodFit",
    "PoolingResult",
    "ReplicationCounts",
    "SimulatedMeasure",
    "SimulationResult",
    "StaffingResult",
    "agents_for_asa",
    "agents_for_service_level",
    "erlang_a_abandon_probability",
    "erlang_a_agents_for_service_level",
    "erlang_a_average_speed_of_answer",
    "erlang_a_service_level",
    "erlang_a_wait_probability",
    "erlang_b",
    "erlang_c",
    "erlang_c_average_speed_of_answer",
    "erlang_c_occupancy",
    "erlang_c_service_level",
    "estimate_patience",
    "model_fit",
    "pooling",
    "simulate",
    "staff_intervals",
]


def __dir__() -> list[str]:
    return list(__all__)
