"""Shared strategies for the evidence tests: clean datasets of a fictional centre, built small.

A clean dataset satisfies every check of the CC-CMM-OC 2017 evidence mapping by construction:
every metric of the registry is documented, targeted, reported for agents, a team and the centre
in every month (at its target, so nothing is below target), the interval data run without a gap
at 30 minutes, absence is analysed every quarter and a large-enough survey runs every month.
Tables are typed the way ``suggest_from_directory`` types CSV files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from ccmm._tables import load_table_spec
from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example
from ccmm.evidence import Suggestions, suggest
from ccmm.evidence._directory import _typed

# metric, category, dimension, unit, direction, target (all ids from the KPI catalogue)
METRICS: tuple[tuple[str, str, str, str, str, float], ...] = (
    ("service_level", "customer", "accessibility", "ratio", "higher", 0.8),
    ("first_contact_resolution", "customer", "quality", "ratio", "higher", 0.75),
    ("asa_seconds", "customer", "efficiency", "seconds", "lower", 30.0),
    ("customer_satisfaction", "customer", "satisfaction", "ratio", "higher", 0.85),
    ("quality_monitoring_pass_rate", "operations-support", "quality", "ratio", "higher", 0.9),
    ("aht_seconds", "operations-support", "efficiency", "seconds", "lower", 300.0),
    ("forecast_wape", "operations-support", "efficiency", "ratio", "lower", 0.125),
    ("attendance_rate", "operations-support", "accessibility", "ratio", "higher", 0.95),
    ("training_hours_per_agent", "operations-support", "development", "hours", "higher", 4.0),
    ("operating_cost", "financial", "volume", "currency", "lower", 100000.0),
    ("cost_per_contact", "financial", "operating-efficiency", "currency", "lower", 4.0),
)
METRIC_IDS = tuple(m[0] for m in METRICS)
CATEGORY = {m[0]: m[1] for m in METRICS}
DIMENSION = {m[0]: m[2] for m in METRICS}
TARGET = {m[0]: m[5] for m in METRICS}
TABLE_NAMES = ("registry", "facts", "intervals", "analysis_log", "survey")


@dataclass(frozen=True)
class Dataset:
    """One centre's evidence tables and the date they are judged as of."""

    registry: pd.DataFrame
    facts: pd.DataFrame
    intervals: pd.DataFrame
    analysis_log: pd.DataFrame
    survey: pd.DataFrame
    as_of: dt.date
    months: tuple[str, ...]  # "YYYY-MM" of every month of data, in order

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLE_NAMES}

    def suggest(self, *, without: tuple[str, ...] = ()) -> Suggestions:
        given = {k: v for k, v in self.tables().items() if k not in without}
        return suggest(**given, as_of=self.as_of)  # type: ignore[arg-type]

    def with_(self, **tables: pd.DataFrame) -> Dataset:
        return replace(self, **tables)  # type: ignore[arg-type]


def _typed_frame(rows: list[dict[str, object]], name: str) -> pd.DataFrame:
    return _typed(pd.DataFrame(rows), load_table_spec(name)).reset_index(drop=True)


