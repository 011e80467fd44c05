"""Forecast accuracy (clause 52) and survey sample sizes (clause 135), checked independently."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import norm
from sklearn.metrics import mean_absolute_percentage_error

from ccmm import InputDataError
from ccmm.kpi import forecast_accuracy, margin_of_error, survey_sample_size

# ----------------------------------------------------------------------------- shared strategies
volumes = st.lists(
    st.tuples(st.integers(0, 200), st.integers(0, 200)), min_size=1, max_size=60
)  # (actual, forecast) per interval
populations = st.one_of(st.none(), st.integers(1, 10**7))
confidences = st.sampled_from([0.80, 0.90, 0.95, 0.99])
margins = st.sampled_from([0.01, 0.02, 0.03, 0.05, 0.1])


def frames(pairs: list[tuple[int, int]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = len(pairs)
    keys = pd.DataFrame(
        {
            "interval_start": pd.date_range("2024-01-01", periods=n, freq="30min", tz="UTC"),
            "queue": [("a", "b", "c")[i % 3] for i in range(n)],
        }
    )
    actual = keys.assign(offered=[a for a, _ in pairs])
    forecast = keys.assign(offered=[f for _, f in pairs])
    return actual, forecast


def same_figures(left: object, right: object) -> bool:
    a, b = left.model_dump(), right.model_dump()  # type: ignore[attr-defined]
    return a.keys() == b.keys() and all(
        (isinstance(a[k], float) and math.isnan(a[k]) and math.isnan(b[k]))
        or a[k] == pytest.approx(b[k])
        for k in a
    )


# ----------------------------------------------------------------------------- forecast accuracy
@given(volumes, st.sampled_from([0.05, 0.15, 0.3]))
def test_accuracy_figures_match_independent_computation(
    pairs: list[tuple[int, int]], threshold: float
) -> None:
    actual, forecast = frames(pairs)
    result = forecast_accuracy(actual, forecast, threshold=threshold)
    a = np.array([p[0] for p in pairs], dtype=float)
    f = np.array([p[1] for p in pairs], dtype=float)
    nonzero = a > 0
    o = result.overall
    assert o.intervals == len(pairs)
    assert o.zero_actual_intervals == int((~nonzero).sum())
    assert o.mape_intervals == int(nonzero.sum())
    if a.sum() > 0:
        assert o.wape == pytest.approx(np.abs(f - a).sum() / a.sum())
        assert o.bias == pytest.approx((f - a).sum() / a.sum())
    else:
        assert math.isnan(o.wape)
        assert math.isnan(o.bias)
    if nonzero.any():
        assert o.mape == pytest.approx(mean_absolute_percentage_error(a[nonzero], f[nonzero]))
    else:
        assert math.isnan(o.mape)
    expected_flags = int(
        ((np.abs(f - a) > threshold * a) & nonzero).sum() + ((~nonzero) & (f != 0)).sum()
    )
    assert o.flagged_intervals == expected_flags == len(result.flagged)


@given(volumes)
def test_group_figures_add_up_to_the_overall_ones(pairs: list[tuple[int, int]]) -> None:
    actual, forecast = frames(pairs)
    result = forecast_accuracy(actual, forecast, by=("queue",))
    groups = result.by_group
    assert groups["intervals"].sum() == result.overall.intervals
    assert groups["flagged_intervals"].sum() == result.overall.flagged_intervals
    for field in ("actual_total", "forecast_total", "mape_intervals", "zero_actual_intervals"):
        assert groups[field].sum() == pytest.approx(getattr(result.overall, field))
    for row in groups.itertuples(index=False):
        a = actual.loc[actual["queue"] == row.queue, "offered"].to_numpy(dtype=float)
        f = forecast.loc[forecast["queue"] == row.queue, "offered"].to_numpy(dtype=float)
        if a.sum() > 0:
            assert row.wape == pytest.approx(np.abs(f - a).sum() / a.sum())
        else:
            assert math.isnan(row.wape)


@given(volumes)
def test_perfect_forecast_has_no_error_and_no_flags(pairs: list[tuple[int, int]]) -> None:
    actual, _ = frames(pairs)
    result = forecast_accuracy(actual, actual.copy())
    assert result.overall.flagged_intervals == 0
    assert result.overall.wape == 0.0 or (
        math.isnan(result.overall.wape) and result.overall.actual_total == 0
    )


@given(volumes, st.randoms(use_true_random=False))
def test_row_order_does_not_matter(pairs: list[tuple[int, int]], rnd: object) -> None:
    actual, forecast = frames(pairs)
    order = list(range(len(pairs)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shuffled = forecast_accuracy(actual.iloc[order], forecast.iloc[order[::-1]])
    assert same_figures(shuffled.overall, forecast_accuracy(actual, forecast).overall)
    pd.testing.assert_frame_equal(shuffled.flagged, forecast_accuracy(actual, forecast).flagged)


def test_zero_actual_is_excluded_from_mape_counted_and_flagged() -> None:
    actual, forecast = frames([(10, 12), (0, 3), (0, 0), (20, 20)])
    result = forecast_accuracy(actual, forecast, by=())
    assert result.overall.zero_actual_intervals == 2
    assert result.overall.mape == pytest.approx((0.2 + 0.0) / 2)
    assert list(result.flagged["reason"]) == [
        "absolute percentage error above 0.15",
        "actual is zero",
    ]


def test_polars_frames_give_the_same_figures() -> None:
    actual, forecast = frames([(10, 12), (5, 3), (0, 1), (20, 30)])
    from_polars = forecast_accuracy(
        pl.DataFrame(
            {
                "interval_start": list(actual["interval_start"]),
                "queue": list(actual["queue"]),
                "offered": list(actual["offered"]),
            }
        ),
        pl.DataFrame(
            {
                "interval_start": list(forecast["interval_start"]),
                "queue": list(forecast["queue"]),
                "offered": list(forecast["offered"]),
            }
        ),
    )
    assert same_figures(from_polars.overall, forecast_accuracy(actual, forecast).overall)


def test_unmatched_duplicated_or_bad_rows_raise_naming_them() -> None:
    actual, forecast = frames([(10, 12), (5, 3), (7, 7)])
    with pytest.raises(InputDataError, match="only in actual"):
        forecast_accuracy(actual, forecast.iloc[:2])
    with pytest.raises(InputDataError, match=r"rows 2, 3"):
        forecast_accuracy(pd.concat([actual, actual.iloc[[2]]], ignore_index=True), forecast)
    with pytest.raises(InputDataError, match=r"'offered'.*negative.*rows 1"):
        forecast_accuracy(actual, forecast.assign(offered=[1, -1, 1]))
    with pytest.raises(InputDataError, match="empty"):
        forecast_accuracy(actual.assign(offered=[1.0, np.nan, 1.0]), forecast)
    with pytest.raises(InputDataError, match="'calls'"):
        forecast_accuracy(actual, forecast, value="calls")
    with pytest.raises(InputDataError, match="subset"):
        forecast_accuracy(actual, forecast, by=("channel",))


# ----------------------------------------------------------------------------- survey sample size
def test_textbook_sample_sizes() -> None:
    assert survey_sample_size(None) == 385  # 384.1 rounded up
    assert survey_sample_size(10_000) == 370
    assert survey_sample_size(None, confidence=0.99) == 664
    assert survey_sample_size(None, confidence=0.90) == 271
    assert survey_sample_size(None, margin_of_error=0.03) == 1068


@pytest.mark.parametrize(
    ("population", "expected"),
    # Krejcie & Morgan (1970), Table 1 (95 %, ±5 %, p = 0.5), where the table rounds the same way
    [(100, 80), (200, 132), (1000, 278), (5000, 357), (10_000, 370), (1_000_000, 384)],
)
def test_krejcie_morgan_table(population: int, expected: int) -> None:
    assert survey_sample_size(population) == expected


@given(populations, confidences, margins, st.sampled_from([0.1, 0.3, 0.5, 0.8]))
def test_sample_size_matches_scipy_quantile_formula(
    population: int | None, confidence: float, margin: float, p: float
) -> None:
    z = norm.ppf(0.5 + confidence / 2)
    n0 = z * z * p * (1 - p) / margin**2
    exact = n0 if population is None else n0 / (1 + (n0 - 1) / population)
    n = survey_sample_size(population, confidence=confidence, margin_of_error=margin, proportion=p)
    assert exact - 1e-6 <= n < exact + 1 + 1e-6 or (population is not None and n == population)


@given(st.integers(2, 10**6), confidences, margins)
def test_sample_size_grows_with_population_and_never_exceeds_it(
    population: int, confidence: float, margin: float
) -> None:
    n = survey_sample_size(population, confidence=confidence, margin_of_error=margin)
    bigger = survey_sample_size(population + 1000, confidence=confidence, margin_of_error=margin)
    unlimited = survey_sample_size(None, confidence=confidence, margin_of_error=margin)
    assert 1 <= n <= population
    assert n <= bigger <= unlimited


@given(populations, confidences, margins)
def test_margin_of_error_inverts_sample_size(
    population: int | None, confidence: float, margin: float
) -> None:
    n = survey_sample_size(population, confidence=confidence, margin_of_error=margin)
    assert margin_of_error(n, population, confidence=confidence) <= margin + 1e-12
    if n > 1 and (population is None or n < population):
        assert margin_of_error(n - 1, population, confidence=confidence) > margin - 1e-12


def test_margin_of_error_known_values() -> None:
    assert margin_of_error(385, None) == pytest.approx(norm.ppf(0.975) * math.sqrt(0.25 / 385))
    assert margin_of_error(500, 500) == 0.0


@pytest.mark.parametrize(
    "call",
    [
        lambda: survey_sample_size(0),
        lambda: survey_sample_size(None, confidence=1.0),
        lambda: survey_sample_size(None, margin_of_error=0),
        lambda: survey_sample_size(None, proportion=1.0),
        lambda: margin_of_error(0, None),
        lambda: margin_of_error(11, 10),
    ],
)
def test_bad_survey_arguments_raise_input_errors(call: object) -> None:
    with pytest.raises(InputDataError):
        call()  # type: ignore[operator]
