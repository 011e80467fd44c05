"""docs/contributing.md promises that a check of an existing kind is data only: one relation in
``tables/row_rules.yaml`` and one entry in the edition's ``crucial.yaml``, and nothing else.

This test does what the page says, with the page's own YAML, on a copy of the package, and runs
the check there (in a fresh interpreter, since the standard's data is read once per process):
pandas, polars and Spark (in the spark suite, ``nox -s spark``) report the new check's failing
row with its message, under its principle.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "contributing.md"


def _the_pages_yaml() -> tuple[str, str]:
    """The two YAML blocks of "A check of an existing kind": the relation, then the check."""
    section = PAGE.read_text(encoding="utf-8").split("## A check of an existing kind", 1)[1]
    relation, entry = re.findall(r"```yaml\n(.*?)```", section, re.S)[:2]
    return relation, entry


def _insert_after(text: str, anchor: str, lines: str) -> str:
    assert text.count(anchor) == 1, anchor
    at = text.index(anchor) + len(anchor)
    return text[:at] + lines + text[at:]


_RUN = r"""
import json, os, sys
import ccmm
# The copy with the contributor's two entries, not an installed ccmm.
assert os.path.realpath(ccmm.__file__).startswith(os.path.realpath(os.getcwd())), ccmm.__file__
from ccmm.crucial import check
from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example

tables = load_example("clean")
intervals = tables.intervals.copy()
# Row 3: 4 short abandons, 2 answered, 5 abandoned: breaks only the new relation.
intervals.loc[3, ["offered", "answered", "abandoned", "abandoned_short"]] = [7, 2, 5, 4]
intervals.loc[3, "answered_within_threshold"] = 2
frames = {"pandas": intervals}
if sys.argv[1] == "polars":
    from test_crucial import _to_polars  # column by column: no pyarrow needed
    frames = {"polars": _to_polars(intervals)}
if sys.argv[1] == "spark":
    from pyspark.sql import SparkSession
    from ccmm.crucial.examples import EXAMPLE_TIME_ZONE
    from test_spark import to_spark
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.sql.session.timeZone", EXAMPLE_TIME_ZONE).getOrCreate())
    frames = {"spark": to_spark(spark, intervals)}
for backend, frame in frames.items():
    report = check(tables.facts, registry=tables.registry, intervals=frame,
                   analysis_log=tables.analysis_log, as_of=EXAMPLE_AS_OF)
    failures = report.failures[report.failures["check"] == "short_abandons_within_answered"]
    logical = [r.check for r in report.principles["logical"].checks]
    others = sorted(set(report.failures["check"]) - {"short_abandons_within_answered"})
    print(json.dumps({"messages": failures["message"].tolist(),
                      "row_keys": failures["row_key"].tolist(),
                      "others": others, "logical": logical}))
"""


@pytest.fixture(scope="module")
def package_with_the_new_check(tmp_path_factory: pytest.TempPathFactory) -> Path:
    relation, entry = _the_pages_yaml()
    copy = tmp_path_factory.mktemp("contributor")
    shutil.copytree(ROOT / "ccmm", copy / "ccmm", ignore=shutil.ignore_patterns("__pycache__"))
    data = copy / "ccmm" / "standard_data"
    rules = data / "tables" / "row_rules.yaml"
    # "under tables: intervals:" — the page's line, without its comment.
    line = "\n".join(x for x in relation.splitlines() if not x.lstrip().startswith("#")) + "\n"
    rules.write_text(_insert_after(rules.read_text(), "tables:\n  intervals:\n", line))
    # "in report order, under its principle": after the last logical row rule.
    checks = data / "cc-cmm-oc" / "2017" / "crucial.yaml"
    block = "\n".join(x for x in entry.splitlines() if not x.lstrip().startswith("#")) + "\n"
    anchor = 'message: "short abandons = {value} exceed abandoned = {expected}"\n'
    checks.write_text(_insert_after(checks.read_text(), anchor, block))
    return copy


@pytest.mark.parametrize(
    "backend", ["pandas", "polars", pytest.param("spark", marks=pytest.mark.spark)]
)
def test_the_documented_new_check_is_data_only_and_runs_on_each_backend(
    package_with_the_new_check: Path, backend: str
) -> None:
    pytest.importorskip("pyspark" if backend == "spark" else backend)
    run = subprocess.run(
        [sys.executable, "-c", _RUN, backend],
        cwd=package_with_the_new_check,
        # The copy first; the tests folder for the polars conversion the other tests use.
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(package_with_the_new_check), str(ROOT / "tests")]),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout.strip().splitlines()[-1])
    assert found["messages"] == ["short abandons = 4 exceed answered = 2"]
    assert len(found["row_keys"]) == 1
    assert found["others"] == []  # the clean example breaks nothing else
    assert "short_abandons_within_answered" in found["logical"]
