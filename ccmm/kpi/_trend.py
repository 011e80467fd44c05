"""Trend tests on short monthly series, in numpy only (scipy is a test-only dependency).

* `mann_kendall` — the one-sided Mann–Kendall test. ``S`` is the number of later-larger
  pairs minus the number of later-smaller pairs. Its p-value comes from the exact null
  distribution of ``S`` when the series has no ties and at most `EXACT_MAX_N` values, and
  from the normal approximation with the tie-corrected variance otherwise (no continuity
  correction), which is what ``scipy.stats.kendalltau(time, values)`` does.
* `theil_sen_slope` — the median of the pairwise slopes, in value units per period.
* `favourable_steps` — how many consecutive period-on-period steps ending at the last value
  moved strictly in the favourable direction (the "consecutive-improvement" alternative).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Literal

import numpy as np
import numpy.typing as npt

Alternative = Literal["increasing", "decreasing"]

#: Largest series length for which the exact null distribution of S is used (untied data only).
#: The same cut-over as scipy's ``kendalltau(method="auto")``; above it the normal approximation
#: is accurate to well under 0.001 in the p-value.
EXACT_MAX_N = 33


@dataclass(frozen=True)
class MannKendall:
    """One one-sided Mann–Kendall test.

    ``p_value`` is the probability, with no trend, of an ``S`` at least as far towards
    ``alternative`` as the one observed. ``z`` is ``S / sqrt(var_s)`` for the normal method and
    ``None`` for the exact one.
    """

    n: int
    s: int
    var_s: float
    tied: bool
    method: Literal["exact", "normal"]
    alternative: Alternative
    z: float | None
    p_value: float


def _as_series(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    series = np.asarray(values, dtype=np.float64)
    if series.ndim != 1:
        raise ValueError(f"a trend series must be one-dimensional, got shape {series.shape}")
    if not np.all(np.isfinite(series)):
        raise ValueError("a trend series must hold finite numbers only")
    return series


def mann_kendall_s(values: npt.ArrayLike) -> int:
    """``S`` = sum over i < j of sign(x_j - x_i)."""
    series = _as_series(values)
    signs = np.sign(series[np.newaxis, :] - series[:, np.newaxis])
    return int(np.triu(signs, k=1).sum())


def _tie_group_sizes(series: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    _, counts = np.unique(series, return_counts=True)
    sizes: npt.NDArray[np.int64] = counts[counts > 1].astype(np.int64)
    return sizes


def mann_kendall_variance(values: npt.ArrayLike) -> float:
    """Var(S) with no trend: ``[n(n-1)(2n+5) - sum t(t-1)(2t+5)] / 18`` over tie groups t."""
    series = _as_series(values)
    n = series.size
    ties = _tie_group_sizes(series)
    tie_term = int(np.sum(ties * (ties - 1) * (2 * ties + 5)))
    return (n * (n - 1) * (2 * n + 5) - tie_term) / 18.0


@cache
def _inversion_counts(n: int) -> tuple[int, ...]:
    """Number of permutations of n items with k inversions, k = 0 .. n(n-1)/2 (exact integers).

    The generating function is the product over m = 1..n of (1 + q + ... + q^(m-1)).
    """
    counts = [1]
    for m in range(2, n + 1):
        grown = [0] * (len(counts) + m - 1)
        for k, c in enumerate(counts):
            for extra in range(m):
                grown[k + extra] += c
        counts = grown
    return tuple(counts)


def exact_upper_tail(n: int, s: int) -> Fraction:
    """P(S >= s) for n untied values with no trend, as an exact fraction."""
    pairs = n * (n - 1) // 2
    # S = pairs - 2 * inversions, so S >= s  <=>  inversions <= (pairs - s) / 2.
    most_inversions = math.floor((pairs - s) / 2)
    counts = _inversion_counts(n)
    if most_inversions < 0:
        return Fraction(0)
    tail = sum(counts[: min(most_inversions, pairs) + 1])
    return Fraction(tail, math.factorial(n))


def _normal_upper_tail(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def mann_kendall(values: npt.ArrayLike, *, alternative: Alternative) -> MannKendall:
    """One-sided Mann–Kendall test of ``values`` (in time order, equally spaced)."""
    series = _as_series(values)
    n = int(series.size)
    if n < 2:
        raise ValueError(f"the Mann-Kendall test needs at least 2 values, got {n}")
    s = mann_kendall_s(series)
    var_s = mann_kendall_variance(series)
    tied = bool(_tie_group_sizes(series).size)
    # The favourable tail: large S for an increasing alternative, small S for a decreasing one.
    oriented = s if alternative == "increasing" else -s
    if not tied and n <= EXACT_MAX_N:
        p = float(exact_upper_tail(n, oriented))
        return MannKendall(n, s, var_s, tied, "exact", alternative, None, p)
    if var_s <= 0.0:  # every value equal: no evidence of any trend
        return MannKendall(n, s, var_s, tied, "normal", alternative, None, 1.0)
    z = s / math.sqrt(var_s)
    p = _normal_upper_tail(z if alternative == "increasing" else -z)
    return MannKendall(n, s, var_s, tied, "normal", alternative, z, p)


def theil_sen_slope(values: npt.ArrayLike) -> float:
    """Median of (x_j - x_i) / (j - i) over all pairs i < j: the trend per period."""
    series = _as_series(values)
    n = series.size
    if n < 2:
        raise ValueError(f"a slope needs at least 2 values, got {n}")
    i, j = np.triu_indices(n, k=1)
    return float(np.median((series[j] - series[i]) / (j - i)))


def favourable_steps(values: npt.ArrayLike, *, alternative: Alternative) -> int:
    """Strictly favourable consecutive steps ending at the last value (0: the last is not)."""
    series = _as_series(values)
    steps = np.diff(series)
    favourable = steps > 0 if alternative == "increasing" else steps < 0
    count = 0
    for ok in favourable[::-1]:
        if not ok:
            break
        count += 1
    return count


__all__ = [
    "EXACT_MAX_N",
    "MannKendall",
    "exact_upper_tail",
    "favourable_steps",
    "mann_kendall",
    "mann_kendall_s",
    "mann_kendall_variance",
    "theil_sen_slope",
]