def build_dataset(
    *, start: pd.Period, n_months: int, n_agents: int, n_intervals: int, as_of_day: int
) -> Dataset:
    """A clean dataset: ``n_months`` months from ``start`` (a quarter's first month)."""
    months = list(pd.period_range(start, periods=n_months, freq="M"))
    as_of = (months[-1] + 1).start_time.date().replace(day=as_of_day)
    registry = [
        {
            "metric": metric,
            "name": metric.replace("_", " "),
            "definition": f"how {metric} is measured",
            "unit": unit,
            "category": category,
            "dimension": dimension,
            "direction": direction,
            "target": target,
            "cadence": "month",
            "owner": "operations manager",
            "collection_process": "CP-01",
            "formula": "see definition",
            "definition_reviewed_on": (as_of - dt.timedelta(days=30)).isoformat(),
            "improvement_tracked": True,
            "target_set_on": (as_of - dt.timedelta(days=90)).isoformat(),
        }
        for metric, category, dimension, unit, direction, target in METRICS
    ]
    entities = [("agent", f"A{k + 1:02d}") for k in range(n_agents)]
    entities += [("team", "T1"), ("centre", "C1")]
    facts = []
    for month in months:
        for metric, _, _, unit, _, target in METRICS:
            for level, entity in entities:
                ratio = unit == "ratio"
                facts.append(
                    {
                        "period_start": month.start_time.date().isoformat(),
                        "period": "month",
                        "entity_level": level,
                        "entity_id": entity,
                        "metric": metric,
                        "value": target,
                        "target": None,
                        "source": "ACD",
                        "manually_adjusted": False,
                        "adjustment_ref": None,
                        "numerator": target * 1000 if ratio else None,
                        "denominator": 1000.0 if ratio else None,
                    }
                )
    first = pd.Timestamp(months[-1].start_time.date().isoformat() + "T08:00:00", tz="UTC")
    intervals = [
        {
            "interval_start": (first + pd.Timedelta(minutes=30 * k)).isoformat(),
            "interval_minutes": 30,
            "queue": "billing",
            "channel": "voice",
            "offered": 20,
            "answered": 18,
            "abandoned": 2,
            "abandoned_short": 1,
            "answered_within_threshold": 15,
            "threshold_seconds": 20,
            "wait_seconds": 100.0,
            "talk_seconds": 3000.0,
            "hold_seconds": 100.0,
            "acw_seconds": 500.0,
            "available_seconds": 600.0,
        }
        for k in range(n_intervals)
    ]
    log = [
        {
            "period_start": month.start_time.date().isoformat(),
            "metric": "attendance_rate",
            "entity_id": None,
            "analysis_ref": f"AN-{month}",
            "action": "absence review",
        }
        for month in months
        if month.month % 3 == 1
    ]
    survey = [
        {
            "survey_id": f"S{k:02d}",
            "period_start": month.start_time.date().isoformat(),
            "population": 10000,
            "sample_size": 400,
            "confidence": 0.95,
            "margin_of_error": 0.05,
        }
        for k, month in enumerate(months)
    ]
    return Dataset(
        registry=_typed_frame(registry, "registry"),
        facts=_typed_frame(facts, "facts"),
        intervals=_typed_frame(intervals, "intervals"),
        analysis_log=_typed_frame(log, "analysis_log"),
        survey=_typed_frame(survey, "survey"),
        as_of=as_of,
        months=tuple(f"{m.year:04d}-{m.month:02d}" for m in months),
    )


@st.composite
def clean_datasets(draw: st.DrawFn) -> Dataset:
    year = draw(st.integers(2021, 2025))
    quarter = draw(st.integers(1, 4))
    return build_dataset(
        start=pd.Period(year=year, month=3 * quarter - 2, freq="M"),
        n_months=draw(st.integers(3, 7)),
        n_agents=draw(st.integers(1, 3)),
        n_intervals=draw(st.integers(3, 8)),
        as_of_day=draw(st.integers(1, 27)),
    )


def shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    order = np.random.default_rng(seed).permutation(len(frame))
    return frame.iloc[order].reset_index(drop=True)


def suggest_example(name: Literal["clean", "dirty"]) -> Suggestions:
    """:func:`suggest` on a shipped CRUCIAL example dataset, as of the date it is meant for."""
    t = load_example(name)
    return suggest(
        registry=t.registry,
        facts=t.facts,
        intervals=t.intervals,
        analysis_log=t.analysis_log,
        as_of=EXAMPLE_AS_OF,
    )


__all__ = [
    "CATEGORY",
    "DATE_COLUMNS",
    "DIMENSION",
    "METRICS",
    "METRIC_IDS",
    "TARGET",
    "Dataset",
    "build_dataset",
    "clean_datasets",
    "junk",
    "shuffled",
    "suggest_example",
]


def junk() -> st.SearchStrategy[object]:
    """Arguments of every wrong kind: None, bools, huge ints, NaN and inf, text, bytes,
    containers, dates, empty frames and frames with a duplicated column name."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=2**63, max_value=2**200),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=40),
        st.binary(max_size=20),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
        st.dates(),
        st.just(pd.DataFrame()),
        st.just(pd.DataFrame([[1, 2]], columns=["metric", "metric"])),
        st.just(pd.NaT),
    )


#: Every date column of the evidence tables, as (table, column).
DATE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("facts", "period_start"),
    ("analysis_log", "period_start"),
    ("survey", "period_start"),
    ("registry", "definition_reviewed_on"),
    ("registry", "target_set_on"),
    ("intervals", "interval_start"),
)
