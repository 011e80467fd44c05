"""``ccmm check --settings FILE``: the library's report with the same settings; bad settings are
exit 2 naming the file and the check."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import crucial_args, run, run_json
from test_settings import _dirty, _run

SETTINGS = (
    "checks:\n"
    "  definition_reviewed: {enabled: false, reason: the group reviews definitions}\n"
    "  interval_granularity: {severity: warning, at_most: 60}\n"
    "  derived_matches_components: {tolerance: 0.01}\n"
)


def test_check_with_settings_equals_the_library(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(SETTINGS, encoding="utf-8")
    code, doc = run_json("check", *crucial_args("dirty"), "--settings", str(path))
    report = doc["sections"][0]["report"]  # type: ignore[index]
    expected = _run(_dirty(), settings=path, max_failures=50).to_dict()
    assert report["principles"] == json.loads(json.dumps(expected["principles"]))
    assert report["tolerance"] == 0.01
    reviewed = [
        c for c in report["principles"]["accurate"]["checks"] if c["check"] == "definition_reviewed"
    ]
    assert reviewed[0]["reason"] == "disabled: the group reviews definitions"
    assert code == 1


def test_bad_settings_file_is_bad_input_naming_file_and_check(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("checks:\n  trend_available: {min_periods: many}\n", encoding="utf-8")
    code, _, err = run("check", *crucial_args("clean"), "--settings", str(path), "-q")
    assert code == 2
    assert "settings.yaml" in err and "trend_available.min_periods" in err
