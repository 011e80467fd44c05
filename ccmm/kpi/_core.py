"""The one KPI core every backend shares: which sums a request needs, and the KPIs from them.

A KPI roll-up has two halves. What to sum, per which groups, and which KPI divides which sums
(the catalogue's ratios, the chosen definitions) is decided here, once: a [`RollupPlan`][]. A
backend (pandas, which polars frames are converted to, or Spark) then validates its frame and
sums it per group, handing back [`GroupSums`][]: a small pandas frame of group keys and sums.
`finish` takes the ratios of those sums with the same code for every backend, so the numbers,
the recorded [`KpiComputation`][ccmm.kpi.KpiComputation] and the reasons for NaN cannot drift
apart between backends.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from ccmm._errors import InputDataError
from ccmm._guard import by_problems
from ccmm._tables import TableSpec, load_table_spec
from ccmm.kpi._frames import FREQS, Freq
from ccmm.kpi._record import (
    ATTRS_KEY,
    HANDLING_PARTS,
    PERIOD_COLUMN,
    AbandonDefinition,
    ComputedKpi,
    KpiComputation,
    ServiceLevelDefinition,
    Table,
    UndefinedValues,
)
from ccmm.kpi._validate import RowProblem, raise_if_problems
from ccmm.kpi.catalogue import Ratio, column_terms, load_kpi_catalogue

#: The interval length: numeric, but a fair label to group by (it is neither summed nor read).
_STEP = "interval_minutes"
#: Numeric columns that describe a row rather than count something: never summed.
_NOT_SUMMED = frozenset({_STEP, "threshold_seconds"})


@dataclass(frozen=True)
class RollupPlan:
    """What one roll-up sums and divides, decided from the options and the columns present."""

    spec: TableSpec
    by: tuple[str, ...]
    freq: Freq | None
    present: frozenset[str]
    sum_columns: tuple[str, ...]
    """The additive columns present, in table order: what a backend sums per group."""
    kpis: tuple[ComputedKpi, ...]
    service_level_definition: ServiceLevelDefinition | None
    abandon_definition: AbandonDefinition | None
    problems: tuple[RowProblem, ...]
    """Problems seen from the columns alone (a column a chosen definition needs is absent)."""

    @property
    def table(self) -> Table:
        return "intervals" if self.spec.name == "intervals" else "agents"

    @property
    def with_threshold(self) -> bool:
        """Whether groups carry their answer-time threshold (interval tables)."""
        return self.table == "intervals"

    @property
    def key(self) -> list[str]:
        """The columns that identify one input row: the table key plus any other ``by`` column.

        Two rows sharing it would be summed twice, so backends refuse them."""
        return [*self.spec.key, *(c for c in self.by if c not in self.spec.key)]

    @property
    def group_columns(self) -> list[str]:
        """The result's key columns: ``period`` (with ``freq``), then ``by``."""
        return ([PERIOD_COLUMN] if self.freq is not None else []) + list(self.by)

    def refuse(self, problems: Sequence[RowProblem]) -> None:
        """Raise one error listing the backend's ``problems`` and the plan's own, if any."""
        raise_if_problems([*problems, *self.problems], table=self.table)


@dataclass(frozen=True)
class GroupSums:
    """A backend's answer: per group (sorted as pandas sorts groups, a missing key last), the
    group columns and the sums of `RollupPlan.sum_columns`; for interval tables the smallest and
    largest ``threshold_seconds`` of each group."""

    sums: pd.DataFrame
    threshold_low: npt.NDArray[np.float64] | None
    threshold_high: npt.NDArray[np.float64] | None
    input_rows: int


class KpiBackend(Protocol):
    """What a backend provides: keep the columns a roll-up reads, and validate and sum them."""

    def select(self, frame: Any, *, table: str, columns: Sequence[str]) -> Any:
        """``frame`` reduced to ``columns`` (those it has); refuses what the backend cannot
        read."""
        ...

    def group_sums(self, frame: Any, plan: RollupPlan) -> GroupSums:
        """Validate ``frame`` and sum it per group; raises through `RollupPlan.refuse`."""
        ...


def check_options(
    by: Sequence[str],
    freq: object,
    columns: Sequence[str],
    table: str,
    *,
    aggregated: Collection[str] = (),
) -> None:
    """Raise one error naming every bad ``by`` / ``freq`` option (``aggregated``: the columns
    the roll-up adds up or reads per group, which cannot also label the groups)."""
    from ccmm._text import quote

    problems = by_problems(by)
    if isinstance(by, str) or not isinstance(by, Sequence):
        raise InputDataError(problems[0])  # not a sequence of names: nothing more to check
    # Membership tests on junk (pd.NA, arrays) raise instead of answering: test the type first.
    if freq is not None and not (isinstance(freq, str) and freq in FREQS):
        problems.append(f"freq must be None, 'D', 'W' or 'MS', got {quote(freq)}")
    names = [name for name in by if isinstance(name, str)]
    present = set(columns)
    for name in names:
        if name not in present:
            problems.append(f"by names column {quote(name)}, which the {table} table does not have")
        elif name == "interval_start":
            problems.append("group by time with freq='D', 'W' or 'MS', not by='interval_start'")
        elif name in aggregated:
            problems.append(
                f"by names column {quote(name)}, which the roll-up adds up or reads per group; "
                "group by a column that labels rows (queue, channel, site, ...)"
            )
    if len(set(names)) != len(names):
        problems.append(f"by repeats a column: {quote(names)}")
    if PERIOD_COLUMN in names and freq is not None:
        problems.append(f"by may not contain {PERIOD_COLUMN!r} when freq is given")
    if problems:
        raise InputDataError("invalid KPI options", problems=problems)


