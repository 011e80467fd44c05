"""``ccmm evaluate FILE --evidence DIR``: which ratings the data supports, contradicts or cannot
judge, with the same figures as the library (issue: data-backed assessment)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from test_cli import run

import ccmm
from ccmm.evidence import merge, suggest_from_directory
from ccmm.examples import example_path, load_example_assessment

DIRTY = Path(ccmm.__file__).parent / "examples" / "crucial" / "dirty"
AS_OF = "2024-04-15"


def _evidence_rows(report: dict[str, object]) -> list[list[object]]:
    sections = report["sections"]
    assert isinstance(sections, list)
    table = next(s for s in sections if s.get("key") == "evidence")
    return table["rows"]


def test_report_policy_lists_every_verdict_of_the_library() -> None:
    code, out, _ = run(
        "evaluate", str(example_path()), "--evidence", str(DIRTY), "--as-of", AS_OF,
        "--format", "json", "-q",
    )  # fmt: skip
    assert code == 0
    rows = _evidence_rows(json.loads(out))
    expected = merge(
        load_example_assessment(),
        suggest_from_directory(DIRTY, as_of=date(2024, 4, 15)),
        policy="report",
    )
    assert {(r[0], r[1]) for r in rows} == {
        (v.item, v.verdict.replace("_", " ")) for v in expected.verdicts
    }
    assert any(r[1] == "contradicts" for r in rows)


def test_cap_policy_gates_the_merged_assessment() -> None:
    suggestions = suggest_from_directory(DIRTY, as_of=date(2024, 4, 15))
    capped = merge(load_example_assessment(), suggestions, policy="cap").assessment
    level = ccmm.evaluate(capped, allow_missing=True).level
    base = ["evaluate", str(example_path()), "--evidence", str(DIRTY), "--as-of", AS_OF, "-q"]
    assert run(*base, "--policy", "cap", "--min-level", str(level))[0] == 0
    assert run(*base, "--policy", "cap", "--min-level", str(level + 1))[0] == 1


def test_the_html_report_shows_the_verdicts() -> None:
    code, out, _ = run(
        "evaluate", "--evidence", str(DIRTY), "--as-of", AS_OF, "--format", "html", "-q"
    )
    assert code == 0
    assert "contradicts" in out and "supports" in out and "cannot judge" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--evidence", str(DIRTY)], "--evidence needs --as-of"),
        (["--evidence", "/no/such/dir", "--as-of", AS_OF], "no/such/dir"),
        (["--evidence", str(DIRTY), "--as-of", "15/04/2024"], "--as-of"),
    ],
)
def test_bad_evidence_input_exits_2_with_the_message(extra: list[str], message: str) -> None:
    code, _, err = run("evaluate", *extra)
    assert code == 2
    assert message in err and "Traceback" not in err
