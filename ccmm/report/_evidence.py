"""The report section of a data-backed assessment: which ratings the data supports,
contradicts or cannot judge (``ccmm evaluate FILE --evidence DIR`` and the demo)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccmm._text import Text
from ccmm.report._model import Cell, TableSection

if TYPE_CHECKING:
    from ccmm.evidence import MergeResult, Suggestions

_VERDICT_ORDER = {"contradicts": 0, "supports": 1, "cannot_judge": 2, "unrated": 3}


def _pair(c: int | None, f: int | None) -> str:
    return f"{'–' if c is None else c}/{'–' if f is None else f}"


def evidence_section(result: MergeResult, suggestions: Suggestions) -> TableSection:
    """One row per item the evidence mapping covers: the verdict, the assessor's ratings, the
    data's suggestion, the ratings after the merge and the failing checks with their rows."""
    before = result.before.scores
    after = result.assessment.scores
    rows: list[tuple[Cell, ...]] = []
    for verdict in sorted(result.verdicts, key=lambda v: _VERDICT_ORDER[v.verdict]):
        item = verdict.item
        suggestion = suggestions.get(item)
        old, new = before.get(item), after.get(item)
        data = "—" if suggestion is None else _pair(suggestion.c_rate, suggestion.f_rate)
        failing = (
            []
            if suggestion is None
            else [
                e
                for e in (*suggestion.c_evidence, *suggestion.f_evidence)
                if e.grade is not None and e.grade < 10
            ]
        )
        checks = "; ".join(
            dict.fromkeys(f"{e.check} ({e.n_offending}/{e.n_checked})" for e in failing)
        )
        offending = [r.row_key for e in failing for r in e.rows]
        shown = "; ".join(offending[:2]) + ("; …" if len(offending) > 2 else "")
        rows.append(
            (
                item,
                verdict.verdict.replace("_", " "),
                "—" if old is None else _pair(old.c_rate, old.f_rate),
                data,
                "—" if new is None else _pair(new.c_rate, new.f_rate),
                checks or verdict.reason or "—",
                shown or "—",
            )
        )
    counts = {k: sum(1 for v in result.verdicts if v.verdict == k) for k in _VERDICT_ORDER}
    notes = (
        f"policy {result.policy}: {counts['supports']} supported, {counts['contradicts']} "
        f"contradicted, {counts['cannot_judge']} cannot be judged, {counts['unrated']} unrated; "
        f"{len(result.changes)} rating(s) changed; data as of {suggestions.as_of.isoformat()}",
    )
    return TableSection(
        key="evidence",
        title=Text(en="What the data says about the ratings (C/F)", zh="数据对评分的佐证（C/F）"),
        columns=("item", "verdict", "assessor", "data", "after merge", "failing checks", "rows"),
        rows=tuple(rows),
        notes=notes,
    )


__all__ = ["evidence_section"]
