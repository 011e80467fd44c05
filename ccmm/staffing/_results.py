"""Typed results of the staffing searches (private; re-exported by `ccmm.staffing`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import ConfigDict, PlainValidator

from ccmm._model import FrozenModel
from ccmm.staffing._inputs import FloatResult, IntResult


def _int_result(value: Any) -> IntResult:
    if isinstance(value, np.ndarray) and value.dtype == np.int64:
        return value
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return int(value)
    raise ValueError(f"expected an int or an int64 array, got {type(value).__name__}")


def _float_result(value: Any) -> FloatResult | None:
    if value is None:
        return None
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value
    if isinstance(value, float | int | np.floating | np.integer) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"expected a float or a float64 array, got {type(value).__name__}")


Agents = Annotated[IntResult, PlainValidator(_int_result)]
Measure = Annotated[FloatResult, PlainValidator(_float_result)]


class StaffingResult(FrozenModel):
    """Smallest staffing meeting a target, and what it achieves (Erlang C).

    Arrays have the broadcast shape of the inputs; all fields are scalars when scalars came in.
    ``agents`` is the minimal count on the phones; ``scheduled`` the smallest count ``m`` with
    ``m·(1 - shrinkage) >= agents``. ``service_level`` (at the function's threshold seconds),
    ``asa_seconds`` and ``occupancy`` are those achieved with ``agents``. ``fractional_agents``
    is the continuous count of ``agents_for_service_level(..., fractional=True)``, else None.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    agents: Agents
    scheduled: Agents
    service_level: Measure
    asa_seconds: Measure
    occupancy: Measure
    fractional_agents: Measure | None = None

    def _repr_html_(self) -> str:
        """Notebook display (rendered by `ccmm.report`, imported only when displayed)."""
        from ccmm.report import fragment_html, section_for

        return fragment_html(section_for(self))

    def plot(self, *, ax: Any = None, lang: Literal["en", "zh"] = "en") -> Any:
        """A matplotlib chart of this result (needs the ``plot`` extra); returns the Axes."""
        from ccmm._plot import plot_staffing

        return plot_staffing(self, ax=ax, lang=lang)


class ErlangAStaffingResult(StaffingResult):
    """A `StaffingResult` under abandonment (Erlang A), plus the abandonment achieved."""

    abandon_probability: Measure
