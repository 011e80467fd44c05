"""Queues served separately or pooled, and what rounding up costs (private)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ccmm._errors import InputDataError
from ccmm._guard import checked_arguments
from ccmm._model import FrozenModel
from ccmm.staffing._inputs import FloatArray, IntArray, Problems, nonnegative, positive
from ccmm.staffing._results import Agents, Measure, StaffingResult
from ccmm.staffing._search import agents_for_service_level


class PoolingResult(FrozenModel):
    """Agents per interval for queues served separately and pooled into one queue.

    ``separate_agents`` has one row per queue (the first axis of the inputs); the other fields
    have one value per interval. ``*_fractional`` are the continuous counts (interpolated
    Erlang C, see `agents_for_service_level`); ``*_rounding_agent_hours`` what rounding every
    interval up to whole agents costs in total agent hours. ``pooling_saving`` is separate minus
    pooled whole agents per interval.
    """

    separate_agents: Agents
    separate_total: Agents
    pooled_agents: Agents
    pooling_saving: Agents
    separate_fractional: Measure
    pooled_fractional: Measure
    separate_rounding_agent_hours: float
    pooled_rounding_agent_hours: float


@checked_arguments
def pooling(
    calls: ArrayLike,
    aht: ArrayLike,
    *,
    interval_seconds: float,
    target_service_level: float,
    threshold_seconds: float,
    max_occupancy: float | None = None,
) -> PoolingResult:
    """Erlang C staffing of several queues served apart and pooled (any agent takes any call).

    ``calls`` and ``aht`` broadcast to shape ``(queues, intervals...)``: the first axis is the
    queue. The pooled queue receives the calls of all queues with the call-weighted mean handle
    time (the same traffic in Erlangs). Both are staffed to the same target with
    `agents_for_service_level` (``fractional=True``).
    """
    problems = Problems()
    c = nonnegative("calls", calls, problems)
    h = positive("aht", aht, problems)
    problems.raise_if_any()
    try:
        c, h = np.broadcast_arrays(c, h)
    except ValueError as exc:
        raise InputDataError(
            f"calls {c.shape} and aht {h.shape} cannot be broadcast together"
        ) from exc
    if c.ndim == 0 or c.shape[0] == 0:
        raise InputDataError(
            f"pooling needs one row per queue (first axis), got calls of shape {c.shape}"
        )

    def staff(queue_calls: FloatArray, queue_aht: FloatArray) -> StaffingResult:
        return agents_for_service_level(
            queue_calls,
            queue_aht,
            interval_seconds=interval_seconds,
            target_service_level=target_service_level,
            threshold_seconds=threshold_seconds,
            max_occupancy=max_occupancy,
            fractional=True,
        )

    apart = staff(c, h)
    total_calls = c.sum(axis=0)
    work = (c * h).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled_aht = np.where(total_calls > 0, work / total_calls, h.mean(axis=0))
    pooled = staff(total_calls, pooled_aht)
    separate: IntArray = np.asarray(apart.agents, dtype=np.int64)
    together: IntArray = np.asarray(pooled.agents, dtype=np.int64)
    separate_frac: FloatArray = np.asarray(apart.fractional_agents, dtype=np.float64)
    pooled_frac: FloatArray = np.asarray(pooled.fractional_agents, dtype=np.float64)
    hours = float(interval_seconds) / 3600.0
    separate_total = separate.sum(axis=0)
    return PoolingResult(
        separate_agents=separate,
        separate_total=np.asarray(separate_total, dtype=np.int64)
        if together.ndim
        else int(separate_total),
        pooled_agents=together if together.ndim else int(together),
        pooling_saving=np.asarray(separate_total - together, dtype=np.int64)
        if together.ndim
        else int(separate_total - together),
        separate_fractional=separate_frac.sum(axis=0)
        if together.ndim
        else float(separate_frac.sum()),
        pooled_fractional=pooled_frac if together.ndim else float(pooled_frac),
        separate_rounding_agent_hours=float(np.sum(separate - separate_frac) * hours),
        pooled_rounding_agent_hours=float(np.sum(together - pooled_frac) * hours),
    )
