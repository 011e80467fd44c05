"""The Erlang C staffing search at its edges: the square-root staffing guess, the blocks.

The search starts from a guess (Halfin-Whitt square-root staffing, read from a lookup table) and
works on blocks of rows; both only save time, so the answer must be the minimal agent count at
every edge the guess and the blocks introduce: traffic near 0 and up to the documented maximum,
targets near 0 and 1, threshold 0 (where the guess has no decay to lean on).
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ccmm import staffing as e
from ccmm.staffing._erlang_c_search import _Guide, _min_agents, empty_answer
from ccmm.staffing._erlang_core import BLOCK
from ccmm.staffing._inputs import MAX_SEARCH_TRAFFIC


def _edge_traffic(top: float) -> st.SearchStrategy[float]:
    return st.one_of(
        st.floats(min_value=5e-324, max_value=1e-3),
        st.floats(min_value=1e-3, max_value=5.0),
        st.floats(min_value=1e4, max_value=top),
    )


edge_traffic = _edge_traffic(MAX_SEARCH_TRAFFIC)
# Traffic given as calls = traffic, aht and interval_seconds = aht comes back as
# traffic · aht / aht, which may round an ulp or two up: past the documented maximum if drawn
# right at it (one aht in eight did so at exactly 1e6 Erlangs).
edge_traffic_as_calls = _edge_traffic(MAX_SEARCH_TRAFFIC * (1 - 2**-50))
edge_targets = st.one_of(
    st.floats(min_value=1e-9, max_value=1e-3),
    st.floats(min_value=0.999, max_value=1.0 - 1e-9),
    st.floats(min_value=1e-3, max_value=0.999),
)
edge_thresholds = st.one_of(
    st.just(0.0), st.floats(min_value=0.0, max_value=1e-3), st.floats(0.0, 1e4)
)
edge_aht = st.floats(min_value=1.0, max_value=3_600.0)


@settings(max_examples=20, deadline=None)  # a million Erlangs sweeps ~30,000 steps
@given(
    st.lists(st.tuples(edge_traffic_as_calls, edge_aht), min_size=1, max_size=6),
    edge_targets,
    edge_thresholds,
)
# A tie in floating point: one agent gives 1 - 1e-5, which equals the target 0.99999, while
# 1 - 0.99999 is below 1e-5 (the search once compared C with 1 - target and wanted 2 agents).
@example(rows=[(1e-05, 1.0)], target=0.99999, seconds=0.0)
def test_minimal_at_the_edges_traffic_near_zero_and_maximum_targets_near_zero_and_one(
    rows: list[tuple[float, float]], target: float, seconds: float
) -> None:
    traffic = np.array([r[0] for r in rows])
    aht = np.array([r[1] for r in rows])
    kw = {"interval_seconds": aht}  # calls = traffic: one AHT per interval
    result = e.agents_for_service_level(
        traffic, aht, target_service_level=target, threshold_seconds=seconds, **kw
    )
    n = np.asarray(result.agents)
    at_n = np.asarray(e.erlang_c_service_level(traffic, aht, n, threshold_seconds=seconds, **kw))
    below = np.asarray(
        e.erlang_c_service_level(traffic, aht, n - 1, threshold_seconds=seconds, **kw)
    )
    assert np.all(n >= 1)  # any call needs an agent
    assert np.all(at_n >= target)
    assert np.all(below < target)
    # Absolute: near a target of 0 the level itself is tiny, and 1 - C·decay loses its digits.
    np.testing.assert_allclose(result.service_level, at_n, rtol=0.0, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.tuples(edge_traffic, edge_aht), min_size=1, max_size=6),
    st.one_of(st.none(), edge_targets),
    edge_thresholds,
    st.one_of(st.none(), st.floats(min_value=1e-3, max_value=1e4)),
)
def test_the_guess_only_saves_time_same_agents_as_searching_from_the_smallest_stable_count(
    rows: list[tuple[float, float]],
    target: float | None,
    seconds: float,
    asa: float | None,
) -> None:
    if target is None and asa is None:
        asa = 20.0
    traffic = np.array([r[0] for r in rows])
    aht = np.array([r[1] for r in rows])
    guide = _Guide(sl_target=target, sl_seconds=seconds, asa_target=asa)
    minimum = np.zeros(traffic.size, dtype=np.int64)
    guessed, plain = empty_answer(traffic.size), empty_answer(traffic.size)
    _min_agents(traffic, aht, minimum=minimum, guide=guide, out=guessed)
    _min_agents(traffic, aht, minimum=minimum, guide=guide, out=plain, use_guess=False)
    np.testing.assert_array_equal(guessed.agents, plain.agents)
    np.testing.assert_allclose(guessed.wait, plain.wait, rtol=1e-9)


@settings(max_examples=4, deadline=None)  # each example searches more than one block of rows
@given(
    st.integers(min_value=1, max_value=3_000),
    st.floats(min_value=0.05, max_value=0.99),
    st.floats(min_value=0.0, max_value=120.0),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_rows_spanning_several_blocks_give_each_row_its_own_answer(
    extra: int, target: float, seconds: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    size = BLOCK + extra
    calls = rng.uniform(0.0, 3_000.0, size)
    calls[rng.integers(0, size, 50)] = 0.0  # idle rows among busy ones
    aht = rng.uniform(30.0, 900.0, size)
    kw = {"interval_seconds": 1800.0, "target_service_level": target, "threshold_seconds": seconds}
    whole = e.agents_for_service_level(calls, aht, **kw)
    order = rng.permutation(size)
    shuffled = e.agents_for_service_level(calls[order], aht[order], **kw)
    np.testing.assert_array_equal(np.asarray(shuffled.agents), np.asarray(whole.agents)[order])
    sample = rng.integers(0, size, 64)  # row by row, alone (one block of one row each)
    alone = [e.agents_for_service_level(calls[k], aht[k], **kw).agents for k in sample.tolist()]
    np.testing.assert_array_equal(alone, np.asarray(whole.agents)[sample])
