"""Staffing searches: the smallest agent count meeting a target (private).

Searches return the **smallest** agent count meeting the target: the answer ``n`` meets it and
``n - 1`` does not (``n - 1`` is overloaded or misses the target). Zero calls need zero agents.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ccmm._text import quote
from ccmm.staffing._erlang_a import (
    erlang_a_measures,
    erlang_a_occupancy_flat,
)
from ccmm.staffing._erlang_c import (
    occupancy_flat,
    service_level_and_asa_flat,
    service_level_flat,
)
from ccmm.staffing._erlang_c_search import min_agents_erlang_c
from ccmm.staffing._inputs import (
    FloatArray,
    IntArray,
    Problems,
    occupancy_cap,
    out_float,
    out_int,
    scalar_in,
    searchable_traffic,
    shrinkage_share,
    staffing_inputs,
    target_level,
    traffic_of,
)
from ccmm.staffing._results import ErlangAStaffingResult, StaffingResult


def occupancy_floor(traffic: FloatArray, max_occupancy: float | None) -> IntArray:
    """Smallest n with traffic/n <= max_occupancy (0 without a cap)."""
    if max_occupancy is None:
        return np.zeros(traffic.shape, dtype=np.int64)
    n = np.ceil(traffic / max_occupancy)
    lower = np.maximum(n - 1.0, 1.0)
    n = np.where((n - 1.0 >= 1.0) & (traffic / lower <= max_occupancy), n - 1.0, n)
    return n.astype(np.int64)


def scheduled_for(agents: IntArray, shrinkage: float) -> IntArray:
    """Smallest m with m·(1 - shrinkage) >= agents (floating point, as documented)."""
    if shrinkage == 0.0:
        return agents.copy()
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
    problems: Problems,
    fractional: bool = False,
) -> StaffingResult:
    cap = occupancy_cap(max_occupancy, problems)
    shrink = shrinkage_share(shrinkage, problems)
    (c, h, i), shape, scalar = staffing_inputs(calls, aht, interval_seconds, None, problems)
    a = traffic_of(c, h, i)
    searchable_traffic(a)
    busy = a > 0.0
    search = partial(
        min_agents_erlang_c, sl_target=sl_target, sl_seconds=sl_seconds, asa_target=asa_target
    )
    if np.all(busy):  # the common case: no gather and scatter of every row
        found = search(a, h, minimum=occupancy_floor(a, cap))
        agents, blocking = found.agents, found.blocking
        n = agents.astype(np.float64)
        # Agents always exceed the traffic here: the measures need no overload/idle cases.
        level = np.clip(1.0 - found.wait * found.decay, 0.0, 1.0)
        asa = found.wait * h / (n - a)
        occupancy = a / n
    else:
        agents = np.zeros(a.shape, dtype=np.int64)
        blocking = np.ones(a.shape)
        if np.any(busy):
            some = search(a[busy], h[busy], minimum=occupancy_floor(a[busy], cap))
            agents[busy], blocking[busy] = some.agents, some.blocking
        n = agents.astype(np.float64)
        level, asa = service_level_and_asa_flat(a, h, n, blocking, sl_seconds)
        occupancy = occupancy_flat(a, n)
    continuous = None
    if fractional and sl_target is not None:
        floor = np.zeros(a.shape) if cap is None else a / cap
        seconds = np.full(a.shape, sl_seconds)
        values = _interpolated_agents(a, h, n, blocking, seconds, sl_target, floor)
        continuous = out_float(values, shape, scalar)
    return StaffingResult(
        fractional_agents=continuous,
        agents=out_int(agents, shape, scalar),
        scheduled=out_int(scheduled_for(agents, shrink), shape, scalar),
        service_level=out_float(level, shape, scalar),
        asa_seconds=out_float(asa, shape, scalar),
        occupancy=out_float(occupancy, shape, scalar),
    )


def _interpolated_agents(
    traffic: FloatArray,
    aht: FloatArray,
    agents: FloatArray,
    blocking: FloatArray,
    seconds: FloatArray,
    target: float,
    floor: FloatArray,
) -> FloatArray:
    """The continuous agent count ``n - 1 + (target - SL(n-1)) / (SL(n) - SL(n-1))``: linear
    interpolation of the Erlang C service level between the minimal ``n`` and ``n - 1``, but
    never below ``floor`` (the occupancy cap's ``A/max_occupancy``). 0 without traffic.

    Erlang B at ``n - 1`` comes from B at ``n`` by inverting the recurrence:
    ``B(n-1) = n·B(n) / (A·(1 - B(n)))``.
    """
    busy = traffic > 0.0
    below = np.maximum(agents - 1.0, 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        b_below = np.where(agents >= 1.0, agents * blocking / (traffic * (1.0 - blocking)), 1.0)
    b_below = np.clip(np.nan_to_num(b_below, nan=1.0), 0.0, 1.0)
    level_n = service_level_flat(traffic, aht, agents, blocking, seconds)
    level_below = service_level_flat(traffic, aht, below, b_below, seconds)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (target - level_below) / (level_n - level_below)
    share = np.clip(np.nan_to_num(share, nan=1.0), 0.0, 1.0)
    result: FloatArray = np.where(busy, np.maximum(below + share, floor), 0.0)
    return np.minimum(result, agents)


def agents_for_service_level(
    calls: ArrayLike,
    aht: ArrayLike,
    *,
    interval_seconds: ArrayLike,
    target_service_level: float,
    threshold_seconds: float,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
    fractional: bool = False,
) -> StaffingResult:
    """Smallest agent count whose Erlang C service level reaches the target (and occupancy cap).

    ``target_service_level`` in (0, 1), e.g. 0.8 for 80 % answered within ``threshold_seconds``
    (>= 0). With ``max_occupancy`` the count is also at least the smallest ``n`` with ``A/n <=
    max_occupancy``. Zero calls need zero agents. ``.service_level`` is at ``threshold_seconds``.

    With ``fractional=True`` the result's ``fractional_agents`` also holds the continuous agent
    count: the Erlang C service level interpolated linearly between ``agents - 1`` and
    ``agents`` reaches the target there (never below ``A/max_occupancy``), so
    ``agents - 1 < fractional_agents <= agents``. ``agents`` stays the whole count.
    """
    problems = Problems()
    level = target_level(target_service_level, problems)
    seconds = scalar_in(
        "threshold_seconds", threshold_seconds, 0.0, math.inf, problems, "finite and >= 0"
    )
    if not isinstance(fractional, bool | np.bool_):  # a frame or array has no single truth
        problems.items.append(
            f"fractional must be True or False, got {type(fractional).__name__} {quote(fractional)}"
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
        fractional=isinstance(fractional, bool | np.bool_) and bool(fractional),
    )


def agents_for_asa(
    calls: ArrayLike,
    aht: ArrayLike,
    *,
    interval_seconds: ArrayLike,
    target_asa_seconds: float,
    threshold_seconds: float = 20.0,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> StaffingResult:
    """Smallest agent count whose Erlang C average speed of answer is <= ``target_asa_seconds``.

    ``.service_level`` of the result is reported at ``threshold_seconds`` (default 20 s); it
    plays no part in the search.
    """
    problems = Problems()
    asa = scalar_in(
        "target_asa_seconds", target_asa_seconds, 0.0, math.inf, problems, "finite and > 0"
    )
    if asa == 0.0:
        problems.items.append(
            "target_asa_seconds must be > 0 (ASA is positive whenever calls wait), got 0"
        )
    seconds = scalar_in(
        "threshold_seconds", threshold_seconds, 0.0, math.inf, problems, "finite and >= 0"
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


def erlang_a_agents_for_service_level(
    calls: ArrayLike,
    aht: ArrayLike,
    *,
    patience_seconds: ArrayLike,
    interval_seconds: ArrayLike,
    target_service_level: float,
    threshold_seconds: float,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> ErlangAStaffingResult:
    """Smallest agent count whose Erlang A service level reaches the target.

    Service level as in `erlang_a_service_level`. Because the answered share can never exceed
    ``n/A``, any ``n < target·A`` fails; the search doubles up from there until the target is
    met, then bisects, on all elements at once.
    """
    problems = Problems()
    level = target_level(target_service_level, problems)
    seconds = scalar_in(
        "threshold_seconds", threshold_seconds, 0.0, math.inf, problems, "finite and >= 0"
    )
    cap = occupancy_cap(max_occupancy, problems)
    shrink = shrinkage_share(shrinkage, problems)
    (c, h, i, p), shape, scalar = staffing_inputs(
        calls, aht, interval_seconds, patience_seconds, problems
    )
    a = traffic_of(c, h, i)
    searchable_traffic(a)
    t = np.full(a.shape, seconds)
    minimum = occupancy_floor(a, cap)
    # lo always fails (or is below the minimum), hi always passes.
    lo = np.maximum(np.ceil(level * a * (1.0 - 1e-12)) - 1.0, minimum - 1.0)
    lo = np.maximum(lo, -1.0)
    hi = np.maximum(lo + 1.0, np.floor(a) + 1.0)
    busy = a > 0.0
    hi[~busy] = 0.0
    lo[~busy] = -1.0

    def passes(n: FloatArray, rows: NDArray[np.intp]) -> NDArray[np.bool_]:
        got = erlang_a_measures(c[rows], h[rows], n, i[rows], p[rows], t[rows]).service_level
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
    achieved = erlang_a_measures(c, h, hi, i, p, t)
    return ErlangAStaffingResult(
        agents=out_int(agents, shape, scalar),
        scheduled=out_int(scheduled_for(agents, shrink), shape, scalar),
        service_level=out_float(achieved.service_level, shape, scalar),
        asa_seconds=out_float(achieved.asa, shape, scalar),
        occupancy=out_float(erlang_a_occupancy_flat(a, hi, achieved), shape, scalar),
        abandon_probability=out_float(achieved.abandon, shape, scalar),
    )
