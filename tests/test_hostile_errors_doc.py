"""The promise about errors (README, docs/errors.md, docs/limits.md) held against the code (#14).

docs/errors.md gives every error class an example message and an exit status: each example is
produced here by a real call and must be what ccmm says, and the command line must turn each
class into one line on standard error with the documented status. docs/limits.md must list every
`ccmm.Limits` setting with its default. (tests/test_public_api_errors.py keeps the list of classes
and their codes in step with the code.)
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import ccmm
import ccmm.kpi
from ccmm import CCMMError
from ccmm.cli import cli_message, main
from ccmm.crucial.examples import load_example
from ccmm.examples import load_example_assessment

ROOT = Path(__file__).resolve().parents[1]
ROW = re.compile(
    r"^\| `(?P<cls>\w+)` \| `(?P<code>[a-z-]+)` \| (?P<status>\d) \| (?P<example>.+) \|$"
)


def _documented() -> dict[str, tuple[int, list[str]]]:
    """Class name -> (exit status, the example's lines as the table quotes them)."""
    rows = {}
    for line in (ROOT / "docs" / "errors.md").read_text(encoding="utf-8").splitlines():
        if match := ROW.match(line):
            rows[match["cls"]] = (int(match["status"]), re.findall(r"`([^`]+)`", match["example"]))
    return rows


DOCUMENTED = _documented()


def _acme() -> ccmm.Assessment:
    return load_example_assessment().model_copy(update={"organisation": "Acme"})


def _three_items_rated() -> ccmm.Evaluation:
    acme = _acme()
    return ccmm.evaluate(acme.model_copy(update={"scores": dict(list(acme.scores.items())[:3])}))


def _no_matplotlib() -> object:
    evaluation = ccmm.evaluate(load_example_assessment())
    saved = {k: v for k, v in sys.modules.items() if k.split(".")[0] == "matplotlib"}
    sys.modules["matplotlib"] = None  # type: ignore[assignment]  # import matplotlib fails
    try:
        return evaluation.plot()
    finally:
        del sys.modules["matplotlib"]
        sys.modules.update(saved)


#: A real call that raises each documented class with its documented example.
TRIGGERS: dict[str, Callable[[], object]] = {
    "CCMMError": lambda: ccmm.Text(en="x"),  # type: ignore[call-arg]
    "StandardError": lambda: ccmm.load_standard("cc-cmm-oc", "1999"),
    "StandardMismatchError": lambda: ccmm.compare(
        _acme(), _acme().model_copy(update={"edition": "2020"})
    ),
    "AssessmentError": lambda: ccmm.ItemScore(c_rate=7, f_rate=5),  # type: ignore[arg-type]
    "IncompleteAssessmentError": _three_items_rated,
    "InputDataError": lambda: ccmm.kpi.compute(
        load_example("clean").intervals.drop(columns=["queue"]), by=["queue"]
    ),
    "MissingExtraError": _no_matplotlib,
}


def _raised(name: str) -> CCMMError:
    with pytest.raises(CCMMError) as raised:
        TRIGGERS[name]()
    return raised.value


def test_every_documented_class_has_a_trigger_here() -> None:
    assert set(TRIGGERS) == set(DOCUMENTED)


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_every_documented_example_message_is_what_ccmm_says(name: str) -> None:
    error = _raised(name)
    assert type(error).__name__ == name
    lines = str(error).splitlines()
    quoted = DOCUMENTED[name][1]
    assert quoted and len(lines) >= len(quoted)
    for shown, line in zip(quoted, lines, strict=False):
        assert line.startswith(shown.removesuffix("…")), (shown, line)


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_the_command_line_prints_each_error_class_as_one_line_with_its_documented_status(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    error = _raised(name)

    def fails(*_args: object, **_kwargs: object) -> str:
        raise error

    # The first step of every command inside the CLI's error handling raises the error.
    monkeypatch.setattr(sys.modules["ccmm.cli"], "output_format", fails)
    out, err = io.StringIO(), io.StringIO()
    status = main(["evaluate"], stdout=out, stderr=err)
    assert status == DOCUMENTED[name][0]
    assert err.getvalue().splitlines() == [f"ccmm evaluate: error: {cli_message(error)}"]
    assert str(error).splitlines()[0][:60] in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert out.getvalue() == ""


def test_docs_limits_lists_every_limits_setting_with_its_default() -> None:
    text = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+) \|", text, flags=re.MULTILINE))
    assert set(rows) == set(ccmm.Limits.model_fields)
    for name, field in ccmm.Limits.model_fields.items():
        numbers = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", rows[name])]
        assert field.default in numbers, (name, rows[name], field.default)


def test_the_readme_promise_names_real_error_classes_the_error_pages_and_the_exit_status() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Errors\n", 1)[1].split("\n## ", 1)[0]
    assert "(docs/errors.md)" in section and "(docs/limits.md)" in section
    named = re.findall(r"`ccmm\.(\w+)`", section)
    assert named
    for name in named:
        assert issubclass(getattr(ccmm, name), CCMMError)
    assert "status 2" in section
    assert {status for status, _ in DOCUMENTED.values()} == {2}
