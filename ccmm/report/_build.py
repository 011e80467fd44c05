"""Building report sections from ccmm results, and the demo story on the bundled examples."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from ccmm._errors import InputDataError
from ccmm._guard import checked_arguments, require_columns
from ccmm._text import Text
from ccmm.report._model import (
    AttainmentSection,
    CrucialSection,
    DailyKpi,
    EvaluationSection,
    HeatCell,
    KpiLine,
    KpiSection,
    PlanSection,
    Report,
    Section,
    StaffingRow,
    StaffingSection,
    SummarySection,
    TableSection,
    TimeOfDayStaffing,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from ccmm.kpi._attainment import AttainmentResult
    from ccmm.staffing import ModelFit, StaffingResult

#: Demo staffing target: 80 % of calls answered within 20 seconds, 30 % shrinkage.
DEMO_SERVICE_LEVEL = 0.8
DEMO_TARGET_SECONDS = 20.0
DEMO_SHRINKAGE = 0.3


def _finite(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@checked_arguments
def attainment_series(
    facts: pd.DataFrame, result: AttainmentResult
) -> dict[str, tuple[tuple[date, float | None], ...]]:
    """Each assessed metric's monthly values over the result's window, one per month.

    The series starts at the metric's first month with a value; after that, a month without a
    row, with a non-numeric value or with more than one row for the metric (which
    `ccmm.kpi.attainment` reports as a problem) shows as a gap (None).
    """
    import pandas as pd

    needed = ("period_start", "period", "entity_level", "entity_id", "metric", "value")
    absent = [c for c in needed if c not in facts.columns]
    if absent:
        raise InputDataError(f"facts table is missing column(s) {', '.join(map(repr, absent))}")
    start = result.window_start.year * 12 + result.window_start.month - 1
    end = result.window_end.year * 12 + result.window_end.month - 1
    months = list(range(start, end + 1))
    starts = pd.to_datetime(facts["period_start"], errors="coerce", format="mixed")
    if isinstance(starts.dtype, pd.DatetimeTZDtype):
        starts = starts.dt.tz_localize(None)
    period = facts["period"].astype("string").str.strip().str.lower()
    mask = (
        (period == "month").fillna(False)
        & (facts["entity_level"].astype("string") == result.entity_level).fillna(False)
        & (facts["entity_id"].astype("string") == result.entity_id).fillna(False)
    ).to_numpy(dtype=bool)
    found: dict[tuple[str, int], list[float | None]] = {}
    for metric, when, value in zip(
        facts["metric"].to_numpy(dtype=object)[mask],
        starts.to_numpy()[mask],
        facts["value"].to_numpy(dtype=object)[mask],
        strict=True,
    ):
        if pd.isna(when):
            continue
        stamp = pd.Timestamp(when)
        found.setdefault((str(metric), stamp.year * 12 + stamp.month - 1), []).append(
            _finite(value)
        )
    series: dict[str, tuple[tuple[date, float | None], ...]] = {}
    for m in result.metrics:
        points = []
        for month in months:
            values = found.get((m.metric, month), [])
            points.append(
                (date(month // 12, month % 12 + 1, 1), values[0] if len(values) == 1 else None)
            )
        while points and points[0][1] is None:  # months before the data begin are not gaps
            points.pop(0)
        series[m.metric] = tuple(points)
    return series


def _weighted(values: Sequence[float], weights: Sequence[float]) -> float | None:
    total = math.fsum(weights)
    if total <= 0:
        return None
    return math.fsum(v * w for v, w in zip(values, weights, strict=True)) / total


#: The columns of `ccmm.staffing.staff_intervals` that the staffing summary reads.
_STAFFED_COLUMNS = (
    "agents_required",
    "agents_scheduled",
    "expected_service_level",
    "expected_occupancy",
)


@checked_arguments
def staffing_rows(
    staffed: pd.DataFrame,
    *,
    by: Sequence[str] = (),
    calls_column: str = "offered",
    interval_column: str = "interval_minutes",
) -> tuple[StaffingRow, ...]:
    """Summarise the output of [`ccmm.staffing.staff_intervals`][] per group of ``by`` columns
    (one row for everything when ``by`` is empty), groups in order of first appearance."""
    import numpy as np

    if isinstance(by, str) or not all(isinstance(c, str) for c in by):
        raise InputDataError(f"by must be a sequence of column names, got {by!r:.80}")
    for option, value in (("calls_column", calls_column), ("interval_column", interval_column)):
        if not isinstance(value, str):
            raise InputDataError(f"{option} must be a column name, got {value!r:.80}")
    wanted = (*by, calls_column, interval_column, *_STAFFED_COLUMNS)
    require_columns(staffed, wanted, argument="staffed")
    keys = (
        [" / ".join(str(v) for v in row) for row in staffed[list(by)].itertuples(index=False)]
        if by
        else ["all"] * len(staffed)
    )
    order = list(dict.fromkeys(keys))
    key_array = np.array(keys, dtype=object)
    calls = _numbers(staffed, calls_column, "staffed")
    minutes = _numbers(staffed, interval_column, "staffed")
    agents = _numbers(staffed, "agents_required", "staffed").astype(np.int64)
    scheduled = _numbers(staffed, "agents_scheduled", "staffed").astype(np.int64)
    # A zero-call interval has no expected service level or occupancy: NaN is a value here.
    sl = _numbers(staffed, "expected_service_level", "staffed", missing_ok=True)
    occupancy = _numbers(staffed, "expected_occupancy", "staffed", missing_ok=True)
    rows = []
    for key in order:
        pick = key_array == key
        agent_seconds = float(np.sum(agents[pick] * minutes[pick] * 60.0))
        busy_seconds = float(np.sum(occupancy[pick] * agents[pick] * minutes[pick] * 60.0))
        rows.append(
            StaffingRow(
                group=key,
                intervals=int(pick.sum()),
                calls=float(calls[pick].sum()),
                peak_agents=int(agents[pick].max()),
                peak_scheduled=int(scheduled[pick].max()),
                agent_hours=agent_seconds / 3600.0,
                scheduled_hours=float(np.sum(scheduled[pick] * minutes[pick])) / 60.0,
                expected_service_level=_weighted(list(sl[pick]), list(calls[pick])),
                expected_occupancy=busy_seconds / agent_seconds if agent_seconds > 0 else None,
                agents_profile=tuple(int(a) for a in agents[pick]),
            )
        )
    return tuple(rows)


@checked_arguments
def staffing_scenario(
    result: StaffingResult, *, calls: float, aht: float, interval_minutes: float
) -> StaffingRow:
    """One interval's staffing (a [`StaffingResult`][ccmm.staffing.StaffingResult] of scalars)
    as a row."""
    agents, scheduled = int(result.agents), int(result.scheduled)
    agent_seconds = agents * interval_minutes * 60.0
    return StaffingRow(
        group=f"{calls:g} calls × {aht:g} s / {interval_minutes:g} min",
        intervals=1,
        calls=float(calls),
        peak_agents=agents,
        peak_scheduled=scheduled,
        agent_hours=agent_seconds / 3600.0,
        scheduled_hours=scheduled * interval_minutes / 60.0,
        expected_service_level=float(result.service_level) if calls > 0 else None,
        expected_occupancy=float(result.occupancy) if agent_seconds > 0 else None,
        agents_profile=(agents,),
    )


@checked_arguments
def latest_month_end(facts: pd.DataFrame) -> date:
    """The last day of the latest month with monthly facts: the natural ``as_of`` of the data."""
    import pandas as pd

    require_columns(facts, ("period", "period_start"), argument="facts")
    starts = pd.to_datetime(facts["period_start"], errors="coerce", format="mixed")
    monthly = facts["period"].astype("string").str.strip().str.lower() == "month"
    latest = starts[monthly.fillna(False).to_numpy(dtype=bool)].max()
    if pd.isna(latest):
        raise InputDataError("the facts table has no monthly row with a date")
    return (pd.Timestamp(latest) + pd.offsets.MonthEnd(0)).date()


@checked_arguments
def interval_forecast(intervals: pd.DataFrame, *, by: Sequence[str]) -> pd.DataFrame:
    """Offered calls per interval with each group's AHT as a ratio of sums over its intervals.

    A per-interval AHT is undefined where nothing was answered; workforce planning forecasts AHT
    per queue anyway, so each interval gets its group's handling seconds ÷ answered.
    """
    import pandas as pd

    needed = ("interval_start", "offered", "answered", "interval_minutes")
    seconds = ("talk_seconds", "hold_seconds", "acw_seconds")
    require_columns(intervals, (*by, *needed, *seconds), argument="intervals")
    handling = intervals["talk_seconds"] + intervals["hold_seconds"] + intervals["acw_seconds"]
    frame = pd.DataFrame(
        {
            **{c: intervals[c].astype(object).to_numpy() for c in by},
            "interval_start": intervals["interval_start"].to_numpy(),
            "offered": intervals["offered"].to_numpy(),
            "interval_minutes": intervals["interval_minutes"].to_numpy(),
            "_handling": handling.to_numpy(),
            "_answered": intervals["answered"].to_numpy(),
        }
    )
    if by:
        sums = frame.groupby(list(by), sort=False)[["_handling", "_answered"]].transform("sum")
    else:  # no grouping columns: the whole table is one group
        sums = frame[["_handling", "_answered"]].sum().to_frame().T.loc[[0] * len(frame)]
        sums.index = frame.index
    frame["aht_seconds"] = sums["_handling"] / sums["_answered"]
    return frame.drop(columns=["_handling", "_answered"])


#: The KPIs the report draws from interval data, in this order.
KPI_PICTURES = ("service_level", "abandon_rate", "asa_seconds")


_NAMED_ROWS = 10  # rows a message names; every row is in the error's problems


def _refuse_rows(argument: str, column: str, bad: pd.Series, what: str) -> None:
    """InputDataError naming the index labels of the rows where ``bad`` holds."""
    from ccmm._text import quote

    rows = [quote(label) for label in bad.index[bad.to_numpy(dtype=bool)]]
    if rows:
        more = f" … (+{len(rows) - _NAMED_ROWS} more)" if len(rows) > _NAMED_ROWS else ""
        raise InputDataError(
            f"{argument}: {column} must be {what}; {len(rows)} row(s) are not: "
            f"rows {', '.join(rows[:_NAMED_ROWS])}{more}",
            problems=[f"{argument} row {r}: {column} is not {what}" for r in rows],
        )


def _wall_clock_start(value: object) -> object:
    """One interval start on its own wall clock (offset dropped), or NaT when it is not a
    date and time. Rows may carry different offsets (a day-saving change), which pandas
    refuses to parse as one column."""
    import pandas as pd

    if not isinstance(value, str | pd.Timestamp | date) or isinstance(value, bool):
        return pd.NaT
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return pd.NaT
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def _local_clock(
    intervals: pd.DataFrame, argument: str = "intervals"
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each interval's local calendar day, weekday (0 = Monday) and ``"HH:MM"`` start, on the
    wall clock of its own time stamp (a time-zone aware start keeps its zone). A start that
    is missing or not a date and time is an InputDataError naming its rows."""
    import pandas as pd

    require_columns(intervals, ("interval_start",), argument=argument)
    starts = intervals["interval_start"]
    if isinstance(starts.dtype, pd.DatetimeTZDtype):
        wall = starts.dt.tz_localize(None)
    elif pd.api.types.is_datetime64_any_dtype(starts):
        wall = starts
    else:
        wall = pd.to_datetime(starts.map(_wall_clock_start).astype(object))
    _refuse_rows(argument, "interval_start", wall.isna(), "a date and time")
    return wall.dt.normalize(), wall.dt.day_of_week, wall.dt.strftime("%H:%M")


