"""Erlang staffing: Erlang B, Erlang C and Erlang A, exact and vectorised.

Every function broadcasts its array arguments against each other (numpy rules) and works on all
elements at once; scalars in give Python scalars out. Traffic in Erlangs is
``calls × aht / interval_seconds``. Formulas and conventions are in ``docs/erlang.md``.

Conventions (all defined, none an error):

* *overloaded* means traffic > 0 and agents <= traffic: probability of waiting 1, service level 0,
  average speed of answer ``inf``, occupancy 1;
* *no traffic* (zero calls): probability of waiting 0, service level 1, ASA 0, occupancy 0, and
  zero agents are required.

Staffing searches return the **smallest** agent count meeting the target: the answer ``n`` meets
it and ``n - 1`` does not (``n - 1`` is overloaded or misses the target).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from ccmm._errors import InputDataError
from ccmm.kpi._erlang_a import erlang_a_flat
from ccmm.kpi._erlang_core import (
    erlang_b_flat,
    erlang_c_from_b,
    min_agents_erlang_c,
    service_level_from_wait,
)

__all__ = [
    "ErlangAStaffingResult",
    "StaffingResult",
    "agents_for_asa",
    "agents_for_service_level",
    "average_speed_of_answer",
    "erlang_a_abandon_probability",
    "erlang_a_agents_for_service_level",
    "erlang_a_average_speed_of_answer",
    "erlang_a_service_level",
    "erlang_a_wait_probability",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "service_level",
    "staff_intervals",
]

FloatArray: TypeAlias = NDArray[np.float64]
IntArray: TypeAlias = NDArray[np.int64]
FloatResult: TypeAlias = float | FloatArray
IntResult: TypeAlias = int | IntArray

_SHOWN = 5  # offending elements quoted per argument; the rest are counted


# --------------------------------------------------------------------------- validation


class _Problems:
    """Collects every input problem, then raises one [`InputDataError`][ccmm.InputDataError] listing
    them all."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def check(self, name: str, values: FloatArray, bad: NDArray[np.bool_], expected: str) -> None:
        if not np.any(bad):
            return
        if values.ndim == 0:
            self.items.append(f"{name} must be {expected}, got {values.item()!r}")
            return
        where = np.argwhere(bad)
        shown = ", ".join(
            f"{values[tuple(i)].item()!r} at index {_index_text(i)}" for i in where[:_SHOWN]
        )
        more = f" (and {len(where) - _SHOWN} more)" if len(where) > _SHOWN else ""
        self.items.append(f"{name} must be {expected}, got {shown}{more}")

    def raise_if_any(self) -> None:
        if self.items:
            raise InputDataError(
                f"invalid Erlang input ({len(self.items)} problem(s))", problems=self.items
            )


def _index_text(index: NDArray[np.intp]) -> str:
    return str(int(index[0])) if index.size == 1 else str(tuple(int(i) for i in index))


def _as_float(name: str, value: ArrayLike, problems: _Problems) -> FloatArray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        problems.items.append(f"{name} must be numeric, got {value!r}")
        return np.asarray(np.nan)
    return array


def _nonnegative(name: str, value: ArrayLike, problems: _Problems) -> FloatArray:
    array = _as_float(name, value, problems)
    problems.check(name, array, ~(np.isfinite(array) & (array >= 0.0)), "finite and >= 0")
    return array


def _positive(name: str, value: ArrayLike, problems: _Problems) -> FloatArray:
    array = _as_float(name, value, problems)
    problems.check(name, array, ~(np.isfinite(array) & (array > 0.0)), "finite and > 0")
    return array


def _whole(name: str, value: ArrayLike, problems: _Problems) -> FloatArray:
    array = _as_float(name, value, problems)
    good = np.isfinite(array) & (array >= 0.0)
    good &= np.floor(np.where(good, array, 0.0)) == np.where(good, array, 0.0)
    problems.check(name, array, ~good, "a whole number >= 0")
    return array


def _scalar_in(
    name: str, value: float, low: float, high: float, problems: _Problems, text: str
) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        problems.items.append(f"{name} must be a number {text}, got {value!r}")
        return math.nan
    if not (math.isfinite(number) and low <= number <= high):
        problems.items.append(f"{name} must be {text}, got {value!r}")
    return number


