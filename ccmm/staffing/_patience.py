"""Callers' mean patience from interval data, by maximum quasi-likelihood (private).

Model: in each interval, calls arrive as a Poisson stream (``offered - abandoned_short`` over
the interval), each handled in the interval's AHT on average by the interval's staffed agents,
and each waiting caller gives up after an exponential patience with the group's mean — Erlang A
(M/M/n+M). Given the patience, each offered call abandons with the Erlang A probability ``p_i``
and an answered call waits ``ASA_i`` on average.

Two measurements speak about patience. Abandons do where patience is long against the wait (the
abandon share is then about the wait over the patience), but near and above full load they
mostly measure the overload, not the patience. There the waits of the answered calls do: they
grow in proportion to the patience. So the objective adds, over intervals, the binomial
log-likelihood of the abandon counts and a Gaussian term for the total wait of the answered
calls (``wait_seconds``, when the table has it) around the model's answered calls times its
ASA, whose variance is the model's for that many answered waits (``ASA²·(2/q − 1)`` per
call, ``q`` the wait probability), fixed at a pilot estimate and updated twice.

The observed rate ``λ̂ = offered/T`` and handle time ``ĥ = handling/answered`` are noisy, and the
measures are curved in both, so plugging them in is biased: ``E[f(λ̂, ĥ)] ≈ f + f_λλ·λ/(2T) +
f_hh·h²/(2·answered)`` (Poisson counts, exponential handle times). Those second-order terms
are subtracted from both ``p`` and ``ASA``.

The confidence interval must survive what the model leaves out (calls of one interval share its
queue, so they vary more than independent calls would; the plug-ins add noise): it is the union
of (1) the robust sandwich interval on log patience, built from each interval's own score (a
t quantile with ``m − 1`` degrees of freedom), and (2) the profile interval of the objective
scaled by its Pearson dispersion ``φ = max(1, χ²/(dof))`` (quasi-likelihood, McCullagh &
Nelder). Short abandons (``abandoned_short``) are callers who hung up before the queue could
answer; they are left out of both offered and abandoned calls.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from ccmm._errors import InputDataError
from ccmm._guard import by_problems, checked_arguments
from ccmm._model import FrozenModel
from ccmm._text import quote
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


@dataclass(frozen=True)
class _Group:
    """One group's usable intervals (flat arrays, one element per interval)."""

    rate: FloatArray
    aht: FloatArray
    agents: FloatArray
    seconds: FloatArray
    offered: FloatArray
    abandoned: FloatArray
    answered: FloatArray
    wait: FloatArray | None


