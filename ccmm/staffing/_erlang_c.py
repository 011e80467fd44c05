"""Erlang B and Erlang C (M/M/n) measures of one interval, vectorised (private).

Conventions (all defined, none an error):

* *overloaded* means traffic > 0 and agents <= traffic: probability of waiting 1, service level 0,
  average speed of answer ``inf``, occupancy 1;
* *no traffic* (zero calls): probability of waiting 0, service level 1, ASA 0, occupancy 0.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ccmm.staffing._erlang_core import erlang_b_flat, erlang_c_from_b, service_level_from_wait
from ccmm.staffing._inputs import (
    FloatArray,
    FloatResult,
    Problems,
    all_scalar,
    broadcast,
    interval_inputs,
    nonnegative,
    out_float,
    traffic_of,
    whole,
)


def _measures(
    traffic: FloatArray, agents: FloatArray, blocking: FloatArray
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_], NDArray[np.bool_]]:
    """(P(wait), n - A, overloaded, idle) for flat arrays."""
    wait = erlang_c_from_b(traffic, agents, blocking)
    idle = traffic == 0.0
    overloaded = ~idle & (agents <= traffic)
    return wait, agents - traffic, overloaded, idle


def service_level_flat(
    traffic: FloatArray,
    aht: FloatArray,
    agents: FloatArray,
    blocking: FloatArray,
    threshold_seconds: FloatArray,
) -> FloatArray:
    """Erlang C service level for flat validated arrays (``blocking`` is Erlang B there)."""
    wait, excess, overloaded, idle = _measures(traffic, agents, blocking)
    with np.errstate(over="ignore", invalid="ignore"):
        level = service_level_from_wait(wait, excess, threshold_seconds / aht)
    result: FloatArray = np.where(idle, 1.0, np.where(overloaded, 0.0, np.clip(level, 0.0, 1.0)))
    return result


def asa_flat(
    traffic: FloatArray, aht: FloatArray, agents: FloatArray, blocking: FloatArray
) -> FloatArray:
    """Erlang C average speed of answer for flat validated arrays."""
    wait, excess, overloaded, idle = _measures(traffic, agents, blocking)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        asa = wait * aht / excess
    result: FloatArray = np.where(idle, 0.0, np.where(overloaded, np.inf, asa))
    return result


def service_level_and_asa_flat(
    traffic: FloatArray,
    aht: FloatArray,
    agents: FloatArray,
    blocking: FloatArray,
    threshold_seconds: float,
) -> tuple[FloatArray, FloatArray]:
    """`service_level_flat` and `asa_flat` at once (one Erlang C for both), the same values."""
    wait, excess, overloaded, idle = _measures(traffic, agents, blocking)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        level = service_level_from_wait(wait, excess, threshold_seconds / aht)
        asa = wait * aht / excess
    level = np.where(idle, 1.0, np.where(overloaded, 0.0, np.clip(level, 0.0, 1.0)))
    asa = np.where(idle, 0.0, np.where(overloaded, np.inf, asa))
    return level, asa


def occupancy_flat(traffic: FloatArray, agents: FloatArray) -> FloatArray:
    """``A/n`` for flat validated arrays: 1 when overloaded, 0 without traffic."""
    idle = traffic == 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        busy = traffic / agents
    result: FloatArray = np.where(idle, 0.0, np.where(agents <= traffic, 1.0, busy))
    return result


def erlang_b(traffic: ArrayLike, agents: ArrayLike) -> FloatResult:
    """Erlang B: probability that a call finds all ``agents`` busy and is lost (M/M/n/n).

    ``traffic`` in Erlangs (>= 0), ``agents`` whole numbers >= 0. ``erlang_b(A, 0) == 1``.
    Exact to ~1e-13 relative (checked against mpmath up to 20,000 Erlangs).
    """
    problems = Problems()
    a = nonnegative("traffic", traffic, problems)
    n = whole("agents", agents, problems)
    problems.raise_if_any()
    a_b, n_b = broadcast(("traffic", "agents"), (a, n))
    values = erlang_b_flat(a_b.ravel().copy(), n_b.ravel().astype(np.int64))
    return out_float(values, a_b.shape, all_scalar(a, n))


def erlang_c(traffic: ArrayLike, agents: ArrayLike) -> FloatResult:
    """Erlang C: probability that a call waits (M/M/n); 1 when overloaded, 0 without traffic."""
    problems = Problems()
    a = nonnegative("traffic", traffic, problems)
    n = whole("agents", agents, problems)
    problems.raise_if_any()
    a_b, n_b = broadcast(("traffic", "agents"), (a, n))
    flat_a, flat_n = a_b.ravel().copy(), n_b.ravel()
    blocking = erlang_b_flat(flat_a, flat_n.astype(np.int64))
    values = erlang_c_from_b(flat_a, flat_n, blocking)
    return out_float(values, a_b.shape, all_scalar(a, n))


def erlang_c_service_level(
    calls: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    *,
    threshold_seconds: ArrayLike,
    interval_seconds: ArrayLike,
) -> FloatResult:
    """Erlang C service level: share of calls answered within ``threshold_seconds``.

    ``1 - C(A, n)·exp(-(n - A)·threshold_seconds/aht)``; 0 when overloaded, 1 without calls.
    """
    problems = Problems()
    (c, h, n, i, t), shape, scalar = interval_inputs(
        calls, aht, agents, interval_seconds, {"threshold_seconds": threshold_seconds}, problems
    )
    a = traffic_of(c, h, i)
    blocking = erlang_b_flat(a, n.astype(np.int64))
    return out_float(service_level_flat(a, h, n, blocking, t), shape, scalar)


def erlang_c_average_speed_of_answer(
    calls: ArrayLike, aht: ArrayLike, agents: ArrayLike, *, interval_seconds: ArrayLike
) -> FloatResult:
    """Erlang C average speed of answer in seconds: ``C(A, n)·aht/(n - A)``; inf when overloaded."""
    problems = Problems()
    (c, h, n, i), shape, scalar = interval_inputs(
        calls, aht, agents, interval_seconds, {}, problems
    )
    a = traffic_of(c, h, i)
    blocking = erlang_b_flat(a, n.astype(np.int64))
    return out_float(asa_flat(a, h, n, blocking), shape, scalar)


def erlang_c_occupancy(
    calls: ArrayLike, aht: ArrayLike, agents: ArrayLike, *, interval_seconds: ArrayLike
) -> FloatResult:
    """Erlang C occupancy, the share of agent time spent handling calls: ``A/n``.

    1 when overloaded, 0 without calls.
    """
    problems = Problems()
    (c, h, n, i), shape, scalar = interval_inputs(
        calls, aht, agents, interval_seconds, {}, problems
    )
    return out_float(occupancy_flat(traffic_of(c, h, i), n), shape, scalar)