def _numbers(
    frame: pd.DataFrame, column: str, argument: str, *, missing_ok: bool = False
) -> npt.NDArray[np.float64]:
    """A column as finite float64 numbers; anything else is an InputDataError naming rows.
    With ``missing_ok`` an empty cell is NaN, but text or inf is still refused."""
    import numpy as np
    import pandas as pd

    column_values = frame[column]
    values = pd.to_numeric(column_values.map(_plain_number), errors="coerce").astype("float64")
    numbers: npt.NDArray[np.float64] = np.asarray(values, dtype=np.float64)
    bad = ~np.isfinite(numbers)
    if missing_ok:
        bad &= column_values.notna().to_numpy(dtype=bool) | np.isinf(numbers)
    _refuse_rows(argument, column, pd.Series(bad, index=frame.index), "a finite number")
    return numbers


def _plain_number(value: object) -> object:
    # Booleans are numbers to pandas (True == 1): a column of them is junk, not agent counts.
    return None if isinstance(value, bool) else value


@checked_arguments
def kpi_section(intervals: pd.DataFrame, *, registry: pd.DataFrame | None = None) -> KpiSection:
    """Daily service level, abandon rate and ASA, and a weekday × half-hour heat map of offered
    contacts and service level, from an interval table (every figure a ratio of sums computed
    by `ccmm.kpi.compute`). Targets come from ``registry`` (its ``metric`` and
    ``target`` columns) when given; reference values from the KPI catalogue."""
    import pandas as pd

    from ccmm.kpi import compute, load_kpi_catalogue

    day, weekday, clock = _local_clock(intervals)
    frame = intervals.assign(_day=day.to_numpy(), _weekday=weekday.to_numpy(), _time=clock)
    daily = compute(frame, by=("_day",))
    days = tuple(
        DailyKpi(
            day=pd.Timestamp(r["_day"]).date(),
            offered=float(r["offered"]),
            service_level=_finite(r["service_level"]),
            abandon_rate=_finite(r["abandon_rate"]),
            asa_seconds=_finite(r["asa_seconds"]),
        )
        for _, r in daily.sort_values("_day").iterrows()
    )
    cells = compute(frame, by=("_weekday", "_time"))
    heat = tuple(
        HeatCell(
            weekday=int(r["_weekday"]),
            time=str(r["_time"]),
            offered=float(r["offered"]),
            service_level=_finite(r["service_level"]),
        )
        for _, r in cells.sort_values(["_weekday", "_time"]).iterrows()
    )
    targets: dict[str, float] = {}
    if registry is not None and {"metric", "target"} <= set(registry.columns):
        for metric, target in zip(registry["metric"], registry["target"], strict=True):
            value = _finite(target)
            if value is not None:
                targets[str(metric)] = value
    catalogue = load_kpi_catalogue()
    metrics = []
    for metric in KPI_PICTURES:
        kpi = catalogue.get(metric)
        metrics.append(
            KpiLine(
                metric=metric,
                name=kpi.name,
                unit=kpi.unit,
                direction=kpi.direction,
                target=targets.get(metric),
                references=tuple((r.label, r.value) for r in kpi.reference_values),
            )
        )
    return KpiSection(days=days, metrics=tuple(metrics), heat=heat)