def _sum_columns(spec: TableSpec, present: set[str] | frozenset[str]) -> tuple[str, ...]:
    return tuple(
        c.name
        for c in spec.columns
        if c.kind in ("int", "float") and c.name not in _NOT_SUMMED and c.name in present
    )


def _interval_kpis(
    service_level_definition: ServiceLevelDefinition,
    abandon_definition: AbandonDefinition,
) -> tuple[ComputedKpi, ...]:
    chosen = {"service_level": service_level_definition, "abandon_rate": abandon_definition}
    out: list[ComputedKpi] = []
    for kpi in load_kpi_catalogue().computed_by("compute"):
        definition = chosen.get(kpi.id)
        ratio: Ratio | None = kpi.ratio
        if definition is not None:
            ratio = kpi.definition(definition).ratio
        assert ratio is not None, f"catalogue KPI {kpi.id} computed by compute() has no ratio"
        out.append(
            ComputedKpi(
                id=kpi.id,
                definition=definition,
                numerator=ratio.numerator,
                denominator=ratio.denominator,
            )
        )
    return tuple(out)


def _agent_kpis() -> tuple[ComputedKpi, ...]:
    out: list[ComputedKpi] = []
    for kpi in load_kpi_catalogue().computed_by("compute_agents"):
        assert kpi.ratio is not None, f"catalogue KPI {kpi.id} has no ratio"
        out.append(
            ComputedKpi(
                id=kpi.id,
                definition=None,
                numerator=kpi.ratio.numerator,
                denominator=kpi.ratio.denominator,
            )
        )
    return tuple(out)


def _short_abandons_problems(
    present: frozenset[str],
    service_level_definition: ServiceLevelDefinition,
    abandon_definition: AbandonDefinition,
) -> tuple[RowProblem, ...]:
    """The missing ``abandoned_short`` column, when a chosen definition needs it."""
    needs_short = (
        service_level_definition == "offered_less_short_abandons"
        or abandon_definition == "excluding_short"
    )
    if not needs_short or "abandoned_short" in present:
        return ()
    return (
        RowProblem(
            table="intervals",
            column="abandoned_short",
            check="missing_column",
            rows=(),
            row_count=0,
            message=(
                f"intervals table needs column 'abandoned_short' for service_level_definition="
                f"{service_level_definition!r}, abandon_definition={abandon_definition!r}"
            ),
        ),
    )


def _check_definitions(service_level_definition: object, abandon_definition: object) -> None:
    """Both definition options of an interval roll-up, checked together against the KPI
    catalogue's definitions (None is not a choice: it would silently mean "agent table")."""
    from ccmm._text import quote

    catalogue = load_kpi_catalogue()
    problems = []
    for option, kpi_id, value in (
        ("service_level_definition", "service_level", service_level_definition),
        ("abandon_definition", "abandon_rate", abandon_definition),
    ):
        choices = [d.id for d in catalogue.get(kpi_id).definitions]
        if not (isinstance(value, str) and value in choices):
            problems.append(
                f"{option} must be one of {', '.join(map(repr, choices))}, got {quote(value)}"
            )
    if problems:
        raise InputDataError("invalid KPI definition option(s)", problems=problems)


def plan_rollup(
    spec: TableSpec,
    columns: Sequence[str],
    *,
    by: Sequence[str],
    freq: Freq | None,
    service_level_definition: ServiceLevelDefinition | None = None,
    abandon_definition: AbandonDefinition | None = None,
) -> RollupPlan:
    """The plan for ``spec``'s table holding ``columns``; raises on a bad option."""
    aggregated = [c.name for c in spec.columns if c.kind in ("int", "float") and c.name != _STEP]
    check_options(by, freq, columns, spec.name, aggregated=aggregated)
    present = frozenset(columns)
    if spec.name == "intervals":
        _check_definitions(service_level_definition, abandon_definition)
    if service_level_definition is not None and abandon_definition is not None:
        kpis = _interval_kpis(service_level_definition, abandon_definition)
        problems = _short_abandons_problems(present, service_level_definition, abandon_definition)
    else:
        kpis, problems = _agent_kpis(), ()
    return RollupPlan(
        spec=spec,
        by=tuple(by),
        freq=freq,
        present=present,
        sum_columns=_sum_columns(spec, present),
        kpis=kpis,
        service_level_definition=service_level_definition,
        abandon_definition=abandon_definition,
        problems=problems,
    )


