"""CRUCIAL checks: valid tables pass, each injected defect fails exactly its principle and names
the row, pandas and polars agree, and the report does not depend on row order."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import ccmm.crucial as crucial
from ccmm import InputDataError
from ccmm.crucial import PRINCIPLES, check
from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example

# ------------------------------------------------------------------- shared strategies (small)

AS_OF = dt.date(2024, 7, 15)
TIME_ZONES = ("Europe/Berlin", "America/New_York", "Asia/Shanghai", "UTC")
# Start days that put a daylight-saving change inside a two-day run for the zones above.
INTERVAL_DAYS = ("2024-03-30", "2024-03-09", "2024-10-26", "2024-11-02", "2024-06-01")


@dataclass(frozen=True)
class Tables:
    facts: pd.DataFrame
    registry: pd.DataFrame
    intervals: pd.DataFrame
    analysis_log: pd.DataFrame

    def run(self, **kw: object) -> crucial.CrucialReport:
        return check(
            self.facts,
            registry=self.registry,
            intervals=self.intervals,
            analysis_log=self.analysis_log,
            as_of=AS_OF,
            **kw,  # type: ignore[arg-type]
        )


METRICS = (
    # metric, unit, category, direction, tracked
    ("service_level", "ratio", "customer", "higher", True),
    ("aht_seconds", "seconds", "operations-support", "lower", True),
    ("quality_score", "percent", "operations-support", "higher", True),
    ("cost_per_contact", "currency", "financial", "lower", False),
)


def _registry(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for metric, unit, category, direction, tracked in METRICS:
        target = {"ratio": 0.8, "seconds": 300.0, "percent": 90.0, "currency": 4.0}[unit]
        reviewed = pd.Timestamp(AS_OF) - pd.Timedelta(days=int(rng.integers(0, 360)))
        rows.append(
            {
                "metric": metric,
                "name": metric.replace("_", " "),
                "definition": f"definition of {metric}",
                "unit": unit,
                "category": category,
                "dimension": "efficiency",
                "direction": direction,
                "target": target,
                "cadence": "month",
                "owner": "ops lead",
                "collection_process": "CP-1",
                "formula": "see catalogue",
                "definition_reviewed_on": reviewed.normalize(),
                "improvement_tracked": tracked,
            }
        )
    return pd.DataFrame(rows)


def _facts(rng: np.random.Generator, n_months: int, n_agents: int) -> pd.DataFrame:
    months = pd.date_range("2024-03-01", periods=n_months, freq="MS")
    entities = [("agent", f"A{i}") for i in range(n_agents)] + [("team", "T1")]
    rows = []
    for m in months:
        for level, eid in entities:
            for metric, unit, *_ in METRICS[:3]:
                num = den = np.nan
                if unit == "ratio":
                    den = float(rng.integers(1, 500))
                    num = float(rng.integers(0, int(den) + 1))
                    value = num / den
                elif unit == "percent":
                    value = float(rng.uniform(50, 100))
                else:
                    value = float(rng.uniform(100, 600))
                rows.append((m, "month", level, eid, metric, value, num, den, "ACD"))
        rows.append(
            (m, "month", "centre", "C1", "cost_per_contact", float(rng.uniform(2, 6)), np.nan,
             np.nan, "ERP")
        )  # fmt: skip
    facts = pd.DataFrame(
        rows,
        columns=["period_start", "period", "entity_level", "entity_id", "metric", "value",
                 "numerator", "denominator", "source"],
    )  # fmt: skip
    facts["target"] = np.nan
    facts["manually_adjusted"] = False
    facts["adjustment_ref"] = pd.Series([None] * len(facts), dtype=object)
    return facts


def _analysis_log(facts: pd.DataFrame, registry: pd.DataFrame) -> pd.DataFrame:
    reg = registry.set_index("metric")
    target = facts["metric"].map(reg["target"])
    higher = facts["metric"].map(reg["direction"]) == "higher"
    below = np.where(higher, facts["value"] < target, facts["value"] > target)
    sub = facts[below]
    return pd.DataFrame(
        {
            "period_start": sub["period_start"].to_numpy(),
            "metric": sub["metric"].to_numpy(),
            "entity_id": sub["entity_id"].to_numpy(),
            "analysis_ref": [f"AN-{i}" for i in range(len(sub))],
            "action": "coaching",
        }
    )


def _intervals(rng: np.random.Generator, tz: str, day: str, minutes: int) -> pd.DataFrame:
    # A regular run in UTC, shown in local time: a daylight-saving day is 23 or 25 hours long.
    start = pd.Timestamp(day, tz=tz)
    utc = pd.date_range(
        start.tz_convert("UTC"), periods=2 * 24 * 60 // minutes, freq=f"{minutes}min"
    )
    frames = []
    for queue in ("q1", "q2"):
        n = len(utc)
        offered = rng.integers(0, 40, n)
        answered = (offered * rng.uniform(0, 1, n)).astype(int)
        abandoned = ((offered - answered) * rng.uniform(0, 1, n)).astype(int)
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": utc.tz_convert(tz),
                    "interval_minutes": minutes,
                    "queue": queue,
                    "channel": "voice",
                    "offered": offered,
                    "answered": answered,
                    "abandoned": abandoned,
                    "abandoned_short": (abandoned * rng.uniform(0, 1, n)).astype(int),
                    "answered_within_threshold": (answered * rng.uniform(0, 1, n)).astype(int),
                    "threshold_seconds": 20,
                    "wait_seconds": answered * 10.0,
                    "talk_seconds": answered * 200.0,
                    "hold_seconds": answered * 10.0,
                    "acw_seconds": answered * 30.0,
                    "available_seconds": rng.uniform(0, 1800, n),
                }
            )
        )
    iv = pd.concat(frames, ignore_index=True)
    for col in ("queue", "channel"):
        iv[col] = iv[col].astype("category")
    return iv


@st.composite
def valid_tables(draw: st.DrawFn) -> Tables:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    registry = _registry(rng)
    facts = _facts(rng, draw(st.integers(3, 4)), draw(st.integers(2, 3)))
    intervals = _intervals(
        rng, draw(st.sampled_from(TIME_ZONES)), draw(st.sampled_from(INTERVAL_DAYS)),
        draw(st.sampled_from((15, 30))),
    )  # fmt: skip
    return Tables(facts, registry, intervals, _analysis_log(facts, registry))


def failing(report: crucial.CrucialReport) -> set[str]:
    return {name for name, p in report.principles.items() if p.status == "fail"}


# ------------------------------------------------------------------------------- the defects


@dataclass(frozen=True)
class Defect:
    principle: str
    check: str
    apply: Callable[[Tables, np.random.Generator], tuple[Tables, str]]


def _pick(frame: pd.DataFrame, mask: pd.Series, rng: np.random.Generator) -> int:
    return int(rng.choice(np.flatnonzero(mask.to_numpy())))


def _fact_key(f: pd.DataFrame, i: int) -> str:
    r = f.iloc[i]
    return (
        f"period_start={r.period_start.date().isoformat()}, period={r.period}, "
        f"entity_level={r.entity_level}, entity_id={r.entity_id}, metric={r.metric}"
    )


def _unregistered(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    f = t.facts.copy()
    i = _pick(f, (f.metric == "aht_seconds") & (f.entity_level == "agent"), rng)
    f.loc[i, "metric"] = "mystery_metric"
    return replace(t, facts=f), _fact_key(f, i)


def _no_owner(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    r = t.registry.copy()
    i = int(rng.integers(0, len(r)))
    r.loc[i, "owner"] = None
    return replace(t, registry=r), f"metric={r.metric[i]}"


def _duplicate_fact(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    i = int(rng.integers(0, len(t.facts)))
    f = pd.concat([t.facts, t.facts.iloc[[i]]], ignore_index=True)
    return replace(t, facts=f), _fact_key(f, i)


def _bad_unit(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    r = t.registry.copy()
    r.loc[1, "unit"] = "furlongs"  # aht_seconds: not a rate, so no logical rule reads the unit
    return replace(t, registry=r), "metric=aht_seconds"


def _no_target(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    r = t.registry.copy()
    r.loc[3, "target"] = np.nan  # cost_per_contact: one row per month at centre level
    f = t.facts
    i = _pick(f, f.metric == "cost_per_contact", rng)
    return replace(t, registry=r), _fact_key(f, i)


def _no_direction(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    r = t.registry.copy()
    i = int(rng.integers(0, len(r)))
    r.loc[i, "direction"] = None
    return replace(t, registry=r), f"metric={r.metric[i]}"


def _interval_key(iv: pd.DataFrame, i: int) -> str:
    r = iv.iloc[i]
    return f"interval_start={r.interval_start.isoformat()}, queue={r.queue}, channel={r.channel}"


def _missing_interval(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    iv = t.intervals
    n = len(iv) // 2
    i = int(rng.integers(1, n - 1))  # interior of the first queue's run
    return replace(t, intervals=iv.drop(index=i).reset_index(drop=True)), _interval_key(iv, i + 1)


def _missing_category_month(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    f = t.facts
    months = sorted(f.period_start.unique())
    m = months[int(rng.integers(1, len(months) - 1))]  # interior month keeps the span
    keep = ~((f.metric == "cost_per_contact") & (f.period_start == m))
    month = pd.Timestamp(m).strftime("%Y-%m")
    return replace(t, facts=f[keep].reset_index(drop=True)), f"category=financial, month={month}"


def _unanalysed(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    f = t.facts.copy()
    i = _pick(f, f.metric == "cost_per_contact", rng)
    f.loc[i, "value"] = 99.0  # far above the 4.0 target of a lower-is-better metric
    log = _analysis_log(f, t.registry)
    mask = (log.metric == "cost_per_contact") & (log.period_start == f.period_start[i])
    return replace(t, facts=f, analysis_log=log[~mask].reset_index(drop=True)), _fact_key(f, i)


def _no_team_rows(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    f = t.facts
    metric = str(rng.choice(["service_level", "aht_seconds", "quality_score"]))
    keep = ~((f.metric == metric) & (f.entity_level == "team"))
    return replace(t, facts=f[keep].reset_index(drop=True)), f"metric={metric}"


def _no_agent_rows(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    f = t.facts
    metric = str(rng.choice(["service_level", "aht_seconds", "quality_score"]))
    keep = ~((f.metric == metric) & (f.entity_level == "agent"))
    return replace(t, facts=f[keep].reset_index(drop=True)), f"metric={metric}"


def _single_period(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    f = t.facts
    first = f.period_start.min()
    drop = (f.metric == "quality_score") & (f.entity_id == "A1") & (f.period_start != first)
    key = "metric=quality_score, entity_level=agent, entity_id=A1, period=month"
    return replace(t, facts=f[~drop].reset_index(drop=True)), key


def _unapproved(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    f = t.facts.copy()
    i = int(rng.integers(0, len(f)))
    f.loc[i, "manually_adjusted"] = True
    return replace(t, facts=f), _fact_key(f, i)


def _no_source(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    f = t.facts.copy()
    i = int(rng.integers(0, len(f)))
    f.loc[i, "source"] = "  "
    return replace(t, facts=f), _fact_key(f, i)


def _stale_definition(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    r = t.registry.copy()
    i = int(rng.integers(0, len(r)))
    r.loc[i, "definition_reviewed_on"] = pd.Timestamp(AS_OF) - pd.Timedelta(days=400)
    return replace(t, registry=r), f"metric={r.metric[i]}"


def _over_offered(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    iv = t.intervals.copy()
    i = int(rng.integers(0, len(iv)))
    iv.loc[i, "abandoned"] = iv.offered[i] - iv.answered[i] + 1
    return replace(t, intervals=iv), _interval_key(iv, i)


def _components_disagree(t: Tables, rng: np.random.Generator) -> tuple[Tables, str]:
    f = t.facts.copy()
    i = _pick(f, f.metric == "service_level", rng)
    f.loc[i, "numerator"] = f.numerator[i] + f.denominator[i] * 0.1 + 1
    return replace(t, facts=f), _fact_key(f, i)


DEFECTS = (
    Defect("collectable", "metric_registered", _unregistered),
    Defect("collectable", "registry_row_documented", _no_owner),
    Defect("reportable", "one_value_per_key", _duplicate_fact),
    Defect("reportable", "column_allowed", _bad_unit),
    Defect("usable", "metric_has_target", _no_target),
    Defect("usable", "metric_has_direction", _no_direction),
    Defect("cyclical", "interval_grid", _missing_interval),
    Defect("cyclical", "category_every_month", _missing_category_month),
    Defect("cyclical", "below_target_analysed", _unanalysed),
    Defect("improvable", "tracked_at_team_level", _no_team_rows),
    Defect("improvable", "tracked_at_individual_level", _no_agent_rows),
    Defect("improvable", "trend_available", _single_period),
    Defect("accurate", "adjustment_approved", _unapproved),
    Defect("accurate", "source_recorded", _no_source),
    Defect("accurate", "definition_reviewed", _stale_definition),
    Defect("logical", "answered_abandoned_within_offered", _over_offered),
    Defect("logical", "derived_matches_components", _components_disagree),
)


# ---------------------------------------------------------------------------------- the tests


@given(valid_tables())
def test_valid_tables_pass_every_principle(tables: Tables) -> None:
    report = tables.run()
    assert report.failures.empty, report.failures.to_string()
    assert {n: p.status for n, p in report.principles.items()} == dict.fromkeys(PRINCIPLES, "pass")


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.check)
@settings(max_examples=5)  # x 17 defects; each example is a full check of four tables
@given(tables=valid_tables(), seed=st.integers(0, 2**16))
def test_one_defect_fails_exactly_its_principle_and_names_the_row(
    defect: Defect, tables: Tables, seed: int
) -> None:
    dirty, row_key = defect.apply(tables, np.random.default_rng(seed))
    report = dirty.run()
    assert failing(report) == {defect.principle}, report.failures.to_string()
    assert set(report.failures["check"]) == {defect.check}
    assert row_key in set(report.failures["row_key"]), report.failures.to_string()


def _to_polars(df: pd.DataFrame) -> object:
    import polars as pl

    cols = {}
    for c in df.columns:
        s = df[c]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            naive = s.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
            cols[c] = (
                pl.Series(c, naive).dt.replace_time_zone("UTC").dt.convert_time_zone(str(s.dt.tz))
            )
        elif isinstance(s.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(s.dtype):
            # object, pandas-3 `str` and `string` columns alike: their missing cells (NaN, None,
            # pd.NA) all become polars nulls; numpy would hand polars a NaN among strings.
            values = [None if pd.isna(v) else v for v in s.astype(object)]
            cols[c] = pl.Series(c, values, dtype=pl.String)
        else:
            cols[c] = pl.Series(c, s.to_numpy())
    return pl.DataFrame(cols)


@pytest.mark.parametrize("defect", DEFECTS[::3], ids=lambda d: d.check)
@settings(max_examples=5)
@given(tables=valid_tables(), seed=st.integers(0, 2**16))
def test_pandas_and_polars_reports_agree(defect: Defect, tables: Tables, seed: int) -> None:
    dirty, _ = defect.apply(tables, np.random.default_rng(seed))
    pandas_report = dirty.run()
    polars_report = check(
        _to_polars(dirty.facts),
        registry=_to_polars(dirty.registry),
        intervals=_to_polars(dirty.intervals),
        analysis_log=_to_polars(dirty.analysis_log),
        as_of=AS_OF,
    )
    assert polars_report.to_dict() == pandas_report.to_dict()


@settings(max_examples=20)
@given(tables=valid_tables(), seed=st.integers(0, 2**16), defect=st.sampled_from(DEFECTS))
def test_report_is_invariant_to_row_order(tables: Tables, seed: int, defect: Defect) -> None:
    rng = np.random.default_rng(seed)
    dirty, _ = defect.apply(tables, rng)
    shuffled = Tables(
        *(
            getattr(dirty, name).sample(frac=1.0, random_state=seed)
            for name in ("facts", "registry", "intervals", "analysis_log")
        )
    )
    assert shuffled.run().to_dict() == dirty.run().to_dict()


@settings(max_examples=10)
@given(valid_tables())
def test_check_is_deterministic(tables: Tables) -> None:
    assert tables.run().to_markdown() == tables.run().to_markdown()


@settings(max_examples=20)
@given(tables=valid_tables(), shift=st.floats(0.0, 0.2))
def test_tolerance_bounds_the_accepted_ratio_error(tables: Tables, shift: float) -> None:
    f = tables.facts.copy()
    i = int(np.flatnonzero((f.metric == "service_level") & (f.numerator > 0))[0])
    recomputed = f.numerator[i] / f.denominator[i]
    f.loc[i, "value"] = recomputed * (1 + shift)
    f.loc[i, "metric"] = "service_level"
    report = replace(tables, facts=f, analysis_log=_analysis_log(f, tables.registry)).run(
        tolerance=0.05
    )
    derived = report.failures[report.failures["check"] == "derived_matches_components"]
    # relative error |v - r| / max(|v|, |r|) = shift / (1 + shift)
    assert derived.empty == (shift / (1 + shift) <= 0.05 + 1e-9)


def test_missing_tables_are_not_checked_with_a_reason() -> None:
    ex = load_example("clean")
    report = check(ex.facts, registry=ex.registry, as_of=EXAMPLE_AS_OF)
    cyc = report.principles["cyclical"]
    assert cyc.status == "pass"  # 112.2 still ran
    skipped = {c.check: c.reason for c in cyc.checks if c.status == "not_checked"}
    assert skipped["interval_grid"] == "no interval table given"
    assert skipped["below_target_analysed"] == "no analysis log given"
    assert "interval_grid (112.1) not checked" in cyc.reason


def test_unusable_input_raises_naming_every_problem() -> None:
    ex = load_example("clean")
    with pytest.raises(InputDataError) as info:
        check(
            ex.facts.drop(columns=["value", "source"]),
            registry=[1, 2],
            as_of=EXAMPLE_AS_OF,
        )
    text = str(info.value)
    assert "'value'" in text
    assert "'source'" in text
    assert "registry must be a pandas or polars DataFrame, got list" in text


def test_data_problems_are_reported_not_raised() -> None:
    ex = load_example("clean")
    facts = ex.facts.assign(value=ex.facts["value"].astype(object))
    facts.loc[0, "value"] = "n/a"
    report = check(facts, registry=ex.registry, as_of=EXAMPLE_AS_OF)
    assert failing(report) == {"reportable"}
    assert set(report.failures["check"]) == {"column_type"}


def test_shipped_examples_clean_passes_and_dirty_fails_each_principle_once() -> None:
    for name, expected in (("clean", set()), ("dirty", set(PRINCIPLES))):
        ex = load_example(name)  # type: ignore[arg-type]
        report = check(
            ex.facts,
            registry=ex.registry,
            intervals=ex.intervals,
            analysis_log=ex.analysis_log,
            as_of=EXAMPLE_AS_OF,
        )
        assert failing(report) == expected
        if name == "dirty":
            per_principle = report.failures.groupby("principle")["row_key"].nunique()
            assert (per_principle == 1).all()
            assert len(report.adjusted_rows) == 2  # one approved, one not
            assert "| collectable | 109.1, 109.2 | fail |" in report.to_markdown()
            assert "<td>fail</td>" in report.to_html()


def test_import_does_not_import_polars() -> None:
    import subprocess
    import sys

    code = "import sys, ccmm, ccmm.crucial, ccmm.crucial.schemas; print('polars' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_user_schema_reports_row_rules_by_check_id() -> None:
    import pandera.errors

    from ccmm.crucial import schemas

    iv = load_example("dirty").intervals
    with pytest.raises(pandera.errors.SchemaErrors) as info:
        schemas.intervals.validate(iv, lazy=True)
    assert "answered_abandoned_within_offered" in set(info.value.failure_cases["check"])


# ------------------------------------------- polars interval tables are checked in polars itself
# A polars interval table is not converted to pandas: ccmm.crucial._polars translates the row
# rules' predicates into polars expressions and runs the grid in polars. The oracle is the pandas
# engine on the pandas view of the same table (what a polars table went through before).

NUMBER_TYPES = ("Int64", "Float64", "Boolean", "String")
TEXT_TYPES = ("String", "Categorical", "String", "Categorical", "Float64", "Int64", "Boolean")
# Blank to Python's str.strip() or not: ideographic space, NBSP, a file separator (\x1c is
# whitespace to Python, not to Unicode), zero-width space (not whitespace to Python).
TEXTS = ("", " ", "\t\n", "\u3000", "\xa0", "\x1c", "\u200b", "ACD", " x ", "True", "0")


def _cells(dtype: str) -> st.SearchStrategy[object]:
    if dtype == "Int64":
        return st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), st.integers(-3, 40))
    if dtype == "Float64":
        return st.one_of(
            st.none(),
            st.sampled_from((float("nan"), float("inf"), float("-inf"), -0.0)),
            st.floats(-50, 50, allow_nan=False),
        )
    if dtype == "Boolean":
        return st.one_of(st.none(), st.booleans())
    texts = st.sampled_from(TEXTS)
    return st.one_of(st.none(), texts, texts, texts, st.integers(-3, 40).map(str))


@st.composite
def rule_frames(draw: st.DrawFn) -> object:
    """A small polars frame with every column some row rule reads, each of a drawn type."""
    import polars as pl

    from ccmm.crucial._rules import ROW_RULES, AtMost, ReferencedWhenFlagged

    n = draw(st.integers(0, 10))
    types: dict[str, str] = {}
    for rule in ROW_RULES:
        p = rule.predicate
        numbers = isinstance(p, AtMost)
        for name in rule.columns:
            flag = isinstance(p, ReferencedWhenFlagged) and name == p.flag
            choices = ("Boolean", "Int64", "String") if flag else NUMBER_TYPES
            types.setdefault(
                name, draw(st.sampled_from(choices if numbers or flag else TEXT_TYPES))
            )
    columns = {}
    for name, dtype in types.items():
        cells = draw(st.lists(_cells("String" if dtype == "Categorical" else dtype), min_size=n,
                              max_size=n))  # fmt: skip
        if dtype == "Categorical":
            columns[name] = pl.Series(name, cells, dtype=pl.String).cast(pl.Categorical)
        else:
            columns[name] = pl.Series(name, cells, dtype=getattr(pl, dtype), strict=False)
    return pl.DataFrame(columns, height=n)


def _edge_frame(text_type: str) -> object:
    """Every edge cell at once: blank texts, NaN, infinities and nulls, text of ``text_type``."""
    import polars as pl

    texts: list[object] = [*TEXTS, None]
    numbers: list[object] = [float("nan"), float("inf"), float("-inf"), None, 3.0, -1.0]
    n = len(texts) * len(numbers)
    text = pl.Series(texts * len(numbers), dtype=pl.String)
    if text_type == "Float64":
        text = pl.Series((numbers * len(texts))[:n], dtype=pl.Float64)
    elif text_type == "Categorical":
        text = text.cast(pl.Categorical)
    number = pl.Series(np.repeat(np.array(numbers, dtype=object), len(texts)).tolist())
    flag = pl.Series(([True, False, None] * n)[:n], dtype=pl.Boolean)
    columns = ("offered", "answered", "abandoned", "abandoned_short", "answered_within_threshold")
    return pl.DataFrame(
        {c: number.cast(pl.Float64).reverse() if i % 2 else number for i, c in enumerate(columns)}
        | {"interval_minutes": number, "source": text, "adjustment_ref": text}
        | {"manually_adjusted": flag}
    )


@pytest.mark.parametrize("text_type", ["String", "Categorical", "Float64"])
def test_polars_predicates_agree_with_pandas_on_edge_cells(text_type: str) -> None:
    _assert_predicates_fail_the_rows_pandas_fails(_edge_frame(text_type))


@given(frame=rule_frames())
def test_polars_predicates_fail_exactly_the_rows_pandas_fails(frame: object) -> None:
    _assert_predicates_fail_the_rows_pandas_fails(frame)


def _assert_predicates_fail_the_rows_pandas_fails(frame: object) -> None:
    import polars as pl

    from ccmm._frames import polars_to_pandas
    from ccmm.crucial._evaluate import rule_ok
    from ccmm.crucial._polars import failing
    from ccmm.crucial._rules import ROW_RULES, AtMost

    as_pandas = polars_to_pandas(frame)
    schema = frame.schema  # type: ignore[attr-defined]
    for rule in ROW_RULES:
        condition = failing(frame, rule.predicate)  # type: ignore[arg-type]
        if isinstance(rule.predicate, AtMost) and pl.String not in [
            schema[c] for c in rule.columns
        ]:
            # numbers are always translated (integers past float64's exact range included),
            # never handed back to the reference evaluation
            assert condition is not None
        if condition is None:
            continue
        fails = frame.select(condition).to_series().to_list()  # type: ignore[attr-defined]
        assert fails == (~rule_ok(rule, as_pandas)).tolist(), rule.check


def _interval_outcome(frame: object, *, native: bool) -> tuple[object, ...]:
    """Findings, counts and reasons of the interval table's checks, from the polars path or
    from the pandas engine on the pandas view of the same table."""
    import polars as pl

    from ccmm.crucial import _engine as engine
    from ccmm.crucial._engine import TableChecks
    from ccmm.crucial._pandas import PandasTable, load_table
    from ccmm.crucial._polars import PolarsTable

    out = engine.Collector()
    try:
        backend: TableChecks = (
            PolarsTable(frame) if native else PandasTable(load_table("intervals", frame))
        )
        columns = list(frame.columns)  # type: ignore[attr-defined]
        backend.table_checks(engine.applicable_rules("intervals", columns, out), out)
        backend.grid(out)
    except pl.exceptions.SchemaError as exc:
        # pandera.polars cannot gather the failure cases of a column whose type is wrong and
        # that has failing rows as well (its cases differ in type); both paths must hit it.
        return ("pandera.polars", str(exc).splitlines()[0])
    failures = pd.concat([pd.DataFrame(columns=list(crucial.FAILURE_COLUMNS)), *out.frames])
    rows = sorted(map(tuple, failures.astype(str).to_numpy().tolist()))
    return rows, dict(out.checked), dict(out.failed), sorted(out.ran), dict(out.skipped)


def _shuffle(f: object, rng: np.random.Generator) -> object:
    return f[rng.permutation(f.height).tolist()]  # type: ignore[attr-defined, index]


def _null_cells(f: object, rng: np.random.Generator) -> object:
    import polars as pl

    col = str(rng.choice(["interval_start", "interval_minutes", "queue", "offered", "answered"]))
    hit = pl.Series(rng.random(f.height) < 0.05)  # type: ignore[attr-defined]
    return f.with_columns(pl.when(hit).then(None).otherwise(pl.col(col)).alias(col))  # type: ignore[attr-defined]


def _odd_minutes(f: object, rng: np.random.Generator) -> object:
    import polars as pl

    # 10**12 minutes do not fit an instant in nanoseconds: the grid goes to the pandas engine.
    odd = int(rng.choice([10**12, 45, 7, 0, -30]))
    i = int(rng.integers(0, f.height))  # type: ignore[attr-defined]
    at_i = pl.int_range(pl.len()) == i
    minutes = pl.when(at_i).then(odd).otherwise(pl.col("interval_minutes"))
    return f.with_columns(minutes.alias("interval_minutes"))  # type: ignore[attr-defined]


def _more_answered_than_offered(f: object, rng: np.random.Generator) -> object:
    import polars as pl

    hit = pl.Series(rng.random(f.height) < 0.1)  # type: ignore[attr-defined]
    return f.with_columns(  # type: ignore[attr-defined]
        pl.when(hit).then(pl.col("offered") - 50).otherwise(pl.col("offered")).alias("offered")
    )


def _duplicate_and_drop_rows(f: object, rng: np.random.Generator) -> object:
    keep = [i for i in range(f.height) if rng.random() > 0.03]  # type: ignore[attr-defined]
    again = [int(i) for i in rng.integers(0, f.height, 2)]  # type: ignore[attr-defined]
    return f[keep + again]  # type: ignore[index]


def _odd_types(f: object, rng: np.random.Generator) -> object:
    import polars as pl

    cast = {
        "queue": pl.Categorical,
        "channel": pl.Float64,
        "offered": pl.String,
        "answered": pl.Float64,
        "interval_minutes": pl.Float64,
        "available_seconds": pl.String,
        "interval_start": pl.Datetime("us"),
    }
    col = str(rng.choice(sorted(cast)))
    target = cast[col]
    if col == "interval_start":
        return f.with_columns(pl.col(col).dt.replace_time_zone(None))  # type: ignore[attr-defined]
    if col == "channel":
        return f.with_columns(pl.lit(1.5).alias(col))  # type: ignore[attr-defined]
    return f.with_columns(pl.col(col).cast(target))  # type: ignore[attr-defined]


INTERVAL_MUTATIONS = (
    _shuffle,
    _null_cells,
    _odd_minutes,
    _more_answered_than_offered,
    _duplicate_and_drop_rows,
    _odd_types,
)


@settings(max_examples=25)
@given(
    tables=valid_tables(),
    seed=st.integers(0, 2**16),
    mutations=st.lists(st.sampled_from(INTERVAL_MUTATIONS), max_size=4),
)
def test_polars_interval_checks_equal_the_pandas_engine_on_the_same_rows(
    tables: Tables, seed: int, mutations: list[Callable[[object, np.random.Generator], object]]
) -> None:
    rng = np.random.default_rng(seed)
    frame = _to_polars(tables.intervals)
    for mutate in sorted(mutations, key=lambda m: m is _odd_types):  # a new type comes last
        frame = mutate(frame, rng)
    assert _interval_outcome(frame, native=True) == _interval_outcome(frame, native=False)


@settings(max_examples=10)
@given(tables=valid_tables(), seed=st.integers(0, 2**16), defect=st.sampled_from(DEFECTS))
def test_polars_report_is_invariant_to_interval_row_order(
    tables: Tables, seed: int, defect: Defect
) -> None:
    dirty, _ = defect.apply(tables, np.random.default_rng(seed))
    shuffled = dirty.intervals.sample(frac=1.0, random_state=seed)
    reports = [
        check(
            _to_polars(dirty.facts),
            registry=_to_polars(dirty.registry),
            intervals=_to_polars(iv),
            analysis_log=_to_polars(dirty.analysis_log),
            as_of=AS_OF,
        ).to_dict()
        for iv in (dirty.intervals, shuffled)
    ]
    assert reports[0] == reports[1] == dirty.run().to_dict()


def test_polars_interval_table_is_not_converted_to_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    from ccmm import _frames

    ex = load_example("dirty")
    expected = check(
        ex.facts,
        registry=ex.registry,
        intervals=ex.intervals,
        analysis_log=ex.analysis_log,
        as_of=EXAMPLE_AS_OF,
    ).to_dict()
    intervals = _to_polars(ex.intervals)
    converted: list[int] = []
    to_pandas = _frames.polars_to_pandas

    def spy(frame: object) -> pd.DataFrame:
        if "interval_minutes" in frame.columns:  # type: ignore[attr-defined]
            converted.append(frame.height)  # type: ignore[attr-defined]
        return to_pandas(frame)

    monkeypatch.setattr(_frames, "polars_to_pandas", spy)
    got = check(
        ex.facts,
        registry=ex.registry,
        intervals=intervals,
        analysis_log=ex.analysis_log,
        as_of=EXAMPLE_AS_OF,
    ).to_dict()
    assert got == expected
    failing_rows = sum(p["n_failures"] for p in got["principles"].values())  # type: ignore[index]
    assert converted and sum(converted) <= 2 * failing_rows < intervals.height  # type: ignore[attr-defined]


def test_a_polars_column_of_the_wrong_type_with_failing_rows_is_reported_not_raised() -> None:
    # pandera.polars itself raises polars' SchemaError on this mix; ccmm reports the wrong type.
    ex = load_example("clean")
    intervals = ex.intervals.copy()
    intervals["interval_minutes"] = intervals["interval_minutes"].astype(float)
    intervals.loc[0, "interval_minutes"] = None
    intervals.loc[1, "interval_minutes"] = -30.0
    report = crucial.check(
        ex.facts,
        registry=ex.registry,
        intervals=_to_polars(intervals),
        analysis_log=ex.analysis_log,
        as_of=EXAMPLE_AS_OF,
    )
    assert report.principles["reportable"].status == "fail"
    wrong = report.failures[report.failures["check"] == "column_type"]
    assert wrong[["table", "column"]].values.tolist() == [["intervals", "interval_minutes"]]
    assert "must hold integers" in wrong["message"].iloc[0]


@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(-(10**12), 10**12)), min_size=0, max_size=60),
    st.sampled_from(["as drawn", "time-major", "group-major"]),
)
def test_grid_order_equals_a_stable_two_key_sort(rows: list[tuple[int, int]], layout: str) -> None:
    from ccmm.crucial._evaluate import group_time_order as _group_time_order

    if layout == "time-major":
        rows = sorted(rows, key=lambda r: r[1])
    elif layout == "group-major":
        rows = sorted(rows)
    group = np.array([g for g, _ in rows], dtype=np.int64)
    ns = np.array([t for _, t in rows], dtype=np.int64)
    assert _group_time_order(group, ns).tolist() == np.lexsort((ns, group)).tolist()


_HALF_HOUR_NS = 30 * 60 * 10**9
_ON_THE_GRID = 1_700_000_000 * 10**9  # 2023-11-14 22:13:20 UTC, a multiple of 30 minutes
_GRID_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["q1", "q2", None]),
        st.sampled_from(["voice", "chat"]),
        st.one_of(
            st.integers(0, 8).map(lambda k: _ON_THE_GRID + k * _HALF_HOUR_NS),
            st.integers(-(2**63) + 1, 2**63 - 1),  # every instant pandas holds; -2**63 is NaT
            st.none(),
        ),
        st.sampled_from([30.0, 30.0, 30.0, 15.0, 7.5, float("nan")]),
    ),
    max_size=12,
)


def _grid_frame(
    rows: list[tuple[Any, str, int | None, float]], *, categorical: bool
) -> pd.DataFrame:
    starts = pd.to_datetime([pd.NaT if t is None else t for _, _, t, _ in rows], utc=True)
    frame = pd.DataFrame(
        {
            "interval_start": pd.Series(starts, dtype="datetime64[ns, UTC]"),
            "interval_minutes": [m for *_, m in rows],
            "queue": pd.Series([q for q, *_ in rows], dtype=object),
            "channel": pd.Series([c for _, c, *_ in rows], dtype=object),
        }
    )
    if categorical:
        frame["queue"] = frame["queue"].astype("category")
        frame["channel"] = frame["channel"].astype("category")
    return frame


def _grid_breaks_by_sorting_every_row(frame: pd.DataFrame) -> tuple[list[int], ...]:
    """The grid's definition, read plainly: sort the rows that have a start and a length by
    (queue and channel codes, start), then compare each row's end with the next row's start."""

    def codes(s: pd.Series) -> np.ndarray:
        if isinstance(s.dtype, pd.CategoricalDtype):
            return s.cat.codes.to_numpy().astype(np.int64)
        return pd.factorize(s)[0].astype(np.int64)

    ns = frame["interval_start"].array.as_unit("ns").asi8
    minutes = frame["interval_minutes"].to_numpy(dtype=np.float64)
    c = codes(frame["channel"])
    group = codes(frame["queue"]) * (int(c.max(initial=0)) + 2) + c
    idx = np.flatnonzero(~frame["interval_start"].isna().to_numpy() & ~np.isnan(minutes))
    order = idx[np.lexsort((ns[idx], group[idx]))]
    start = ns[order]
    end = start + (minutes[order] * 60e9).astype(np.int64)
    same = group[order][1:] == group[order][:-1]
    bad = np.flatnonzero(same & (start[1:] != end[:-1]))
    found = (order[bad], order[bad + 1], end[bad], start[bad + 1])
    return tuple(a.tolist() for a in found)


@given(_GRID_ROWS, st.sampled_from(["as drawn", "time-major", "group-major"]), st.booleans())
# Two starts further apart than an int64 difference holds, later one first.
@example([("q1", "voice", 2**63 - 1, 30.0), ("q1", "voice", -(2**63) + 1, 30.0)], "as drawn", False)
# A row without a start, then rows out of order with a gap: positions are the table's own.
@example(
    [("q1", "voice", None, 30.0)]
    + [("q1", "voice", _ON_THE_GRID + k * _HALF_HOUR_NS, 30.0) for k in (1, 0, 3)],
    "as drawn",
    True,
)
def test_grid_breaks_equal_sorting_every_row(
    rows: list[tuple[Any, str, int | None, float]], layout: str, categorical: bool
) -> None:
    # The grid reads an ordered table in place and one interval length as a scalar; a wrong
    # shortcut (or an instant difference overflowing int64, as for starts centuries apart)
    # would show here as a missed, extra or misplaced break.
    from ccmm.crucial._evaluate import grid_breaks

    def when(row: tuple[Any, str, int | None, float]) -> int:
        return -(2**63) if row[2] is None else row[2]

    if layout == "time-major":
        rows = sorted(rows, key=when)
    elif layout == "group-major":
        rows = sorted(rows, key=lambda r: (str(r[0]), r[1], when(r)))
    frame = _grid_frame(rows, categorical=categorical)
    got = grid_breaks(frame)
    assert got is not None
    assert tuple(a.tolist() for a in got) == _grid_breaks_by_sorting_every_row(frame)


# --------------------------------------------- issue 14: odd input is a finding or a CCMMError


@settings(max_examples=15)
@given(
    tables=valid_tables(),
    seed=st.integers(0, 2**16),
    n_blank=st.integers(1, 3),
    table=st.sampled_from(("facts", "analysis_log")),
)
def test_blank_period_starts_are_findings_naming_the_rows_never_a_crash(
    tables: Tables, seed: int, n_blank: int, table: str
) -> None:
    rng = np.random.default_rng(seed)
    frame = getattr(tables, table).copy()
    rows = rng.choice(len(frame), size=min(n_blank, len(frame)), replace=False)
    frame.loc[rows, "period_start"] = pd.NaT
    report = replace(tables, **{table: frame}).run()
    blank = report.failures[
        (report.failures["check"] == "column_not_null")
        & (report.failures["column"] == "period_start")
    ]
    assert len(blank) == len(rows)
    if table == "facts":
        keys = {
            f"period_start=<missing>, period={r.period}, entity_level={r.entity_level}, "
            f"entity_id={r.entity_id}, metric={r.metric}"
            for r in frame.iloc[rows].itertuples()
        }
        assert keys <= set(blank["row_key"])


def test_blank_period_start_of_a_fact_below_target_is_reported_not_raised() -> None:
    # The reproduction of issue 14 #3: the below-target rule formatted the month of a NaT.
    ex = load_example("clean")
    for i in range(len(ex.facts)):
        facts = ex.facts.copy()
        facts.loc[i, "period_start"] = pd.NaT
        report = check(
            facts, registry=ex.registry, analysis_log=ex.analysis_log, as_of=EXAMPLE_AS_OF
        )
        assert report.principles["reportable"].status == "fail"


@settings(max_examples=10)
@given(
    tables=valid_tables(),
    keep=st.fixed_dictionaries(
        {name: st.booleans() for name in ("facts", "registry", "intervals", "analysis_log")}
    ),
)
def test_a_check_that_saw_no_rows_is_never_a_pass(tables: Tables, keep: dict[str, bool]) -> None:
    emptied = replace(
        tables,
        **{name: getattr(tables, name).head(0) for name, kept in keep.items() if not kept},
    )
    report = emptied.run()
    for principle in report.principles.values():
        for result in principle.checks:
            if result.n_checked == 0 and result.n_failures == 0:
                assert result.status == "not_checked", result
                assert result.reason
        if all(not kept for kept in keep.values()):
            assert principle.status == "not_checked"


def test_header_only_tables_pass_no_principle() -> None:
    ex = load_example("clean")
    report = check(
        ex.facts.head(0),
        registry=ex.registry.head(0),
        intervals=ex.intervals.head(0),
        analysis_log=ex.analysis_log.head(0),
        as_of=EXAMPLE_AS_OF,
    )
    assert {p.status for p in report.principles.values()} == {"not_checked"}
    assert "no rows" in report.principles["logical"].reason


@settings(max_examples=10)
@given(
    tables=valid_tables(),
    table=st.sampled_from(("facts", "registry", "intervals", "analysis_log")),
    data=st.data(),
)
def test_duplicated_column_names_are_an_input_error_naming_them(
    tables: Tables, table: str, data: st.DataObject
) -> None:
    frame = getattr(tables, table)
    column = data.draw(st.sampled_from(list(frame.columns)))
    doubled = pd.concat([frame, frame[[column]]], axis=1)
    with pytest.raises(InputDataError) as info:
        replace(tables, **{table: doubled}).run()
    assert f"{table} table has duplicated column name(s) {column!r}" in str(info.value)


@pytest.mark.parametrize("absent", ["facts", "registry"])
def test_a_required_table_given_as_none_is_an_input_error(absent: str) -> None:
    ex = load_example("clean")
    tables = {"facts": ex.facts, "registry": ex.registry}
    tables[absent] = None  # type: ignore[assignment]
    with pytest.raises(InputDataError, match=f"{absent} is required"):
        check(tables["facts"], registry=tables["registry"], as_of=EXAMPLE_AS_OF)


BIG_COUNTS = st.one_of(st.integers(0, 60), st.integers(2**50, 2**63 - 1))


@settings(max_examples=15)
@given(
    tables=valid_tables(),
    cells=st.lists(st.tuples(BIG_COUNTS, BIG_COUNTS, BIG_COUNTS), min_size=1, max_size=6),
)
def test_row_rules_compare_integers_exactly_and_big_values_are_findings(
    tables: Tables, cells: list[tuple[int, int, int]]
) -> None:
    iv = tables.intervals.copy()
    for c in ("offered", "answered", "abandoned"):
        iv[c] = iv[c].astype("int64")
    rows = list(range(len(cells)))
    for row, (offered, answered, abandoned) in zip(rows, cells, strict=True):
        iv.loc[row, ["offered", "answered", "abandoned"]] = [offered, answered, abandoned]
    report = replace(tables, intervals=iv).run()
    broken = {
        _interval_key(iv, r)
        for r, (o, a, b) in zip(rows, cells, strict=True)
        if a + b > o  # Python integers: exact
    }
    within = report.failures[report.failures["check"] == "answered_abandoned_within_offered"]
    assert set(within["row_key"]) >= broken
    assert not (set(within["row_key"]) & {_interval_key(iv, r) for r in rows} - broken)
    huge = {(_interval_key(iv, r), c) for r, cell in zip(rows, cells, strict=True)
            for c, v in zip(("offered", "answered", "abandoned"), cell, strict=True)
            if v > 2**53}  # fmt: skip
    ranged = report.failures[report.failures["check"] == "column_in_exact_range"]
    assert set(zip(ranged["row_key"], ranged["column"], strict=True)) == huge
    if huge:
        assert report.principles["reportable"].status == "fail"
    polars_report = check(
        _to_polars(tables.facts),
        registry=_to_polars(tables.registry),
        intervals=_to_polars(iv),
        analysis_log=_to_polars(tables.analysis_log),
        as_of=AS_OF,
    )
    assert polars_report.to_dict() == report.to_dict()


def test_the_121_rows_of_issue_14_fail_the_offered_rule() -> None:
    ex = load_example("clean")
    iv = ex.intervals.copy()
    iv.loc[:120, ["offered", "answered", "abandoned"]] = [2**62, 2**62, 1]
    report = check(ex.facts, registry=ex.registry, intervals=iv, as_of=EXAMPLE_AS_OF)
    rule = report.principles["logical"].checks
    (within,) = [c for c in rule if c.check == "answered_abandoned_within_offered"]
    assert within.n_failures == 121


# ------------------------------------------------- issue 14 #15: failures at scale, max_failures


def _many_failures(tables: Tables, seed: int) -> Tables:
    rng = np.random.default_rng(seed)
    iv = tables.intervals.copy()
    hit = rng.choice(len(iv), size=int(rng.integers(1, 12)), replace=False)
    iv.loc[hit, "abandoned"] = iv.loc[hit, "offered"] - iv.loc[hit, "answered"] + 1
    f = tables.facts.copy()
    f.loc[rng.choice(len(f), size=3, replace=False), "source"] = None
    return replace(tables, intervals=iv, facts=f)


@settings(max_examples=10)
@given(tables=valid_tables(), seed=st.integers(0, 2**16), cap=st.integers(0, 6))
def test_max_failures_keeps_the_first_failures_of_each_check_and_exact_counts(
    tables: Tables, seed: int, cap: int
) -> None:
    dirty = _many_failures(tables, seed)
    full = dirty.run()
    capped = dirty.run(max_failures=cap)
    expected = full.failures[full.failures.groupby("check").cumcount() < cap]
    pd.testing.assert_frame_equal(capped.failures, expected.reset_index(drop=True))
    assert capped.principles == full.principles  # counts and statuses stay exact
    assert capped.to_dict() == full.to_dict(max_failures=cap)
    assert json.loads(full.to_json(max_failures=cap)) == capped.to_dict()
    per_check = capped.failures.groupby("check").size()
    assert (per_check <= cap).all()
    markdown, page = capped.to_markdown(max_failures=10**6), capped.to_html(max_failures=10**6)
    for message in set(full.failures["message"]) - set(capped.failures["message"]):
        assert message not in markdown
        assert html.escape(message) not in page


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_max_failures_must_be_a_whole_number_or_none(bad: object) -> None:
    ex = load_example("clean")
    with pytest.raises(InputDataError, match="max_failures"):
        check(ex.facts, registry=ex.registry, as_of=EXAMPLE_AS_OF, max_failures=bad)  # type: ignore[arg-type]


@given(
    st.lists(
        st.one_of(
            st.integers(-(2**63), 2**64 - 1),
            st.floats(allow_nan=True, allow_infinity=True),
            st.booleans(),
            st.none(),
            st.text(max_size=5),
        ),
        max_size=20,
    ),
    st.sampled_from(["object", "float64", "int64", "category", "datetime"]),
)
def test_formatting_a_column_at_once_equals_formatting_each_cell(
    cells: list[object], kind: str
) -> None:
    from ccmm._cells import fmt
    from ccmm.crucial._engine import fmt_many

    series: pd.Series
    if kind == "float64":
        series = pd.Series([c for c in cells if isinstance(c, float)], dtype="float64")
    elif kind == "int64":
        series = pd.Series([c for c in cells if type(c) is int and -(2**63) <= c < 2**63],
                           dtype="int64")  # fmt: skip
    elif kind == "category":
        series = pd.Series([c for c in cells if isinstance(c, str) or c is None], dtype="category")
    elif kind == "datetime":
        base = pd.Timestamp("2024-03-31", tz="Europe/Berlin")
        series = pd.Series([base + pd.Timedelta(minutes=30 * (hash(str(c)) % 100)) for c in cells])
    else:
        series = pd.Series(cells, dtype=object)
    assert list(fmt_many(series)) == [fmt(v) for v in series.astype(object)]


# ----------------------------------- the column checks' fast path decides as pandera would

ODD_CELLS = (None, float("nan"), float("inf"), float("-inf"), -1, -0.5, 2**53 + 2, 1.5, "xyz")


def _pandera_passes(schema: object, frame: object) -> bool:
    import pandera.errors

    try:
        schema.validate(frame, lazy=True)  # type: ignore[attr-defined]
    except (pandera.errors.SchemaErrors, pandera.errors.SchemaError):
        return False
    except Exception:  # pandera.polars: polars' own error on a wrong type
        return False
    return True


@settings(max_examples=25)
@given(
    tables=valid_tables(),
    table=st.sampled_from(("facts", "registry", "intervals", "analysis_log")),
    column=st.integers(0, 30),
    cell=st.sampled_from(ODD_CELLS),
    row=st.integers(0, 10**6),
)
def test_the_column_fast_path_passes_exactly_the_tables_pandera_passes(
    tables: Tables, table: str, column: int, cell: object, row: int
) -> None:
    # A valid table with at most one odd cell: the fast path (the schema's own check functions
    # without pandera, or polars statistics) says "pass" exactly / only where pandera passes.
    from ccmm.crucial.schemas import (
        _columns_pass,
        _polars_columns_pass,
        pandas_columns_schema,
        polars_columns_schema,
    )

    frame = getattr(tables, table).copy()
    name = frame.columns[column % len(frame.columns)]
    values = frame[name].astype(object)
    values.iloc[row % len(frame)] = cell
    frame[name] = pd.Series(list(values), index=frame.index).infer_objects()
    assert _columns_pass(table, frame) == _pandera_passes(pandas_columns_schema(table), frame)
    try:
        as_polars = _to_polars(frame)
    except (TypeError, ValueError):
        return  # a column of mixed types polars does not build
    if _polars_columns_pass(table, as_polars):
        assert _pandera_passes(polars_columns_schema(table), as_polars)
    valid = getattr(tables, table)
    assert _columns_pass(table, valid)  # the fast path is taken on a valid table
    assert _polars_columns_pass(table, _to_polars(valid))
