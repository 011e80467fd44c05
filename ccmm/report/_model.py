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
    from ccmm.crucial.report import CrucialReport
    from ccmm.kpi.attainment import AttainmentResult
    from ccmm.planning import Plan
    from ccmm.scoring import Evaluation

Cell: TypeAlias = str | int | float | bool | None


@dataclass(frozen=True)
class EvaluationSection:
    """A level evaluation: radar of C and F per domain, the level ladder, every rule."""

    evaluation: Evaluation
    organisation: str | None = None


@dataclass(frozen=True)
class PlanSection:
    """A plan to a target level, step by step."""

    plan: Plan


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
class StaffingSection:
    """Required agents (Erlang C, or Erlang A with a patience) for a service target."""

    model: str
    target_service_level: float
    target_seconds: float
    shrinkage: float
    rows: tuple[StaffingRow, ...]


@dataclass(frozen=True)
class TableSection:
    """Any other result as a titled table (catalogue, KPIs, agreement, comparison, …)."""

    key: str
    title: Text
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()


Section: TypeAlias = (
    EvaluationSection
    | PlanSection
    | CrucialSection
    | AttainmentSection
    | StaffingSection
    | TableSection
)


@dataclass(frozen=True)
class Report:
    """A titled sequence of sections; ``subtitle`` lines name the data it was made from."""

    title: Text
    sections: tuple[Section, ...]
    subtitle: tuple[str, ...] = ()


__all__ = [
    "AttainmentSection",
    "Cell",
    "CrucialSection",
    "EvaluationSection",
    "PlanSection",
    "Report",
    "Section",
    "StaffingRow",
    "StaffingSection",
    "TableSection",
]
