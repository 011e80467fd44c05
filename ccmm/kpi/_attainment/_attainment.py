"""attainment(): judge target attainment of one entity's monthly KPIs as of a date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from ccmm._cells import as_date
from ccmm._errors import InputDataError
from ccmm._frames import as_pandas
from ccmm._guard import checked_arguments
from ccmm._text import quote
from ccmm.kpi._attainment._inputs import (
    FACT_COLUMNS,
    MAX_WINDOW_MONTHS,
    MONTH_PERIOD,
    FactRow,
    MetricFacts,
    catalogue_lookup,
    check_scope,
    metric_info,
    month_date,
    month_index,
    month_label,
    present,
    registry_values,
    select_entity,
)
from ccmm.kpi._attainment._judge import judge_metric, overall_deciders, share_test
from ccmm.kpi._attainment._results import AttainmentResult, ExcludedMetric, MetricAttainment
from ccmm.kpi._attainment._rules import AttainmentRule, resolve_rule, rule_book


@checked_arguments
def attainment(
    facts: object,  # a pandas or polars DataFrame (read through ccmm._frames.as_pandas)
    *,
    registry: object | None = None,  # likewise
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
    chosen_rule, rule_name = resolve_rule(rule)
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
    elif window_months > MAX_WINDOW_MONTHS:
        problems.append(
            f"window_months must be at most {MAX_WINDOW_MONTHS} (a century of months), "
            f"got {quote(window_months)}"
        )
    elif day is not None and month_index(day) - window_months + 1 < month_index(date.min):
        problems.append(
            f"window_months {window_months} ending at {day.isoformat()} starts before year 1"
        )
    book = rule_book()
    try:
        category_scope = check_scope(categories, book.categories, "categories")
    except InputDataError as exc:
        problems.append(str(exc))
        category_scope = None
    try:
        family_scope = check_scope(copc_families, book.copc_families, "copc_families")
    except InputDataError as exc:
        problems.append(str(exc))
        family_scope = None
    frame = as_pandas(facts, table="facts")
    absent = [c for c in FACT_COLUMNS if c not in frame.columns]
    if absent:
        problems.append(
            f"facts table is missing required column(s) {', '.join(map(repr, absent))}; got "
            f"columns {', '.join(map(repr, map(str, frame.columns))) or '(none)'}"
        )
    registry_frame = None if registry is None else as_pandas(registry, table="registry")
    if problems or day is None:
        raise InputDataError("cannot assess target attainment", problems=problems)
    as_of = day

    registry_rows = registry_values(registry_frame)
    entity_level, entity_id, entity_mask = select_entity(frame, entity)
    as_of_month = month_index(as_of)
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
    monthly = (periods == MONTH_PERIOD).fillna(False).to_numpy(dtype=bool)
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

    per_metric: dict[str, MetricFacts] = {}
    no_metric: list[str] = []
    later = earlier = 0
    for i, label in enumerate(labels):
        raw_metric = columns["metric"][i]
        if not present(raw_metric):
            no_metric.append(label)
            continue
        metric = str(raw_metric)
        slot = per_metric.setdefault(metric, MetricFacts())
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
            FactRow(
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
        notes.append(f"{later} row(s) after {month_label(as_of_month)} (as_of) not used")
    if earlier:
        notes.append(
            f"{earlier} row(s) before {month_label(window_start)} "
            f"(window of {window_months} months) not used"
        )

    catalogue = catalogue_lookup()
    judged: list[MetricAttainment] = []
    excluded: list[ExcludedMetric] = []
    for metric in sorted(per_metric):
        info = metric_info(metric, registry_rows.get(metric), catalogue)
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
            judge_metric(
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
    meets_test = share_test("meets", judged, chosen_rule.meet_share)
    either_test = share_test("meets_or_improving", judged, chosen_rule.meet_or_improve_share)
    passed = meets_test.passed and either_test.passed
    return AttainmentResult(
        rule=chosen_rule,
        rule_name=rule_name,
        as_of=as_of,
        window_start=month_date(window_start),
        window_end=month_date(as_of_month),
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
        deciding_metrics=overall_deciders((meets_test, either_test), passed),
        tests=(meets_test, either_test),
        excluded_metrics=tuple(excluded),
        notes=tuple(notes),
    )


__all__ = ["attainment"]
