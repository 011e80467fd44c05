"""Does the queueing model describe the centre? Predictions from the staffed agents against the
measured service level, ASA and abandon rate of each interval (private).

Each interval's offered calls, handle time (per answered call) and staffed agents (rounded to
whole agents) go into Erlang C or Erlang A; the predicted service level, ASA and abandon rate are
compared with the measured ones. An interval is flagged where a measure misses by more than the
stated margin plus ``standard_errors`` sampling standard errors of that interval's measured
value (binomial for the shares, the model's wait law for ASA), so a quiet interval of five calls
is not flagged for a miss its size explains. Erlang C assumes nobody abandons: under it the
abandon rate is shown (predicted 0) but never flagged. Roll-ups per group and period are ratios
of sums: predicted answered-within-threshold calls, abandons and waits summed, over summed
offered or answered calls.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from ccmm._errors import InputDataError
from ccmm._guard import by_problems
from ccmm._model import FrozenModel
from ccmm.kpi._frames import FREQS, Freq, period_index
from ccmm.staffing._erlang_a import erlang_a_measures
from ccmm.staffing._erlang_c import asa_flat, service_level_flat
from ccmm.staffing._erlang_core import erlang_b_flat, erlang_c_from_b
from ccmm.staffing._inputs import FloatArray
from ccmm.staffing._table import keyed_rows, read_interval_columns

Model = Literal["erlang_c", "erlang_a"]
MEASURES = ("service_level", "asa", "abandon_rate")


class IntervalFits(FrozenModel):
    """Per interval, in input order (columns of equal length): the measured and predicted
    measures, and which measures missed (``missed``: space-separated names of
    ``service_level``, ``asa``, ``abandon_rate``; ``note`` says why an interval was skipped)."""

    row: tuple[int, ...]
    key: tuple[tuple[str, ...], ...]
    period: tuple[str, ...]
    agents: tuple[float, ...]
    offered: tuple[float, ...]
    actual_service_level: tuple[float, ...]
    predicted_service_level: tuple[float, ...]
    actual_asa_seconds: tuple[float, ...]
    predicted_asa_seconds: tuple[float, ...]
    actual_abandon_rate: tuple[float, ...]
    predicted_abandon_rate: tuple[float, ...]
    missed: tuple[str, ...]
    flagged: tuple[bool, ...]
    note: tuple[str, ...]


class PeriodFit(FrozenModel):
    """One group and period: measured against predicted, each a ratio of sums."""

    key: tuple[str, ...]
    period: str
    intervals: int
    flagged: int
    offered: float
    actual_service_level: float
    predicted_service_level: float
    actual_asa_seconds: float
    predicted_asa_seconds: float
    actual_abandon_rate: float
    predicted_abandon_rate: float


class ModelFit(FrozenModel):
    """`model_fit`'s result: per interval (``intervals``) and per group and period
    (``periods``, sorted by period then group)."""

    model: Model
    patience_seconds: float | None
    by: tuple[str, ...]
    freq: Freq
    margin: float
    asa_margin_seconds: float
    standard_errors: float
    intervals: IntervalFits
    periods: tuple[PeriodFit, ...]

    @property
    def flagged_intervals(self) -> int:
        """How many intervals the model missed."""
        return sum(self.intervals.flagged)

    @property
    def used_intervals(self) -> int:
        """How many intervals were compared (the others had no calls or no answers)."""
        return sum(1 for note in self.intervals.note if not note)

    def to_frame(self) -> pd.DataFrame:
        """One row per interval: the ``by`` columns, then every column of `IntervalFits`."""
        data = self.intervals.model_dump(exclude={"key"})
        keys = pd.DataFrame(list(self.intervals.key), columns=list(self.by))
        return pd.concat([keys, pd.DataFrame(data)], axis=1)

    def periods_frame(self) -> pd.DataFrame:
        """One row per group and period: the ``by`` columns, then every field of `PeriodFit`."""
        return keyed_rows(self.by, self.periods)

    def _repr_html_(self) -> str:
        """Notebook display (rendered by `ccmm.report`, imported only when displayed)."""
        from ccmm.report import fragment_html, section_for

        return fragment_html(section_for(self))

    def plot(self, *, ax: Any = None, lang: Literal["en", "zh"] = "en") -> Any:
        """Measured against predicted service level per interval, misses marked (needs the
        ``plot`` extra); returns the matplotlib Axes."""
        from ccmm._plot import _axes

        ax = _axes(ax)
        fits = self.intervals
        predicted = np.asarray(fits.predicted_service_level, dtype=np.float64)
        actual = np.asarray(fits.actual_service_level, dtype=np.float64)
        flagged = np.asarray(fits.flagged, dtype=bool)
        en = lang == "en"
        ax.plot([0, 1], [0, 1], color="grey", linewidth=1, label="model = data" if en else "吻合")
        ax.scatter(predicted[~flagged], actual[~flagged], s=12, label="fits" if en else "吻合")
        ax.scatter(
            predicted[flagged], actual[flagged], s=18, marker="x", label="missed" if en else "偏离"
        )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel(f"{self.model} service level" if en else f"{self.model} 预测服务水平")
        ax.set_ylabel("measured service level" if en else "实际服务水平")
        ax.set_title(
            f"{self.flagged_intervals} of {self.used_intervals} intervals missed"
            if en
            else f"{self.used_intervals} 个时段中 {self.flagged_intervals} 个偏离"
        )
        ax.legend()
        return ax


def _predict(
    model: Model,
    offered: FloatArray,
    aht: FloatArray,
    agents: FloatArray,
    seconds: FloatArray,
    threshold: FloatArray,
    patience: float | None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """(service level, ASA, abandon probability, wait probability) per interval."""
    if model == "erlang_a":
        assert patience is not None
        got = erlang_a_measures(
            offered, aht, agents, seconds, np.full(offered.shape, patience), threshold
        )
        return got.service_level, got.asa, got.abandon, got.wait
    traffic = offered * aht / seconds
    blocking = erlang_b_flat(traffic, agents.astype(np.int64))
    level = service_level_flat(traffic, aht, agents, blocking, threshold)
    asa = asa_flat(traffic, aht, agents, blocking)
    wait = erlang_c_from_b(traffic, agents, blocking)
    return level, asa, np.zeros(offered.shape), wait


def _misses(
    model: Model,
    actual: dict[str, FloatArray],
    predicted: dict[str, FloatArray],
    wait_probability: FloatArray,
    offered: FloatArray,
    answered: FloatArray,
    *,
    margin: float,
    asa_margin: float,
    z: float,
) -> dict[str, np.ndarray[Any, np.dtype[np.bool_]]]:
    """Per measure, whether each interval misses by more than margin + z standard errors."""
    out = {}
    for name in ("service_level", "abandon_rate"):
        p = np.clip(predicted[name], 0.0, 1.0)
        noise = np.sqrt(p * (1.0 - p) / np.maximum(offered, 1.0))
        out[name] = np.abs(actual[name] - predicted[name]) > margin + z * noise
    if model == "erlang_c":
        out["abandon_rate"] = np.zeros(offered.shape, dtype=bool)
    # One caller's wait, given answered: waits with probability q, then about exponentially,
    # so its standard deviation is ASA·sqrt(2/q - 1).
    q = np.clip(wait_probability, 1e-12, 1.0)
    with np.errstate(invalid="ignore", over="ignore"):
        spread = predicted["asa"] * np.sqrt(2.0 / q - 1.0) / np.sqrt(np.maximum(answered, 1.0))
        gap = np.abs(actual["asa"] - predicted["asa"])
    out["asa"] = np.where(np.isinf(predicted["asa"]), True, gap > asa_margin + z * spread)
    return out


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.nan


def model_fit(
    intervals: object,
    *,
    model: Model = "erlang_c",
    patience: float | None = None,
    by: Sequence[str] = ("queue", "channel"),
    freq: Freq = "D",
    agents: str | None = None,
    margin: float = 0.10,
    asa_margin_seconds: float = 30.0,
    standard_errors: float = 3.0,
) -> ModelFit:
    """Predict each interval's service level, ASA and abandon rate from its staffed agents and
    compare them with what was measured.

    ``intervals`` is a pandas or polars interval table (the canonical columns, with the staffed
    agents as in `estimate_patience`: the column ``agents`` names, an ``agents`` column, or
    ``staffed_seconds``). ``model`` is ``"erlang_c"`` or ``"erlang_a"`` (then ``patience``, the
    callers' mean patience in seconds, is required). Measured values follow the KPI
    definitions: service level = answered within threshold ÷ offered, ASA = wait ÷ answered,
    abandon rate = abandoned ÷ offered. An interval is flagged where a share misses by more
    than ``margin`` (or the ASA by more than ``asa_margin_seconds``) plus ``standard_errors``
    sampling standard errors; intervals without calls or answers are skipped (``note``).
    Periods are calendar days (``freq="D"``), ISO weeks (``"W"``) or months (``"MS"``) of
    ``interval_start``.
    """
    problems = []
    # isinstance first: a junk argument (a frame, an array) must not reach a truth test.
    if not (isinstance(model, str) and model in ("erlang_c", "erlang_a")):
        problems.append(f"model must be 'erlang_c' or 'erlang_a', got {str(model)[:40]!r}")
    if isinstance(model, str) and model == "erlang_a" and patience is None:
        problems.append("model 'erlang_a' needs patience= (mean patience in seconds)")
    if patience is not None and not (
        isinstance(patience, int | float) and math.isfinite(patience) and patience > 0
    ):
        problems.append(f"patience must be a finite number of seconds > 0, got {patience!r}")
    if not (isinstance(freq, str) and freq in FREQS):
        problems.append(f"freq must be one of {', '.join(FREQS)}, got {str(freq)[:40]!r}")
    for name, value in (
        ("margin", margin),
        ("asa_margin_seconds", asa_margin_seconds),
        ("standard_errors", standard_errors),
    ):
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
            problems.append(f"{name} must be a finite number >= 0, got {value!r}")
    problems += by_problems(by)
    if problems:
        raise InputDataError(f"invalid model_fit options ({len(problems)})", problems=problems)
    by = tuple(by)
    table = read_interval_columns(
        intervals,
        purpose="model_fit",
        by=by,
        agents=agents,
        extra=("answered_within_threshold", "threshold_seconds", "wait_seconds"),
    )
    frame = table.frame
    if "interval_start" not in frame.columns:
        raise InputDataError("model_fit needs column 'interval_start' (to form periods)")
    starts = frame["interval_start"]
    if not isinstance(starts.dtype, pd.DatetimeTZDtype) or starts.isna().any():
        raise InputDataError(
            "interval_start must be time-zone-aware timestamps without gaps, "
            f"got dtype {str(starts.dtype)[:40]}"
        )
    position, period_starts = period_index(starts, freq)
    period = np.array([s.isoformat() for s in period_starts], dtype=object)[position]
    offered, answered = table.offered, table.answered
    used = (offered > 0) & (answered > 0) & (table.seconds > 0)
    agents_whole = table.whole_agents
    predicted = {name: np.full(offered.shape, np.nan) for name in MEASURES}
    wait = np.full(offered.shape, np.nan)
    if used.any():
        level, asa, abandon, waiting = _predict(
            model,
            offered[used],
            table.aht[used],
            agents_whole[used],
            table.seconds[used],
            table.extra["threshold_seconds"][used],
            None if patience is None else float(patience),
        )
        predicted["service_level"][used] = level
        predicted["asa"][used] = asa
        predicted["abandon_rate"][used] = abandon
        wait[used] = waiting
    with np.errstate(divide="ignore", invalid="ignore"):
        actual = {
            "service_level": table.extra["answered_within_threshold"] / offered,
            "asa": table.extra["wait_seconds"] / answered,
            "abandon_rate": table.abandoned / offered,
        }
    missed = _misses(
        model,
        actual,
        predicted,
        wait,
        offered,
        answered,
        margin=float(margin),
        asa_margin=float(asa_margin_seconds),
        z=float(standard_errors),
    )
    missed_text = [
        " ".join(name for name in MEASURES if ok and missed[name][i])
        for i, ok in enumerate(used.tolist())
    ]
    notes = [
        "" if ok else ("no calls offered" if off <= 0 else "no calls answered: no handle time")
        for ok, off in zip(used.tolist(), offered.tolist(), strict=True)
    ]
    keys = table.group_keys(by)
    key_tuples = [tuple(k.split("\x1f")) if by else () for k in keys.tolist()]
    fits = IntervalFits.model_construct(
        row=tuple(range(1, len(frame) + 1)),
        key=tuple(key_tuples),
        period=tuple(period.tolist()),
        agents=tuple(table.agents.tolist()),
        offered=tuple(offered.tolist()),
        actual_service_level=tuple(actual["service_level"].tolist()),
        predicted_service_level=tuple(predicted["service_level"].tolist()),
        actual_asa_seconds=tuple(actual["asa"].tolist()),
        predicted_asa_seconds=tuple(predicted["asa"].tolist()),
        actual_abandon_rate=tuple(actual["abandon_rate"].tolist()),
        predicted_abandon_rate=tuple(predicted["abandon_rate"].tolist()),
        missed=tuple(missed_text),
        flagged=tuple(bool(text) for text in missed_text),
        note=tuple(notes),
    )
    # Summed in (period, group, start) order, so the roll-ups do not depend on the row order.
    order = np.lexsort((starts.array.asi8, keys, period))
    order = order[used[order]]
    periods = _periods(table, period, keys, key_tuples, order, predicted, missed_text)
    return ModelFit(
        model=model,
        patience_seconds=None if patience is None else float(patience),
        by=by,
        freq=freq,
        margin=float(margin),
        asa_margin_seconds=float(asa_margin_seconds),
        standard_errors=float(standard_errors),
        intervals=fits,
        periods=periods,
    )


def _periods(
    table: Any,
    period: np.ndarray[Any, Any],
    keys: np.ndarray[Any, Any],
    key_tuples: list[tuple[str, ...]],
    order: np.ndarray[Any, np.dtype[np.intp]],
    predicted: dict[str, FloatArray],
    missed_text: list[str],
) -> tuple[PeriodFit, ...]:
    """Ratios of sums per (period, group) over the compared intervals (rows ``order``)."""
    offered, answered = table.offered, table.answered
    p_abandon = np.nan_to_num(predicted["abandon_rate"])
    p_answered = offered * (1.0 - p_abandon)
    columns = {
        "offered": offered,
        "within": table.extra["answered_within_threshold"],
        "p_within": offered * np.nan_to_num(predicted["service_level"]),
        "wait": table.extra["wait_seconds"],
        "answered": answered,
        "p_wait": np.where(p_answered > 0, predicted["asa"] * p_answered, 0.0),
        "p_answered": p_answered,
        "abandoned": table.abandoned,
        "p_abandoned": offered * p_abandon,
        "flagged": np.array([bool(t) for t in missed_text], dtype=np.float64),
        "intervals": np.ones(offered.shape),
    }
    sums = (
        pd.DataFrame({name: values[order] for name, values in columns.items()})
        .assign(_period=period[order], _key=keys[order])
        .groupby(["_period", "_key"], sort=True)
        .sum()
    )
    first_key = dict(zip(keys.tolist(), key_tuples, strict=True))
    out = []
    for index, row in sums.iterrows():
        when, key = cast(tuple[str, str], index)
        out.append(
            PeriodFit(
                key=first_key[str(key)],
                period=str(when),
                intervals=int(row["intervals"]),
                flagged=int(row["flagged"]),
                offered=float(row["offered"]),
                actual_service_level=_ratio(row["within"], row["offered"]),
                predicted_service_level=_ratio(row["p_within"], row["offered"]),
                actual_asa_seconds=_ratio(row["wait"], row["answered"]),
                predicted_asa_seconds=_ratio(row["p_wait"], row["p_answered"]),
                actual_abandon_rate=_ratio(row["abandoned"], row["offered"]),
                predicted_abandon_rate=_ratio(row["p_abandoned"], row["offered"]),
            )
        )
    return tuple(out)
