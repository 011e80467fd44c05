"""Erlang A with long patience (issue #14, item 14): bounded work for every finite patience.

The quadrature (`_erlang_a_integral`) must agree with the series (`_erlang_a_kernel`) where both
are cheap, with an independent birth-death chain where only the quadrature is cheap, and with
the exact limits when patience is so long that abandonment is settled at float precision:
Erlang C when there are enough agents, the fluid limit (abandon 1 - nμ/λ) when there are not.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies_staffing import aht_values, threshold_values

from ccmm import staffing
from ccmm.staffing._erlang_a import SERIES_LIMIT_SMALL
from ccmm.staffing._erlang_a_integral import erlang_a_integral, series_terms
from ccmm.staffing._erlang_a_kernel import erlang_a_flat
from ccmm.staffing._erlang_core import erlang_b_flat

HALF_HOUR = 1800.0
FIELDS = ("wait_probability", "abandon_probability", "service_level", "asa_seconds")

# Interval cases: calls, agents as a share of the traffic (under and over), both methods cheap.
calls_moderate = st.floats(min_value=1.0, max_value=600.0)
staffing_share = st.floats(min_value=0.2, max_value=1.6)
patience_moderate = st.floats(min_value=0.5, max_value=5_000.0)
patience_any = st.floats(min_value=1e-3, max_value=1e300)


def _flat(
    calls: float, aht: float, agents: float, patience: float, threshold: float
) -> tuple[np.ndarray, ...]:
    traffic = calls * aht / HALF_HOUR
    inverse_b = 1.0 / erlang_b_flat(np.array([traffic]), np.array([int(agents)]))
    return (
        np.array([calls / HALF_HOUR]),
        np.array([aht]),
        np.array([patience]),
        np.array([agents]),
        inverse_b,
        np.array([threshold]),
    )


@given(calls_moderate, aht_values, staffing_share, patience_moderate, threshold_values)
def test_quadrature_equals_the_series_where_both_are_cheap(
    calls: float, aht: float, share: float, patience: float, threshold: float
) -> None:
    agents = max(1.0, math.floor(share * calls * aht / HALF_HOUR))
    args = _flat(calls, aht, agents, patience, threshold)
    series = erlang_a_flat(*args)
    quadrature = erlang_a_integral(*args)
    for name in FIELDS:
        a, b = getattr(series, name)[0], getattr(quadrature, name)[0]
        if name == "asa_seconds":
            assert b == pytest.approx(a, rel=1e-9, abs=1e-9), name
        else:
            assert b == pytest.approx(a, abs=1e-11), name


def _chain_wait_and_abandon(
    calls: float, aht: float, agents: int, patience: float
) -> tuple[float, float]:
    """Birth-death chain of M/M/n+M in log space, truncated where the states carry < 1e-30:
    P(wait) = P(all busy) (PASTA) and P(abandon) = θ·E[queue]/λ (abandon flow over arrivals)."""
    lam, mu, theta = calls / HALF_HOUR, 1.0 / aht, 1.0 / patience
    depth = int(max(lam - agents * mu, 0.0) / theta + 60.0 * math.sqrt(lam / theta) + 200)
    k = np.arange(1, agents + 1, dtype=np.float64)
    log_busy = np.concatenate([[0.0], np.cumsum(np.log(lam / (k * mu)))])
    j = np.arange(1, depth + 1, dtype=np.float64)
    log_queue = log_busy[-1] + np.cumsum(np.log(lam / (agents * mu + j * theta)))
    logs = np.concatenate([log_busy, log_queue])
    weights = np.exp(logs - logs.max())
    total = weights.sum()
    wait = (weights[agents] + weights[agents + 1 :].sum()) / total
    queue = float((weights[agents + 1 :] * j).sum() / total)
    return float(wait), theta * queue / lam


@pytest.mark.parametrize(
    ("calls", "aht", "agents", "patience"),
    [
        (100, 300, 10, 2e4),  # the issue's case, overloaded, patience where only quadrature pays
        (100, 300, 10, 3e5),
        (400, 240, 40, 1e5),  # 53 Erlangs on 40 agents
        (400, 240, 60, 1e6),  # enough agents: near Erlang C
        (50, 600, 17, 5e4),  # 16.7 Erlangs on 17 agents: nearly critical
    ],
)
def test_quadrature_matches_an_independent_birth_death_chain(
    calls: float, aht: float, agents: int, patience: float
) -> None:
    assert (
        series_terms(np.array([calls / HALF_HOUR]), np.array([agents / aht]), np.array([patience]))[
            0
        ]
        > SERIES_LIMIT_SMALL
    )
    kw = {"patience_seconds": patience, "interval_seconds": HALF_HOUR}
    wait, abandon = _chain_wait_and_abandon(calls, aht, agents, patience)
    assert staffing.erlang_a_wait_probability(calls, aht, agents, **kw) == pytest.approx(
        wait, abs=1e-10
    )
    assert staffing.erlang_a_abandon_probability(calls, aht, agents, **kw) == pytest.approx(
        abandon, abs=1e-10
    )


@given(calls_moderate, aht_values, staffing_share, patience_any, threshold_values)
def test_every_finite_patience_gives_defined_measures(
    calls: float, aht: float, share: float, patience: float, threshold: float
) -> None:
    agents = max(1.0, math.floor(share * calls * aht / HALF_HOUR))
    kw = {"patience_seconds": patience, "interval_seconds": HALF_HOUR}
    wait = staffing.erlang_a_wait_probability(calls, aht, agents, **kw)
    abandon = staffing.erlang_a_abandon_probability(calls, aht, agents, **kw)
    level = staffing.erlang_a_service_level(calls, aht, agents, threshold_seconds=threshold, **kw)
    asa = staffing.erlang_a_average_speed_of_answer(calls, aht, agents, **kw)
    assert 0.0 <= abandon <= wait <= 1.0
    assert 0.0 <= level <= 1.0 - abandon + 1e-12
    assert 0.0 <= asa < math.inf


@given(
    calls_moderate,
    aht_values,
    staffing_share,
    st.floats(min_value=1e12, max_value=1e300),
    threshold_values,
)
def test_endless_patience_reaches_erlang_c_or_the_fluid_limit(
    calls: float, aht: float, share: float, patience: float, threshold: float
) -> None:
    traffic = calls * aht / HALF_HOUR
    agents = max(1.0, math.floor(share * traffic))
    kw = {"patience_seconds": patience, "interval_seconds": HALF_HOUR}
    abandon = staffing.erlang_a_abandon_probability(calls, aht, agents, **kw)
    level = staffing.erlang_a_service_level(calls, aht, agents, threshold_seconds=threshold, **kw)
    wait = staffing.erlang_a_wait_probability(calls, aht, agents, **kw)
    margin = agents - traffic
    if margin > 0.05 * math.sqrt(traffic) + 0.05:  # clearly enough agents: Erlang C
        c_kw = {"interval_seconds": HALF_HOUR}
        assert wait == pytest.approx(staffing.erlang_c(traffic, agents), abs=1e-5)
        assert level == pytest.approx(
            staffing.erlang_c_service_level(
                calls, aht, agents, threshold_seconds=threshold, **c_kw
            ),
            abs=1e-5,
        )
        assert abandon == pytest.approx(0.0, abs=1e-5)
    elif margin < -0.05 * math.sqrt(traffic) - 0.05:  # clearly too few: the fluid limit
        assert wait == pytest.approx(1.0, abs=1e-5)
        assert abandon == pytest.approx(1.0 - agents / traffic, abs=1e-5)
        assert level == pytest.approx(0.0, abs=1e-5)


def test_issue_case_with_patience_1e300_is_the_fluid_limit() -> None:
    kw = {"patience_seconds": 1e300, "interval_seconds": HALF_HOUR}
    abandon = staffing.erlang_a_abandon_probability(100, 300, 10, **kw)
    level = staffing.erlang_a_service_level(100, 300, 10, threshold_seconds=20, **kw)
    asa = staffing.erlang_a_average_speed_of_answer(100, 300, 10, **kw)
    assert abandon == pytest.approx(0.4, abs=1e-12)  # 1 - nμ/λ = 1 - (10/300)/(100/1800)
    assert level == 0.0
    # Answered callers wait about log(λ/nμ)·patience (the fluid queue's drain time).
    assert asa / 1e300 == pytest.approx(math.log(1.0 / 0.6), rel=1e-9)
