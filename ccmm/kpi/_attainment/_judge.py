"""Judging one metric (level against target, trend) and the two share tests over all metrics."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Literal

from ccmm.kpi._attainment._inputs import (
    FactRow,
    MetricFacts,
    MetricInfo,
    fmt_value,
    month_date,
    month_label,
    number,
)
from ccmm.kpi._attainment._results import MetricAttainment, ShareTest
from ccmm.kpi._attainment._rules import AttainmentRule, Direction, ShareTestName
from ccmm.kpi._trend import Alternative, favourable_steps, mann_kendall, theil_sen_slope


def _month_status(rows: list[FactRow] | None, month: int) -> tuple[float | None, str | None]:
    """The month's value, or None and the reason it cannot be used."""
    label = month_label(month)
    if not rows:
        return None, f"{label}: no row"
    if len(rows) > 1:
        labels = ", ".join(r.label for r in rows)
        return None, f"{label}: {len(rows)} rows ({labels}); expected one"
    try:
        value = number(rows[0].value)
    except (TypeError, ValueError):
        return None, f"{label}: value {rows[0].value!r} is not a number (row {rows[0].label})"
    if value is None:
        return None, f"{label}: value is empty/NaN (row {rows[0].label})"
    if not math.isfinite(value):
        return None, f"{label}: value {value} is not finite (row {rows[0].label})"
    return value, None


def _level(
    facts: MetricFacts,
    info: MetricInfo,
    as_of_month: int,
    level_periods: int,
    has_ratio_columns: bool,
    problems: list[str],
) -> float | None:
    months = range(as_of_month - level_periods + 1, as_of_month + 1)
    values: list[float] = []
    for month in months:
        value, why = _month_status(facts.by_month.get(month), month)
        if why is not None:
            problems.append(f"level: {why}")
        elif value is not None:
            values.append(value)
    if len(values) != level_periods:
        return None
    if level_periods == 1:
        return values[0]
    if info.ratio is False:
        problems.append(
            f"level: the metric is not a ratio KPI, so its level over {level_periods} months "
            "(a ratio of sums) is undefined"
        )
        return None
    if not has_ratio_columns:
        problems.append(
            f"level over {level_periods} months is a ratio of sums and needs the numerator and "
            "denominator columns, which the facts lack"
        )
        return None
    numerator = denominator = 0.0
    for month in months:
        row = facts.by_month[month][0]
        try:
            num, den = number(row.numerator), number(row.denominator)
        except (TypeError, ValueError):
            num = den = None
        if num is None or den is None or not (math.isfinite(num) and math.isfinite(den)):
            problems.append(
                f"level: {month_label(month)}: numerator/denominator missing or not a number "
                f"(row {row.label})"
            )
            return None
        numerator += num
        denominator += den
    if denominator == 0:
        problems.append(f"level: the denominator sums to 0 over {level_periods} months")
        return None
    return numerator / denominator


def _target(
    facts: MetricFacts, info: MetricInfo, as_of_month: int, problems: list[str]
) -> tuple[float | None, Literal["facts", "registry"] | None]:
    rows = facts.by_month.get(as_of_month) or []
    if len(rows) == 1:
        try:
            target = number(rows[0].target)
        except (TypeError, ValueError):
            problems.append(
                f"target {rows[0].target!r} of {month_label(as_of_month)} is not a number "
                f"(row {rows[0].label})"
            )
            target = None
        if target is not None and math.isfinite(target):
            return target, "facts"
    if info.registry_target is not None and math.isfinite(info.registry_target):
        return info.registry_target, "registry"
    problems.append(
        f"no target for {month_label(as_of_month)} in the facts nor in the registry, "
        "so the metric cannot be on target"
    )
    return None, None


@dataclass(frozen=True)
class _Trend:
    periods: int
    start: date | None
    statistic: float | None
    p_value: float | None
    p_method: Literal["exact", "normal"] | None
    slope: float | None
    improving: bool
    summary: str


def _trend(
    facts: MetricFacts,
    direction: Direction | None,
    rule: AttainmentRule,
    as_of_month: int,
    window_start: int,
    problems: list[str],
) -> _Trend:
    run: list[float] = []
    month = as_of_month
    while month >= window_start:
        value, why = _month_status(facts.by_month.get(month), month)
        if value is None:
            if len(run) < rule.min_trend_periods:
                problems.append(f"trend: the run of consecutive months stops at {why}")
            break
        run.append(value)
        month -= 1
    run.reverse()
    needed = rule.min_trend_periods
    start = month_date(as_of_month - len(run) + 1) if run else None
    if len(run) < needed:
        return _Trend(
            len(run),
            start,
            None,
            None,
            None,
            None,
            False,
            f"no trend: {len(run)} consecutive month(s) end at {month_label(as_of_month)}, "
            f"{needed} needed",
        )
    slope = theil_sen_slope(run)
    if direction is None or direction == "band":
        why = "no direction" if direction is None else "a band has no better direction"
        return _Trend(len(run), start, None, None, None, slope, False, f"trend not judged: {why}")
    alternative: Alternative = "increasing" if direction == "higher" else "decreasing"
    if rule.trend_test == "consecutive-improvement":
        steps = favourable_steps(run, alternative=alternative)
        improving = steps >= needed - 1
        verdict = "improving" if improving else "not improving"
        return _Trend(
            len(run),
            start,
            float(steps),
            None,
            None,
            slope,
            improving,
            f"{verdict}: {steps} consecutive favourable month-on-month step(s), "
            f"{needed - 1} needed",
        )
    test = mann_kendall(run, alternative=alternative)
    improving = test.p_value < rule.alpha
    verdict = "improving" if improving else "not improving"
    sign = "<" if improving else "≥"
    return _Trend(
        len(run),
        start,
        float(test.s),
        test.p_value,
        test.method,
        slope,
        improving,
        f"{verdict}: Mann–Kendall S = {test.s} over {len(run)} months, one-sided p = "
        f"{test.p_value:.4g} ({test.method}) {sign} {rule.alpha:g}",
    )


