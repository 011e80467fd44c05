"""Erlang B, C and A: exactness against independent references, minimality, edge cases."""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies_staffing import (
    aht_values,
    calls_values,
    patience_values,
    sl_targets,
    small_traffic,
    threshold_values,
    traffic_values,
)

from ccmm import CCMMError
from ccmm import staffing as e
from ccmm._errors import InputDataError

HALF_HOUR = 1800.0

# ---------------------------------------------------------------- shared strategies


@st.composite
def traffic_and_agents(draw: st.DrawFn) -> tuple[float, int]:
    """Traffic up to 20,000 Erlangs with an agent count around it (where Erlang B is not tiny)."""
    traffic = draw(traffic_values)
    spread = 4.0 * math.sqrt(traffic) + 5.0
    agents = draw(
        st.integers(min_value=max(0, int(traffic - spread)), max_value=int(traffic + spread))
    )
    return traffic, agents


# ---------------------------------------------------------------- independent references

mpmath.mp.dps = 40


def erlang_b_reference(traffic: float, agents: int) -> float:
    """Poisson pmf / cdf in arbitrary precision: B = P(X = n)/P(X <= n), X ~ Poisson(A)."""
    if traffic == 0:
        return 1.0 if agents == 0 else 0.0
    a = mpmath.mpf(traffic)
    log_pmf = agents * mpmath.log(a) - a - mpmath.loggamma(agents + 1)
    cdf = mpmath.gammainc(agents + 1, a, mpmath.inf, regularized=True)
    return float(mpmath.exp(log_pmf) / cdf)


def erlang_c_reference(traffic: float, agents: int) -> float:
    b = mpmath.mpf(erlang_b_reference(traffic, agents))
    if agents <= traffic:
        return 1.0
    return float(agents * b / (agents - traffic * (1 - b)))


def erlang_a_reference(
    calls: float, aht: float, agents: int, patience: float, target: float, depth: int = 80
) -> tuple[float, float, float, float]:
    """Birth-death chain of M/M/n+M truncated at ``depth`` waiting callers, and each arrival's
    offered wait as a hypoexponential sum (partial fractions) — an independent route from ccmm's
    Beta/negative-binomial series. Returns P(wait), P(abandon), SL (answered within target ÷
    offered), ASA (mean wait of answered)."""
    mu = 1 / mpmath.mpf(aht)
    theta = 1 / mpmath.mpf(patience)
    lam = mpmath.mpf(calls) / HALF_HOUR
    pi = [mpmath.mpf(1)]
    for k in range(1, agents + 1):
        pi.append(pi[-1] * lam / (k * mu))
    for j in range(1, depth):
        pi.append(pi[-1] * lam / (agents * mu + j * theta))
    total = sum(pi)
    pi = [p / total for p in pi]
    wait = sum(pi[agents:])
    answered = 1 - wait
    in_time = 1 - wait
    waited = mpmath.mpf(0)
    for j in range(depth - 1):
        rates = [agents * mu + i * theta for i in range(j + 1)]
        coef = [
            mpmath.fprod([rk / (rk - ri) for k, rk in enumerate(rates) if k != i])
            for i, ri in enumerate(rates)
        ]
        p = pi[agents + j]
        answered += p * sum(c * r / (r + theta) for c, r in zip(coef, rates, strict=True))
        in_time += p * sum(
            c * r * (1 - mpmath.exp(-(r + theta) * target)) / (r + theta)
            for c, r in zip(coef, rates, strict=True)
        )
        waited += p * sum(c * r / (r + theta) ** 2 for c, r in zip(coef, rates, strict=True))
    return float(wait), float(1 - answered), float(in_time), float(waited / answered)


# ---------------------------------------------------------------- exactness

# Below the smallest normal double a value keeps fewer digits (one ulp, 5e-324, is 8e-6 of
# 6e-319): 1e-9 relative to the smallest normal number is the honest bound there.
SUBNORMAL_ATOL = float(np.finfo(float).tiny) * 1e-9


