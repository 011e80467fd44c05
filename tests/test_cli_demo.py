"""``ccmm demo`` on the terminal (issue #15): the summary speaks the report's language, its
staffing peak is the report's own figure, and ``evaluate --evidence`` says when approved hand
edits were let pass (issue #19)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_cli import run

import ccmm
from ccmm.examples import example_path

CLEAN = Path(ccmm.__file__).parent / "examples" / "crucial" / "clean"
AS_OF = "2024-04-15"
# Words that stay as they are in a Chinese summary: ids, names of models and principles' owner.
_KEPT = re.compile(r"CRUCIAL|Erlang C|cc-cmm-oc|cc-cmm-\d+|L\d|T1|\d+")


def _demo(tmp_path: Path, *extra: str) -> list[str]:
    target = tmp_path / "report.html"
    code, out, err = run("demo", "-o", str(target), "-q", *extra)
    assert code == 0, err
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    return out.splitlines()


def test_the_demo_summary_is_chinese_under_lang_zh(tmp_path: Path) -> None:
    lines = _demo(tmp_path, "--lang", "zh")
    evaluation = ccmm.evaluate(ccmm.read_assessment(example_path()))
    assert lines[0].startswith(f"等级：L{evaluation.level} ")
    assert f"{evaluation.total}/{evaluation.max_total} 分" in lines[0]
    assert lines[-1] == f"报告：{(tmp_path / 'report.html').resolve()}"
    for line in lines[:-1]:  # the path may hold any letters
        words = re.findall(r"[A-Za-z]{2,}", _KEPT.sub("", line))
        assert not words, (line, words)
    english = _demo(tmp_path, "--lang", "en", "--force")
    assert len(english) == len(lines)  # the same facts, one line each


def _peak_line(lines: list[str], lang: str) -> str:
    head = "staffing peak" if lang == "en" else "人员配置峰值"
    found = [line for line in lines if line.startswith(head)]
    assert len(found) == 1, lines
    return found[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_terminal_staffing_peak_is_the_reports_summary_peak(tmp_path: Path, lang: str) -> None:
    line = _peak_line(_demo(tmp_path, "--lang", lang), lang)
    code, out, _ = run("demo", "--format", "json", "-q")
    assert code == 0
    doc = json.loads(out)
    summary = next(s for s in doc["sections"] if s["kind"] == "summary")
    staffing = next(s for s in doc["sections"] if s["kind"] == "staffing")
    peak = summary["staffing_peak"]
    # One computation: the summary's peak is the staffing section's, the busiest time of day
    # with every group summed; the terminal shows that same figure and time.
    assert peak == staffing["peak"]
    assert peak["required"] == max(t["required"] for t in staffing["by_time"])
    per_group = max(r["peak_agents"] for r in staffing["rows"])
    assert peak["required"] >= per_group  # summed over groups: never below one group's peak
    required = f"{peak['required']:.1f}".rstrip("0").rstrip(".")
    assert peak["time"] in line and f" {required} " in line
    if lang == "en":
        assert "all groups together, by time of day" in line
        assert f"{required} agents needed at {peak['time']}" in line


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_evaluate_evidence_says_when_approved_adjustments_were_allowed(fmt: str) -> None:
    # The clean example holds one hand edit with an approval reference (ADJ-2024-007).
    base = ["evaluate", "--evidence", str(CLEAN), "--as-of", AS_OF, "--format", fmt, "-q"]
    outputs = {}
    for allowed in (False, True):
        code, out, err = run(*base, *(["--allow-approved-adjustments"] if allowed else []))
        assert code == 0, err
        outputs[allowed] = out
    if fmt == "json":
        flags = {}
        for allowed, out in outputs.items():
            section = next(s for s in json.loads(out)["sections"] if s["kind"] == "evidence")
            flags[allowed] = section["allow_approved_adjustments"]
            row = next(r for r in section["rows"] if r[0] == "114.2")
            assert (row[4][1] == 10) == allowed  # the data's F-Rate of 114.2
        assert flags == {False: False, True: True}
        return
    line = "allow_approved_adjustments was used"
    shown = {k: v.replace("\\_", "_") for k, v in outputs.items()}  # Markdown escapes "_"
    assert line not in shown[False]
    assert shown[True].count(line) == 1


def test_the_attainment_window_flag_reaches_the_report() -> None:
    base = ["evaluate", "--evidence", str(CLEAN), "--as-of", AS_OF, "-q"]
    code, out, _ = run(*base, "--attainment-window", "1")
    assert code == 0
    assert "127 and 128: target attainment judged in each of the last 1 complete months" in out
    assert "judged in each of the last" not in run(*base)[1]
    code, _, err = run(*base, "--attainment-window", "0")
    assert code == 2 and "from 1 to 120, got 0" in err