@checked_arguments
def staffing_by_time(
    staffed: pd.DataFrame, intervals: pd.DataFrame | None = None
) -> tuple[TimeOfDayStaffing, ...]:
    """Agents by local time of day: required and to schedule (summed over the groups of each
    interval, then averaged over the days that have the time), and, when ``intervals`` has
    ``available_seconds``, the agents on duty it shows ((talk + hold + ACW + available seconds)
    ÷ interval seconds, summed and averaged the same way). ``staffed`` is the output of
    `ccmm.kpi.staff_intervals` in the row order of ``intervals``."""
    import numpy as np
    import pandas as pd

    require_columns(staffed, ("agents_required", "agents_scheduled"), argument="staffed")
    day, _, clock = _local_clock(staffed, "staffed")
    frame = pd.DataFrame(
        {
            "day": day.to_numpy(),
            "time": clock.to_numpy(),
            "required": _numbers(staffed, "agents_required", "staffed"),
            "to_schedule": _numbers(staffed, "agents_scheduled", "staffed"),
        }
    )
    on_duty = intervals is not None and "available_seconds" in intervals.columns
    if on_duty:
        assert intervals is not None
        if len(intervals) != len(staffed):
            raise InputDataError(
                f"intervals has {len(intervals)} rows and staffed {len(staffed)}: staffed must be "
                "ccmm.staffing.staff_intervals(intervals), row for row"
            )
        busy = ("talk_seconds", "hold_seconds", "acw_seconds", "available_seconds")
        require_columns(intervals, (*busy, "interval_minutes"), argument="intervals")
        seconds = np.sum([_numbers(intervals, c, "intervals") for c in busy], axis=0)
        minutes = _numbers(intervals, "interval_minutes", "intervals")
        _refuse_rows(
            "intervals",
            "interval_minutes",
            pd.Series(minutes <= 0, index=intervals.index),
            "a positive number",
        )
        frame["on_duty"] = seconds / (minutes * 60.0)
    per_day = frame.groupby(["time", "day"], sort=True).sum(numeric_only=True)
    per_time = per_day.groupby(level="time", sort=True)
    means = per_time.mean()
    counts = per_time.size()
    return tuple(
        TimeOfDayStaffing(
            time=str(t),
            days=int(counts[t]),
            required=float(means.loc[t, "required"]),
            to_schedule=float(means.loc[t, "to_schedule"]),
            on_duty=float(means.loc[t, "on_duty"]) if on_duty else None,
        )
        for t in means.index
    )