def wanted_columns(spec: TableSpec, by: Sequence[str]) -> list[str]:
    """The columns a roll-up reads: the table's own and the ``by`` columns."""
    # Only text names are columns; anything else in ``by`` is refused by check_options.
    named = [n for n in by if isinstance(n, str)] if not isinstance(by, str | bytes) else []
    return list(dict.fromkeys([*spec.column_names, *named]))


def evaluate(frame: pd.DataFrame, expression: str) -> npt.NDArray[np.float64]:
    """A catalogue expression (``a + b - c``) over summed columns, as float64."""
    total = np.zeros(len(frame), dtype=np.float64)
    for sign, column in column_terms(expression):
        total += sign * frame[column].to_numpy(dtype=np.float64)
    return total


def insert_threshold(
    sums: pd.DataFrame,
    low: npt.NDArray[Any],
    high: npt.NDArray[Any],
    *,
    position: int,
) -> npt.NDArray[np.bool_]:
    """Insert each group's ``threshold_seconds`` (NaN where the group mixes several) at
    ``position``; returns which groups mix."""
    mixed = np.asarray(low != high, dtype=bool)
    sums.insert(position, "threshold_seconds", np.where(mixed, np.nan, low))
    return mixed


def ratios(
    sums: pd.DataFrame,
    mixed_threshold: npt.NDArray[np.bool_] | None,
    record: KpiComputation,
) -> pd.DataFrame:
    """Each KPI of ``record`` as a ratio of the summed columns; NaNs and their reasons go into
    ``attrs``."""
    result = sums
    undefined: list[UndefinedValues] = []
    for kpi in record.kpis:
        numerator = evaluate(result, kpi.numerator)
        denominator = evaluate(result, kpi.denominator)
        zero = denominator == 0
        values = np.full(len(result), np.nan)
        np.divide(numerator, denominator, out=values, where=~zero)
        if zero.any():
            undefined.append(
                UndefinedValues(
                    kpi=kpi.id,
                    reason=f"the denominator {kpi.denominator} sums to zero",
                    rows=tuple(int(i) for i in np.flatnonzero(zero)),
                )
            )
        if kpi.id == "service_level" and mixed_threshold is not None:
            mixed = mixed_threshold & ~zero
            values[mixed] = np.nan
            if mixed.any():
                undefined.append(
                    UndefinedValues(
                        kpi=kpi.id,
                        reason="the group mixes different threshold_seconds values",
                        rows=tuple(int(i) for i in np.flatnonzero(mixed)),
                    )
                )
        result[kpi.id] = values
    result.attrs[ATTRS_KEY] = record.model_copy(update={"undefined": tuple(undefined)})
    return result


def finish(plan: RollupPlan, group_sums: GroupSums) -> pd.DataFrame:
    """The result of a roll-up from a backend's group sums: threshold, ratios and record."""
    sums = group_sums.sums
    mixed: npt.NDArray[np.bool_] | None = None
    if plan.with_threshold:
        assert group_sums.threshold_low is not None and group_sums.threshold_high is not None
        mixed = insert_threshold(
            sums,
            group_sums.threshold_low,
            group_sums.threshold_high,
            position=len(plan.group_columns),
        )
    sum_columns = plan.sum_columns
    handling_from: Any = None
    if plan.table == "intervals":
        handling_from = "column"
        if "handling_seconds" not in plan.present:
            position = list(sums.columns).index("available_seconds") + 1
            sums.insert(position, "handling_seconds", evaluate(sums, HANDLING_PARTS))
            sum_columns = _sum_columns(plan.spec, plan.present | {"handling_seconds"})
            handling_from = HANDLING_PARTS
    else:
        handling_from = "column"
    record = KpiComputation(
        table=plan.table,
        by=plan.by,
        freq=plan.freq,
        period_column=PERIOD_COLUMN if plan.freq is not None else None,
        service_level_definition=plan.service_level_definition,
        abandon_definition=plan.abandon_definition,
        sum_columns=sum_columns,
        handling_seconds_from=handling_from,
        kpis=plan.kpis,
        input_rows=group_sums.input_rows,
        undefined=(),
    )
    return ratios(sums, mixed, record)


def rollup(
    backend: KpiBackend,
    frame: object,
    *,
    table: Table,
    by: Sequence[str],
    freq: Freq | None,
    service_level_definition: ServiceLevelDefinition | None = None,
    abandon_definition: AbandonDefinition | None = None,
) -> pd.DataFrame:
    """One roll-up of ``frame`` on ``backend``: plan, validate and sum, then the ratios."""
    spec = load_table_spec(table)
    selected = backend.select(frame, table=table, columns=wanted_columns(spec, by))
    plan = plan_rollup(
        spec,
        [str(c) for c in selected.columns],
        by=by,
        freq=freq,
        service_level_definition=service_level_definition,
        abandon_definition=abandon_definition,
    )
    return finish(plan, backend.group_sums(selected, plan))


__all__ = [
    "GroupSums",
    "KpiBackend",
    "RollupPlan",
    "check_options",
    "evaluate",
    "finish",
    "insert_threshold",
    "plan_rollup",
    "ratios",
    "rollup",
    "wanted_columns",
]