def _target_level(value: float, problems: _Problems) -> float:
    number = _scalar_in("target_service_level", value, -math.inf, math.inf, problems, "in (0, 1)")
    if math.isfinite(number) and not 0.0 < number < 1.0:
        problems.items.append(
            f"target_service_level must be strictly between 0 and 1 (1 is never reached with "
            f"finite agents, 0 needs no target), got {value!r}"
        )
    return number


def _shrinkage(value: float, problems: _Problems) -> float:
    number = _scalar_in("shrinkage", value, -math.inf, math.inf, problems, "in [0, 1)")
    if math.isfinite(number) and not 0.0 <= number < 1.0:
        problems.items.append(f"shrinkage must be in [0, 1), got {value!r}")
    return number


def _max_occupancy(value: float | None, problems: _Problems) -> float | None:
    if value is None:
        return None
    number = _scalar_in("max_occupancy", value, -math.inf, math.inf, problems, "in (0, 1]")
    if math.isfinite(number) and not 0.0 < number <= 1.0:
        problems.items.append(f"max_occupancy must be in (0, 1] or None, got {value!r}")
    return number


def _broadcast(names: Sequence[str], arrays: Sequence[FloatArray]) -> tuple[FloatArray, ...]:
    try:
        return tuple(np.broadcast_arrays(*arrays))
    except ValueError as exc:
        shapes = ", ".join(f"{n} {a.shape}" for n, a in zip(names, arrays, strict=True))
        raise InputDataError(f"arguments cannot be broadcast together: {shapes}") from exc


def _out_float(values: FloatArray, shape: tuple[int, ...], scalar: bool) -> FloatResult:
    return float(values.reshape(-1)[0]) if scalar else values.reshape(shape)


def _out_int(values: IntArray, shape: tuple[int, ...], scalar: bool) -> IntResult:
    return int(values.reshape(-1)[0]) if scalar else values.reshape(shape)


def _all_scalar(*arrays: FloatArray) -> bool:
    return all(a.ndim == 0 for a in arrays)


# --------------------------------------------------------------------------- measures


def _traffic(calls: FloatArray, aht: FloatArray, interval: FloatArray) -> FloatArray:
    result: FloatArray = calls * aht / interval
    return result


def _erlang_c_measures(
    traffic: FloatArray, aht: FloatArray, agents: FloatArray, blocking: FloatArray
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_], NDArray[np.bool_]]:
    """(P(wait), n - A, overloaded, idle) for flat arrays."""
    wait = erlang_c_from_b(traffic, agents, blocking)
    idle = traffic == 0.0
    overloaded = ~idle & (agents <= traffic)
    return wait, agents - traffic, overloaded, idle


def _sl(
    traffic: FloatArray,
    aht: FloatArray,
    agents: FloatArray,
    blocking: FloatArray,
    target_seconds: FloatArray,
) -> FloatArray:
    wait, excess, overloaded, idle = _erlang_c_measures(traffic, aht, agents, blocking)
    with np.errstate(over="ignore", invalid="ignore"):
        level = service_level_from_wait(wait, excess, target_seconds / aht)
    result: FloatArray = np.where(idle, 1.0, np.where(overloaded, 0.0, np.clip(level, 0.0, 1.0)))
    return result


def _asa(
    traffic: FloatArray, aht: FloatArray, agents: FloatArray, blocking: FloatArray
) -> FloatArray:
    wait, excess, overloaded, idle = _erlang_c_measures(traffic, aht, agents, blocking)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        asa = wait * aht / excess
    result: FloatArray = np.where(idle, 0.0, np.where(overloaded, np.inf, asa))
    return result


def _occupancy(traffic: FloatArray, agents: FloatArray) -> FloatArray:
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
    problems = _Problems()
    a = _nonnegative("traffic", traffic, problems)
    n = _whole("agents", agents, problems)
    problems.raise_if_any()
    a_b, n_b = _broadcast(("traffic", "agents"), (a, n))
    values = erlang_b_flat(a_b.ravel().copy(), n_b.ravel().astype(np.int64))
    return _out_float(values, a_b.shape, _all_scalar(a, n))


