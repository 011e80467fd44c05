"""Target attainment: CC-CMM-OC 2017 section 3.4 (clauses 127, 128) and COPC Gold.

Both rules ask two things of the measured KPIs of a centre: a share of them on target, and a
larger share on target *or* improving. `attainment` decides both exactly (shares are
`fractions.Fraction`) and explains every metric: its level against target, its trend test,
and why it does or does not count. The rules themselves are data, in
``ccmm/standard_data/attainment/rules.yaml``. See ``docs/attainment.md`` for the semantics.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

import pandas as pd
import yaml
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
)

from ccmm._cells import as_date
from ccmm._errors import InputDataError, StandardError
from ccmm._model import FrozenModel
from ccmm.kpi._trend import Alternative, favourable_steps, mann_kendall, theil_sen_slope

Direction = Literal["higher", "lower"]
TrendTest = Literal["mann-kendall", "consecutive-improvement"]
ShareTestName = Literal["meets", "meets_or_improving"]

#: Fact-table columns attainment reads (the KPI fact table of ccmm.crucial has more).
FACT_COLUMNS: tuple[str, ...] = (
    "period_start",
    "period",
    "entity_level",
    "entity_id",
    "metric",
    "value",
    "target",
)
_CENTRE_LEVEL = "centre"
_MONTH_PERIOD = "month"


# --------------------------------------------------------------------------------------------
# The rule
# --------------------------------------------------------------------------------------------


def _parse_share(raw: object) -> object:
    """Read a share exactly: Fraction, int, Decimal, "13/20", "0.65", "65%" or a float's repr."""
    if isinstance(raw, bool):
        raise ValueError(f"a share must be a number, got {raw!r}")
    if isinstance(raw, Fraction):
        return raw
    if isinstance(raw, int | Decimal):
        return Fraction(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError(f"a share must be finite, got {raw!r}")
        # The shortest decimal that round-trips (0.65 -> "0.65" -> 13/20), not the binary value.
        return Fraction(repr(raw))
    if isinstance(raw, str):
        text = raw.strip()
        try:
            if text.endswith("%"):
                return Fraction(text[:-1].strip()) / 100
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise ValueError(
                f"a share must look like '65%', '0.65' or '13/20', got {raw!r}"
            ) from None
    raise ValueError(f"a share must be a fraction, a decimal or a percentage, got {raw!r}")


def _check_unit_interval(share: Fraction) -> Fraction:
    if not 0 <= share <= 1:
        raise ValueError(f"a share must lie between 0 and 1 (0% and 100%), got {share}")
    return share


Share = Annotated[
    Fraction,
    BeforeValidator(_parse_share),
    AfterValidator(_check_unit_interval),
    PlainSerializer(str, return_type=str),
]


class AttainmentRule(FrozenModel):
    """What counts as attaining targets.

    ``meet_share`` of the metrics must be on target and ``meet_or_improve_share`` on target or
    improving. A trend needs ``min_trend_periods`` consecutive months ending at ``as_of`` and is
    judged by ``trend_test`` at one-sided level ``alpha``. The level is taken over the last
    ``level_periods`` months (ratio of sums when more than one).
    """

    _error_class = InputDataError

    meet_share: Share
    meet_or_improve_share: Share
    min_trend_periods: int = Field(default=6, ge=3)
    trend_test: TrendTest = "mann-kendall"
    alpha: float = Field(default=0.05, gt=0.0, lt=0.5)
    level_periods: int = Field(default=1, ge=1)


@dataclass(frozen=True)
class _RuleBook:
    rules: Mapping[str, AttainmentRule]
    categories: tuple[str, ...]
    copc_families: tuple[str, ...]


@cache
def _rule_book() -> _RuleBook:
    path = resources.files("ccmm.standard_data").joinpath("attainment", "rules.yaml")
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        rules = {
            str(name): AttainmentRule.model_validate(
                {k: v for k, v in body.items() if k != "title"}
            )
            for name, body in raw["rules"].items()
        }
        return _RuleBook(
            rules=rules,
            categories=tuple(str(c) for c in raw["categories"]),
            copc_families=tuple(str(c) for c in raw["copc_families"]),
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:  # pragma: no cover
        raise StandardError(f"attainment/rules.yaml is malformed: {exc}") from exc


def load_attainment_rules() -> dict[str, AttainmentRule]:
    """The shipped rules by name (``"cc-cmm-2017"``, ``"copc-gold"``), in file order."""
    return dict(_rule_book().rules)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


class MetricAttainment(FrozenModel):
    """One metric: its level against target, its trend, and whether each counts.

    ``gap`` is ``value - target`` (signed, in the metric's unit). ``statistic`` is the trend
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


# --------------------------------------------------------------------------------------------
# Reading the inputs
# --------------------------------------------------------------------------------------------


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_date(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _number(raw: object) -> float | None:
    """A float, or None when the cell is empty; ValueError when it holds something else."""
    if raw is None or raw is pd.NA or raw is pd.NaT:
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    value = float(raw)  # type: ignore[arg-type]
    return None if math.isnan(value) else value


def _present(raw: object) -> bool:
    if raw is None or raw is pd.NA or raw is pd.NaT:
        return False
    return not (isinstance(raw, float) and math.isnan(raw))


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _to_pandas(frame: object, name: str) -> pd.DataFrame:
    if isinstance(frame, pd.DataFrame):
        return frame
    if type(frame).__module__.startswith("polars") and hasattr(frame, "to_dict"):
        # Column by column, so that no pyarrow is needed; the tables here are small.
        return pd.DataFrame(frame.to_dict(as_series=False))
    raise InputDataError(
        f"{name} must be a pandas (or polars) DataFrame, got {type(frame).__name__}"
    )


@dataclass(frozen=True)
class _FactRow:
    label: str
    value: object
    target: object
    numerator: object
    denominator: object


@dataclass
class _MetricFacts:
    by_month: dict[int, list[_FactRow]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _MetricInfo:
    direction: Direction | None
    direction_source: Literal["registry", "catalogue"] | None
    category: str | None
    copc_family: str | None
    registry_target: float | None
    ratio: bool | None
    problems: tuple[str, ...]


def _resolve_rule(rule: str | AttainmentRule) -> tuple[AttainmentRule, str | None]:
    if isinstance(rule, AttainmentRule):
        return rule, None
    rules = _rule_book().rules
    if isinstance(rule, str) and rule in rules:
        return rules[rule], rule
    raise InputDataError(
        f"rule must be one of {', '.join(map(repr, rules))} or an AttainmentRule, got {rule!r}"
    )


def _check_scope(
    values: Iterable[str] | None, allowed: Sequence[str], option: str
) -> frozenset[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    chosen = [str(v) for v in values]
    unknown = sorted({v for v in chosen if v not in allowed})
    if unknown:
        raise InputDataError(
            f"{option} must be drawn from {', '.join(map(repr, allowed))}, "
            f"got {', '.join(map(repr, unknown))}"
        )
    if not chosen:
        raise InputDataError(f"{option} is empty; pass None to keep every metric")
    return frozenset(chosen)


def _select_entity(
    facts: pd.DataFrame, entity: str | tuple[str, str] | None
) -> tuple[str, str, pd.Series]:
    levels = facts["entity_level"].astype("string").fillna("<empty>")
    ids = facts["entity_id"].astype("string").fillna("<empty>")
    pairs = sorted(set(zip(levels.tolist(), ids.tolist(), strict=True)))

    def listing(candidates: Sequence[tuple[str, str]]) -> str:
        shown = ", ".join(f"({lvl!r}, {eid!r})" for lvl, eid in candidates[:20])
        return shown + (f" and {len(candidates) - 20} more" if len(candidates) > 20 else "")

    if entity is None:
        centres = [p for p in pairs if p[0] == _CENTRE_LEVEL]
        if len(centres) == 1:
            chosen = centres[0]
        elif len(centres) > 1:
            raise InputDataError(
                f"the facts hold {len(centres)} centre-level entities ({listing(centres)}); "
                "pass entity=<entity_id> or entity=(entity_level, entity_id) to pick one"
            )
        elif len(pairs) == 1:
            chosen = pairs[0]
        else:
            raise InputDataError(
                "the facts hold no entity_level 'centre' rows and several entities "
                f"({listing(pairs)}); pass entity=(entity_level, entity_id) to pick one"
            )
    elif isinstance(entity, str):
        matching = [p for p in pairs if p[1] == entity]
        if len(matching) != 1:
            what = "no rows" if not matching else f"rows at levels {listing(matching)}"
            raise InputDataError(
                f"entity {entity!r}: the facts hold {what}; expected exactly one entity level. "
                f"Entities present: {listing(pairs)}"
            )
        chosen = matching[0]
    else:
        level, eid = (str(entity[0]), str(entity[1]))
        if (level, eid) not in pairs:
            raise InputDataError(
                f"entity ({level!r}, {eid!r}) has no rows in the facts; "
                f"entities present: {listing(pairs)}"
            )
        chosen = (level, eid)
    mask = (levels == chosen[0]) & (ids == chosen[1])
    return chosen[0], chosen[1], mask.astype(bool)


def _catalogue_lookup() -> Callable[[str], object | None]:
    """``metric id -> Kpi or None`` from ccmm.kpi.catalogue, imported only when needed."""
    try:
        module = importlib.import_module("ccmm.kpi.catalogue")
    except ImportError:
        return lambda _metric: None
    catalogue = module.load_kpi_catalogue()

    def get(metric: str) -> object | None:
        try:
            found: object | None = catalogue.get(metric)
        except (LookupError, ValueError):  # the catalogue refuses ids it does not know
            return None
        return found

    return get


def _registry_values(registry: pd.DataFrame | None) -> dict[str, dict[str, list[object]]]:
    """metric -> column -> non-empty values in row order, for the columns attainment uses."""
    if registry is None:
        return {}
    if "metric" not in registry.columns:
        raise InputDataError(
            "registry table is missing required column 'metric'; got columns "
            + (", ".join(map(repr, map(str, registry.columns))) or "(none)")
        )
    used = [c for c in ("direction", "target", "category", "copc_family") if c in registry]
    out: dict[str, dict[str, list[object]]] = {}
    for record in registry[["metric", *used]].itertuples(index=False, name=None):
        if not _present(record[0]):
            continue
        slot = out.setdefault(str(record[0]), {c: [] for c in used})
        for column, raw in zip(used, record[1:], strict=True):
            if _present(raw):
                slot[column].append(raw)
    return out


def _single(values: list[object], what: str, metric: str, problems: list[str]) -> object | None:
    distinct = list(dict.fromkeys(str(v).strip() for v in values))
    if len(distinct) > 1:
        problems.append(
            f"registry gives metric {metric!r} {len(distinct)} different {what}s "
            f"({', '.join(map(repr, distinct))}); expected one"
        )
        return None
    return values[0] if values else None


def _metric_info(
    metric: str,
    registry_row: Mapping[str, list[object]] | None,
    catalogue: Callable[[str], object | None],
) -> _MetricInfo:
    problems: list[str] = []
    row = registry_row or {}
    kpi = catalogue(metric)

    direction: Direction | None = None
    source: Literal["registry", "catalogue"] | None = None
    conflicts = len(problems)
    raw_direction = _single(row.get("direction", []), "direction", metric, problems)
    if raw_direction is not None:
        source = "registry"
    elif kpi is not None and getattr(kpi, "direction", None) is not None:
        raw_direction = getattr(kpi, "direction", None)
        source = "catalogue"
    if raw_direction is not None:
        text = str(raw_direction).strip().lower()
        if text in ("higher", "lower"):
            direction = "higher" if text == "higher" else "lower"
        else:
            problems.append(
                f"direction of metric {metric!r} must be 'higher' or 'lower', got {raw_direction!r}"
            )
    elif len(problems) == conflicts:
        problems.append(
            f"no direction known for metric {metric!r} (not in the registry nor the KPI "
            "catalogue), so neither target nor trend can be judged"
        )

    def text_attr(column: str) -> str | None:
        raw = _single(row.get(column, []), column, metric, problems)
        if raw is None and kpi is not None:
            raw = getattr(kpi, column, None)
        return None if raw is None else str(raw).strip()

    registry_target: float | None = None
    raw_target = _single(row.get("target", []), "target", metric, problems)
    if raw_target is not None:
        try:
            registry_target = _number(raw_target)
        except (TypeError, ValueError):
            problems.append(f"registry target of metric {metric!r} is not a number: {raw_target!r}")
    # A catalogue KPI is a ratio of sums exactly when it declares one; unknown when not listed.
    ratio = None if kpi is None else getattr(kpi, "ratio", None) is not None
    return _MetricInfo(
        direction=direction,
        direction_source=source if direction is not None else None,
        category=text_attr("category"),
        copc_family=text_attr("copc_family"),
        registry_target=registry_target,
        ratio=ratio,
        problems=tuple(problems),
    )


# --------------------------------------------------------------------------------------------
# Judging one metric
# --------------------------------------------------------------------------------------------


def _month_status(rows: list[_FactRow] | None, month: int) -> tuple[float | None, str | None]:
    """The month's value, or None and the reason it cannot be used."""
    label = _month_label(month)
    if not rows:
        return None, f"{label}: no row"
    if len(rows) > 1:
        labels = ", ".join(r.label for r in rows)
        return None, f"{label}: {len(rows)} rows ({labels}); expected one"
    try:
        value = _number(rows[0].value)
    except (TypeError, ValueError):
        return None, f"{label}: value {rows[0].value!r} is not a number (row {rows[0].label})"
    if value is None:
        return None, f"{label}: value is empty/NaN (row {rows[0].label})"
    if not math.isfinite(value):
        return None, f"{label}: value {value} is not finite (row {rows[0].label})"
    return value, None


def _level(
    facts: _MetricFacts,
    info: _MetricInfo,
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
            num, den = _number(row.numerator), _number(row.denominator)
        except (TypeError, ValueError):
            num = den = None
        if num is None or den is None or not (math.isfinite(num) and math.isfinite(den)):
            problems.append(
                f"level: {_month_label(month)}: numerator/denominator missing or not a number "
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
    facts: _MetricFacts, info: _MetricInfo, as_of_month: int, problems: list[str]
) -> tuple[float | None, Literal["facts", "registry"] | None]:
    rows = facts.by_month.get(as_of_month) or []
    if len(rows) == 1:
        try:
            target = _number(rows[0].target)
        except (TypeError, ValueError):
            problems.append(
                f"target {rows[0].target!r} of {_month_label(as_of_month)} is not a number "
                f"(row {rows[0].label})"
            )
            target = None
        if target is not None and math.isfinite(target):
            return target, "facts"
    if info.registry_target is not None and math.isfinite(info.registry_target):
        return info.registry_target, "registry"
    problems.append(
        f"no target for {_month_label(as_of_month)} in the facts nor in the registry, "
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
    facts: _MetricFacts,
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
    start = _month_date(as_of_month - len(run) + 1) if run else None
    if len(run) < needed:
        return _Trend(
            len(run),
            start,
            None,
            None,
            None,
            None,
            False,
            f"no trend: {len(run)} consecutive month(s) end at {_month_label(as_of_month)}, "
            f"{needed} needed",
        )
    slope = theil_sen_slope(run)
    if direction is None:
        return _Trend(
            len(run), start, None, None, None, slope, False, "trend not judged: no direction"
        )
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


def _judge_metric(
    metric: str,
    facts: _MetricFacts,
    info: _MetricInfo,
    rule: AttainmentRule,
    as_of_month: int,
    window_start: int,
    has_ratio_columns: bool,
) -> MetricAttainment:
    problems = list(facts.problems) + list(info.problems)
    value = _level(facts, info, as_of_month, rule.level_periods, has_ratio_columns, problems)
    target, target_source = _target(facts, info, as_of_month, problems)
    direction = info.direction
    gap = None if value is None or target is None else value - target
    if value is None or target is None or direction is None:
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
            f"{'on target' if meets else 'not on target'}: value {_fmt(value)} {relation} "
            f"target {_fmt(target)} ({direction} is better)"
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
    )


# --------------------------------------------------------------------------------------------
# The share tests
# --------------------------------------------------------------------------------------------


def _relative_gap(m: MetricAttainment) -> float:
    """|value - target| / |target| (absolute gap when the target is 0); inf when unknown."""
    if m.gap is None or m.target is None:
        return math.inf
    return abs(m.gap) / abs(m.target) if m.target != 0 else abs(m.gap)


def _share_test(
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


def _overall_deciders(tests: Sequence[ShareTest], passed: bool) -> tuple[str, ...]:
    if passed:
        fewest = min(t.flip_count for t in tests)
        chosen = [t for t in tests if t.flip_count == fewest]
    else:
        chosen = [t for t in tests if not t.passed]
    return tuple(dict.fromkeys(m for t in chosen for m in t.deciding_metrics))


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def attainment(
    facts: pd.DataFrame,
    *,
    registry: pd.DataFrame | None = None,
    rule: str | AttainmentRule = "cc-cmm-2017",
    as_of: date | str,
    window_months: int = 12,
    categories: Iterable[str] | None = None,
    copc_families: Iterable[str] | None = None,
    entity: str | tuple[str, str] | None = None,
) -> AttainmentResult:
    """Judge target attainment of one entity's monthly KPIs as of ``as_of``.

    ``facts`` is the KPI fact table (long form, one row per period, entity and metric).
    The month containing ``as_of`` is the latest month; ``window_months`` months ending there are
    read (the level uses the last ``rule.level_periods`` of them, the trend the run of
    consecutive months ending at ``as_of``). Only ``period == "month"`` rows of the chosen
    ``entity`` count; by default that is the single centre-level entity. Direction, category and
    COPC family come from ``registry`` when it gives them, else from the KPI catalogue; the
    target from the facts row of the latest month, else the registry. ``categories`` /
    ``copc_families`` restrict which metrics count. Data problems are reported per metric; a
    metric that cannot be judged counts as neither on target nor improving.
    """
    chosen_rule, rule_name = _resolve_rule(rule)
    problems: list[str] = []
    day: date | None = None
    try:  # a date, a datetime or ISO date text, read as every other ccmm entry point reads it
        day = as_date(as_of)
    except InputDataError as exc:
        problems.extend(exc.problems)
    needed_window = max(chosen_rule.min_trend_periods, chosen_rule.level_periods)
    if isinstance(window_months, bool) or not isinstance(window_months, int):
        problems.append(f"window_months must be an integer, got {window_months!r}")
    elif window_months < needed_window:
        problems.append(
            f"window_months must be at least {needed_window} (the rule's min_trend_periods and "
            f"level_periods), got {window_months}"
        )
    book = _rule_book()
    try:
        category_scope = _check_scope(categories, book.categories, "categories")
    except InputDataError as exc:
        problems.append(str(exc))
        category_scope = None
    try:
        family_scope = _check_scope(copc_families, book.copc_families, "copc_families")
    except InputDataError as exc:
        problems.append(str(exc))
        family_scope = None
    frame = _to_pandas(facts, "facts")
    absent = [c for c in FACT_COLUMNS if c not in frame.columns]
    if absent:
        problems.append(
            f"facts table is missing required column(s) {', '.join(map(repr, absent))}; got "
            f"columns {', '.join(map(repr, map(str, frame.columns))) or '(none)'}"
        )
    registry_frame = None if registry is None else _to_pandas(registry, "registry")
    if problems or day is None:
        raise InputDataError("cannot assess target attainment", problems=problems)
    as_of = day

    registry_rows = _registry_values(registry_frame)
    entity_level, entity_id, entity_mask = _select_entity(frame, entity)
    as_of_month = _month_index(as_of)
    window_start = as_of_month - window_months + 1
    notes: list[str] = []

    other_entities = int((~entity_mask).sum())
    if other_entities:
        notes.append(
            f"{other_entities} row(s) of other entities not used "
            f"(assessed: {entity_level!r} {entity_id!r})"
        )
    rows = frame.loc[entity_mask.to_numpy()]
    periods = rows["period"].astype("string").str.strip().str.lower()
    monthly = (periods == _MONTH_PERIOD).fillna(False).to_numpy(dtype=bool)
    if int((~monthly).sum()):
        notes.append(
            f"{int((~monthly).sum())} row(s) with period other than 'month' not used "
            "(attainment is judged on monthly figures)"
        )
    rows = rows.loc[monthly]
    starts = pd.to_datetime(rows["period_start"], errors="coerce", utc=False, format="mixed")
    if isinstance(starts.dtype, pd.DatetimeTZDtype):
        starts = starts.dt.tz_localize(None)
    has_ratio_columns = "numerator" in rows.columns and "denominator" in rows.columns
    labels = [str(i) for i in rows.index]
    columns = {
        c: rows[c].tolist() if c in rows.columns else [None] * len(rows)
        for c in ("metric", "value", "target", "numerator", "denominator", "period_start")
    }
    month_list = [None if pd.isna(s) else s.year * 12 + s.month - 1 for s in starts.tolist()]

    per_metric: dict[str, _MetricFacts] = {}
    no_metric: list[str] = []
    later = earlier = 0
    for i, label in enumerate(labels):
        raw_metric = columns["metric"][i]
        if not _present(raw_metric):
            no_metric.append(label)
            continue
        metric = str(raw_metric)
        slot = per_metric.setdefault(metric, _MetricFacts())
        month = month_list[i]
        if month is None:
            slot.problems.append(
                f"row {label}: period_start {columns['period_start'][i]!r} is not a date"
            )
            continue
        if month > as_of_month:
            later += 1
            continue
        if month < window_start:
            earlier += 1
            continue
        slot.by_month.setdefault(month, []).append(
            _FactRow(
                label=label,
                value=columns["value"][i],
                target=columns["target"][i],
                numerator=columns["numerator"][i],
                denominator=columns["denominator"][i],
            )
        )
    if no_metric:
        shown = ", ".join(no_metric[:20]) + (" …" if len(no_metric) > 20 else "")
        notes.append(f"{len(no_metric)} row(s) have no metric id and cannot be assessed: {shown}")
    if later:
        notes.append(f"{later} row(s) after {_month_label(as_of_month)} (as_of) not used")
    if earlier:
        notes.append(
            f"{earlier} row(s) before {_month_label(window_start)} "
            f"(window of {window_months} months) not used"
        )

    catalogue = _catalogue_lookup()
    judged: list[MetricAttainment] = []
    excluded: list[ExcludedMetric] = []
    for metric in sorted(per_metric):
        info = _metric_info(metric, registry_rows.get(metric), catalogue)
        scope_problems: list[str] = []
        out_of_scope: list[str] = []
        for scope, value, what in (
            (category_scope, info.category, "category"),
            (family_scope, info.copc_family, "COPC family"),
        ):
            if scope is None:
                continue
            if value is None:
                # An unknown scope keeps the metric in (and usually against the centre) rather
                # than quietly leaving it out.
                scope_problems.append(
                    f"{what} unknown, so it cannot be left out of scope; it is assessed"
                )
            elif value not in scope:
                out_of_scope.append(f"{what} {value!r} is not among {sorted(scope)}")
        if out_of_scope:
            excluded.append(ExcludedMetric(metric=metric, reason="; ".join(out_of_scope)))
            continue
        facts_for_metric = per_metric[metric]
        facts_for_metric.problems.extend(scope_problems)
        judged.append(
            _judge_metric(
                metric,
                facts_for_metric,
                info,
                chosen_rule,
                as_of_month,
                window_start,
                has_ratio_columns,
            )
        )
    if not judged:
        raise InputDataError(
            f"no metric to assess for {entity_level!r} {entity_id!r} as of {as_of.isoformat()}"
            + (f" ({len(excluded)} left out by the scope filters)" if excluded else "")
        )
    meets_test = _share_test("meets", judged, chosen_rule.meet_share)
    either_test = _share_test("meets_or_improving", judged, chosen_rule.meet_or_improve_share)
    passed = meets_test.passed and either_test.passed
    return AttainmentResult(
        rule=chosen_rule,
        rule_name=rule_name,
        as_of=as_of,
        window_start=_month_date(window_start),
        window_end=_month_date(as_of_month),
        entity_level=entity_level,
        entity_id=entity_id,
        metrics=tuple(judged),
        meets_share=meets_test.share,
        meets_threshold=meets_test.threshold,
        meets_passed=meets_test.passed,
        meets_or_improving_share=either_test.share,
        meets_or_improving_threshold=either_test.threshold,
        meets_or_improving_passed=either_test.passed,
        passed=passed,
        deciding_metrics=_overall_deciders((meets_test, either_test), passed),
        tests=(meets_test, either_test),
        excluded_metrics=tuple(excluded),
        notes=tuple(notes),
    )


__all__ = [
    "AttainmentResult",
    "AttainmentRule",
    "ExcludedMetric",
    "MetricAttainment",
    "ShareTest",
    "attainment",
    "load_attainment_rules",
]


def __dir__() -> list[str]:
    return list(__all__)
