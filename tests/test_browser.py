"""The demo report in a real browser: headless Chromium renders it without console errors, the
rendered page shows the level, every rule and the plan, and a screenshot is kept as
``artifacts/report.png``. Run with ``pytest -m browser`` (``nox -s browser``)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

import ccmm
from ccmm.cli import main
from ccmm.examples import load_example_assessment
from ccmm.planning import plan

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]


def _chromium(profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "report.html"
    assert main(["demo", "-o", str(target), "-q"]) == 0
    return target


def test_rendered_dom_shows_level_rules_and_plan(report_file: Path, tmp_path: Path) -> None:
    done = _chromium(tmp_path / "profile", "--dump-dom", report_file.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    console = [ln for ln in done.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    assert console == []
    evaluation = ccmm.evaluate(load_example_assessment())
    assert f"L{evaluation.level} {evaluation.level_name.en}" in dom
    rule_rows = re.findall(r'<tr class="rule (pass|fail) level-(\d)">', dom)
    assert [(s == "pass", int(lv)) for s, lv in rule_rows] == [
        (r.holds, r.level) for r in evaluation.rules
    ]
    expected = plan(load_example_assessment(), evaluation.level + 1)
    assert dom.count('<tr class="step">') == len(expected.steps)
    assert dom.count("<svg") >= 3


def test_screenshot_is_saved_as_an_artifact(report_file: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    done = _chromium(
        tmp_path / "profile",
        f"--screenshot={shot}",
        "--window-size=1200,3000",
        "--hide-scrollbars",
        report_file.as_uri(),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