def erlang_c(traffic: ArrayLike, agents: ArrayLike) -> FloatResult:
    """Erlang C: probability that a call waits (M/M/n); 1 when overloaded, 0 without traffic."""
    problems = _Problems()
    a = _nonnegative("traffic", traffic, problems)
    n = _whole("agents", agents, problems)
    problems.raise_if_any()
    a_b, n_b = _broadcast(("traffic", "agents"), (a, n))
    flat_a, flat_n = a_b.ravel().copy(), n_b.ravel()
    blocking = erlang_b_flat(flat_a, flat_n.astype(np.int64))
    values = erlang_c_from_b(flat_a, flat_n, blocking)
    return _out_float(values, a_b.shape, _all_scalar(a, n))


def _interval_inputs(
    calls: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    interval_seconds: ArrayLike,
    extra: dict[str, ArrayLike],
    problems: _Problems,
) -> tuple[tuple[FloatArray, ...], tuple[int, ...], bool]:
    """Validate and broadcast (calls, aht, agents, interval_seconds, *extra) to flat arrays."""
    named: dict[str, FloatArray] = {
        "calls": _nonnegative("calls", calls, problems),
        "aht": _positive("aht", aht, problems),
        "agents": _whole("agents", agents, problems),
        "interval_seconds": _positive("interval_seconds", interval_seconds, problems),
    }
    for name, value in extra.items():
        checker = _nonnegative if name == "target_seconds" else _positive
        named[name] = checker(name, value, problems)
    problems.raise_if_any()
    arrays = _broadcast(tuple(named), tuple(named.values()))
    shape = arrays[0].shape
    return tuple(x.ravel().copy() for x in arrays), shape, _all_scalar(*named.values())


def service_level(
    calls: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    *,
    target_seconds: ArrayLike,
    interval_seconds: ArrayLike,
) -> FloatResult:
    """Erlang C service level: share of calls answered within ``target_seconds``.

    ``1 - C(A, n)·exp(-(n - A)·target_seconds/aht)``; 0 when overloaded, 1 without calls.
    """
    problems = _Problems()
    (c, h, n, i, t), shape, scalar = _interval_inputs(
        calls, aht, agents, interval_seconds, {"target_seconds": target_seconds}, problems
    )
    a = _traffic(c, h, i)
    blocking = erlang_b_flat(a, n.astype(np.int64))
    return _out_float(_sl(a, h, n, blocking, t), shape, scalar)


def average_speed_of_answer(
    calls: ArrayLike, aht: ArrayLike, agents: ArrayLike, *, interval_seconds: ArrayLike
) -> FloatResult:
    """Erlang C average speed of answer in seconds: ``C(A, n)·aht/(n - A)``; inf when overloaded."""
    problems = _Problems()
    (c, h, n, i), shape, scalar = _interval_inputs(
        calls, aht, agents, interval_seconds, {}, problems
    )
    a = _traffic(c, h, i)
    blocking = erlang_b_flat(a, n.astype(np.int64))
    return _out_float(_asa(a, h, n, blocking), shape, scalar)


def occupancy(
    calls: ArrayLike, aht: ArrayLike, agents: ArrayLike, *, interval_seconds: ArrayLike
) -> FloatResult:
    """Share of agent time spent handling calls: ``A/n``; 1 when overloaded, 0 without calls."""
    problems = _Problems()
    (c, h, n, i), shape, scalar = _interval_inputs(
        calls, aht, agents, interval_seconds, {}, problems
    )
    return _out_float(_occupancy(_traffic(c, h, i), n), shape, scalar)


# --------------------------------------------------------------------------- staffing