def judge_metric(
    metric: str,
    facts: MetricFacts,
    info: MetricInfo,
    rule: AttainmentRule,
    as_of_month: int,
    window_start: int,
    has_ratio_columns: bool,
) -> MetricAttainment:
    problems = list(facts.problems) + list(info.problems)
    value = _level(facts, info, as_of_month, rule.level_periods, has_ratio_columns, problems)
    direction = info.direction
    band = info.band if direction == "band" else None
    if band is not None:
        # Inside the band is on target; the gap is the distance to the nearer bound outside it.
        target, target_source = None, None
        lower, upper = band
        gap = None if value is None else min(value - lower, 0.0) + max(value - upper, 0.0)
    else:
        target, target_source = _target(facts, info, as_of_month, problems)
        gap = None if value is None or target is None else value - target
    if band is not None and value is not None:
        meets = lower <= value <= upper
        level_text = (
            f"{'on target' if meets else 'not on target'}: value {fmt_value(value)} "
            f"{'inside' if meets else 'outside'} the band {fmt_value(lower)}..{fmt_value(upper)}"
        )
    elif value is None or target is None or direction is None:
        meets = False
        missing = [
            name
            for name, v in (("value", value), ("target", target), ("direction", direction))
            if v is None
        ]
        level_text = f"not on target: no {', no '.join(missing)}"
    else:
        meets = value >= target if direction == "higher" else value <= target
        relation = (">=" if meets else "<") if direction == "higher" else ("<=" if meets else ">")
        level_text = (
            f"{'on target' if meets else 'not on target'}: value {fmt_value(value)} {relation} "
            f"target {fmt_value(target)} ({direction} is better)"
        )
    trend = _trend(facts, direction, rule, as_of_month, window_start, problems)
    return MetricAttainment(
        metric=metric,
        direction=direction,
        direction_source=info.direction_source,
        category=info.category,
        copc_family=info.copc_family,
        value=value,
        target=target,
        target_source=target_source,
        gap=gap,
        meets=meets,
        trend_test=rule.trend_test,
        trend_periods=trend.periods,
        trend_start=trend.start,
        statistic=trend.statistic,
        p_value=trend.p_value,
        p_method=trend.p_method,
        slope=trend.slope,
        improving=trend.improving,
        reason=f"{level_text}; {trend.summary}",
        problems=tuple(problems),
        band_lower=None if band is None else band[0],
        band_upper=None if band is None else band[1],
    )


def _relative_gap(m: MetricAttainment) -> float:
    """|value - target| / |target| (absolute gap when the target is 0); inf when unknown."""
    if m.gap is None or m.target is None:
        return math.inf
    return abs(m.gap) / abs(m.target) if m.target != 0 else abs(m.gap)


def share_test(
    name: ShareTestName, metrics: Sequence[MetricAttainment], threshold: Fraction
) -> ShareTest:
    def counts(m: MetricAttainment) -> bool:
        return m.meets if name == "meets" else m.meets_or_improving

    total = len(metrics)
    counted = sum(1 for m in metrics if counts(m))
    required = -((-threshold.numerator * total) // threshold.denominator)  # ceil(threshold*total)
    passed = counted >= required
    if passed:
        # Fewest counting metrics that must stop counting; the most fragile listed first: those
        # counting for one reason only, then the narrowest margin over target.
        flip_count = counted - required + 1
        pool = [m for m in metrics if counts(m)]

        def fragility(m: MetricAttainment) -> tuple[int, float, str]:
            reasons = int(m.meets) + int(name == "meets_or_improving" and m.improving)
            margin = _relative_gap(m) if m.meets else math.inf
            return (reasons, margin, m.metric)

        ordered = sorted(pool, key=fragility)
    else:
        flip_count = required - counted
        pool = [m for m in metrics if not counts(m)]
        ordered = sorted(pool, key=lambda m: (_relative_gap(m), m.metric))
    return ShareTest(
        test=name,
        counted=counted,
        total=total,
        share=Fraction(counted, total),
        threshold=threshold,
        required=required,
        passed=passed,
        flip_count=flip_count,
        deciding_metrics=tuple(m.metric for m in ordered),
    )


def overall_deciders(tests: Sequence[ShareTest], passed: bool) -> tuple[str, ...]:
    if passed:
        fewest = min(t.flip_count for t in tests)
        chosen = [t for t in tests if t.flip_count == fewest]
    else:
        chosen = [t for t in tests if not t.passed]
    return tuple(dict.fromkeys(m for t in chosen for m in t.deciding_metrics))


__all__ = ["judge_metric", "overall_deciders", "share_test"]