@given(st.lists(traffic_and_agents(), min_size=1, max_size=8))
def test_erlang_b_matches_mpmath_to_1e9_up_to_20000_erlangs(pairs: list[tuple[float, int]]) -> None:
    traffic = np.array([p[0] for p in pairs])
    agents = np.array([p[1] for p in pairs])
    got = e.erlang_b(traffic, agents)
    want = np.array([erlang_b_reference(a, n) for a, n in pairs])
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=SUBNORMAL_ATOL)


@given(st.lists(traffic_and_agents(), min_size=1, max_size=8))
def test_erlang_c_matches_mpmath_to_1e9_up_to_20000_erlangs(pairs: list[tuple[float, int]]) -> None:
    traffic = np.array([p[0] for p in pairs])
    agents = np.array([p[1] for p in pairs])
    got = e.erlang_c(traffic, agents)
    want = np.array([0.0 if a == 0 else erlang_c_reference(a, n) for a, n in pairs])
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=SUBNORMAL_ATOL)


def test_erlang_b_matches_mpmath_on_a_fixed_random_batch_with_far_agent_counts() -> None:
    rng = np.random.default_rng(20240606)
    traffic = np.concatenate([rng.uniform(0, 20_000, 40), rng.uniform(0, 3, 20)])
    agents = np.floor(traffic * rng.uniform(0.0, 1.6, traffic.size)).astype(np.int64)
    got = e.erlang_b(traffic, agents)
    want = np.array(
        [erlang_b_reference(float(a), int(n)) for a, n in zip(traffic, agents, strict=True)]
    )
    representable = want > 1e-290
    np.testing.assert_allclose(got[representable], want[representable], rtol=1e-9, atol=0)


def test_published_worked_example_100_calls_half_hour_aht_180_target_20s() -> None:
    # Source: Call Centre Helper, "Erlang C formula – made simple with an easy worked example"
    # (callcentrehelper.com): 100 calls in 30 min, AHT 180 s, 14 agents -> traffic 10 Erlangs,
    # probability of waiting 17.41 %, service level 88.84 % in 20 s, ASA 7.84 s; 14 agents are
    # the minimum for 80/20.
    assert e.erlang_c(10.0, 14) == pytest.approx(0.1741, abs=5e-5)
    kw = {"interval_seconds": HALF_HOUR}
    assert e.erlang_c_service_level(100, 180, 14, threshold_seconds=20, **kw) == pytest.approx(
        0.8884, abs=5e-5
    )
    assert e.erlang_c_average_speed_of_answer(100, 180, 14, **kw) == pytest.approx(7.84, abs=5e-3)
    result = e.agents_for_service_level(
        100, 180, target_service_level=0.8, threshold_seconds=20, **kw
    )
    assert result.agents == 14
    assert result.occupancy == pytest.approx(10 / 14)


@pytest.mark.parametrize(
    ("calls", "aht", "agents", "patience", "target"),
    [(100, 180, 10, 120, 20), (200, 240, 20, 60, 30), (50, 300, 5, 600, 10), (300, 200, 25, 30, 0)],
)
def test_erlang_a_matches_birth_death_chain_with_hypoexponential_waits(
    calls: float, aht: float, agents: int, patience: float, target: float
) -> None:
    kw = {"interval_seconds": HALF_HOUR, "patience_seconds": patience}
    got = (
        e.erlang_a_wait_probability(calls, aht, agents, **kw),
        e.erlang_a_abandon_probability(calls, aht, agents, **kw),
        e.erlang_a_service_level(calls, aht, agents, threshold_seconds=target, **kw),
        e.erlang_a_average_speed_of_answer(calls, aht, agents, **kw),
    )
    want = erlang_a_reference(calls, aht, agents, patience, target)
    np.testing.assert_allclose(got, want, rtol=1e-9)