@dataclass(frozen=True)
class StaffingResult:
    """Smallest staffing meeting a target, and what it achieves (Erlang C).

    Arrays have the broadcast shape of the inputs; all fields are scalars when scalars came in.
    ``agents`` is the minimal count on the phones; ``scheduled`` the smallest count ``m`` with
    ``m·(1 - shrinkage) >= agents``. ``service_level`` (at the function's target seconds),
    ``asa_seconds`` and ``occupancy`` are those achieved with ``agents``.
    """

    agents: IntResult
    scheduled: IntResult
    service_level: FloatResult
    asa_seconds: FloatResult
    occupancy: FloatResult

    def _repr_html_(self) -> str:
        """Notebook display (rendered by `ccmm.report`, imported only when displayed)."""
        from ccmm.report import fragment_html, section_for

        return fragment_html(section_for(self))

    def plot(self, *, ax: Any = None, lang: Literal["en", "zh"] = "en") -> Any:
        """A matplotlib chart of this result (needs the ``plot`` extra); returns the Axes."""
        from ccmm._plot import plot_staffing

        return plot_staffing(self, ax=ax, lang=lang)


@dataclass(frozen=True)
class ErlangAStaffingResult(StaffingResult):
    """[`StaffingResult`][ccmm.kpi.StaffingResult] under abandonment (Erlang A), plus the
    abandonment achieved."""

    abandon_probability: FloatResult


def _validate_staffing(
    calls: ArrayLike,
    aht: ArrayLike,
    interval_seconds: ArrayLike,
    patience_seconds: ArrayLike | None,
    problems: _Problems,
) -> tuple[tuple[FloatArray, ...], tuple[int, ...], bool]:
    named: dict[str, FloatArray] = {
        "calls": _nonnegative("calls", calls, problems),
        "aht": _positive("aht", aht, problems),
        "interval_seconds": _positive("interval_seconds", interval_seconds, problems),
    }
    if patience_seconds is not None:
        named["patience_seconds"] = _positive("patience_seconds", patience_seconds, problems)
    problems.raise_if_any()
    arrays = _broadcast(tuple(named), tuple(named.values()))
    return (
        tuple(x.ravel().copy() for x in arrays),
        arrays[0].shape,
        _all_scalar(*named.values()),
    )


def _occupancy_floor(traffic: FloatArray, max_occupancy: float | None) -> IntArray:
    """Smallest n with traffic/n <= max_occupancy (0 without a cap)."""
    if max_occupancy is None:
        return np.zeros(traffic.shape, dtype=np.int64)
    n = np.ceil(traffic / max_occupancy)
    lower = np.maximum(n - 1.0, 1.0)
    n = np.where((n - 1.0 >= 1.0) & (traffic / lower <= max_occupancy), n - 1.0, n)
    return n.astype(np.int64)


def _scheduled(agents: IntArray, shrinkage: float) -> IntArray:
    """Smallest m with m·(1 - shrinkage) >= agents (floating point, as documented)."""
    keep = 1.0 - shrinkage
    m = np.ceil(agents / keep)
    m = np.where((m >= 1.0) & ((m - 1.0) * keep >= agents), m - 1.0, m)
    return m.astype(np.int64)


def _erlang_c_staffing(
    calls: ArrayLike,
    aht: ArrayLike,
    *,
    interval_seconds: ArrayLike,
    sl_target: float | None,
    sl_seconds: float,
    asa_target: float | None,
    max_occupancy: float | None,
    shrinkage: float,
    problems: _Problems,
) -> StaffingResult:
    occupancy_cap = _max_occupancy(max_occupancy, problems)
    shrink = _shrinkage(shrinkage, problems)
    (c, h, i), shape, scalar = _validate_staffing(calls, aht, interval_seconds, None, problems)
    a = _traffic(c, h, i)
    agents = np.zeros(a.shape, dtype=np.int64)
    blocking = np.ones(a.shape)
    busy = a > 0.0
    if np.any(busy):
        n_busy, b_busy = min_agents_erlang_c(
            a[busy],
            h[busy],
            minimum=_occupancy_floor(a[busy], occupancy_cap),
            sl_target=sl_target,
            sl_seconds=sl_seconds,
            asa_target=asa_target,
        )
        agents[busy] = n_busy
        blocking[busy] = b_busy
    n = agents.astype(np.float64)
    seconds = np.full(a.shape, sl_seconds)
    return StaffingResult(
        agents=_out_int(agents, shape, scalar),
        scheduled=_out_int(_scheduled(agents, shrink), shape, scalar),
        service_level=_out_float(_sl(a, h, n, blocking, seconds), shape, scalar),
        asa_seconds=_out_float(_asa(a, h, n, blocking), shape, scalar),
        occupancy=_out_float(_occupancy(a, n), shape, scalar),
    )