def _model(patience: FloatArray, g: _Group) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(abandon probability, ASA, wait probability) per patience (rows) and interval (columns),
    the first two corrected to second order for the noise of the plug-in rate and AHT."""
    k, m = patience.size, g.rate.size
    step = np.sqrt(g.rate / g.seconds)  # one standard deviation of the observed rate
    low = np.maximum(g.rate - step, g.rate * 1e-3)
    h_step = g.aht / np.sqrt(g.answered)  # one of the observed AHT (exponential handle times)
    h_low = np.maximum(g.aht - h_step, g.aht * 1e-3)
    rates = np.concatenate([g.rate, g.rate + step, low, g.rate, g.rate])
    ahts = np.concatenate([g.aht, g.aht, g.aht, g.aht + h_step, h_low])
    got = erlang_a_measures(
        np.tile(rates, k),
        np.tile(ahts, k),
        np.tile(np.tile(g.agents, 5), k),
        np.ones(5 * k * m),
        np.repeat(patience, 5 * m),
        np.zeros(5 * k * m),
    )
    down, h_down = g.rate - low, g.aht - h_low
    corrected = []
    for values in (got.abandon, got.asa):
        v = values.reshape(k, 5, m)
        mid = v[:, 0]
        # Second divided differences: the curvature in the rate and in the AHT.
        in_rate = 2.0 * ((v[:, 1] - mid) / step - (mid - v[:, 2]) / down) / (step + down)
        in_aht = 2.0 * ((v[:, 3] - mid) / h_step - (mid - v[:, 4]) / h_down) / (h_step + h_down)
        bias = 0.5 * in_rate * g.rate / g.seconds + 0.5 * in_aht * g.aht**2 / g.answered
        corrected.append(mid - bias)
    prob = np.clip(corrected[0], 1e-12, 1.0 - 1e-12)
    asa = np.maximum(corrected[1], 0.0)
    wait_probability: FloatArray = got.wait.reshape(k, 5, m)[:, 0]
    return prob, asa, wait_probability


def _terms(
    patience: FloatArray, g: _Group, variance: FloatArray | None
) -> tuple[FloatArray, FloatArray]:
    """(objective per patience and interval, Pearson residual² per patience and interval)."""
    prob, asa, _ = _model(patience, g)
    off, ab = g.offered, g.abandoned
    value = ab * np.log(prob) + (off - ab) * np.log1p(-prob)
    pearson = (ab - off * prob) ** 2 / (off * prob * (1.0 - prob))
    if g.wait is not None and variance is not None:
        # Compared with the model's answered calls, not the counted ones: the count moves with
        # the congestion of the interval (fewer answers where waits are long).
        answered = np.maximum(off * (1.0 - prob), 1e-9)
        miss = (g.wait - answered * asa) ** 2 / (answered * variance)
        value = value - 0.5 * miss
        pearson = pearson + miss
    return value, pearson


def _wait_variance(patience: float, g: _Group) -> FloatArray | None:
    """Variance of one answered call's wait under the model at ``patience`` (None without
    waits): it waits with probability q, then about exponentially: ``ASA²·(2/q − 1)``."""
    if g.wait is None:
        return None
    _, asa, q = _model(np.array([patience]), g)
    variance: FloatArray = asa[0] ** 2 * (2.0 / np.clip(q[0], 1e-9, 1.0) - 1.0)
    return np.maximum(variance, 1.0)


def _best(g: _Group, variance: FloatArray | None) -> float:
    """The patience maximising the objective: a log grid, then a fine grid around its peak."""
    grid_value = _terms(_GRID, g, variance)[0].sum(axis=1)
    top = int(np.argmax(grid_value))
    fine = np.geomspace(_GRID[max(top - 1, 0)], _GRID[min(top + 1, _GRID.size - 1)], _REFINE)
    return float(fine[int(np.argmax(_terms(fine, g, variance)[0].sum(axis=1)))])


def _t_quantile(probability: float, dof: int) -> float:
    """Student t quantile (Cornish-Fisher expansion around the normal; ample for dof >= 3)."""
    z = NormalDist().inv_cdf(probability)
    nu = max(dof, 1)
    return z + (z**3 + z) / (4 * nu) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * nu**2)


def _fit_group(g: _Group, confidence: float) -> tuple[float, float, float, float]:
    """(patience, lower, upper, dispersion) for one group's usable intervals."""
    estimate = _best(g, None)
    variance = None
    if g.wait is not None:
        for _ in range(2):  # the wait variance at the pilot, then at the new estimate
            variance = _wait_variance(estimate, g)
            estimate = _best(g, variance)
    m = g.rate.size
    # (1) Sandwich on log patience from each interval's score and curvature.
    delta = 0.02
    around = estimate * np.exp(np.array([-delta, 0.0, delta]))
    value, pearson = _terms(around, g, variance)
    score = (value[2] - value[0]) / (2.0 * delta)
    curvature = -float(np.sum(value[2] - 2.0 * value[1] + value[0])) / delta**2
    spread = math.sqrt(m / max(m - 1, 1) * float(np.sum(score * score)))
    width = _t_quantile((1.0 + confidence) / 2.0, m - 1) * (
        spread / curvature if curvature > 0 else math.inf
    )
    lower = estimate * math.exp(-width) if math.isfinite(width) else _LOW
    upper = estimate * math.exp(width) if math.isfinite(width) else math.inf
    # (2) Profile of the objective scaled by its Pearson dispersion.
    parts = 1 if variance is None else 2
    dispersion = max(1.0, float(np.sum(pearson[1])) / max(parts * m - 1, 1))
    cut = float(np.sum(value[1])) - dispersion * NormalDist().inv_cdf((1 + confidence) / 2) ** 2 / 2
    profile = np.clip(estimate * np.exp(np.linspace(-3.0, 3.0, 151)), _LOW, _HIGH)
    inside = profile[_terms(profile, g, variance)[0].sum(axis=1) >= cut]
    if inside.size:
        lower = min(lower, float(inside.min()))
        upper = max(upper, math.inf if inside.max() == profile[-1] else float(inside.max()))
    if estimate >= _HIGH * 0.99:
        upper = math.inf
    return estimate, min(max(lower, _LOW), estimate), max(upper, estimate), dispersion


@checked_arguments
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
    problems = by_problems(by)
    # isinstance first: float() of junk (a frame, a text) would raise its own error.
    if not (
        isinstance(confidence, int | float | np.floating)
        and not isinstance(confidence, bool)
        and 0.0 < float(confidence) < 1.0
    ):
        problems.append(f"confidence must be strictly between 0 and 1, got {quote(confidence)}")
    if problems:
        head = problems[0] if len(problems) == 1 else "invalid estimate_patience options"
        raise InputDataError(head, problems=problems)
    by = tuple(by)
    table = read_interval_columns(
        intervals,
        purpose="estimate_patience",
        by=by,
        agents=agents,
        optional=("wait_seconds",),
        short_abandons_out=True,
    )
    wait = table.extra.get("wait_seconds")
    seconds, offered, abandoned = table.seconds, table.offered, table.abandoned
    answered, work, whole_agents = table.answered, table.handling, table.whole_agents
    usable = (offered > 0) & (answered > 0) & (whole_agents >= 1) & (seconds > 0)
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
            _Group(
                rate=offered[use] / seconds[use],
                aht=work[use] / answered[use],
                agents=whole_agents[use],
                seconds=seconds[use],
                offered=offered[use],
                abandoned=abandoned[use],
                answered=answered[use],
                wait=None if wait is None else wait[use],
            ),
            float(confidence),
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
