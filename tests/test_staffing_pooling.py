"""Fractional Erlang C staffing and pooling: interpolation between the minimal whole count and
the one below it, and the saving and rounding cost of pooled queues."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies_staffing import aht_values, calls_values, sl_targets, threshold_values

from ccmm import CCMMError, staffing

HALF_HOUR = 1800.0


@given(
    st.lists(st.tuples(calls_values, aht_values), min_size=1, max_size=30),
    sl_targets,
    threshold_values,
)
def test_fractional_agents_lie_between_n_minus_1_and_n_and_meet_the_target_there(
    rows: list[tuple[float, float]], target: float, seconds: float
) -> None:
    calls, aht = (np.array(column) for column in zip(*rows, strict=True))
    kw = {
        "interval_seconds": HALF_HOUR,
        "target_service_level": target,
        "threshold_seconds": seconds,
    }
    result = staffing.agents_for_service_level(calls, aht, fractional=True, **kw)
    whole = np.asarray(result.agents)
    frac = np.asarray(result.fractional_agents)
    busy = whole > 0  # traffic > 0 (calls so small that the traffic underflows need none)
    assert np.all(frac[~busy] == 0.0)
    assert np.all(frac[busy] > whole[busy] - 1.0 - 1e-12)
    assert np.all(frac[busy] <= whole[busy])
    # Linear interpolation of the service level hits the target at the fractional count.
    n = whole[busy]
    below = staffing.erlang_c_service_level(
        calls[busy], aht[busy], n - 1, threshold_seconds=seconds, interval_seconds=HALF_HOUR
    )
    at = staffing.erlang_c_service_level(
        calls[busy], aht[busy], n, threshold_seconds=seconds, interval_seconds=HALF_HOUR
    )
    share = frac[busy] - (n - 1)
    np.testing.assert_allclose(below + share * (at - below), target, atol=1e-9)
    plain = staffing.agents_for_service_level(calls, aht, **kw)
    np.testing.assert_array_equal(plain.agents, result.agents)
    assert plain.fractional_agents is None


@given(st.floats(1.0, 3000.0), aht_values, st.floats(0.5, 0.99))
def test_fractional_agents_never_fall_below_the_occupancy_cap(
    calls: float, aht: float, cap: float
) -> None:
    result = staffing.agents_for_service_level(
        calls,
        aht,
        interval_seconds=HALF_HOUR,
        target_service_level=0.05,
        threshold_seconds=5.0,
        max_occupancy=cap,
        fractional=True,
    )
    assert isinstance(result.fractional_agents, float)
    assert result.fractional_agents >= calls * aht / HALF_HOUR / cap - 1e-9


@given(
    st.lists(st.lists(calls_values, min_size=3, max_size=3), min_size=2, max_size=5),
    aht_values,
    sl_targets,
)
def test_pooling_never_needs_more_agents_and_its_parts_are_staffing_results(
    queues: list[list[float]], aht: float, target: float
) -> None:
    calls = np.array(queues)
    kw = {"interval_seconds": HALF_HOUR, "target_service_level": target, "threshold_seconds": 20}
    result = staffing.pooling(calls, aht, **kw)
    apart = staffing.agents_for_service_level(calls, aht, fractional=True, **kw)
    together = staffing.agents_for_service_level(calls.sum(axis=0), aht, fractional=True, **kw)
    np.testing.assert_array_equal(result.separate_agents, apart.agents)
    np.testing.assert_array_equal(result.pooled_agents, together.agents)
    np.testing.assert_array_equal(result.separate_total, np.sum(apart.agents, axis=0))
    assert np.all(np.asarray(result.pooling_saving) >= 0)
    hours = float(np.sum(np.asarray(apart.agents) - np.asarray(apart.fractional_agents)) / 2)
    assert result.separate_rounding_agent_hours == pytest.approx(hours)
    assert result.separate_rounding_agent_hours >= 0.0
    assert result.pooled_rounding_agent_hours >= 0.0


def test_pooling_two_equal_queues_saves_agents_in_a_published_sized_example() -> None:
    # Two queues of 100 calls (AHT 180 s, 80 % in 20 s) need 14 agents each; pooled, 200 calls
    # need fewer than 28.
    result = staffing.pooling(
        [100, 100], 180, interval_seconds=HALF_HOUR, target_service_level=0.8, threshold_seconds=20
    )
    assert result.separate_total == 28
    assert result.pooled_agents < 28
    assert result.pooling_saving == 28 - result.pooled_agents


def test_pooling_needs_a_queue_axis() -> None:
    with pytest.raises(CCMMError, match="one row per queue"):
        staffing.pooling(
            100, 180, interval_seconds=HALF_HOUR, target_service_level=0.8, threshold_seconds=20
        )