def test_erlang_a_abandonment_matches_mandelbaum_zeltyn_closed_form() -> None:
    # P(Ab | wait) = 1/(rho·A(b, y)) + 1 - 1/rho with A(x, y) = x·e^y·y^(-x)·gamma_lower(x, y)
    # (Mandelbaum & Zeltyn, "The M/M/n+G queue: summary of performance measures").
    calls, aht, agents, patience = 420.0, 200.0, 45, 90.0
    lam, mu, theta = calls / HALF_HOUR, 1 / aht, 1 / patience
    b, y, rho = agents * mu / theta, lam / theta, lam / (agents * mu)
    big_a = b * mpmath.e**y * y ** (-b) * mpmath.gammainc(b, 0, y)
    abandon_given_wait = float(1 / (rho * big_a) + 1 - 1 / rho)
    kw = {"interval_seconds": HALF_HOUR, "patience_seconds": patience}
    wait = e.erlang_a_wait_probability(calls, aht, agents, **kw)
    abandon = e.erlang_a_abandon_probability(calls, aht, agents, **kw)
    assert isinstance(wait, float)
    assert abandon == pytest.approx(wait * abandon_given_wait, rel=1e-9)


# ---------------------------------------------------------------- minimality


@given(
    st.lists(st.tuples(calls_values, aht_values), min_size=1, max_size=20),
    sl_targets,
    threshold_values,
)
def test_agents_for_service_level_is_minimal_n_meets_and_n_minus_1_fails(
    rows: list[tuple[float, float]], target: float, seconds: float
) -> None:
    calls = np.array([r[0] for r in rows])
    aht = np.array([r[1] for r in rows])
    kw = {"interval_seconds": HALF_HOUR}
    result = e.agents_for_service_level(
        calls, aht, target_service_level=target, threshold_seconds=seconds, **kw
    )
    n = np.asarray(result.agents)
    at_n = np.asarray(e.erlang_c_service_level(calls, aht, n, threshold_seconds=seconds, **kw))
    assert np.all(at_n >= target)
    positive = n > 0
    below = np.asarray(
        e.erlang_c_service_level(calls, aht, np.maximum(n - 1, 0), threshold_seconds=seconds, **kw)
    )
    assert np.all(below[positive] < target)
    assert np.all((n == 0) == (calls == 0))  # no calls, no agents; any call needs one
    np.testing.assert_allclose(result.service_level, at_n, rtol=1e-12)


@given(
    st.lists(st.tuples(calls_values, aht_values), min_size=1, max_size=20), st.floats(1.0, 120.0)
)
def test_agents_for_asa_is_minimal(rows: list[tuple[float, float]], target_asa: float) -> None:
    calls = np.array([r[0] for r in rows])
    aht = np.array([r[1] for r in rows])
    kw = {"interval_seconds": HALF_HOUR}
    result = e.agents_for_asa(calls, aht, target_asa_seconds=target_asa, **kw)
    n = np.asarray(result.agents)
    assert np.all(np.asarray(e.erlang_c_average_speed_of_answer(calls, aht, n, **kw)) <= target_asa)
    below = np.asarray(e.erlang_c_average_speed_of_answer(calls, aht, np.maximum(n - 1, 0), **kw))
    assert np.all(below[n > 0] > target_asa)


@given(
    st.lists(st.tuples(st.floats(1.0, 400.0), aht_values, patience_values), min_size=1, max_size=6),
    sl_targets,
    threshold_values,
)
def test_erlang_a_agents_for_service_level_is_minimal(
    rows: list[tuple[float, float, float]], target: float, seconds: float
) -> None:
    calls = np.array([r[0] for r in rows])
    aht = np.array([r[1] for r in rows])
    patience = np.array([r[2] for r in rows])
    kw = {"interval_seconds": HALF_HOUR, "patience_seconds": patience, "threshold_seconds": seconds}
    result = e.erlang_a_agents_for_service_level(calls, aht, target_service_level=target, **kw)
    n = np.asarray(result.agents)
    assert np.all(np.asarray(e.erlang_a_service_level(calls, aht, n, **kw)) >= target)
    assert np.all(np.asarray(e.erlang_a_service_level(calls, aht, n - 1, **kw)) < target)