def agents_for_service_level(
    calls: ArrayLike,
    aht: ArrayLike,
    *,
    interval_seconds: ArrayLike,
    target_service_level: float,
    target_seconds: float,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> StaffingResult:
    """Smallest agent count whose Erlang C service level reaches the target (and occupancy cap).

    ``target_service_level`` in (0, 1), e.g. 0.8 for 80 % within ``target_seconds`` (>= 0).
    With ``max_occupancy`` the count is also at least the smallest ``n`` with ``A/n <=
    max_occupancy``. Zero calls need zero agents. ``.service_level`` is at ``target_seconds``.
    """
    problems = _Problems()
    level = _target_level(target_service_level, problems)
    seconds = _scalar_in(
        "target_seconds", target_seconds, 0.0, math.inf, problems, "finite and >= 0"
    )
    return _erlang_c_staffing(
        calls,
        aht,
        interval_seconds=interval_seconds,
        sl_target=level,
        sl_seconds=seconds,
        asa_target=None,
        max_occupancy=max_occupancy,
        shrinkage=shrinkage,
        problems=problems,
    )


def agents_for_asa(
    calls: ArrayLike,
    aht: ArrayLike,
    *,
    interval_seconds: ArrayLike,
    target_asa_seconds: float,
    service_level_seconds: float = 20.0,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> StaffingResult:
    """Smallest agent count whose Erlang C average speed of answer is <= ``target_asa_seconds``.

    ``.service_level`` of the result is reported at ``service_level_seconds`` (default 20 s); it
    plays no part in the search.
    """
    problems = _Problems()
    asa = _scalar_in(
        "target_asa_seconds", target_asa_seconds, 0.0, math.inf, problems, "finite and > 0"
    )
    if asa == 0.0:
        problems.items.append(
            "target_asa_seconds must be > 0 (ASA is positive whenever calls wait), got 0"
        )
    seconds = _scalar_in(
        "service_level_seconds", service_level_seconds, 0.0, math.inf, problems, "finite and >= 0"
    )
    return _erlang_c_staffing(
        calls,
        aht,
        interval_seconds=interval_seconds,
        sl_target=None,
        sl_seconds=seconds,
        asa_target=asa,
        max_occupancy=max_occupancy,
        shrinkage=shrinkage,
        problems=problems,
    )


# --------------------------------------------------------------------------- Erlang A


@dataclass(frozen=True)
class _ErlangAFlat:
    wait: FloatArray
    abandon: FloatArray
    service_level: FloatArray
    asa: FloatArray


def _erlang_a(
    calls: FloatArray,
    aht: FloatArray,
    agents: FloatArray,
    interval: FloatArray,
    patience: FloatArray,
    target_seconds: FloatArray,
) -> _ErlangAFlat:
    """Erlang A measures for flat validated arrays, with the no-traffic and no-agent cases."""
    traffic = _traffic(calls, aht, interval)
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
        measures = erlang_a_flat(
            calls[live] / interval[live],
            aht[live],
            patience[live],
            agents[live],
            inverse_b,
            target_seconds[live],
        )
        wait[live] = measures.wait_probability
        abandon[live] = measures.abandon_probability
        level[live] = measures.service_level
        asa[live] = measures.asa_seconds
    return _ErlangAFlat(wait=wait, abandon=abandon, service_level=level, asa=asa)


def _erlang_a_inputs(
    calls: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    patience_seconds: ArrayLike,
    interval_seconds: ArrayLike,
    target_seconds: ArrayLike,
) -> tuple[_ErlangAFlat, tuple[int, ...], bool]:
    problems = _Problems()
    (c, h, n, i, t, p), shape, scalar = _interval_inputs(
        calls,
        aht,
        agents,
        interval_seconds,
        {"target_seconds": target_seconds, "patience_seconds": patience_seconds},
        problems,
    )
    return _erlang_a(c, h, n, i, p, t), shape, scalar


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
    measures, shape, scalar = _erlang_a_inputs(
        calls, aht, agents, patience_seconds, interval_seconds, 0.0
    )
    return _out_float(measures.wait, shape, scalar)


def erlang_a_abandon_probability(
    calls: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    *,
    patience_seconds: ArrayLike,
    interval_seconds: ArrayLike,
) -> FloatResult:
    """Erlang A: share of offered calls that abandon before an answer."""
    measures, shape, scalar = _erlang_a_inputs(
        calls, aht, agents, patience_seconds, interval_seconds, 0.0
    )
    return _out_float(measures.abandon, shape, scalar)


def erlang_a_service_level(
    calls: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    *,
    patience_seconds: ArrayLike,
    target_seconds: ArrayLike,
    interval_seconds: ArrayLike,
) -> FloatResult:
    """Erlang A service level: share of *offered* calls answered within ``target_seconds``.

    Abandoned calls count as not answered in time, as in ccmm's KPI definition (answered within
    threshold ÷ offered).
    """
    measures, shape, scalar = _erlang_a_inputs(
        calls, aht, agents, patience_seconds, interval_seconds, target_seconds
    )
    return _out_float(measures.service_level, shape, scalar)


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
    measures, shape, scalar = _erlang_a_inputs(
        calls, aht, agents, patience_seconds, interval_seconds, 0.0
    )
    return _out_float(measures.asa, shape, scalar)


def erlang_a_agents_for_service_level(
    calls: ArrayLike,
    aht: ArrayLike,
    *,
    patience_seconds: ArrayLike,
    interval_seconds: ArrayLike,
    target_service_level: float,
    target_seconds: float,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> ErlangAStaffingResult:
    """Smallest agent count whose Erlang A service level reaches the target.

    Service level as in [`erlang_a_service_level`][ccmm.kpi.erlang_a_service_level]. Because the
    answered share can never exceed ``n/A``, any ``n < target·A`` fails; the search doubles up from
    there until the target is met, then bisects, on all elements at once.
    """
    problems = _Problems()
    level = _target_level(target_service_level, problems)
    seconds = _scalar_in(
        "target_seconds", target_seconds, 0.0, math.inf, problems, "finite and >= 0"
    )
    occupancy_cap = _max_occupancy(max_occupancy, problems)
    shrink = _shrinkage(shrinkage, problems)
    (c, h, i, p), shape, scalar = _validate_staffing(
        calls, aht, interval_seconds, patience_seconds, problems
    )
    a = _traffic(c, h, i)
    t = np.full(a.shape, seconds)
    minimum = _occupancy_floor(a, occupancy_cap)
    # lo always fails (or is below the minimum), hi always passes.
    lo = np.maximum(np.ceil(level * a * (1.0 - 1e-12)) - 1.0, minimum - 1.0)
    lo = np.maximum(lo, -1.0)
    hi = np.maximum(lo + 1.0, np.floor(a) + 1.0)
    busy = a > 0.0
    hi[~busy] = 0.0
    lo[~busy] = -1.0

    def passes(n: FloatArray, rows: NDArray[np.intp]) -> NDArray[np.bool_]:
        got = _erlang_a(c[rows], h[rows], n, i[rows], p[rows], t[rows]).service_level
        result: NDArray[np.bool_] = got >= level
        return result

    rows = np.flatnonzero(busy)
    while rows.size:
        ok = passes(hi[rows], rows)
        failing = rows[~ok]
        lo[failing] = hi[failing]
        hi[failing] = 2.0 * hi[failing] + 1.0
        rows = failing
    rows = np.flatnonzero(hi - lo > 1.0)
    while rows.size:
        mid = np.floor((lo[rows] + hi[rows]) / 2.0)
        ok = passes(mid, rows)
        hi[rows[ok]] = mid[ok]
        lo[rows[~ok]] = mid[~ok]
        rows = rows[hi[rows] - lo[rows] > 1.0]
    agents = hi.astype(np.int64)
    achieved = _erlang_a(c, h, hi, i, p, t)
    return ErlangAStaffingResult(
        agents=_out_int(agents, shape, scalar),
        scheduled=_out_int(_scheduled(agents, shrink), shape, scalar),
        service_level=_out_float(achieved.service_level, shape, scalar),
        asa_seconds=_out_float(achieved.asa, shape, scalar),
        occupancy=_out_float(_erlang_a_occupancy(a, hi, achieved), shape, scalar),
        abandon_probability=_out_float(achieved.abandon, shape, scalar),
    )


def _erlang_a_occupancy(
    traffic: FloatArray, agents: FloatArray, measures: _ErlangAFlat
) -> FloatArray:
    """Occupancy under abandonment: only answered calls are handled, ``A·(1 - P(ab))/n``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        busy = traffic * (1.0 - measures.abandon) / agents
    result: FloatArray = np.where(traffic == 0.0, 0.0, np.minimum(busy, 1.0))
    return result


# --------------------------------------------------------------------------- interval table


def staff_intervals(
    frame: pd.DataFrame,
    *,
    target_service_level: float,
    target_seconds: float,
    calls_column: str = "offered",
    aht_column: str = "aht_seconds",
    interval_column: str = "interval_minutes",
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
    patience_seconds: float | None = None,
) -> pd.DataFrame:
    """Required agents per interval of a forecast interval table (pandas).

    ``frame`` holds forecast calls (``calls_column``), AHT in seconds (``aht_column``) and the
    interval length in minutes (``interval_column``, as in the canonical interval table). Returns
    a copy with ``agents_required``, ``agents_scheduled``, ``expected_service_level``,
    ``expected_asa_seconds``, ``expected_occupancy`` and ``expected_abandon_rate`` added, row
    order and index unchanged. Erlang C, or Erlang A when ``patience_seconds`` is given (then
    abandonment is modelled; under Erlang C it is 0 by assumption).
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputDataError(
            f"staff_intervals needs a pandas DataFrame, got {type(frame).__name__}"
        )
    needed = [calls_column, aht_column, interval_column]
    absent = [name for name in needed if name not in frame.columns]
    if absent:
        raise InputDataError(
            f"interval table is missing column(s) {', '.join(map(repr, absent))}; "
            f"got {', '.join(map(repr, map(str, frame.columns))) or '(none)'}"
        )
    problems = _Problems()
    columns: dict[str, FloatArray] = {}
    for name in needed:
        values = pd.to_numeric(frame[name], errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        columns[name] = values
    calls = _nonnegative(f"column {calls_column!r}", columns[calls_column], problems)
    aht = _positive(f"column {aht_column!r}", columns[aht_column], problems)
    minutes = _positive(f"column {interval_column!r}", columns[interval_column], problems)
    problems.raise_if_any()
    result: StaffingResult
    abandon: FloatResult
    if patience_seconds is None:
        result = agents_for_service_level(
            calls,
            aht,
            interval_seconds=minutes * 60.0,
            target_service_level=target_service_level,
            target_seconds=target_seconds,
            max_occupancy=max_occupancy,
            shrinkage=shrinkage,
        )
        abandon = np.zeros(len(frame))
    else:
        result_a = erlang_a_agents_for_service_level(
            calls,
            aht,
            patience_seconds=patience_seconds,
            interval_seconds=minutes * 60.0,
            target_service_level=target_service_level,
            target_seconds=target_seconds,
            max_occupancy=max_occupancy,
            shrinkage=shrinkage,
        )
        result, abandon = result_a, result_a.abandon_probability
    out = frame.copy()
    out["agents_required"] = np.asarray(result.agents, dtype=np.int64)
    out["agents_scheduled"] = np.asarray(result.scheduled, dtype=np.int64)
    out["expected_service_level"] = np.asarray(result.service_level, dtype=np.float64)
    out["expected_asa_seconds"] = np.asarray(result.asa_seconds, dtype=np.float64)
    out["expected_occupancy"] = np.asarray(result.occupancy, dtype=np.float64)
    out["expected_abandon_rate"] = np.asarray(abandon, dtype=np.float64)
    return out
