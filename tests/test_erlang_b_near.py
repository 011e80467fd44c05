"""Erlang B a little above the traffic by cells and a Taylor series (the staffing search's fast
path, `ccmm.staffing._erlang_b_near`): as exact as the recurrence, and each element's value its
own, whatever the other rows are."""

from __future__ import annotations

import math

import mpmath
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ccmm.staffing._erlang_b_near import (
    _CELLS_PER_ROOT,
    _MAX_HEADROOM,
    _MIN_TRAFFIC,
    _by_recurrence,
    erlang_b_above_traffic,
)
from ccmm.staffing._inputs import MAX_SEARCH_TRAFFIC

# Measured worst over 6,000 random and cell-edge cases from 9 to 1e6 Erlangs: 1.2e-13 (the
# warm-up recurrence: 1.3e-12); the bound leaves room for rounding, not for a wrong series.
SERIES_RTOL = 1e-12


def erlang_b_exact(traffic: float, agents: int) -> float:
    """1/B(n, A) = e^A · A^-n · Gamma(n + 1, A), at 40 digits."""
    with mpmath.workdps(40):
        a = mpmath.mpf(traffic)
        return float(1 / (mpmath.exp(a) * a ** (-agents) * mpmath.gammainc(agents + 1, a)))


@st.composite
def near_pairs(draw: st.DrawFn) -> tuple[float, int]:
    """(traffic, agents) where the series applies: A >= 9, A < n <= A + 8·sqrt(A); traffic
    log-uniform up to the search's maximum, some on a cell's edge, some at the largest headroom."""
    log_traffic = draw(st.floats(math.log(_MIN_TRAFFIC), math.log(MAX_SEARCH_TRAFFIC)))
    traffic = math.exp(log_traffic)
    if draw(st.booleans()):  # on the edge between two cells, where |A - A0| is largest
        edge = math.floor(math.sqrt(traffic) * _CELLS_PER_ROOT) / _CELLS_PER_ROOT
        traffic = max(edge * edge, _MIN_TRAFFIC)
    root = math.sqrt(traffic)
    headroom = draw(st.one_of(st.just(_MAX_HEADROOM), st.floats(0.0, _MAX_HEADROOM)))
    agents = max(math.floor(traffic + headroom * root), math.floor(traffic) + 1)
    while agents - traffic > _MAX_HEADROOM * root:
        agents -= 1
    return traffic, agents


def _arrays(pairs: list[tuple[float, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    traffic = np.array([p[0] for p in pairs])
    agents = np.array([p[1] for p in pairs], dtype=np.int64)
    return traffic, agents, np.sqrt(traffic)


@settings(deadline=None)  # mpmath's incomplete gamma near a million Erlangs
@given(st.lists(near_pairs(), min_size=1, max_size=6))
def test_series_matches_mpmath_to_1e12_from_9_to_a_million_erlangs(
    pairs: list[tuple[float, int]],
) -> None:
    traffic, agents, root = _arrays(pairs)
    got = erlang_b_above_traffic(traffic, agents, root)
    want = np.array([erlang_b_exact(a, n) for a, n in pairs])
    np.testing.assert_allclose(got, want, rtol=SERIES_RTOL, atol=0.0)


@given(
    near_pairs(),
    st.lists(
        st.one_of(
            near_pairs(),
            st.floats(1e-6, _MIN_TRAFFIC).map(lambda a: (a, math.floor(a) + 1)),
        ),
        max_size=8,
    ),
    st.integers(0, 8),
)
def test_each_value_is_its_own_whatever_the_other_rows(
    pair: tuple[float, int], others: list[tuple[float, int]], at: int
) -> None:
    """The same element alone and among any others: the same bits (the cells and the path an
    element takes depend on it alone)."""
    alone = erlang_b_above_traffic(*_arrays([pair]))
    rows = [*others]
    rows.insert(min(at, len(rows)), pair)
    among = erlang_b_above_traffic(*_arrays(rows))
    assert among[rows.index(pair)] == alone[0]


@given(
    st.one_of(
        # below the series' traffic
        st.floats(1e-9, _MIN_TRAFFIC, exclude_max=True).map(lambda a: (a, math.floor(a) + 1)),
        # above its headroom
        st.floats(_MIN_TRAFFIC, 1e5).map(
            lambda a: (a, math.floor(a + _MAX_HEADROOM * math.sqrt(a)) + 1)
        ),
    )
)
def test_outside_the_series_range_the_recurrence_answers(pair: tuple[float, int]) -> None:
    traffic, agents, root = _arrays([pair])
    got = erlang_b_above_traffic(traffic, agents, root)
    assert got[0] == _by_recurrence(traffic, agents, root)[0]
    assert math.isclose(got[0], erlang_b_exact(*pair), rel_tol=1e-11)


def test_no_elements_give_no_values() -> None:
    empty = np.empty(0)
    assert erlang_b_above_traffic(empty, np.empty(0, dtype=np.int64), empty).size == 0


def test_more_cells_than_a_block_of_the_sweeps_each_value_right() -> None:
    """20,000 elements, each in a cell of its own (the recurrence's sweeps work in blocks of
    16,384; the cells' sweep must not): a sample against mpmath, all against the recurrence."""
    rng = np.random.default_rng(16_385)
    cells = np.arange(20_000) + 3 * int(_CELLS_PER_ROOT)
    root = (cells + rng.uniform(0.0, 1.0, cells.size)) / _CELLS_PER_ROOT
    traffic = root * root
    agents = np.floor(traffic + rng.uniform(0.0, _MAX_HEADROOM, cells.size) * root)
    agents = np.maximum(agents, np.floor(traffic) + 1).astype(np.int64)
    got = erlang_b_above_traffic(traffic, agents, root)
    np.testing.assert_allclose(got, _by_recurrence(traffic, agents, root), rtol=1e-11)
    sample = rng.integers(0, cells.size, 12)
    want = [erlang_b_exact(float(traffic[k]), int(agents[k])) for k in sample]
    np.testing.assert_allclose(got[sample], want, rtol=SERIES_RTOL, atol=0.0)