@given(st.floats(0.01, 500.0), sl_targets, st.sampled_from([0.5, 0.75, 0.85, 1.0]))
def test_max_occupancy_is_respected_and_minimal(traffic: float, target: float, cap: float) -> None:
    result = e.agents_for_service_level(
        traffic,
        1.0,
        interval_seconds=1.0,
        target_service_level=target,
        threshold_seconds=20.0,
        max_occupancy=cap,
    )
    assert isinstance(result.agents, int)
    assert traffic / result.agents <= cap
    plain = e.agents_for_service_level(
        traffic, 1.0, interval_seconds=1.0, target_service_level=target, threshold_seconds=20.0
    )
    assert result.agents == max(plain.agents, math.ceil(traffic / cap - 1e-9))


@given(st.integers(0, 5_000), st.floats(0.0, 0.95))
def test_scheduled_is_smallest_count_covering_agents_after_shrinkage(
    agents: int, shrink: float
) -> None:
    calls = float(agents)  # traffic a tiny bit below agents keeps the search trivial
    result = e.agents_for_service_level(
        calls,
        1.0,
        interval_seconds=1.0,
        target_service_level=0.5,
        threshold_seconds=1e9,
        shrinkage=shrink,
    )
    m = result.scheduled
    assert isinstance(m, int)
    assert m * (1 - shrink) >= result.agents
    assert m == 0 or (m - 1) * (1 - shrink) < result.agents


# ---------------------------------------------------------------- edge cases that break peers


def test_whole_number_traffic_never_staffs_agents_equal_to_traffic() -> None:
    # traffic exactly 10 Erlangs: 10 agents are overloaded (P(wait) = 1), so the answer is > 10
    assert e.erlang_c(10.0, 10) == 1.0
    assert (
        e.erlang_c_service_level(100, 180, 10, threshold_seconds=20, interval_seconds=HALF_HOUR)
        == 0.0
    )
    result = e.agents_for_service_level(
        100, 180, interval_seconds=HALF_HOUR, target_service_level=0.01, threshold_seconds=0.0
    )
    assert result.agents == 11


def test_traffic_below_half_an_erlang_needs_one_agent_for_a_lenient_target() -> None:
    result = e.agents_for_service_level(
        0.3, 1.0, interval_seconds=1.0, target_service_level=0.5, threshold_seconds=20.0
    )
    assert result.agents == 1
    assert e.erlang_c(0.3, 1) == pytest.approx(0.3)  # one agent: P(wait) = A


def test_zero_calls_need_zero_agents_and_give_defined_measures() -> None:
    result = e.agents_for_service_level(
        0,
        180,
        interval_seconds=HALF_HOUR,
        target_service_level=0.8,
        threshold_seconds=20,
        shrinkage=0.3,
    )
    assert (result.agents, result.scheduled) == (0, 0)
    assert (result.service_level, result.asa_seconds, result.occupancy) == (1.0, 0.0, 0.0)
    assert e.erlang_c(0.0, 0) == 0.0
    assert e.erlang_b(0.0, 3) == 0.0


def test_lenient_target_is_met_at_ceil_traffic() -> None:
    traffic = 7.3
    result = e.agents_for_service_level(
        traffic, 1.0, interval_seconds=1.0, target_service_level=0.05, threshold_seconds=30.0
    )
    assert result.agents == math.ceil(traffic)


@pytest.mark.parametrize("traffic", [7.5, 7.6, 12.9, 150.75])
def test_fractional_part_at_least_half_still_tries_ceil_traffic(traffic: float) -> None:
    result = e.agents_for_service_level(
        traffic, 1.0, interval_seconds=1.0, target_service_level=0.01, threshold_seconds=1.0
    )
    assert result.agents == math.ceil(traffic)


