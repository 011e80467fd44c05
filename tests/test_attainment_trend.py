"""The trend tests behind target attainment, checked against independent sources.

scipy's Kendall tau against time, brute-force enumeration of permutations, scipy's Theil–Sen
estimator, a worked Mann–Kendall example published with its S and variance, and the printed
table of exact null probabilities of S (Kendall 1975; Gilbert 1987, table A18).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from ccmm.kpi._trend import (
    EXACT_MAX_N,
    exact_upper_tail,
    favourable_steps,
    mann_kendall,
    mann_kendall_s,
    mann_kendall_variance,
    theil_sen_slope,
)

# Untied series (distinct integers, as floats) and series with ties (few distinct values).
untied_series = st.lists(
    st.integers(-1000, 1000), min_size=3, max_size=EXACT_MAX_N, unique=True
).map(lambda xs: [float(x) for x in xs])
tied_series = st.lists(st.integers(0, 4), min_size=3, max_size=40).filter(
    lambda xs: len(set(xs)) > 1 and len(set(xs)) < len(xs)
)
long_untied_series = st.lists(
    st.integers(-10_000, 10_000), min_size=EXACT_MAX_N + 1, max_size=60, unique=True
)
alternatives = st.sampled_from([("increasing", "greater"), ("decreasing", "less")])


def _scipy_tau(values: list[float], method: str, alternative: str) -> float:
    result = stats.kendalltau(
        np.arange(len(values)), values, method=method, alternative=alternative
    )
    return float(result.pvalue)


@given(untied_series, alternatives)
def test_exact_p_value_matches_scipy_kendalltau_exact_for_untied_series(
    values: list[float], alt: tuple[str, str]
) -> None:
    ours = mann_kendall(values, alternative=alt[0])  # type: ignore[arg-type]
    assert ours.method == "exact"
    assert ours.p_value == pytest.approx(_scipy_tau(values, "exact", alt[1]), rel=1e-9, abs=1e-15)


@given(tied_series, alternatives)
def test_tied_series_use_the_tie_corrected_normal_approximation_like_scipy(
    values: list[int], alt: tuple[str, str]
) -> None:
    ours = mann_kendall(values, alternative=alt[0])  # type: ignore[arg-type]
    assert ours.method == "normal"
    assert ours.tied
    assert ours.p_value == pytest.approx(_scipy_tau(values, "asymptotic", alt[1]), rel=1e-9)


@given(long_untied_series, alternatives)
def test_long_series_use_the_normal_approximation_like_scipy(
    values: list[int], alt: tuple[str, str]
) -> None:
    ours = mann_kendall(values, alternative=alt[0])  # type: ignore[arg-type]
    assert ours.method == "normal"
    assert ours.p_value == pytest.approx(_scipy_tau(values, "asymptotic", alt[1]), rel=1e-9)


@given(untied_series)
def test_s_is_kendall_tau_times_the_number_of_pairs(values: list[float]) -> None:
    n = len(values)
    tau = stats.kendalltau(np.arange(n), values).statistic
    assert mann_kendall_s(values) == round(tau * n * (n - 1) / 2)


@pytest.mark.parametrize("n", [3, 4, 5, 6, 7])
def test_exact_tail_equals_brute_force_enumeration_of_all_permutations(n: int) -> None:
    observed = [
        sum((p[j] > p[i]) - (p[j] < p[i]) for i, j in itertools.combinations(range(n), 2))
        for p in itertools.permutations(range(n))
    ]
    for s in range(-(n * (n - 1) // 2) - 1, n * (n - 1) // 2 + 2):
        expected = Fraction(sum(1 for o in observed if o >= s), math.factorial(n))
        assert exact_upper_tail(n, s) == expected


@pytest.mark.parametrize(
    ("n", "s", "printed"),
    [
        # Kendall (1975) / Gilbert (1987) table A18: P(S >= s) with no trend, to 3 decimals.
        (4, 0, 0.625),
        (4, 2, 0.375),
        (4, 4, 0.167),
        (4, 6, 0.042),
        (5, 8, 0.042),
        (5, 10, 0.0083),
        (6, 15, 0.0014),
    ],
)
def test_exact_tail_matches_the_published_table(n: int, s: int, printed: float) -> None:
    assert float(exact_upper_tail(n, s)) == pytest.approx(printed, abs=0.0006)


def test_published_worked_example_with_one_tie() -> None:
    # D. Little, "A Mann-Kendall example by hand" (College of the Holy Cross): 14 values, one
    # tied pair; S = 54, V = 14*13*33/18 - 2*1*9/18, and Z = (S - 1)/sqrt(V) = 2.9058.
    values = [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7]
    result = mann_kendall(values, alternative="increasing")
    assert result.s == 54
    assert result.var_s == pytest.approx(14 * 13 * 33 / 18 - 2 * 1 * 9 / 18)
    assert (result.s - 1) / math.sqrt(result.var_s) == pytest.approx(2.9058, abs=5e-5)
    # ccmm uses no continuity correction (as scipy does), so its p is a little below the
    # published p = 0.0018 of the corrected Z.
    assert result.method == "normal"
    assert result.z == pytest.approx(54 / math.sqrt(result.var_s))
    assert result.p_value < 0.0018
    assert result.p_value == pytest.approx(stats.norm.sf(result.z), rel=1e-12)


@given(untied_series | tied_series.map(lambda xs: [float(x) for x in xs]))
def test_theil_sen_slope_matches_scipy_theilslopes(values: list[float]) -> None:
    assert theil_sen_slope(values) == pytest.approx(stats.theilslopes(values).slope, rel=1e-12)


@given(untied_series | tied_series.map(lambda xs: [float(x) for x in xs]))
def test_mirroring_a_series_swaps_the_one_sided_p_values(values: list[float]) -> None:
    mirrored = [-v for v in values]
    up = mann_kendall(values, alternative="increasing")
    down = mann_kendall(mirrored, alternative="decreasing")
    assert mann_kendall_s(mirrored) == -up.s
    assert down.p_value == pytest.approx(up.p_value, rel=1e-12)
    assert mann_kendall_variance(mirrored) == up.var_s


@given(untied_series | tied_series.map(lambda xs: [float(x) for x in xs]))
def test_the_two_one_sided_p_values_cover_every_outcome(values: list[float]) -> None:
    # P(S >= s) + P(S <= s) >= 1, so a series is never significant in both directions at
    # any alpha below 1/2.
    up = mann_kendall(values, alternative="increasing").p_value
    down = mann_kendall(values, alternative="decreasing").p_value
    assert up + down >= 1 - 1e-12


@given(st.integers(2, 40))
def test_a_strictly_increasing_series_has_every_step_favourable(n: int) -> None:
    rising = [float(i) * 1.5 for i in range(n)]
    assert favourable_steps(rising, alternative="increasing") == n - 1
    assert favourable_steps(rising, alternative="decreasing") == 0
    assert mann_kendall_s(rising) == n * (n - 1) // 2


def test_a_constant_series_gives_no_evidence_of_a_trend() -> None:
    result = mann_kendall([3.0] * 8, alternative="increasing")
    assert result.s == 0
    assert result.p_value == 1.0


def test_non_finite_values_are_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        mann_kendall([1.0, float("nan"), 2.0], alternative="increasing")
