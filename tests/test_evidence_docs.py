"""docs/evidence.md: the worked example's figures are what the code gives (the doc cannot drift).

Each block between ``<!-- worked-example:NAME -->`` and ``<!-- /worked-example:NAME -->`` in the
doc must equal what :func:`worked_example` renders now. Run this file as a script to print the
blocks for pasting into the doc.
"""

from __future__ import annotations

import re
from pathlib import Path

from strategies_evidence import suggest_example

from ccmm import evaluate
from ccmm.crucial import check
from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example
from ccmm.evidence import Suggestions, merge, suggest
from ccmm.examples import load_example_assessment

DOC = Path(__file__).resolve().parents[1] / "docs" / "evidence.md"
_BLOCK = re.compile(
    r"<!-- worked-example:(?P<name>[a-z-]+) -->\n(?P<body>.*?)<!-- /worked-example:(?P=name) -->",
    re.S,
)


def worked_example() -> dict[str, str]:
    """The doc's worked example, rendered from the bundled dirty dataset and example assessment."""
    s = suggest_example("dirty")
    a = load_example_assessment()
    capped = merge(a, s, policy="cap")
    report = merge(a, s, policy="report")
    before, after = evaluate(a), evaluate(capped.assessment)

    changes = ["| item | rating | assessor | data | after | checks behind the data's rating |"]
    changes.append("|---|---|---|---|---|---|")
    for c in capped.changes:
        failing = ", ".join(e.check for e in c.evidence if e.grade == c.suggested)
        label = "C-Rate" if c.rating == "c_rate" else "F-Rate"
        changes.append(
            f"| {c.item} | {label} | {c.assessor} | {c.suggested} | {c.result} | {failing} |"
        )

    def rule(ev: object, level: int, kind: str) -> str:
        lv = ev.level_result(level)  # type: ignore[attr-defined]
        for r in lv.rules:
            if r.label == kind:
                return f"{r.observed}/{r.denominator} (needs {r.required})"
        raise KeyError(kind)

    levels = [
        "| | level | total | C-Rate 10s in 1.0–4.0 | F-Rate 10s in 1.0–4.0 |",
        "|---|---|---|---|---|",
    ]
    for name, ev in (("assessor", before), ("capped by data", after)):
        levels.append(
            f"| {name} | L{ev.level} | {ev.total} | {rule(ev, 2, 'C-Rate 1.0–4.0')} | "
            f"{rule(ev, 2, 'F-Rate 1.0–4.0')} |"
        )
    counts = {
        v: sum(1 for x in report.verdicts if x.verdict == v)
        for v in ("supports", "contradicts", "cannot_judge", "unrated")
    }
    verdicts = ", ".join(f"{k}: {n}" for k, n in counts.items())
    return {
        "suggestions": s.to_markdown(),
        "changes": "\n".join(changes) + "\n",
        "levels": "\n".join(levels) + "\n",
        "verdicts": f"{verdicts}; report changed {len(report.changes)} rating(s) and listed "
        f"{len(report.disagreements)} disagreement(s); cap changed {len(capped.changes)}.\n",
    }


def test_doc_worked_example_matches_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    found = {m["name"]: m["body"] for m in _BLOCK.finditer(text)}
    expected = worked_example()
    assert set(found) == set(expected)
    for name, body in expected.items():
        assert found[name] == body, f"docs/evidence.md block {name!r} is out of date"


# The checks the clean example fails, and the setting or fact the doc names for each.
_CLEAN_FAILS = {
    "registry.customer_dimensions",
    "registry.operations_support_dimensions",
    "registry.financial_kinds",
    "facts.improvement_not_from_redefinition",  # 113.2: definitions reviewed on 2024-01-10
    "facts.no_hand_edits",  # 114.2: one approved hand edit, ADJ-2024-007
    "attainment.half_on_target",  # 127: cost per contact missed in 2024-01
    "attainment.three_quarters_on_target_or_improving",  # 128: the same month
}


def _failing(s: Suggestions) -> set[str]:
    return {
        e.check for x in s.suggestions for e in (*x.f_evidence, *x.c_evidence) if e.status == "fail"
    }


def test_the_clean_example_is_crucially_clean_and_fails_the_practice_checks_the_doc_names() -> None:
    t = load_example("clean")
    tables = {
        "registry": t.registry,
        "facts": t.facts,
        "intervals": t.intervals,
        "analysis_log": t.analysis_log,
    }
    assert check(t.facts, registry=t.registry, intervals=t.intervals,
                 analysis_log=t.analysis_log, as_of=EXAMPLE_AS_OF).passed  # fmt: skip
    assert _failing(suggest(**tables, as_of=EXAMPLE_AS_OF)) == _CLEAN_FAILS
    lenient = suggest(
        **tables, as_of=EXAMPLE_AS_OF, allow_approved_adjustments=True, attainment_window_months=2
    )
    assert _failing(lenient) == _CLEAN_FAILS - {
        "facts.no_hand_edits",
        "attainment.half_on_target",
        "attainment.three_quarters_on_target_or_improving",
    }
    reviewed = t.registry.set_index("metric")["definition_reviewed_on"].astype(str)
    assert reviewed["service_level"] == reviewed["abandon_rate"] == "2024-01-10"
    adjusted = t.facts[t.facts["manually_adjusted"].astype(bool)]
    assert list(adjusted["adjustment_ref"]) == ["ADJ-2024-007"]
    text = DOC.read_text(encoding="utf-8")
    for fact in ("2024-01-10", "ADJ-2024-007", "attainment_window_months=2", "2024-01"):
        assert fact in text


if __name__ == "__main__":
    for name, body in worked_example().items():
        print(f"<!-- worked-example:{name} -->\n{body}<!-- /worked-example:{name} -->\n")