@pytest.mark.parametrize("target", [0.0, 1.0, -0.1, 1.5, math.nan])
def test_targets_outside_the_open_unit_interval_are_rejected(target: float) -> None:
    with pytest.raises(InputDataError, match="target_service_level"):
        e.agents_for_service_level(
            10, 180, interval_seconds=HALF_HOUR, target_service_level=target, threshold_seconds=20
        )


def test_overloaded_case_is_defined_not_an_error() -> None:
    kw = {"interval_seconds": HALF_HOUR}
    assert e.erlang_c_service_level(1000, 180, 50, threshold_seconds=20, **kw) == 0.0
    assert e.erlang_c_average_speed_of_answer(1000, 180, 50, **kw) == math.inf
    assert e.erlang_c_occupancy(1000, 180, 50, **kw) == 1.0
    assert e.erlang_c(100.0, 50) == 1.0


def test_fifty_thousand_erlangs_give_finite_values_without_overflow() -> None:
    traffic = np.array([50_000.0, 49_999.5, 50_000.0, 50_000.0])
    agents = np.array([50_001, 50_200, 49_000, 60_000])
    b = np.asarray(e.erlang_b(traffic, agents))
    c = np.asarray(e.erlang_c(traffic, agents))
    assert np.all(np.isfinite(b))
    assert np.all((b >= 0) & (b <= 1))
    assert np.all(np.isfinite(c))
    assert np.all((c >= 0) & (c <= 1))
    result = e.agents_for_service_level(
        traffic * 10,
        180.0,
        interval_seconds=1800.0,
        target_service_level=0.8,
        threshold_seconds=20.0,
    )
    n = np.asarray(result.agents)
    assert np.all(n > traffic)
    assert np.all(n < traffic + 500)


# ---------------------------------------------------------------- validation


def test_bad_inputs_are_all_reported_at_once_with_argument_and_index() -> None:
    with pytest.raises(InputDataError) as info:
        e.erlang_c_service_level(
            [10, -1, math.nan],
            [180, 0, 180],
            [5, 2.5, 3],
            threshold_seconds=-1,
            interval_seconds=HALF_HOUR,
        )
    problems = "\n".join(info.value.problems)
    assert "calls must be finite and >= 0, got -1.0 at index 1, nan at index 2" in problems
    assert "aht must be finite and > 0, got 0.0 at index 1" in problems
    assert "agents must be a whole number >= 0, got 2.5 at index 1" in problems
    assert "threshold_seconds must be finite and >= 0, got -1.0" in problems
    assert isinstance(info.value, CCMMError)


def test_bad_shrinkage_and_occupancy_are_rejected() -> None:
    with pytest.raises(InputDataError) as info:
        e.agents_for_service_level(
            10,
            180,
            interval_seconds=HALF_HOUR,
            target_service_level=0.8,
            threshold_seconds=20,
            shrinkage=1.0,
            max_occupancy=0.0,
        )
    assert any("shrinkage" in p for p in info.value.problems)
    assert any("max_occupancy" in p for p in info.value.problems)


@pytest.mark.parametrize("flag", [pd.Series([True, False]), np.array([True]), 1, "yes", None])
def test_fractional_must_be_true_or_false_not_a_frame_or_number(flag: object) -> None:
    with pytest.raises(InputDataError) as info:
        e.agents_for_service_level(
            [10, 20],
            180,
            interval_seconds=HALF_HOUR,
            target_service_level=0.8,
            threshold_seconds=20,
            fractional=flag,  # type: ignore[arg-type]
        )
    assert any(p.startswith("fractional must be True or False") for p in info.value.problems)
    numpy_flag = e.agents_for_service_level(
        10,
        180,
        interval_seconds=HALF_HOUR,
        target_service_level=0.8,
        threshold_seconds=20,
        fractional=np.bool_(True),
    )
    assert numpy_flag.fractional_agents is not None