def demo_report(*, lang_note: str | None = None) -> Report:
    """The whole story on the bundled examples, as one report.

    Evaluate the example assessment, plan to the next level, check the dirty and the clean
    example data (CRUCIAL), judge target attainment of the example team, and staff the example
    intervals for 80 % in 20 s. Every date comes from the example data; nothing reads the clock.
    """
    from ccmm._io import read_assessment
    from ccmm.crucial import check
    from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example
    from ccmm.evidence import merge, suggest
    from ccmm.examples import example_path
    from ccmm.kpi._attainment import attainment
    from ccmm.planning import plan
    from ccmm.report._evidence import evidence_section
    from ccmm.scoring import evaluate
    from ccmm.staffing import staff_intervals

    assessment = read_assessment(example_path())
    evaluation = evaluate(assessment)
    top = len(evaluation.levels)
    plan_section = (
        PlanSection(plan(assessment, evaluation.level + 1)) if evaluation.level < top else None
    )
    crucial: list[CrucialSection] = []
    tables = {}
    for name in ("dirty", "clean"):
        t = load_example(name)
        tables[name] = t
        crucial.append(
            CrucialSection(
                name,
                check(
                    t.facts,
                    registry=t.registry,
                    intervals=t.intervals,
                    analysis_log=t.analysis_log,
                    as_of=EXAMPLE_AS_OF,
                ),
            )
        )
    clean = tables["clean"]
    as_of = latest_month_end(clean.facts)
    verdict = attainment(
        clean.facts, registry=clean.registry, rule="cc-cmm-2017", as_of=as_of, entity=("team", "T1")
    )
    dirty = tables["dirty"]
    suggestions = suggest(
        registry=dirty.registry,
        facts=dirty.facts,
        intervals=dirty.intervals,
        analysis_log=dirty.analysis_log,
        as_of=EXAMPLE_AS_OF,
    )
    by = ("queue", "channel")
    staffed = staff_intervals(
        interval_forecast(clean.intervals, by=by),
        target_service_level=DEMO_SERVICE_LEVEL,
        threshold_seconds=DEMO_TARGET_SECONDS,
        shrinkage=DEMO_SHRINKAGE,
    )
    staffing = StaffingSection(
        model="Erlang C",
        target_service_level=DEMO_SERVICE_LEVEL,
        target_seconds=DEMO_TARGET_SECONDS,
        shrinkage=DEMO_SHRINKAGE,
        rows=staffing_rows(staffed, by=by),
        by_time=staffing_by_time(staffed, clean.intervals),
    )
    kpis = kpi_section(clean.intervals, registry=clean.registry)
    sections: list[Section] = [
        SummarySection(
            evaluation,
            plan=None if plan_section is None else plan_section.plan,
            crucial=tuple(crucial),
            attainment=verdict,
            staffing=staffing,
        ),
        EvaluationSection(evaluation, organisation=assessment.organisation),
        *([] if plan_section is None else [plan_section]),
        kpis,
        *crucial,
        AttainmentSection(verdict, attainment_series(clean.facts, verdict)),
        evidence_section(merge(assessment, suggestions, policy="report"), suggestions),
        staffing,
    ]
    org, std = assessment.organisation, f"{evaluation.standard_id} {evaluation.edition}"
    assessed = assessment.assessed_on.isoformat()
    first_day, last_day = kpis.days[0].day.isoformat(), kpis.days[-1].day.isoformat()
    subtitle: tuple[str | Text, ...] = (
        Text(
            en=f"{org} · {std} · assessed on {assessed}",
            zh=f"{org} · {std} · 评估日期 {assessed}",
        ),
        Text(
            en=f"Data: intervals {first_day} to {last_day}; monthly figures to "
            f"{as_of.isoformat()}; data quality checked as of {EXAMPLE_AS_OF}",
            zh=f"数据：时段数据 {first_day} 至 {last_day}；月度数据截至 {as_of.isoformat()}；"
            f"数据质量检查截至 {EXAMPLE_AS_OF}",
        ),
    )
    return Report(
        title=Text(en="Contact-centre maturity and performance", zh="呼叫中心成熟度与运营绩效"),
        sections=tuple(sections),
        subtitle=subtitle if lang_note is None else (*subtitle, lang_note),
    )


