"""The command line under hostile use (#14): ``--max-failures`` reaches ``crucial.check`` and
every output format keeps at most that many failure rows per check while the counts it prints
stay exact."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccmm.__main__ import main
from ccmm.crucial import check
from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example
from ccmm.examples import example_path

DIRTY = example_path("crucial/dirty")
CLEAN = example_path("crucial/clean")


def _exact_failures() -> tuple[int, dict[str, int]]:
    t = load_example("dirty")
    report = check(
        t.facts,
        registry=t.registry,
        intervals=t.intervals,
        analysis_log=t.analysis_log,
        as_of=EXAMPLE_AS_OF,
    )
    per_check = report.failures.groupby("check").size().to_dict()
    return len(report.failures), {str(k): int(v) for k, v in per_check.items()}


def _run_check(fmt: str, max_failures: int) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    argv = [
        "check", str(DIRTY / "facts.csv"), "--registry", str(DIRTY / "registry.csv"),
        "--intervals", str(DIRTY / "intervals.csv"), "--analysis", str(DIRTY / "analysis_log.csv"),
        "--as-of", EXAMPLE_AS_OF, "--tz", "Europe/Berlin", "--format", fmt,
        "--max-failures", str(max_failures),
    ]  # fmt: skip
    status = main(argv, stdout=out, stderr=err)
    return status, out.getvalue()


@settings(max_examples=8)  # each run reads and checks four tables
@given(max_failures=st.integers(0, 3), fmt=st.sampled_from(["json", "text", "markdown", "html"]))
def test_max_failures_caps_rows_per_check_in_every_format_and_counts_stay_exact(
    max_failures: int, fmt: str
) -> None:
    total, per_check = _exact_failures()
    status, text = _run_check(fmt, max_failures)
    assert status == 1  # the dirty example fails principles: exit 1, not 0 and not 2
    shown = sum(min(n, max_failures) for n in per_check.values())
    if fmt == "json":
        (section,) = [s for s in json.loads(text)["sections"] if s["kind"] == "crucial"]
        assert section["n_failures"] == total
        assert section["failures_shown"] == shown
        rows = section["report"]["failures"]
        assert len(rows) == shown
        for name, n in per_check.items():
            assert sum(r["check"] == name for r in rows) == min(n, max_failures)
        counted = sum(p["n_failures"] for p in section["report"]["principles"].values())
        assert counted == total
    else:
        assert re.search(rf"\({total}\)", text), f"the exact count {total} is not shown"
        if shown < total:
            assert re.search(rf"\b{total - shown}\b", text), "the rows left out are not counted"


def _attainment_message(tmp_path: Path, facts: pd.DataFrame) -> tuple[int, str]:
    path = tmp_path / "facts.csv"
    facts.to_csv(path, index=False)
    out, err = io.StringIO(), io.StringIO()
    status = main(["attainment", str(path), "--as-of", EXAMPLE_AS_OF], stdout=out, stderr=err)
    return status, err.getvalue()


def test_attainment_on_an_empty_facts_table_says_the_table_is_empty(tmp_path: Path) -> None:
    header_only = pd.read_csv(CLEAN / "facts.csv").iloc[:0]
    status, message = _attainment_message(tmp_path, header_only)
    assert status == 2
    assert "no rows" in message
    assert "several entities" not in message


@settings(max_examples=10)
@given(levels=st.sampled_from([{"agent"}, {"agent", "team"}]))  # two agents at least
def test_attainment_messages_name_the_command_lines_entity_flag_not_a_python_argument(
    levels: set[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    facts = pd.read_csv(CLEAN / "facts.csv")
    facts = facts[facts["entity_level"].isin(levels)]  # no centre: several entities to pick from
    status, message = _attainment_message(tmp_path_factory.mktemp("facts"), facts)
    assert status == 2
    assert "--entity LEVEL:ID" in message
    assert "entity=" not in message