def test_shapes_that_do_not_broadcast_are_named() -> None:
    with pytest.raises(InputDataError, match=r"calls \(2,\), aht \(3,\)"):
        e.erlang_c_occupancy([1, 2], [1, 2, 3], 5, interval_seconds=1)


# ---------------------------------------------------------------- properties


@given(small_traffic, aht_values, threshold_values, st.integers(0, 400))
def test_more_agents_never_lower_service_level_nor_raise_asa(
    traffic: float, aht: float, seconds: float, agents: int
) -> None:
    calls = traffic * HALF_HOUR / aht
    kw = {"interval_seconds": HALF_HOUR}
    n = np.array([agents, agents + 1])
    sl = np.asarray(e.erlang_c_service_level(calls, aht, n, threshold_seconds=seconds, **kw))
    asa = np.asarray(e.erlang_c_average_speed_of_answer(calls, aht, n, **kw))
    assert sl[1] >= sl[0] - 1e-12
    assert asa[1] <= asa[0] * (1 + 1e-12) or math.isinf(asa[0])


@given(small_traffic, st.floats(0.0, 50.0), aht_values, threshold_values, st.integers(1, 400))
def test_more_traffic_never_raises_service_level(
    traffic: float, extra: float, aht: float, seconds: float, agents: int
) -> None:
    calls = np.array([traffic, traffic + extra]) * HALF_HOUR / aht
    sl = np.asarray(
        e.erlang_c_service_level(
            calls, aht, agents, threshold_seconds=seconds, interval_seconds=HALF_HOUR
        )
    )
    assert sl[1] <= sl[0] + 1e-12


@given(st.floats(1.0, 200.0), st.floats(0.05, 0.9), aht_values, threshold_values)
def test_erlang_a_tends_to_erlang_c_as_patience_grows(
    traffic: float, headroom: float, aht: float, seconds: float
) -> None:
    agents = math.floor(traffic) + 1 + math.ceil(headroom * math.sqrt(traffic))
    calls = traffic * HALF_HOUR / aht
    kw = {"interval_seconds": HALF_HOUR}
    c_sl = e.erlang_c_service_level(calls, aht, agents, threshold_seconds=seconds, **kw)
    c_wait = e.erlang_c(traffic, agents)
    gaps = []
    for patience in (1e4, 1e6):
        a_kw = {"interval_seconds": HALF_HOUR, "patience_seconds": patience * aht}
        a_sl = e.erlang_a_service_level(calls, aht, agents, threshold_seconds=seconds, **a_kw)
        a_wait = e.erlang_a_wait_probability(calls, aht, agents, **a_kw)
        gaps.append(abs(a_sl - c_sl) + abs(a_wait - c_wait))
    assert gaps[1] <= 1e-3
    assert gaps[1] <= gaps[0] + 1e-12


@given(st.lists(st.tuples(calls_values, aht_values), min_size=2, max_size=15), st.randoms())
def test_results_are_elementwise_invariant_to_order_and_partition(
    rows: list[tuple[float, float]], rnd: object
) -> None:
    calls = np.array([r[0] for r in rows])
    aht = np.array([r[1] for r in rows])
    kw = {"interval_seconds": HALF_HOUR, "target_service_level": 0.8, "threshold_seconds": 20.0}
    whole = e.agents_for_service_level(calls, aht, **kw)
    order = np.random.default_rng(len(rows)).permutation(len(rows))
    shuffled = e.agents_for_service_level(calls[order], aht[order], **kw)
    np.testing.assert_array_equal(np.asarray(shuffled.agents), np.asarray(whole.agents)[order])
    cut = len(rows) // 2
    parts = [
        e.agents_for_service_level(calls[s], aht[s], **kw)
        for s in (slice(0, cut), slice(cut, None))
    ]
    joined = np.concatenate([np.asarray(p.agents) for p in parts])
    np.testing.assert_array_equal(joined, np.asarray(whole.agents))
    again = e.agents_for_service_level(calls, aht, **kw)
    np.testing.assert_array_equal(np.asarray(again.service_level), np.asarray(whole.service_level))


