"""The report of a CRUCIAL run: the collected failures in the report's order, and each check's
and principle's outcome (`assemble`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd

from ccmm.crucial._collector import NO_ROWS, Collector
from ccmm.crucial._report import (
    FAILURE_COLUMNS,
    CheckResult,
    CrucialReport,
    PrincipleResult,
    Status,
    first_per_check,
)
from ccmm.crucial._rules import CHECK_BY_ID, CHECKS, PRINCIPLES, Principle

#: The order of the failure table: by principle (the standard's order), item, check (the
#: edition's order), table, then row key, column, value and message as text.
_WITHIN_CHECK = ["row_key", "column", "value", "message"]


def sorted_failures(out: Collector) -> pd.DataFrame:
    """Every failure ``out`` collected, in the report's order (`_WITHIN_CHECK`).

    Each frame holds one check of one table, so frames are ordered as wholes; inside a check
    that only one frame reported, the rows are ordered by their row keys' ranks (`RowKeys`),
    integers, and by text only among rows whose keys are equal. Other checks are sorted as text.
    """
    order = {p: i for i, p in enumerate(PRINCIPLES)}
    check_order = {c.id: i for i, c in enumerate(CHECKS)}
    groups: dict[tuple[int, str, int, str], list[int]] = defaultdict(list)
    for k, frame in enumerate(out.frames):
        check = str(frame["check"].iat[0])
        if check in out.disabled:  # a check switched off by settings reports nothing
            continue
        definition = CHECK_BY_ID[check]
        table = str(frame["table"].iat[0])
        groups[(order[definition.principle], definition.item, check_order[check], table)].append(k)
    pieces = []
    for group in sorted(groups):
        members = groups[group]
        ranks = out.key_ranks[members[0]] if len(members) == 1 else None
        piece = (
            out.frames[members[0]]
            if len(members) == 1
            else pd.concat([out.frames[k] for k in members], ignore_index=True)
        )
        pieces.append(_sorted_by_key(piece, ranks))
    if not pieces:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FAILURE_COLUMNS})
    return pd.concat(pieces, ignore_index=True)


def _sorted_by_key(frame: pd.DataFrame, ranks: tuple[np.ndarray, ...] | None) -> pd.DataFrame:
    """``frame`` (one check of one table) in `_WITHIN_CHECK` order, stable."""
    if ranks is None or len(frame) < 2:
        return frame.sort_values(_WITHIN_CHECK, kind="stable")
    position = np.lexsort(ranks[::-1]) if ranks else np.arange(len(frame))
    if ranks:
        ahead = [r[position] for r in ranks]
        tied = np.ones(len(frame) - 1, dtype=bool)
        for r in ahead:
            tied &= r[1:] == r[:-1]
        if not tied.any():
            return frame.take(position)
    # Equal keys (or no key columns): the rows of equal rank tuples are ordered by the other
    # columns' text. Their ranks sit in front, so one stable text sort does both.
    keyed = frame.assign(**{f"_k{i}": r for i, r in enumerate(ranks)})
    by = [f"_k{i}" for i in range(len(ranks))] + _WITHIN_CHECK[1:]
    return keyed.sort_values(by, kind="stable").drop(columns=by[: len(ranks)])


def assemble(
    out: Collector,
    as_of: dt.date,
    tolerance: float,
    adjusted: pd.DataFrame,
    gaps: pd.DataFrame,
    max_failures: int | None = None,
) -> CrucialReport:
    failures = first_per_check(sorted_failures(out), max_failures)
    principles: dict[Principle, PrincipleResult] = {}
    for principle in PRINCIPLES:
        results = []
        for c in CHECKS:
            if c.principle != principle:
                continue
            status: Status
            reason = ""
            n_checked, n_failures = out.checked[c.id], out.failed[c.id]
            if c.id in out.disabled:
                status, reason = "not_checked", f"disabled: {out.disabled[c.id]}"
                n_checked = n_failures = 0
            elif c.id in out.ran:
                status = "fail" if out.failed[c.id] else "pass"
                if status == "pass" and out.checked[c.id] == 0:
                    status, reason = "not_checked", NO_ROWS  # nothing looked at passed nothing
            elif c.id in out.skipped:
                status, reason = "not_checked", out.skipped[c.id]
            else:
                continue  # a schema check that no table has (e.g. no column maximum)
            results.append(
                CheckResult(
                    check=c.id,
                    item=c.item,
                    table=c.table,
                    summary=c.summary,
                    status=status,
                    reason=reason,
                    n_checked=n_checked,
                    n_failures=n_failures,
                    severity=out.severities[c.id],
                )
            )
        ran = [r for r in results if r.status != "not_checked"]
        # A warning-severity check that found failures lists them but does not fail the principle.
        failed = [r for r in ran if r.status == "fail" and r.severity == "error"]
        warned = [r for r in ran if r.status == "fail" and r.severity == "warning"]
        skipped = [r for r in results if r.status == "not_checked"]
        p_status: Status = "fail" if failed else ("pass" if ran else "not_checked")
        reason = "; ".join(
            [f"{r.check} ({r.item}) not checked: {r.reason}" for r in skipped]
            + [f"{r.check} ({r.item}) failed as a warning" for r in warned]
        )
        principles[principle] = PrincipleResult(
            principle=principle,
            items=tuple(sorted({c.item for c in CHECKS if c.principle == principle})),
            status=p_status,
            reason=reason,
            checks=tuple(results),
            n_checks_run=len(ran),
            n_checks_failed=len(failed),
            n_failures=sum(r.n_failures for r in results),
        )
    return CrucialReport(
        as_of=as_of,
        tolerance=tolerance,
        principles=principles,
        failures=failures,
        adjusted_rows=adjusted,
        gaps=gaps,
    )


__all__ = ["assemble", "sorted_failures"]
