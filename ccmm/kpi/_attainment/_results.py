"""The typed results of [`ccmm.kpi.attainment`][]: per metric, per share test, overall."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import pandas as pd

from ccmm._model import FrozenModel
from ccmm.kpi._attainment._rules import (
    AttainmentRule,
    Direction,
    Share,
    ShareTestName,
    TrendTest,
)


class MetricAttainment(FrozenModel):
    """One metric: its level against target, its trend, and whether each counts.

    ``gap`` is ``value - target`` (signed, in the metric's unit); for a ``band`` metric
    (``band_lower`` .. ``band_upper``, e.g. occupancy) it is 0 inside the band, else the signed
    distance to the nearer bound, and inside the band is on target. ``statistic`` is the trend
    test's statistic (Mann–Kendall S, or the number of consecutive favourable steps); ``p_value``
    is one-sided in the favourable direction (``None`` for the consecutive-improvement test or
    when the direction is unknown); ``slope`` is the Theil–Sen slope per month. ``problems``
    lists every data problem met (missing months, NaNs, duplicates, no target, no direction).
    """

    metric: str
    direction: Direction | None
    direction_source: Literal["registry", "catalogue"] | None
    category: str | None
    copc_family: str | None
    value: float | None
    target: float | None
    target_source: Literal["facts", "registry"] | None
    gap: float | None
    meets: bool
    trend_test: TrendTest
    trend_periods: int
    trend_start: date | None
    statistic: float | None
    p_value: float | None
    p_method: Literal["exact", "normal"] | None
    slope: float | None
    improving: bool
    reason: str
    problems: tuple[str, ...]
    band_lower: float | None = None
    band_upper: float | None = None

    @property
    def meets_or_improving(self) -> bool:
        return self.meets or self.improving


class ShareTest(FrozenModel):
    """One of the two share tests.

    ``required`` is the fewest counting metrics that pass (ceil(threshold × total)).
    ``flip_count`` is how many metrics must change status to flip the outcome: counting metrics
    that would have to stop counting when passed, non-counting ones that would have to start
    counting when failed. ``deciding_metrics`` are the candidates for that change, nearest to
    changing first.
    """

    test: ShareTestName
    counted: int
    total: int
    share: Share
    threshold: Share
    required: int
    passed: bool
    flip_count: int
    deciding_metrics: tuple[str, ...]


class ExcludedMetric(FrozenModel):
    """A metric of the facts left out of scope by the ``categories`` / ``copc_families`` filter."""

    metric: str
    reason: str


class AttainmentResult(FrozenModel):
    """The verdict of one rule on one entity as of one date, with every metric explained."""

    rule: AttainmentRule
    rule_name: str | None
    as_of: date
    window_start: date
    window_end: date
    entity_level: str
    entity_id: str
    metrics: tuple[MetricAttainment, ...]
    meets_share: Share
    meets_threshold: Share
    meets_passed: bool
    meets_or_improving_share: Share
    meets_or_improving_threshold: Share
    meets_or_improving_passed: bool
    passed: bool
    deciding_metrics: tuple[str, ...]
    tests: tuple[ShareTest, ShareTest]
    excluded_metrics: tuple[ExcludedMetric, ...]
    notes: tuple[str, ...]

    def metric(self, metric_id: str) -> MetricAttainment:
        """The result of one metric; ``KeyError`` if it was not assessed."""
        for m in self.metrics:
            if m.metric == metric_id:
                return m
        raise KeyError(metric_id)

    def to_frame(self) -> pd.DataFrame:
        """One row per assessed metric, in metric order."""
        rows = [m.model_dump() | {"meets_or_improving": m.meets_or_improving} for m in self.metrics]
        return pd.DataFrame(rows, columns=[*MetricAttainment.model_fields, "meets_or_improving"])

    def _repr_html_(self) -> str:
        """Notebook display (rendered by `ccmm.report`, imported only when displayed)."""
        from ccmm.report import fragment_html, section_for

        return fragment_html(section_for(self))

    def plot(self, *, ax: Any = None, lang: Literal["en", "zh"] = "en") -> Any:
        """A matplotlib chart of this result (needs the ``plot`` extra); returns the Axes."""
        from ccmm._plot import plot_attainment

        return plot_attainment(self, ax=ax, lang=lang)


__all__ = ["AttainmentResult", "ExcludedMetric", "MetricAttainment", "ShareTest"]