def test_scalars_in_give_scalars_out_and_arrays_keep_their_shape() -> None:
    assert isinstance(e.erlang_b(5.0, 7), float)
    grid = e.erlang_c(np.full((2, 3), 5.0), np.arange(6).reshape(2, 3) + 4)
    assert isinstance(grid, np.ndarray)
    assert grid.shape == (2, 3)
    result = e.agents_for_service_level(
        np.full((2, 2), 100.0),
        180,
        interval_seconds=HALF_HOUR,
        target_service_level=0.8,
        threshold_seconds=20,
    )
    assert np.asarray(result.agents).shape == (2, 2)


# ---------------------------------------------------------------- interval table


def test_staff_intervals_adds_required_agents_per_interval() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": pd.date_range("2024-01-01", periods=4, freq="30min", tz="UTC"),
            "interval_minutes": [30, 30, 15, 30],
            "offered": [100, 0, 50, 400],
            "aht_seconds": [180.0, 200.0, 180.0, 240.0],
        },
        index=[10, 11, 12, 13],
    )
    out = e.staff_intervals(frame, target_service_level=0.8, threshold_seconds=20, shrinkage=0.3)
    assert list(out.index) == [10, 11, 12, 13]
    want = e.agents_for_service_level(
        frame["offered"].to_numpy(float),
        frame["aht_seconds"].to_numpy(float),
        interval_seconds=frame["interval_minutes"].to_numpy(float) * 60,
        target_service_level=0.8,
        threshold_seconds=20,
        shrinkage=0.3,
    )
    np.testing.assert_array_equal(out["agents_required"].to_numpy(), want.agents)
    np.testing.assert_array_equal(out["agents_scheduled"].to_numpy(), want.scheduled)
    assert out["agents_required"].iloc[0] == 14  # the worked example row
    assert out["agents_required"].iloc[1] == 0
    assert (out["expected_abandon_rate"] == 0).all()
    with_patience = e.staff_intervals(
        frame, target_service_level=0.8, threshold_seconds=20, patience_seconds=120
    )
    assert (with_patience["expected_abandon_rate"].iloc[[0, 2, 3]] > 0).all()


def test_staff_intervals_names_missing_columns_and_bad_rows() -> None:
    frame = pd.DataFrame({"offered": [10, -2], "interval_minutes": [30, 30]})
    with pytest.raises(InputDataError, match="'aht_seconds'"):
        e.staff_intervals(frame, target_service_level=0.8, threshold_seconds=20)
    frame["aht_seconds"] = [180.0, None]
    with pytest.raises(InputDataError) as info:
        e.staff_intervals(frame, target_service_level=0.8, threshold_seconds=20)
    text = str(info.value)
    assert "column 'offered' must be finite and >= 0, got -2.0 at index 1" in text
    assert "column 'aht_seconds' must be finite and > 0, got nan at index 1" in text


@given(
    st.floats(min_value=0.0, max_value=50.0),
    st.integers(min_value=10_000, max_value=2**62),
)
def test_erlang_b_with_far_more_agents_than_traffic_is_zero_in_bounded_memory(
    traffic: float, agents: int
) -> None:
    # Seed loop run 136: agents = 10**17 made the sweep allocate one index per step (711 PiB).
    # Far above the traffic B underflows to 0 within a few hundred steps; the sweep stops there.
    assert e.erlang_b(traffic, agents) == 0.0
    asa = e.erlang_c_average_speed_of_answer(traffic, 1.0, agents, interval_seconds=1.0)
    assert asa == 0.0
