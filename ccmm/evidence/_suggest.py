"""suggest(): run every check the mapping names on the data given, and grade each item."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd

from ccmm._cells import as_date
from ccmm._errors import InputDataError
from ccmm._loader import load_standard
from ccmm._model import trusted
from ccmm._tables import load_table_spec, missing_columns
from ccmm.crucial._check import opening_schedule
from ccmm.evidence._args import shown, type_name
from ccmm.evidence._checks import CHECK_KINDS, TABLES, Context, Outcome
from ccmm.evidence._mapping import EvidenceMap, load_evidence_map
from ccmm.evidence.results import Evidence, NotJudged, Suggestion, Suggestions


def _frame(obj: object, name: str) -> pd.DataFrame:
    if isinstance(obj, pd.DataFrame):
        return obj.reset_index(drop=True)
    cls = type(obj)
    if cls.__module__.split(".")[0] == "polars" and cls.__name__ == "DataFrame":
        from ccmm.kpi._frames import as_pandas  # reached only for polars input

        return as_pandas(obj, table=name)
    raise InputDataError(f"{name} must be a pandas or polars DataFrame, got {type_name(obj)}")


def _inputs(given: dict[str, object]) -> tuple[dict[str, object], dict[str, pd.DataFrame]]:
    problems: list[str] = []
    originals: dict[str, object] = {}
    frames: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        obj = given[name]
        if obj is None:
            continue
        try:
            frame = _frame(obj, name)
        except InputDataError as exc:
            problems.extend(exc.problems)
            continue
        columns = [str(c) for c in frame.columns]
        twice = sorted(c for c, n in Counter(columns).items() if n > 1)
        if twice:
            problems.append(f"{name} table has column(s) {', '.join(map(repr, twice))} twice")
            continue
        absent = missing_columns(columns, load_table_spec(name))
        if absent:
            problems.append(
                f"{name} table is missing required column(s) {', '.join(map(repr, absent))}"
            )
            continue
        originals[name] = obj
        frames[name] = frame
    if problems:
        raise InputDataError("the tables cannot be used as evidence", problems=problems)
    return originals, frames


def _evidence(mapping: EvidenceMap, name: str, outcome: Outcome) -> Evidence:
    rule_name, rule = mapping.rule_of(name)
    if outcome.status != "not_run" and outcome.n_checked == 0:
        # A check that looked at no rows did not pass: it suggests nothing.
        outcome = Outcome("not_run", outcome.summary, reason="the check saw no rows")
    grade = None
    if outcome.status != "not_run":
        grade = rule.grade(
            passed=outcome.status == "pass",
            n_checked=outcome.n_checked,
            n_offending=outcome.n_offending,
        )
    return Evidence(
        check=name,
        kind=mapping.checks[name].kind,
        summary=outcome.summary,
        status=outcome.status,
        reason=outcome.reason,
        missing=outcome.missing,
        n_checked=outcome.n_checked,
        n_offending=outcome.n_offending,
        figures=dict(outcome.figures),
        grading=rule_name,
        grade=grade,
        rows=outcome.rows,
    )


def suggest(
    *,
    registry: object | None = None,
    facts: object | None = None,
    intervals: object | None = None,
    analysis_log: object | None = None,
    survey: object | None = None,
    as_of: dt.date | str,
    allow_approved_adjustments: bool = False,
    attainment_window_months: int | None = None,
    opening_hours: object | None = None,
    closures: object | None = None,
) -> Suggestions:
    """Suggest ratings for the items of CC-CMM-OC 2017 that the centre's data can judge.

    Each table is optional (pandas or polars, with the columns of its canonical table spec);
    ``as_of`` is the date the assessment is made for. ``allow_approved_adjustments`` lets a
    fact value changed by hand pass 114.2 when it carries an approval reference (by default every
    hand edit fails 114.2); the result records the setting. ``attainment_window_months`` is the
    number of complete months before ``as_of`` over which 127 and 128 judge target attainment
    (the share test must pass in each of them; default: the mapping's ``window_months``, 3).
    ``opening_hours`` and ``closures`` (tables as for [`ccmm.crucial.check`][]) let the interval
    grid of 112.1 expect only the intervals inside the centre's opening hours and add the
    ``outside_opening_hours`` check to its evidence.
    For every item of the evidence mapping
    whose checks can all run on the tables given, the F-Rate (and, where the data shows a method
    exists, the C-Rate) is the lowest grade among its checks, with every check's figures and
    offending rows as evidence. Items that cannot be judged are listed in ``not_judged`` with the
    inputs they lack; they are never guessed.

    Raises [`InputDataError`][ccmm.InputDataError] when a table is not a DataFrame or lacks required
    columns (every problem at once) or ``as_of`` is not a date. Data-quality findings are evidence,
    never raised.
    """
    day = as_date(as_of)
    if not isinstance(allow_approved_adjustments, bool):
        raise InputDataError(
            "allow_approved_adjustments must be True or False, got "
            f"{type_name(allow_approved_adjustments)}"
        )
    window = check_window(attainment_window_months)
    opening_schedule(opening_hours, closures)  # bad opening hours are refused before any work
    given: dict[str, object] = {
        "registry": registry,
        "facts": facts,
        "intervals": intervals,
        "analysis_log": analysis_log,
        "survey": survey,
    }
    originals, frames = _inputs(given)
    mapping = load_evidence_map()
    standard = load_standard(mapping.standard_id, mapping.edition)
    ctx = Context(
        originals,
        frames,
        day,
        allow_approved_adjustments=allow_approved_adjustments,
        attainment_window_months=window,
        opening_hours=opening_hours,
        closures=closures,
    )
    cache: dict[str, Evidence] = {}

    def run(name: str) -> Evidence:
        if name not in cache:
            spec = mapping.checks[name]
            cache[name] = _evidence(mapping, name, CHECK_KINDS[spec.kind](ctx, spec.params))
        return cache[name]

    suggestions: list[Suggestion] = []
    not_judged: list[NotJudged] = []
    for item in standard.item_ids:
        checks = mapping.items.get(item)
        if checks is None:
            continue
        f_ev = tuple(run(n) for n in checks.f_rate)
        c_ev = tuple(run(n) for n in checks.c_rate)
        blocking = [
            e for e in (*f_ev, *c_ev) if e.status == "not_run" and e.check not in checks.optional
        ]
        f_ran = [e for e in f_ev if e.grade is not None]
        f_blocked = [e for e in f_ev if e in blocking]
        if f_blocked or not f_ran:
            stopped = f_blocked or list(f_ev)
            missing = tuple(dict.fromkeys(m for e in stopped for m in e.missing))
            reason = "; ".join(f"{e.check}: {e.reason}" for e in stopped)
            not_judged.append(NotJudged(item=item, missing=missing, reason=reason))
            continue
        c_ran = [e for e in c_ev if e.grade is not None]
        c_blocked = any(e in blocking for e in c_ev)
        c_rate = None if (c_blocked or not c_ran) else min(e.grade or 0 for e in c_ran)
        suggestions.append(
            trusted(
                Suggestion,
                item=item,
                f_rate=min(e.grade or 0 for e in f_ran),
                c_rate=c_rate,
                f_evidence=f_ev,
                c_evidence=c_ev,
            )
        )
    return Suggestions(
        standard_id=standard.id,
        edition=standard.edition,
        as_of=day,
        inputs=tuple(frames),
        suggestions=tuple(suggestions),
        not_judged=tuple(not_judged),
        allow_approved_adjustments=allow_approved_adjustments,
        attainment_window_months=window,
    )


#: The longest attainment window accepted: each month of it runs attainment once.
MAX_WINDOW_MONTHS = 120


def check_window(value: object) -> int | None:
    """``value`` as a number of months (1 to `MAX_WINDOW_MONTHS`), or None for the mapping's."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WINDOW_MONTHS:
        raise InputDataError(
            f"attainment_window_months must be a whole number of months from 1 to "
            f"{MAX_WINDOW_MONTHS}, got {type_name(value)} {shown(value)}"
        )
    return value


__all__ = ["as_date", "suggest"]
