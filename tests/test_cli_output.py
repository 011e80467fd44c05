"""The command line's promises about output and bad input (issues #14 and #15).

Every command in every format; the demo's summary; option values refused at parse time with one
line and exit 2; user text (control characters, markup, newlines) never reaching the output raw;
``-o`` written atomically and never through a symbolic link.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ccmm
from ccmm._escape import drop_controls, markdown_inline, one_line
from ccmm.cli import build_parser, main
from ccmm.crucial.examples import EXAMPLE_AS_OF
from ccmm.examples import example_path

ASSESSMENT = example_path()
CLEAN = example_path("crucial") / "clean"
ROOT = Path(__file__).resolve().parent.parent


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def command_lines(tmp: Path) -> dict[str, list[str]]:
    """One working invocation of every command."""
    other = tmp / "second.json"
    shutil.copy(ASSESSMENT, other)
    return {
        "evaluate": [str(ASSESSMENT)],
        "plan": [str(ASSESSMENT), "--to", "3"],
        "compare": [str(ASSESSMENT), str(other)],
        "agreement": [str(ASSESSMENT), str(other)],
        "template": ["-o", str(tmp / "template.csv")],
        "catalogue": ["--search", "culture"],
        "check": [
            str(CLEAN / "facts.csv"),
            "--registry",
            str(CLEAN / "registry.csv"),
            "--as-of",
            EXAMPLE_AS_OF,
        ],
        "kpi": [str(CLEAN / "intervals.csv")],
        "attainment": [
            str(CLEAN / "facts.csv"),
            "--registry",
            str(CLEAN / "registry.csv"),
            "--as-of",
            "2024-03-31",
            "--entity",
            "team:T1",
        ],
        "staff": ["--calls", "100", "--aht", "240", "--target", "80/20"],
        "demo": [],
    }


COMMANDS = tuple(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


def test_the_format_tests_cover_every_command(tmp_path: Path) -> None:
    assert set(command_lines(tmp_path)) == set(COMMANDS)
    assert len(COMMANDS) == 11


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_writes_every_format(
    command: str, fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = command_lines(tmp_path)[command]
    code, out, err = run(command, *argv, "--format", fmt, "-q")
    assert code in (0, 1), err
    assert out.strip(), f"{command} --format {fmt} wrote nothing"
    if command == "demo" and fmt == "html":  # the report goes to its file, a summary to stdout
        report = tmp_path / "ccmm-report.html"
        assert out.splitlines()[-1] == f"report: {report.resolve()}"
        assert report.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        return
    if fmt == "json":
        json.loads(out)
    elif fmt == "html":
        assert out.lstrip().startswith(("<!DOCTYPE html>", "<p>"))
    elif fmt == "markdown" and command != "template":
        assert out.startswith("# ")
    if fmt == "text":  # plain text: no Markdown tables, headings, emphasis or escapes
        assert "|---" not in out and "\\_" not in out and "&lt;" not in out
        assert not any(line.startswith(("# ", "## ", "**")) for line in out.splitlines())
    if fmt != "html":
        assert "<!DOCTYPE" not in out
    assert not (tmp_path / "ccmm-report.html").exists()


# ---- demo -------------------------------------------------------------------------------------
def test_demo_summary_names_level_points_steps_crucial_attainment_staffing_and_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("demo", "-q")
    evaluation = ccmm.evaluate(ccmm.read_assessment(ASSESSMENT))
    plan = ccmm.plan(ccmm.read_assessment(ASSESSMENT), evaluation.level + 1)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"level: L{evaluation.level} ")
    assert f"{evaluation.total} of {evaluation.max_total} points" in lines[0]
    assert f"to reach L{evaluation.level + 1}: {len(plan.steps)} rating step(s)" in out
    assert "CRUCIAL, dirty data: collectable" in out
    assert "attainment (" in out and "staffing peak (all groups together, by time of day): " in out
    written = tmp_path / "ccmm-report.html"
    assert lines[-1] == f"report: {written.resolve()}"
    assert Path(lines[-1].removeprefix("report: ")).is_absolute()
    assert written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_demo_never_writes_another_format_into_an_html_file(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, _, err = run("demo", "--format", fmt, "-o", str(target), "-q")
    assert code == 2 and not target.exists()
    assert len(err.splitlines()) == 1 and "is not HTML" in err


def test_demo_in_markdown_goes_to_stdout_or_to_the_file_named(tmp_path: Path) -> None:
    code, out, _ = run("demo", "--format", "markdown", "-q")
    assert code == 0 and out.startswith("# ")
    target = tmp_path / "report.md"
    assert run("demo", "-o", str(target), "-q")[0] == 0
    assert target.read_text(encoding="utf-8") == out


# ---- options --------------------------------------------------------------------------------
def _all_parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    parser = build_parser()
    subparsers = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    return [("ccmm", parser), *subparsers.items()]


def test_every_option_of_every_command_has_help_text() -> None:
    missing = [
        f"{name} {action.option_strings or action.dest}"
        for name, parser in _all_parsers()
        for action in parser._actions
        if not action.help and not isinstance(action, argparse._SubParsersAction)
    ]
    assert missing == []


BAD_VALUES = {
    ("kpi", str(CLEAN / "intervals.csv")): ("--min-service-level", "--tz"),
    ("agreement", str(ASSESSMENT), str(ASSESSMENT)): ("--min-alpha",),
    ("check", str(CLEAN / "facts.csv"), "--registry", str(CLEAN / "registry.csv")): (
        "--as-of",
        "--tolerance",
        "--tz",
    ),
    ("attainment", str(CLEAN / "facts.csv"), "--as-of", "2024-03-31"): ("--window-months",),
    ("staff", "--target", "80/20"): ("--calls", "--aht", "--max-occupancy"),
}
_NON_FINITE = st.sampled_from(["nan", "NaN", "inf", "-inf", "1e400", "-1e400", "Infinity"])
_JUNK = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=30
).filter(lambda t: not t.startswith("-"))


@pytest.mark.parametrize(
    ("argv", "option"),
    [(argv, option) for argv, options in BAD_VALUES.items() for option in options],
)
@settings(max_examples=15)
@given(value=st.one_of(_NON_FINITE, _JUNK))
def test_a_non_finite_or_junk_option_value_exits_2_with_one_line(
    argv: tuple[str, ...], option: str, value: str
) -> None:
    from ccmm.cli._parser import build_parser as parser_of

    namespace = None
    with contextlib.suppress(SystemExit):
        namespace = parser_of().parse_args(
            [*argv, option, value, "--as-of", "2024-03-31"]
            if option != "--as-of" and "--as-of" not in argv and argv[0] == "check"
            else [*argv, option, value]
        )
    if namespace is not None:  # a value the option takes: it must be finite and in range
        parsed = getattr(namespace, option.lstrip("-").replace("-", "_"))
        if isinstance(parsed, float):
            assert parsed == parsed and abs(parsed) != float("inf")
        return
    code, _, err = run(*argv, option, value, "-q")
    assert code == 2
    assert len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["kpi", str(CLEAN / "intervals.csv"), "--min-service-level", "nan"],
        ["agreement", str(ASSESSMENT), str(ASSESSMENT), "--min-alpha", "nan"],
        ["kpi", str(CLEAN / "intervals.csv"), "--tz", "Mars/Olympus"],
        [
            "attainment",
            str(CLEAN / "facts.csv"),
            "--as-of",
            "2024-03-31",
            "--window-months",
            "1000000000",
        ],
        ["attainment", str(CLEAN / "facts.csv"), "--as-of", "0001-01-01"],
        ["evaluate", "/dev/zero"],
        ["evaluate", str(ROOT)],
        ["plan", str(ASSESSMENT), "--to", "9" * 5000],
    ],
    ids=lambda argv: " ".join(a[:20] for a in argv[:1] + argv[-2:]),
)
def test_the_reported_bad_inputs_exit_2_with_one_line(argv: list[str]) -> None:
    code, _, err = run(*argv, "-q")
    assert code == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert len(err) < 400


def test_library_messages_name_cli_flags_not_python_arguments(tmp_path: Path) -> None:
    partial = tmp_path / "partial.json"
    data = json.loads(ASSESSMENT.read_text(encoding="utf-8"))
    data["scores"].pop("1")
    partial.write_text(json.dumps(data), encoding="utf-8")
    for command in (["evaluate", str(partial)], ["plan", str(partial), "--to", "3"]):
        code, _, err = run(*command, "-q")
        assert code == 2
        assert "--allow-missing" in err and "allow_missing=" not in err
        assert run(*command, "--allow-missing", "-q")[0] in (0, 1)


def test_no_level_has_the_same_words_in_evaluate_and_plan(tmp_path: Path) -> None:
    from ccmm.scoring import NO_LEVEL

    zero = tmp_path / "zero.json"
    data = json.loads(ASSESSMENT.read_text(encoding="utf-8"))
    data["scores"] = {k: {"c_rate": 0, "f_rate": 0} for k in data["scores"]}
    zero.write_text(json.dumps(data), encoding="utf-8")
    _, evaluated, _ = run("evaluate", str(zero), "-q")
    _, planned, _ = run("plan", str(zero), "--to", "1", "-q")
    assert NO_LEVEL.en in evaluated
    assert NO_LEVEL.en.lower() in planned and "now L0" not in planned


# ---- user text never reaches the output raw ---------------------------------------------------
_HOSTILE = st.lists(
    st.sampled_from(
        ["\x1b[31m", "\x00", "\x07", "\n", "\r", "<script>", "|", "#", "a", "\u202e", "\x9b"]
    ),
    min_size=1,
    max_size=8,
).map("".join)


@settings(max_examples=25)
@given(text=st.text(max_size=40) | _HOSTILE)
def test_escaped_text_has_no_controls_no_markup_and_one_line(text: str) -> None:
    for shown in (one_line(text), markdown_inline(text)):
        assert "\n" not in shown and "\x1b" not in shown and "\x00" not in shown
    assert "<" not in markdown_inline(text) and "|" not in markdown_inline(text).replace("\\|", "")
    assert "\n" in drop_controls("a\nb") and drop_controls(text) == drop_controls(
        drop_controls(text)
    )


@settings(max_examples=8, deadline=None)
@given(name=_HOSTILE)
def test_an_organisation_name_reaches_no_output_raw(name: str) -> None:
    import tempfile

    data = json.loads(ASSESSMENT.read_text(encoding="utf-8"))
    data["organisation"] = "Acme " + name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        for fmt in ("text", "markdown", "html", "json"):
            code, out, err = run("evaluate", str(path), "--format", fmt, "-q")
            assert code == 0, err
            assert not any(c in out for c in ("\x1b", "\x00", "\x07", "\x9b", "\u202e"))
            if fmt in ("markdown", "html"):  # JSON holds the name as data, in a string
                assert "<script>" not in out
            if fmt == "json":
                assert json.loads(out)["title"]["en"].endswith(name)  # the data itself, escaped
            if fmt == "markdown":
                heading = out.splitlines()[0]
                assert heading.startswith("# ") and "Acme" in heading


def test_ascii_only_stdout_does_not_crash() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "ccmm", "evaluate", "--lang", "zh", "-q"],
        capture_output=True,
        env=env,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-400:]
    assert b"Traceback" not in done.stderr and b"\\u" in done.stdout


# ---- -o ---------------------------------------------------------------------------------------
def test_output_onto_a_symlink_is_refused_unless_force(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "out.txt"
    link.symlink_to(target)
    code, _, err = run("catalogue", "-o", str(link), "-q")
    assert code == 2 and "symbolic link" in err and len(err.splitlines()) == 1
    assert target.read_text(encoding="utf-8") == "keep me"
    code, _, _ = run("template", "-o", str(tmp_path / "t.csv"), "-q")
    (tmp_path / "t-link.csv").symlink_to(target)
    assert run("template", "-o", str(tmp_path / "t-link.csv"), "-q")[0] == 2
    assert run("catalogue", "-o", str(link), "--force", "-q")[0] == 0
    assert target.read_text(encoding="utf-8") == "keep me"  # the link was replaced, not its target
    assert not link.is_symlink() and "Items" in link.read_text(encoding="utf-8")


def test_output_files_are_replaced_whole_and_leave_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    assert run("evaluate", "-o", str(target), "-q")[0] == 0
    assert target.read_text(encoding="utf-8").startswith("# ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


# ---- row numbers --------------------------------------------------------------------------
@settings(max_examples=10, deadline=None)
@given(bad=st.integers(min_value=0, max_value=8), rows=st.integers(min_value=9, max_value=20))
def test_cli_row_numbers_are_file_lines_as_the_readers_count(bad: int, rows: int) -> None:
    """The header is line 1, so data row k (0-based) is line k + 2, in every message."""
    import tempfile

    lines = ["subject,rater,score"]
    for k in range(rows):
        score = "abc" if k == bad else str(k % 3)
        lines.append(f"s{k // 2},r{k % 2},{score}")
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "calls.csv"
        table.write_text("\n".join(lines) + "\n", encoding="utf-8")
        code, _, err = run("agreement", str(table), "-q")
    assert code == 2
    line = bad + 2
    assert lines[line - 1].endswith(",abc")  # the line a text editor shows
    assert f"row {line}" in err or f"row {line}:" in err, err


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    from ccmm.cli._output import write_atomically

    target = tmp_path / "report.md"
    target.write_text("old report", encoding="utf-8")

    def half_then_crash(temporary: Path) -> None:
        temporary.write_text("half a rep", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        write_atomically(target, half_then_crash)
    assert target.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


# ---- progress ---------------------------------------------------------------------------------
class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize("tty", [True, False])
def test_progress_shows_on_a_terminal_and_nothing_when_piped(tty: bool) -> None:
    import threading

    from ccmm.cli._progress import Progress

    stream = _Stream(tty)
    progress = Progress(stream, delay=0.0, every=0.01)
    shown = threading.Event()
    with progress.step("reading \x1b[2Jbig.csv"):
        # A slow step: wait until the terminal line has been drawn (bounded, never on a pipe).
        for _ in range(200):
            if stream.getvalue():
                shown.set()
                break
            threading.Event().wait(0.01)
    text = stream.getvalue()
    if tty:
        assert shown.is_set() and text.startswith("\rccmm: reading ") and "done in" in text
        assert "\x1b" not in text
    else:
        assert text == ""
