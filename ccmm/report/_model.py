"""What a report holds: a title and a sequence of sections, each wrapping one ccmm result.

The three renderings (HTML, Markdown, JSON) read the same objects, so they always show the same
content. Sections are frozen dataclasses because some results carry pandas frames.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from ccmm._text import Text

if TYPE_CHECKING:
    from ccmm.crucial._report import CrucialReport
    from ccmm.evidence import MergeResult, Suggestions
    from ccmm.kpi._attainment import AttainmentResult
    from ccmm.planning import Plan
    from ccmm.scoring import Evaluation
    from ccmm.standard import Standard

Cell: TypeAlias = str | int | float | bool | None


@dataclass(frozen=True)
class EvaluationSection:
    """A level evaluation: radar of C and F per domain, the level ladder, every rule."""

    evaluation: Evaluation
    organisation: str | None = None


@dataclass(frozen=True)
class PlanSection:
    """A plan to a target level, step by step; ``standard`` gives the items' titles and the
    rules (loaded from the plan's standard id and edition when None)."""

    plan: Plan
    standard: Standard | None = None


@dataclass(frozen=True)
class CrucialSection:
    """CRUCIAL findings per principle for one dataset (``label`` names it, e.g. ``"dirty"``)."""

    label: str
    report: CrucialReport
    max_failures: int = 20


@dataclass(frozen=True)
class AttainmentSection:
    """A target-attainment verdict; ``series`` holds each metric's monthly values (for trends)."""

    result: AttainmentResult
    series: Mapping[str, tuple[tuple[date, float | None], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class StaffingRow:
    """Staffing of one group of intervals (or of one scenario).

    ``expected_service_level`` is the calls-weighted service level (expected answered within the
    threshold, summed, over calls summed: a ratio of sums); ``expected_occupancy`` is workload
    seconds summed over agent seconds summed. Both are None without calls.
    """

    group: str
    intervals: int
    calls: float
    peak_agents: int
    peak_scheduled: int
    agent_hours: float
    scheduled_hours: float
    expected_service_level: float | None
    expected_occupancy: float | None
    agents_profile: tuple[int, ...]


@dataclass(frozen=True)
class TimeOfDayStaffing:
    """Agents at one time of day (local wall clock, ``"HH:MM"``), averaged over ``days`` days.

    ``required`` is the sum over groups of the agents the model needs, ``to_schedule`` the same
    after shrinkage; ``on_duty`` the agents the interval data shows logged in (handling plus
    available seconds over the interval's seconds), None when the data has no available time.
    """

    time: str
    days: int
    required: float
    to_schedule: float
    on_duty: float | None


@dataclass(frozen=True)
class StaffingSection:
    """Required agents (Erlang C, or Erlang A with a patience) for a service target;
    ``by_time`` is the same by time of day over every group (empty when not computed)."""

    model: str
    target_service_level: float
    target_seconds: float
    shrinkage: float
    rows: tuple[StaffingRow, ...]
    by_time: tuple[TimeOfDayStaffing, ...] = ()


@dataclass(frozen=True)
class DailyKpi:
    """One calendar day of the interval data: offered contacts and three KPIs (ratios of sums,
    None when the day has nothing to divide by)."""

    day: date
    offered: float
    service_level: float | None
    abandon_rate: float | None
    asa_seconds: float | None


@dataclass(frozen=True)
class KpiLine:
    """What a KPI is measured against: the data's own target (registry) and the catalogue's
    reference values (``(label, value)``)."""

    metric: str
    name: Text
    unit: str
    direction: str
    target: float | None
    references: tuple[tuple[Text, float], ...] = ()


@dataclass(frozen=True)
class HeatCell:
    """Offered contacts (summed over the days) and service level (ratio of sums) of one
    weekday (0 = Monday) and local half hour (``"HH:MM"``)."""

    weekday: int
    time: str
    offered: float
    service_level: float | None


@dataclass(frozen=True)
class KpiSection:
    """Pictures of the interval data: daily KPIs against targets and references, and a
    weekday × half-hour heat map of offered contacts and service level."""

    days: tuple[DailyKpi, ...]
    metrics: tuple[KpiLine, ...]
    heat: tuple[HeatCell, ...]
    label: str = ""


@dataclass(frozen=True)
class EvidenceSection:
    """What the data says about each rating the evidence mapping covers (``merge`` result and
    the suggestions it was made from)."""

    result: MergeResult
    suggestions: Suggestions


@dataclass(frozen=True)
class SummarySection:
    """The executive summary: level and points, what the next level needs, the data-quality
    verdict per CRUCIAL principle, the attainment verdict and the staffing peak."""

    evaluation: Evaluation
    plan: Plan | None = None
    crucial: tuple[CrucialSection, ...] = ()
    attainment: AttainmentResult | None = None
    staffing: StaffingSection | None = None


@dataclass(frozen=True)
class TableSection:
    """Any other result as a titled table (catalogue, KPIs, agreement, comparison, …)."""

    key: str
    title: Text
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()


Section: TypeAlias = (
    SummarySection
    | EvaluationSection
    | PlanSection
    | CrucialSection
    | AttainmentSection
    | StaffingSection
    | KpiSection
    | EvidenceSection
    | TableSection
)


@dataclass(frozen=True)
class Report:
    """A titled sequence of sections; ``subtitle`` lines name the data it was made from (plain
    text, or `ccmm.Text` to follow the report's language)."""

    title: Text
    sections: tuple[Section, ...]
    subtitle: tuple[str | Text, ...] = ()


__all__ = [
    "AttainmentSection",
    "Cell",
    "CrucialSection",
    "DailyKpi",
    "EvaluationSection",
    "EvidenceSection",
    "HeatCell",
    "KpiLine",
    "KpiSection",
    "PlanSection",
    "Report",
    "Section",
    "StaffingRow",
    "StaffingSection",
    "SummarySection",
    "TableSection",
    "TimeOfDayStaffing",
]