__all__ = [
    "attainment_series",
    "demo_report",
    "interval_forecast",
    "kpi_section",
    "latest_month_end",
    "section_for",
    "staffing_by_time",
    "staffing_rows",
    "staffing_scenario",
]


def section_for(result: object) -> Section:
    """The report section that shows ``result``: an Evaluation, Plan, CrucialReport,
    AttainmentResult or StaffingResult (what their ``_repr_html_`` display)."""
    from ccmm.crucial._report import CrucialReport
    from ccmm.kpi._attainment import AttainmentResult
    from ccmm.planning import Plan
    from ccmm.scoring import Evaluation
    from ccmm.staffing import ModelFit, StaffingResult

    if isinstance(result, Evaluation):
        return EvaluationSection(result)
    if isinstance(result, Plan):
        return PlanSection(result)
    if isinstance(result, CrucialReport):
        return CrucialSection("data", result)
    if isinstance(result, AttainmentResult):
        return AttainmentSection(result)
    if isinstance(result, StaffingResult):
        return _staffing_table(result)
    if isinstance(result, ModelFit):
        return _model_fit_table(result)
    raise InputDataError(f"no report section shows a {type(result).__name__}")


def _model_fit_table(result: ModelFit) -> TableSection:
    """Model against data per group and period (ratios of sums), and how many intervals missed
    (issue 20; the rows come from `ccmm.staffing.ModelFit.periods`)."""
    fields = [
        "intervals",
        "flagged",
        "offered",
        "actual_service_level",
        "predicted_service_level",
        "actual_asa_seconds",
        "predicted_asa_seconds",
        "actual_abandon_rate",
        "predicted_abandon_rate",
    ]
    rows = tuple(
        (" / ".join(p.key), p.period[:10], *(getattr(p, f) for f in fields)) for p in result.periods
    )
    return TableSection(
        key="model_fit",
        title=Text(en="Queueing model against the data", zh="排队模型与实际数据对比"),
        columns=("group", "period", *fields),
        rows=rows,
        notes=(
            f"{result.model}: {result.flagged_intervals} of {result.used_intervals} intervals "
            f"missed by more than {result.margin:g} (ASA {result.asa_margin_seconds:g} s) plus "
            f"{result.standard_errors:g} standard errors",
        ),
    )


def _staffing_table(result: StaffingResult) -> TableSection:
    import numpy as np

    fields = ["agents", "scheduled", "service_level", "asa_seconds", "occupancy"]
    extra = "abandon_probability"
    if hasattr(result, extra):
        fields.append(extra)
    arrays = [np.ravel(np.asarray(getattr(result, f), dtype=np.float64)) for f in fields]
    shown = min(len(arrays[0]), 100)
    rows = tuple(
        tuple(
            int(a[k]) if f in {"agents", "scheduled"} else float(a[k])
            for f, a in zip(fields, arrays, strict=True)
        )
        for k in range(shown)
    )
    notes = () if shown == len(arrays[0]) else (f"first {shown} of {len(arrays[0])} shown",)
    return TableSection(
        key="staffing",
        title=Text(en="Staffing", zh="人员配置"),
        columns=tuple(fields),
        rows=rows,
        notes=notes,
    )
