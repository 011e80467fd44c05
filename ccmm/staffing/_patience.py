"""Callers' mean patience from interval data, by maximum quasi-likelihood (private).

Model: in each interval, calls arrive as a Poisson stream (``offered - abandoned_short`` over
the interval), each handled in the interval's AHT on average by the interval's staffed agents,
and each waiting caller gives up after an exponential patience with the group's mean — Erlang A
(M/M/n+M). Given the patience, each offered call abandons with the Erlang A probability ``p_i``.

The observed rate ``λ̂ = offered/T`` is a Poisson count over the interval, and ``p`` is convex
near full load, so the plug-in ``p(λ̂)`` overstates the abandons by ``p''(λ̂)·λ̂/(2T)`` on
average (Jensen); that second-order term is subtracted. The log-likelihood of the abandon counts
is binomial, ``Σ ab_i·log p_i + (off_i - ab_i)·log(1 - p_i)``, maximised over log patience.
Calls of one interval share its queue, so their abandons vary more than a binomial's: the
likelihood-ratio statistic is divided by the Pearson dispersion ``φ = max(1, χ²/(m - 1))``
(quasi-likelihood, McCullagh & Nelder), and the confidence interval is the set of patiences
whose scaled likelihood ratio stays within the chi-square(1) quantile of ``confidence``.
Short abandons (``abandoned_short``) are callers who hung up before the queue could answer; they
are left out of both offered and abandoned calls.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

from ccmm._errors import InputDataError
from ccmm._model import FrozenModel
from ccmm.staffing._erlang_a import erlang_a_measures
from ccmm.staffing._inputs import FloatArray
from ccmm.staffing._table import keyed_rows, read_interval_columns

# Patience searched between these (seconds): a grid in log space, then refined.
_LOW, _HIGH = 1.0, 1e5
_GRID = np.geomspace(_LOW, _HIGH, 51)  # 26 % apart
_REFINE = 25  # points of each refining grid: 1 % apart


class PatienceGroup(FrozenModel):
    """The patience estimate of one group (``key`` holds its ``by`` values in order).

    ``patience_seconds`` is None when the data cannot identify it (``note`` says why);
    ``upper_seconds`` is ``inf`` when the data bound patience only from below.
    """

    key: tuple[str, ...]
    patience_seconds: float | None
    lower_seconds: float | None
    upper_seconds: float | None
    intervals_used: int
    intervals_skipped: int
    offered: int
    abandoned: int
    dispersion: float | None
    note: str


class PatienceEstimate(FrozenModel):
    """`estimate_patience`'s result: one `PatienceGroup` per group, in sorted key order."""

    by: tuple[str, ...]
    confidence: float
    groups: tuple[PatienceGroup, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per group: the ``by`` columns, then every field of `PatienceGroup`."""
        return keyed_rows(self.by, self.groups)


def _abandon_probability(
    patience: FloatArray,
    rate: FloatArray,
    aht: FloatArray,
    agents: FloatArray,
    seconds: FloatArray,
) -> FloatArray:
    """Erlang A abandon probability for each patience (rows) and interval (columns), corrected
    for the noise of the observed rate: ``p(λ̂) - p''(λ̂)·Var(λ̂)/2`` with ``Var(λ̂) = λ̂/T``
    (Poisson counts over ``T`` seconds). The plug-in ``p(λ̂)`` alone is biased upwards where
    ``p`` is convex (near and above full load) by exactly that second-order term."""
    k, m = patience.size, rate.size
    step = np.sqrt(rate / seconds)  # one standard deviation of the rate
    shifted = np.concatenate([rate, rate + step, np.maximum(rate - step, rate * 1e-3)])
    measures = erlang_a_measures(
        np.tile(shifted, k),
        np.tile(np.tile(aht, 3), k),
        np.tile(np.tile(agents, 3), k),
        np.ones(3 * k * m),
        np.repeat(patience, 3 * m),
        np.zeros(3 * k * m),
    )
    values = measures.abandon.reshape(k, 3, m)
    middle, up, down = values[:, 0], values[:, 1], values[:, 2]
    h_down = rate - np.maximum(rate - step, rate * 1e-3)
    curvature = (
        2.0 * ((up - middle) / step - (middle - down) / h_down) / (step + h_down)
    )  # second divided difference: p'' in λ
    corrected: FloatArray = middle - 0.5 * curvature * rate / seconds
    return np.clip(corrected, 1e-12, 1.0 - 1e-12)


def _log_likelihood(
    patience: FloatArray,
    rate: FloatArray,
    aht: FloatArray,
    agents: FloatArray,
    seconds: FloatArray,
    offered: FloatArray,
    abandoned: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """(log-likelihood, Pearson χ²) for each patience over the intervals."""
    prob = _abandon_probability(patience, rate, aht, agents, seconds)
    off, ab = offered[None, :], abandoned[None, :]
    log_l = np.sum(ab * np.log(prob) + (off - ab) * np.log1p(-prob), axis=1)
    pearson = np.sum((ab - off * prob) ** 2 / (off * prob * (1.0 - prob)), axis=1)
    return log_l, pearson


def _fit_group(
    rate: FloatArray,
    aht: FloatArray,
    agents: FloatArray,
    seconds: FloatArray,
    offered: FloatArray,
    abandoned: FloatArray,
    quantile: float,
) -> tuple[float, float, float, float]:
    """(patience, lower, upper, dispersion) for one group's usable intervals.

    Every step evaluates the log-likelihood on a whole grid of patiences in one vectorised call:
    a log grid over [1 s, 1e5 s], a fine grid around its best point, then a fine grid around
    each confidence bound.
    """

    def ll(values: FloatArray) -> FloatArray:
        return _log_likelihood(values, rate, aht, agents, seconds, offered, abandoned)[0]

    grid_ll = ll(_GRID)
    best = int(np.argmax(grid_ll))
    fine = np.geomspace(_GRID[max(best - 1, 0)], _GRID[min(best + 1, _GRID.size - 1)], _REFINE)
    fine_ll = ll(fine)
    estimate = float(fine[int(np.argmax(fine_ll))])
    top_ll, top_pearson = _log_likelihood(
        np.array([estimate]), rate, aht, agents, seconds, offered, abandoned
    )
    dispersion = max(1.0, float(top_pearson[0]) / max(rate.size - 1, 1))
    cut = float(top_ll[0]) - dispersion * quantile / 2.0

    def edge(side: FloatArray, side_ll: FloatArray) -> float:
        """Where the log-likelihood falls to ``cut`` along ``side`` (from the estimate out)."""
        first_out = int(np.argmax(side_ll < cut))
        refined = np.geomspace(side[first_out - 1], side[first_out], _REFINE)
        last_in = int(np.argmax(ll(refined) < cut)) - 1
        return float(refined[max(last_in, 0)])

    low = estimate > _GRID
    below = np.concatenate([[estimate], _GRID[low][::-1]])
    below_ll = np.concatenate([top_ll, grid_ll[low][::-1]])
    above = np.concatenate([[estimate], _GRID[~low]])
    above_ll = np.concatenate([top_ll, grid_ll[~low]])
    lower = _LOW if np.all(below_ll >= cut) else edge(below, below_ll)
    upper = math.inf if np.all(above_ll >= cut) else edge(above, above_ll)
    return estimate, min(lower, estimate), max(upper, estimate), dispersion


def estimate_patience(
    intervals: object,
    *,
    by: Sequence[str] = ("queue", "channel"),
    agents: str | None = None,
    confidence: float = 0.95,
) -> PatienceEstimate:
    """Mean caller patience (Erlang A, exponential patience) per group, with a confidence interval.

    ``intervals`` is a pandas or polars interval table (``interval_minutes``, ``offered``,
    ``abandoned``, ``abandoned_short``, ``answered`` and the handle time as ``handling_seconds``
    or ``talk_seconds + hold_seconds + acw_seconds``) with the staffed agents per interval:
    the column ``agents`` names (default: an ``agents`` column if there is one, else
    ``staffed_seconds`` divided by the interval length), rounded to whole agents. Intervals
    without calls, answers or agents say nothing about patience and are skipped (counted).
    A group without any abandon gets no estimate and a note saying so.
    """
    if not 0.0 < float(confidence) < 1.0:
        raise InputDataError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    by = tuple(by)
    table = read_interval_columns(
        intervals, purpose="estimate_patience", by=by, agents=agents, short_abandons_out=True
    )
    seconds, offered, abandoned = table.seconds, table.offered, table.abandoned
    answered, work, whole_agents = table.answered, table.handling, table.whole_agents
    usable = (offered > 0) & (answered > 0) & (whole_agents >= 1) & (seconds > 0)
    quantile = NormalDist().inv_cdf((1.0 + float(confidence)) / 2.0) ** 2
    keys = table.group_keys(by)
    groups: list[PatienceGroup] = []
    for key in sorted(set(keys.tolist())):
        rows = keys == key
        use = rows & usable
        parts = tuple(key.split("\x1f")) if by else ()
        common = {
            "key": parts,
            "intervals_used": int(use.sum()),
            "intervals_skipped": int((rows & ~usable).sum()),
            "offered": int(offered[use].sum()),
            "abandoned": int(abandoned[use].sum()),
        }
        if not use.any():
            note = "no interval with calls, answers and agents: patience not identifiable"
        elif abandoned[use].sum() == 0:
            note = "no abandons: patience not identifiable (only that it is long)"
        else:
            note = ""
        if note:
            groups.append(
                PatienceGroup(
                    patience_seconds=None,
                    lower_seconds=None,
                    upper_seconds=None,
                    dispersion=None,
                    note=note,
                    **common,
                )
            )
            continue
        estimate, lower, upper, dispersion = _fit_group(
            offered[use] / seconds[use],
            work[use] / answered[use],
            whole_agents[use],
            seconds[use],
            offered[use],
            abandoned[use],
            quantile,
        )
        groups.append(
            PatienceGroup(
                patience_seconds=estimate,
                lower_seconds=lower,
                upper_seconds=upper,
                dispersion=dispersion,
                note="upper bound beyond 1e5 s" if math.isinf(upper) else "",
                **common,
            )
        )
    return PatienceEstimate(by=by, confidence=float(confidence), groups=tuple(groups))
