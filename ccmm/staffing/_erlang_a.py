"""Erlang A (M/M/n+M) measures of one interval, vectorised (private).

Callers abandon after an exponential patience with mean ``patience_seconds``; with abandonment
the queue is stable for any number of agents, so nothing is ever "overloaded".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ccmm.staffing._erlang_a_integral import erlang_a_integral, series_terms
from ccmm.staffing._erlang_a_kernel import ErlangAMeasures, erlang_a_flat
from ccmm.staffing._erlang_core import erlang_b_flat
from ccmm.staffing._inputs import (
    FloatArray,
    FloatResult,
    Problems,
    interval_inputs,
    out_float,
    traffic_of,
)


@dataclass(frozen=True)
class ErlangAFlat:
    """Erlang A measures of flat arrays (internal)."""

    wait: FloatArray
    abandon: FloatArray
    service_level: FloatArray
    asa: FloatArray


def erlang_a_measures(
    calls: FloatArray,
    aht: FloatArray,
    agents: FloatArray,
    interval: FloatArray,
    patience: FloatArray,
    threshold_seconds: FloatArray,
) -> ErlangAFlat:
    """Erlang A measures for flat validated arrays, with the no-traffic and no-agent cases."""
    traffic = traffic_of(calls, aht, interval)
    wait = np.zeros(traffic.shape)
    abandon = np.zeros(traffic.shape)
    level = np.ones(traffic.shape)
    asa = np.zeros(traffic.shape)
    nobody = (traffic > 0.0) & (agents == 0.0)
    wait[nobody], abandon[nobody], level[nobody], asa[nobody] = 1.0, 1.0, 0.0, np.inf
    live = (traffic > 0.0) & (agents > 0.0)
    if np.any(live):
        blocking = erlang_b_flat(traffic[live], agents[live].astype(np.int64))
        with np.errstate(divide="ignore"):
            inverse_b = 1.0 / blocking
        measures = _erlang_a_live(
            calls[live] / interval[live],
            aht[live],
            patience[live],
            agents[live],
            inverse_b,
            threshold_seconds[live],
        )
        wait[live] = measures.wait_probability
        abandon[live] = measures.abandon_probability
        level[live] = measures.service_level
        asa[live] = measures.asa_seconds
    return ErlangAFlat(wait=wait, abandon=abandon, service_level=level, asa=asa)


# Above this many series terms the quadrature is cheaper (and its cost does not grow): a series
# step costs a few dozen numpy calls whatever the size, a quadrature ~3,000 evaluations per
# element, so small calls switch early and large arrays late.
SERIES_LIMIT_SMALL = 200.0
SERIES_LIMIT_LARGE = 1500.0
_LARGE = 256


def _erlang_a_live(
    arrival_rate: FloatArray,
    aht: FloatArray,
    patience: FloatArray,
    agents: FloatArray,
    inverse_b: FloatArray,
    threshold_seconds: FloatArray,
) -> ErlangAMeasures:
    """The series where it is short, the quadrature where it would be long (long patience
    with too few agents): bounded time for every finite input."""
    args = (arrival_rate, aht, patience, agents, inverse_b, threshold_seconds)
    limit = SERIES_LIMIT_LARGE if arrival_rate.size >= _LARGE else SERIES_LIMIT_SMALL
    long = series_terms(arrival_rate, agents / aht, patience) > limit
    if not np.any(long):
        return erlang_a_flat(*args)
    if np.all(long):
        return erlang_a_integral(*args)
    short = erlang_a_flat(*(a[~long] for a in args))
    far = erlang_a_integral(*(a[long] for a in args))
    fields = ("wait_probability", "abandon_probability", "service_level", "asa_seconds")
    merged: dict[str, FloatArray] = {}
    for name in fields:
        out = np.empty(arrival_rate.shape)
        out[~long] = getattr(short, name)
        out[long] = getattr(far, name)
        merged[name] = out
    return ErlangAMeasures(**merged)


def erlang_a_occupancy_flat(
    traffic: FloatArray, agents: FloatArray, measures: ErlangAFlat
) -> FloatArray:
    """Occupancy under abandonment: only answered calls are handled, ``A·(1 - P(ab))/n``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        busy = traffic * (1.0 - measures.abandon) / agents
    result: FloatArray = np.where(traffic == 0.0, 0.0, np.minimum(busy, 1.0))
    return result


def _inputs(
    calls: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    patience_seconds: ArrayLike,
    interval_seconds: ArrayLike,
    threshold_seconds: ArrayLike,
) -> tuple[ErlangAFlat, tuple[int, ...], bool]:
    problems = Problems()
    (c, h, n, i, t, p), shape, scalar = interval_inputs(
        calls,
        aht,
        agents,
        interval_seconds,
        {"threshold_seconds": threshold_seconds, "patience_seconds": patience_seconds},
        problems,
    )
    return erlang_a_measures(c, h, n, i, p, t), shape, scalar


def erlang_a_wait_probability(
    calls: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    *,
    patience_seconds: ArrayLike,
    interval_seconds: ArrayLike,
) -> FloatResult:
    """Erlang A (M/M/n+M): probability that a call has to wait (finds every agent busy).

    ``patience_seconds`` is the callers' mean patience (exponential). Never overloaded: with
    abandonment the queue is stable for any number of agents.
    """
    measures, shape, scalar = _inputs(calls, aht, agents, patience_seconds, interval_seconds, 0.0)
    return out_float(measures.wait, shape, scalar)


def erlang_a_abandon_probability(
    calls: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    *,
    patience_seconds: ArrayLike,
    interval_seconds: ArrayLike,
) -> FloatResult:
    """Erlang A: share of offered calls that abandon before an answer."""
    measures, shape, scalar = _inputs(calls, aht, agents, patience_seconds, interval_seconds, 0.0)
    return out_float(measures.abandon, shape, scalar)


def erlang_a_service_level(
    calls: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    *,
    patience_seconds: ArrayLike,
    threshold_seconds: ArrayLike,
    interval_seconds: ArrayLike,
) -> FloatResult:
    """Erlang A service level: share of *offered* calls answered within ``threshold_seconds``.

    Abandoned calls count as not answered in time, as in ccmm's KPI definition (answered within
    threshold ÷ offered).
    """
    measures, shape, scalar = _inputs(
        calls, aht, agents, patience_seconds, interval_seconds, threshold_seconds
    )
    return out_float(measures.service_level, shape, scalar)


def erlang_a_average_speed_of_answer(
    calls: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    *,
    patience_seconds: ArrayLike,
    interval_seconds: ArrayLike,
) -> FloatResult:
    """Erlang A average speed of answer: mean wait of the *answered* calls, in seconds.

    ``inf`` with zero agents and some calls (nobody is answered).
    """
    measures, shape, scalar = _inputs(calls, aht, agents, patience_seconds, interval_seconds, 0.0)
    return out_float(measures.asa, shape, scalar)
