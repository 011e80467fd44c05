"""The check kinds of the evidence mapping: each reads the input tables and reports its outcome.

A check returns an `Outcome`: ``pass``/``fail`` with the rows it checked and the rows at
fault, or ``not_run`` with the inputs it lacked. Grading happens elsewhere, from the mapping's
rules; nothing here decides a rating.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ccmm._cells import fmt
from ccmm._errors import CCMMError
from ccmm.evidence._survey import required_sample_size
from ccmm.evidence.results import CheckStatus, OffendingRow

if TYPE_CHECKING:
    from ccmm.crucial import CrucialReport

#: Every table [`ccmm.evidence.suggest`][] accepts, in the order they are reported.
TABLES: tuple[str, ...] = ("registry", "facts", "intervals", "analysis_log", "survey")


@dataclass(frozen=True)
class Outcome:
    """What one check found (before grading)."""

    status: CheckStatus
    summary: str
    n_checked: int = 0
    n_offending: int = 0
    rows: tuple[OffendingRow, ...] = ()
    figures: Mapping[str, float | int | str] = field(default_factory=dict)
    reason: str = ""
    missing: tuple[str, ...] = ()


def _not_run(summary: str, reason: str, missing: Sequence[str]) -> Outcome:
    return Outcome("not_run", summary, reason=reason, missing=tuple(missing))


def _result(
    summary: str,
    n_checked: int,
    rows: Sequence[OffendingRow],
    figures: Mapping[str, float | int | str] | None = None,
    *,
    passed: bool | None = None,
    n_offending: int | None = None,
) -> Outcome:
    """``pass`` when no row is at fault (or as ``passed`` says, for yes/no tests).

    ``n_offending`` defaults to the number of distinct (table, row key) among ``rows``.
    """
    if n_offending is None:
        n_offending = len({(r.table, r.row_key) for r in rows})
    ok = n_offending == 0 if passed is None else passed
    return Outcome(
        "pass" if ok else "fail",
        summary,
        n_checked=max(n_checked, n_offending),
        n_offending=n_offending,
        # Sorted, so the evidence does not depend on the order of the input rows.
        rows=tuple(sorted(rows, key=lambda r: (r.table, r.row_key, r.message))),
        figures=dict(figures or {}),
    )


# -------------------------------------------------------------------------------- helpers


def _blank(s: pd.Series) -> np.ndarray:
    """True where a cell is null or blank text."""
    values = s.astype(object).to_numpy()
    out = np.zeros(len(values), dtype=bool)
    for k, v in enumerate(values):
        null = v is None or v is pd.NA or v is pd.NaT
        nan = isinstance(v, float) and math.isnan(v)
        out[k] = null or nan or (isinstance(v, str) and not v.strip())
    return out


def _numbers(s: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(s.dtype):
        return np.full(len(s), np.nan)
    return np.asarray(pd.to_numeric(s.astype(object), errors="coerce"), dtype="float64")


def _months(s: pd.Series) -> pd.Series:
    """Calendar month (a monthly Period) of each date; NaT where the cell is not a date."""
    ts = pd.to_datetime(s, errors="coerce")
    if isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_localize(None)
    return ts.dt.to_period("M")


def last_complete_month(as_of: dt.date) -> pd.Period:
    """The latest calendar month ended by ``as_of`` (its own month when as_of is its last day)."""
    month = pd.Period(as_of, freq="M")
    return month if (as_of + dt.timedelta(days=1)).month != as_of.month else month - 1


def _month_label(p: pd.Period) -> str:
    return f"{p.year:04d}-{p.month:02d}"


class Context:
    """The inputs of one [`ccmm.evidence.suggest`][] call, with views computed once."""

    def __init__(
        self,
        originals: Mapping[str, object],
        frames: Mapping[str, pd.DataFrame],
        as_of: dt.date,
        *,
        allow_approved_adjustments: bool = False,
        attainment_window_months: int | None = None,
        opening_hours: object | None = None,
        closures: object | None = None,
    ) -> None:
        self.originals = originals
        # The centre's opening hours and closed dates, for the interval grid (112.1).
        self.opening_hours = opening_hours
        self.closures = closures
        self.frames = frames
        self.as_of = as_of
        self.allow_approved_adjustments = allow_approved_adjustments
        # None: each attainment check uses the `window_months` of its mapping entry.
        self.attainment_window_months = attainment_window_months

    def has(self, *tables: str) -> list[str]:
        """The tables among ``tables`` that were not given."""
        return [t for t in tables if t not in self.frames]

    def blocked(
        self, summary: str, *tables: str, may_be_empty: Iterable[str] = ("analysis_log",)
    ) -> Outcome | None:
        """``not_run`` when one of ``tables`` was not given or holds no rows, else ``None``.

        A check over no rows proves nothing, so a header-only table stops the checks that judge
        its rows. An empty analysis log is a statement (nothing was analysed), so it may be empty.
        """
        absent = self.has(*tables)
        if absent:
            return _not_run(summary, f"needs {', '.join(absent)}", absent)
        allowed = set(may_be_empty)
        empty = [t for t in tables if t not in allowed and len(self.frames[t]) == 0]
        if empty:
            return _not_run(summary, f"{', '.join(empty)} holds no rows", empty)
        return None

    @cached_property
    def crucial(self) -> CrucialReport:
        from ccmm.crucial import check

        o = self.originals
        return check(
            o["facts"],
            registry=o["registry"],
            intervals=o.get("intervals"),
            analysis_log=o.get("analysis_log"),
            as_of=self.as_of,
            opening_hours=self.opening_hours,
            closures=self.closures,
        )

    @cached_property
    def crucial_failures(self) -> dict[str, list[tuple[str, str, str, str]]]:
        """CRUCIAL failure records (table, row key, column, message) by check id, in order."""
        out: dict[str, list[tuple[str, str, str, str]]] = {}
        f = self.crucial.failures
        columns = (f[c].astype(str).to_numpy() for c in ("check", "table", "row_key", "column"))
        for check_id, table, key, column, message in zip(
            *columns, f["message"].astype(str).to_numpy(), strict=True
        ):
            out.setdefault(check_id, []).append((table, key, column, message))
        return out

    @cached_property
    def registry(self) -> pd.DataFrame:
        """The registry, first row per metric (a duplicate is CRUCIAL 110.2's finding), by id."""
        frame = self.frames["registry"]
        keys = frame["metric"].astype(object).map(fmt)
        return frame.assign(_metric=keys.to_numpy()).drop_duplicates("_metric").set_index("_metric")

    def metrics(self, category: str | None) -> list[str]:
        """Registered metric ids (sorted), of ``category`` when given."""
        reg = self.registry
        if category is None:
            return sorted(reg.index)
        cats = reg["category"].astype(object).map(fmt)
        return sorted(reg.index[(cats == category).to_numpy()])

    @cached_property
    def fact_metric(self) -> np.ndarray:
        return np.asarray(self.frames["facts"]["metric"].astype(object).map(fmt).to_numpy())

    @cached_property
    def fact_month(self) -> pd.Series:
        return _months(self.frames["facts"]["period_start"])

    @cached_property
    def span(self) -> list[pd.Period]:
        """Every month from the first month of the facts to the last complete one."""
        months = self.fact_month.dropna()
        if months.empty:
            return []
        last = last_complete_month(self.as_of)
        first = months.min()
        return list(pd.period_range(first, last, freq="M")) if first <= last else []

    @cached_property
    def log_keys(self) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
        """Analysis log entries as (month, metric) for whole metrics and (month, metric, entity)."""
        log = self.frames["analysis_log"]
        month = _months(log["period_start"]).map(lambda p: _month_label(p) if pd.notna(p) else "")
        metric = log["metric"].astype(object).map(fmt)
        blank = _blank(log["entity_id"])
        entity = log["entity_id"].astype(object).map(fmt)
        whole = set(zip(month[blank], metric[blank], strict=True))
        per = set(zip(month[~blank], metric[~blank], entity[~blank], strict=True))
        return whole, per


CheckFn = Callable[[Context, Mapping[str, Any]], Outcome]


# ----------------------------------------------------------------------------------- CRUCIAL


def _crucial(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    from ccmm.crucial import CHECKS

    check_id = str(params["check"])
    definition = next((c for c in CHECKS if c.id == check_id), None)
    if definition is None:
        raise CCMMError(f"evidence mapping names CRUCIAL check {check_id!r}, which does not exist")
    summary = f"CRUCIAL {definition.item} ({definition.principle}): {definition.summary}"
    needed = ["facts", "registry"]
    if definition.table == "intervals":
        needed.append("intervals")
    if check_id == "below_target_analysed":
        needed.append("analysis_log")
    # Only the table whose rows the check judges must hold rows; the others need only be given.
    may_be_empty = [t for t in needed if t != definition.table]
    stop = ctx.blocked(summary, *needed, may_be_empty=may_be_empty)
    if stop is not None:
        return stop
    report = ctx.crucial
    result = next(
        (r for p in report.principles.values() for r in p.checks if r.check == check_id), None
    )
    if result is None and definition.kind == "outside_opening_hours":
        return _not_run(summary, "needs opening_hours", ("opening_hours",))
    if result is None:
        # A schema check that no column constrains (e.g. no column has a maximum).
        return _not_run(summary, "no column of the tables has this constraint", ())
    if result.status == "not_checked":
        return _not_run(summary, result.reason, (definition.table,))
    records = ctx.crucial_failures.get(check_id, [])
    rows: list[OffendingRow] = []
    seen: set[tuple[str, str, str]] = set()
    # Rows sharing a key (duplicates) are distinct rows: per key, the most records any one
    # column has is the number of rows at fault; several columns of one row count once.
    per_column = Counter((t, k, c) for t, k, c, _ in records)
    per_key: dict[tuple[str, str], int] = {}
    for (t, k, _), count in per_column.items():
        per_key[(t, k)] = max(per_key.get((t, k), 0), count)
    whole_column = False
    for table, row_key, _, message in records:
        whole_column |= row_key == ""
        if (table, row_key, message) not in seen:
            seen.add((table, row_key, message))
            rows.append(
                OffendingRow(table=table, row_key=row_key or "(whole column)", message=message)
            )
    n_checked = result.n_checked
    outcome = _result(
        summary,
        n_checked,
        rows,
        {"failure_records": result.n_failures},
        n_offending=sum(per_key.values()),
    )
    if whole_column:
        # A column of the wrong type fails every row it holds.
        return Outcome("fail", summary, n_checked, n_checked, outcome.rows, outcome.figures)
    return outcome


# ---------------------------------------------------------------------------------- registry


def _scope_label(category: str | None) -> str:
    return f"{category} metrics" if category else "metrics"


def _empty_scope(category: str | None) -> OffendingRow:
    return OffendingRow(
        table="registry",
        row_key=f"category={category}" if category else "(registry)",
        message=f"the registry has no {_scope_label(category)}",
    )


def _registry_documented(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    columns = [str(c) for c in params["columns"]]
    category = params.get("category")
    summary = f"every registered {_scope_label(category)} has {', '.join(columns)} written down"
    stop = ctx.blocked(summary, "registry")
    if stop is not None:
        return stop
    frame = ctx.frames["registry"]
    lacking = [c for c in columns if c not in frame.columns]
    if lacking:
        return _not_run(
            summary,
            f"the registry has no column {', '.join(lacking)}",
            [f"registry.{c}" for c in lacking],
        )
    metric = frame["metric"].astype(object).map(fmt).to_numpy()
    in_scope = np.ones(len(frame), dtype=bool)
    if category:
        in_scope = (frame["category"].astype(object).map(fmt) == category).to_numpy()
    if not in_scope.any():
        return _result(summary, 1, [_empty_scope(category)])
    blank = {c: _blank(frame[c]) for c in columns}
    rows = []
    for p in np.flatnonzero(in_scope):
        empty = [c for c in columns if blank[c][p]]
        if empty:
            rows.append(
                OffendingRow(
                    table="registry",
                    row_key=f"metric={metric[p]}",
                    message=f"metric {metric[p]!r} has no {', '.join(empty)}",
                )
            )
    return _result(summary, int(in_scope.sum()), rows)


def _registry_covers(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    column = str(params["column"])
    values = [str(v) for v in params["values"]]
    category = params.get("category")
    where = f"the {category} metrics" if category else "the registered metrics"
    summary = f"{where} cover every {column} of: {', '.join(values)}"
    stop = ctx.blocked(summary, "registry")
    if stop is not None:
        return stop
    frame = ctx.frames["registry"]
    have = frame[column].astype(object).map(fmt)
    if category:
        have = have[(frame["category"].astype(object).map(fmt) == category).to_numpy()]
    present = set(have)
    rows = [
        OffendingRow(
            table="registry",
            row_key=(f"category={category}, " if category else "") + f"{column}={v}",
            message=f"no registered {category + ' ' if category else ''}metric has {column} {v!r}",
        )
        for v in values
        if v not in present
    ]
    return _result(summary, len(values), rows, {"covered": len(values) - len(rows)})


def _fact_groups(ctx: Context) -> dict[str, np.ndarray]:
    metric = ctx.fact_metric
    order = np.argsort(metric, kind="stable")
    out: dict[str, np.ndarray] = {}
    if len(order) == 0:
        return out
    sorted_m = metric[order]
    cuts = np.flatnonzero(sorted_m[1:] != sorted_m[:-1]) + 1
    for chunk in np.split(order, cuts):
        out[str(metric[chunk[0]])] = chunk
    return out


def _metric_has_target(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    category = params.get("category")
    summary = (
        f"every registered {_scope_label(category)} has a target "
        "(the registry's, or its own on every fact row)"
    )
    stop = ctx.blocked(summary, "registry", "facts")
    if stop is not None:
        return stop
    metrics = ctx.metrics(category)
    if not metrics:
        return _result(summary, 1, [_empty_scope(category)])
    reg_target = _numbers(ctx.registry["target"])
    reg_pos = {m: k for k, m in enumerate(ctx.registry.index)}
    own = _numbers(ctx.frames["facts"]["target"])
    groups = _fact_groups(ctx)
    rows = []
    for m in metrics:
        if not math.isnan(reg_target[reg_pos[m]]):
            continue
        positions = groups.get(m, np.array([], dtype=np.int64))
        if len(positions) and not np.isnan(own[positions]).any():
            continue
        rows.append(
            OffendingRow(
                table="registry",
                row_key=f"metric={m}",
                message=f"metric {m!r} has no target in the registry nor on every fact row",
            )
        )
    return _result(summary, len(metrics), rows)


def _metric_has_data(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    category = params.get("category")
    summary = f"every registered {_scope_label(category)} has at least one value in the facts"
    stop = ctx.blocked(summary, "registry", "facts")
    if stop is not None:
        return stop
    metrics = ctx.metrics(category)
    if not metrics:
        return _result(summary, 1, [_empty_scope(category)])
    value = _numbers(ctx.frames["facts"]["value"])
    groups = _fact_groups(ctx)
    rows = []
    for m in metrics:
        positions = groups.get(m, np.array([], dtype=np.int64))
        if not np.isfinite(value[positions]).any():
            rows.append(
                OffendingRow(
                    table="facts",
                    row_key=f"metric={m}",
                    message=f"metric {m!r} is registered but has no value in the facts",
                )
            )
    return _result(summary, len(metrics), rows)


def _target_refreshed(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    category = params.get("category")
    column = str(params["column"])
    years = int(params["max_years"])
    summary = f"the targets of the {_scope_label(category)} were set within {years} years"
    stop = ctx.blocked(summary, "registry")
    if stop is not None:
        return stop
    if column not in ctx.frames["registry"].columns:
        return _not_run(
            summary,
            f"the registry has no {column!r} column (the date each target was last set)",
            [f"registry.{column}"],
        )
    metrics = ctx.metrics(category)
    if not metrics:
        return _result(summary, 1, [_empty_scope(category)])
    cutoff = pd.Timestamp(ctx.as_of) - pd.DateOffset(years=years)
    set_on = pd.to_datetime(ctx.registry[column], errors="coerce")
    if isinstance(set_on.dtype, pd.DatetimeTZDtype):
        set_on = set_on.dt.tz_localize(None)
    rows = []
    for m in metrics:
        when = set_on.loc[m]
        if pd.isna(when) or when < cutoff:
            shown = "never" if pd.isna(when) else when.date().isoformat()
            rows.append(
                OffendingRow(
                    table="registry",
                    row_key=f"metric={m}",
                    message=f"target of {m!r} last set {shown}; "
                    f"on or after {cutoff.date().isoformat()} is required",
                )
            )
    return _result(summary, len(metrics), rows, {"set_on_or_after": cutoff.date().isoformat()})


# ------------------------------------------------------------------------------------- facts


def _monthly_continuity(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    cadences = {str(c) for c in params["cadences"]}
    summary = (
        "every metric collected monthly or more often has a value in every month from the first "
        "month of the facts to the last complete month"
    )
    stop = ctx.blocked(summary, "registry", "facts")
    if stop is not None:
        return stop
    span = ctx.span
    if not span:
        return _not_run(summary, "the facts hold no complete month before as_of", ("facts",))
    cadence = ctx.registry["cadence"].astype(object).map(fmt)
    metrics = sorted(m for m in ctx.registry.index if cadence.loc[m] in cadences)
    value = _numbers(ctx.frames["facts"]["value"])
    month = ctx.fact_month
    present = {
        (m, p)
        for m, p, v in zip(ctx.fact_metric, month, value, strict=True)
        if pd.notna(p) and not math.isnan(v)
    }
    rows = [
        OffendingRow(
            table="facts",
            row_key=f"metric={m}, month={_month_label(p)}",
            message=f"no value of {m!r} for {_month_label(p)}",
        )
        for m in metrics
        for p in span
        if (m, p) not in present
    ]
    figures = {"first_month": _month_label(span[0]), "last_month": _month_label(span[-1])}
    return _result(summary, len(metrics) * len(span), rows, figures)


def _attainment_share(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    test = str(params["test"])
    rule = str(params["rule"])
    window = ctx.attainment_window_months or int(params.get("window_months", 3))
    wording = "on target" if test == "meets" else "on target or improving"
    summary = (
        f"the share of the centre's monthly metrics {wording} meets rule {rule!r} in each of the "
        f"last {window} complete months"
    )
    stop = ctx.blocked(summary, "registry", "facts")
    if stop is not None:
        return stop
    from ccmm.kpi._attainment import attainment

    last = last_complete_month(ctx.as_of)
    months = [last - k for k in range(window - 1, -1, -1)]
    rows: list[OffendingRow] = []
    counted = total = 0
    passed = True
    shares: list[str] = []
    threshold = ""
    for month in months:
        try:
            result = attainment(
                ctx.frames["facts"],
                registry=ctx.frames["registry"],
                rule=rule,
                as_of=month.end_time.date(),
            )
        except CCMMError as exc:
            return _not_run(
                summary,
                f"attainment cannot be judged for {_month_label(month)}: {exc}",
                ("facts",),
            )
        share_test = next(t for t in result.tests if t.test == test)
        if share_test.total == 0:
            return _not_run(
                summary, f"no metric can be judged in {_month_label(month)}", ("facts",)
            )
        counted += share_test.counted
        total += share_test.total
        passed &= share_test.passed
        threshold = str(share_test.threshold)
        shares.append(f"{_month_label(month)}: {share_test.counted}/{share_test.total}")
        rows.extend(
            OffendingRow(
                table="facts",
                row_key=f"entity={result.entity_level}:{result.entity_id}, metric={m.metric}, "
                f"month={_month_label(month)}",
                message=f"{m.metric!r} is not {wording} in {_month_label(month)}: {m.reason}",
            )
            for m in result.metrics
            if not (m.meets or (test == "meets_or_improving" and m.improving))
        )
    figures: dict[str, float | int | str] = {
        "counted": counted,
        "total": total,
        "shares": "; ".join(shares),
        "threshold": threshold,
        "months": f"{_month_label(months[0])} to {_month_label(months[-1])}",
    }
    return _result(summary, total, rows, figures, passed=passed)


def _present_metrics(ctx: Context, names: Iterable[str]) -> list[str]:
    return [m for m in names if m in ctx.registry.index]


def _metric_recorded_monthly(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    names = [str(m) for m in params["metrics"]]
    summary = f"one of {', '.join(names)} has a value in every month of the facts' span"
    stop = ctx.blocked(summary, "registry", "facts")
    if stop is not None:
        return stop
    metrics = _present_metrics(ctx, names)
    if not metrics:
        return _not_run(summary, f"the registry has none of {', '.join(names)}", ("registry",))
    span = ctx.span
    if not span:
        return _not_run(summary, "the facts hold no complete month before as_of", ("facts",))
    value = _numbers(ctx.frames["facts"]["value"])
    wanted = set(metrics)
    months = {
        p
        for m, p, v in zip(ctx.fact_metric, ctx.fact_month, value, strict=True)
        if m in wanted and pd.notna(p) and not math.isnan(v)
    }
    rows = [
        OffendingRow(
            table="facts",
            row_key=f"metric={'|'.join(metrics)}, month={_month_label(p)}",
            message=f"no value of {' or '.join(map(repr, metrics))} for {_month_label(p)}",
        )
        for p in span
        if p not in months
    ]
    return _result(summary, len(span), rows, {"metrics": ", ".join(metrics)})


def _direction_of(ctx: Context, metric: str) -> str | None:
    raw = ctx.registry["direction"].loc[metric] if "direction" in ctx.registry else None
    text = None if raw is None or _blank(pd.Series([raw]))[0] else str(raw)
    if text in ("higher", "lower"):
        return text
    from ccmm.kpi.catalogue import load_kpi_catalogue

    try:
        found = str(load_kpi_catalogue().get(metric).direction)
        # A band (e.g. occupancy) has no better direction: a miss is not a shortfall here.
        return found if found in ("higher", "lower") else None
    except (KeyError, CCMMError):
        return None


def _below_target_analysed(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    names = [str(m) for m in params["metrics"]]
    summary = f"every monthly value of {', '.join(names)} that missed its target was analysed"
    stop = ctx.blocked(summary, "registry", "facts", "analysis_log")
    if stop is not None:
        return stop
    metrics = _present_metrics(ctx, names)
    if not metrics:
        return _not_run(summary, f"the registry has none of {', '.join(names)}", ("registry",))
    facts = ctx.frames["facts"]
    value = _numbers(facts["value"])
    own = _numbers(facts["target"])
    reg_target = _numbers(ctx.registry["target"])
    reg_pos = {m: k for k, m in enumerate(ctx.registry.index)}
    period = facts["period"].astype(object).map(fmt).to_numpy()
    entity = facts["entity_id"].astype(object).map(fmt).to_numpy()
    whole, per = ctx.log_keys
    checked = 0
    unjudged = 0
    rows = []
    for m in metrics:
        direction = _direction_of(ctx, m)
        for p in np.flatnonzero((ctx.fact_metric == m) & (period == "month")):
            target = own[p] if not math.isnan(own[p]) else reg_target[reg_pos[m]]
            month = ctx.fact_month.iloc[p]
            if direction is None or math.isnan(target) or math.isnan(value[p]) or pd.isna(month):
                unjudged += 1
                continue
            checked += 1
            gap = (value[p] - target) * (1.0 if direction == "higher" else -1.0)
            label = _month_label(month)
            if gap < 0 and (label, m) not in whole and (label, m, entity[p]) not in per:
                rows.append(
                    OffendingRow(
                        table="facts",
                        row_key=f"month={label}, entity_id={entity[p]}, metric={m}",
                        message=f"{m!r} missed its target in {label} (value {fmt(value[p])}, "
                        f"target {fmt(target)}) and the analysis log has no entry for it",
                    )
                )
    figures = {"rows_without_target_or_direction": unjudged}
    return _result(summary, checked, rows, figures)


def _analysed_every_quarter(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    names = [str(m) for m in params["metrics"]]
    summary = f"{', '.join(names)} is analysed in every full quarter of the facts' span"
    stop = ctx.blocked(summary, "registry", "facts", "analysis_log")
    if stop is not None:
        return stop
    metrics = _present_metrics(ctx, names)
    if not metrics:
        return _not_run(summary, f"the registry has none of {', '.join(names)}", ("registry",))
    span = set(ctx.span)
    quarters = sorted({pd.Period(p.start_time, freq="Q") for p in span})
    full = [
        q
        for q in quarters
        if all(m in span for m in pd.period_range(q.start_time, q.end_time, freq="M"))
    ]
    if not full:
        return _not_run(summary, "the facts span no full quarter before as_of", ("facts",))
    log = ctx.frames["analysis_log"]
    log_metric = log["metric"].astype(object).map(fmt)
    log_quarter = _months(log["period_start"]).map(
        lambda p: pd.Period(p.start_time, freq="Q") if pd.notna(p) else None
    )
    analysed = {q for q, m in zip(log_quarter, log_metric, strict=True) if m in set(metrics)}
    rows = [
        OffendingRow(
            table="analysis_log",
            row_key=f"metric={'|'.join(metrics)}, quarter={q.year}Q{q.quarter}",
            message=f"no analysis of {' or '.join(map(repr, metrics))} in {q.year}Q{q.quarter}",
        )
        for q in full
        if q not in analysed
    ]
    return _result(summary, len(full), rows, {"metrics": ", ".join(metrics)})


def _flagged(value: object) -> bool:
    """A true flag cell: True, 1, or text true/1/yes (CSV and hand-built frames alike)."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer | float | np.floating):
        return value == 1
    return isinstance(value, str) and value.strip().lower() in ("true", "1", "yes")


def _fact_row_key(facts: pd.DataFrame, p: int) -> str:
    """The key of fact row ``p`` (the facts table's key columns), as CRUCIAL writes it."""
    return ", ".join(
        f"{c}={fmt(facts[c].iloc[p])}"
        for c in ("period_start", "period", "entity_level", "entity_id", "metric")
        if c in facts.columns
    )


def _no_hand_edits(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    allowed = ctx.allow_approved_adjustments
    summary = "no fact value was changed by hand" + (
        " (allow_approved_adjustments: a hand edit with an approval reference passes)"
        if allowed
        else ""
    )
    stop = ctx.blocked(summary, "facts")
    if stop is not None:
        return stop
    facts = ctx.frames["facts"]
    adjusted = np.array([_flagged(v) for v in facts["manually_adjusted"]], dtype=bool)
    approved = ~_blank(facts["adjustment_ref"]) if "adjustment_ref" in facts else None
    rows = []
    for p in np.flatnonzero(adjusted):
        if allowed and approved is not None and approved[p]:
            continue
        why = "was adjusted by hand" + (" without an approval reference" if allowed else "")
        rows.append(
            OffendingRow(
                table="facts",
                row_key=_fact_row_key(facts, int(p)),
                message=f"value {fmt(facts['value'].iloc[p])} {why}",
            )
        )
    figures: dict[str, float | int | str] = {
        "adjusted_rows": int(adjusted.sum()),
        "allow_approved_adjustments": "yes" if allowed else "no",
    }
    return _result(summary, len(facts), rows, figures)


def _improvement_reflects_capability(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    months = int(params["months"])
    columns = ("definition_reviewed_on", "target_set_on")
    summary = (
        f"no metric improved over the last {months} complete months while its own definition "
        "was reviewed or its target reset inside that window"
    )
    stop = ctx.blocked(summary, "registry", "facts")
    if stop is not None:
        return stop
    present = [c for c in columns if c in ctx.frames["registry"].columns]
    if not present:
        return _not_run(
            summary,
            "the registry has no definition_reviewed_on nor target_set_on column",
            [f"registry.{c}" for c in columns],
        )
    last = last_complete_month(ctx.as_of)
    first = last - (months - 1)
    start, end = first.start_time, last.end_time
    changed: dict[str, list[tuple[str, pd.Timestamp]]] = {}
    for column in present:
        when = pd.to_datetime(ctx.registry[column], errors="coerce")
        if isinstance(when.dtype, pd.DatetimeTZDtype):
            when = when.dt.tz_localize(None)
        for metric, day in when.items():
            if pd.notna(day):
                changed.setdefault(str(metric), []).append((column, day))
    facts = ctx.frames["facts"]
    value = _numbers(facts["value"])
    period = facts["period"].astype(object).map(fmt).to_numpy()
    entity = facts["entity_id"].astype(object).map(fmt).to_numpy()
    month = ctx.fact_month
    series: dict[tuple[str, str], dict[pd.Period, float]] = {}
    for p in np.flatnonzero(period == "month"):
        m, when = str(ctx.fact_metric[p]), month.iloc[p]
        if m in changed and pd.notna(when) and first <= when <= last and math.isfinite(value[p]):
            series.setdefault((m, str(entity[p])), {})[when] = float(value[p])
    rows = []
    checked = 0
    for (m, eid), by_month in sorted(series.items()):
        direction = _direction_of(ctx, m)
        if direction not in ("higher", "lower") or len(by_month) < 2:
            continue
        checked += 1
        a, b = min(by_month), max(by_month)
        gain = (by_month[b] - by_month[a]) * (1.0 if direction == "higher" else -1.0)
        inside = [(c, d) for c, d in changed[m] if start <= d <= end]
        if gain > 0 and inside:
            what = " and ".join(
                f"{'its definition was reviewed' if c == columns[0] else 'its target was set'} "
                f"on {d.date().isoformat()}"
                for c, d in inside
            )
            rows.append(
                OffendingRow(
                    table="facts",
                    row_key=f"metric={m}, entity_id={eid}",
                    message=f"{m!r} improved from {fmt(by_month[a])} ({_month_label(a)}) to "
                    f"{fmt(by_month[b])} ({_month_label(b)}) while {what}: the gain may "
                    "come from the change, not from capability",
                )
            )
    if checked == 0:
        return _not_run(
            summary,
            "no metric with a definition review or target date has two monthly values "
            "in the window",
            [f"registry.{c}" for c in columns],
        )
    figures = {"first_month": _month_label(first), "last_month": _month_label(last)}
    return _result(summary, checked, rows, figures)


# --------------------------------------------------------------------------------- intervals


def _interval_key(frame: pd.DataFrame, p: int) -> str:
    return ", ".join(
        f"{c}={fmt(frame[c].iloc[p])}"
        for c in ("interval_start", "queue", "channel")
        if c in frame.columns
    )


def _interval_granularity(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    limit = float(params["max_minutes"])
    summary = f"interval data are exported at {fmt(limit)} minutes or finer"
    stop = ctx.blocked(summary, "intervals")
    if stop is not None:
        return stop
    frame = ctx.frames["intervals"]
    minutes = _numbers(frame["interval_minutes"])
    rows = [
        OffendingRow(
            table="intervals",
            row_key=_interval_key(frame, int(p)),
            message=f"interval is {fmt(minutes[p])} minutes long; at most {fmt(limit)}",
        )
        for p in np.flatnonzero(minutes > limit)
    ]
    return _result(
        summary, len(frame), rows, {"longest_minutes": fmt(np.nanmax(minutes, initial=0))}
    )


# ------------------------------------------------------------------------------------ survey


def _whole(value: float) -> int:
    if not math.isfinite(value):
        raise ValueError(f"population must be a finite number, got {fmt(value)}")
    return int(value)


def _survey_key(frame: pd.DataFrame, p: int) -> str:
    return f"survey_id={fmt(frame['survey_id'].iloc[p])}"


def _survey_sample_adequate(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    summary = (
        "every survey wave has at least the sample its stated confidence and margin of error need"
    )
    stop = ctx.blocked(summary, "survey")
    if stop is not None:
        return stop
    frame = ctx.frames["survey"]
    conf = _numbers(frame["confidence"])
    margin = _numbers(frame["margin_of_error"])
    population = _numbers(frame["population"])
    sample = _numbers(frame["sample_size"])
    if "expected_proportion" in frame.columns:
        proportion = _numbers(frame["expected_proportion"])
    else:
        proportion = np.full(len(frame), np.nan)
    rows = []
    for p in range(len(frame)):
        key = _survey_key(frame, p)
        try:
            need = required_sample_size(
                confidence=float(conf[p]),
                margin_of_error=float(margin[p]),
                population=None if math.isnan(population[p]) else _whole(population[p]),
                proportion=0.5 if math.isnan(proportion[p]) else float(proportion[p]),
            )
        except ValueError as exc:
            rows.append(OffendingRow(table="survey", row_key=key, message=f"cannot size: {exc}"))
            continue
        if math.isnan(sample[p]) or sample[p] < need:
            rows.append(
                OffendingRow(
                    table="survey",
                    row_key=key,
                    message=f"sample of {fmt(sample[p])} is below the {need} needed for "
                    f"confidence {fmt(conf[p])} and margin {fmt(margin[p])}",
                )
            )
    return _result(summary, len(frame), rows)


def _survey_monthly(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    summary = "a survey wave covers every month from the first wave to the last complete month"
    stop = ctx.blocked(summary, "survey")
    if stop is not None:
        return stop
    months = _months(ctx.frames["survey"]["period_start"]).dropna()
    last = last_complete_month(ctx.as_of)
    if months.empty or months.min() > last:
        return _not_run(summary, "the survey holds no complete month before as_of", ("survey",))
    span = list(pd.period_range(months.min(), last, freq="M"))
    have = set(months)
    rows = [
        OffendingRow(
            table="survey",
            row_key=f"month={_month_label(p)}",
            message=f"no survey wave covers {_month_label(p)}",
        )
        for p in span
        if p not in have
    ]
    return _result(summary, len(span), rows)


def _survey_method_stated(ctx: Context, params: Mapping[str, Any]) -> Outcome:
    summary = "every survey wave states the confidence level and margin of error it was sized for"
    stop = ctx.blocked(summary, "survey")
    if stop is not None:
        return stop
    frame = ctx.frames["survey"]
    conf = _numbers(frame["confidence"])
    margin = _numbers(frame["margin_of_error"])
    rows = []
    for p in range(len(frame)):
        lacking = [
            n for n, v in (("confidence", conf[p]), ("margin_of_error", margin[p])) if math.isnan(v)
        ]
        if lacking:
            rows.append(
                OffendingRow(
                    table="survey",
                    row_key=_survey_key(frame, p),
                    message=f"the wave states no {' and no '.join(lacking)}",
                )
            )
    return _result(summary, len(frame), rows)


CHECK_KINDS: Mapping[str, CheckFn] = {
    "crucial": _crucial,
    "registry_documented": _registry_documented,
    "registry_covers": _registry_covers,
    "metric_has_target": _metric_has_target,
    "metric_has_data": _metric_has_data,
    "target_refreshed": _target_refreshed,
    "monthly_continuity": _monthly_continuity,
    "attainment_share": _attainment_share,
    "no_hand_edits": _no_hand_edits,
    "improvement_reflects_capability": _improvement_reflects_capability,
    "metric_recorded_monthly": _metric_recorded_monthly,
    "below_target_analysed": _below_target_analysed,
    "analysed_every_quarter": _analysed_every_quarter,
    "interval_granularity": _interval_granularity,
    "survey_sample_adequate": _survey_sample_adequate,
    "survey_monthly": _survey_monthly,
    "survey_method_stated": _survey_method_stated,
}

__all__ = ["CHECK_KINDS", "TABLES", "CheckFn", "Context", "Outcome", "last_complete_month"]
