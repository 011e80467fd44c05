"""Every ccmm error class: a stable code documented in docs/errors.md, and pickling that keeps
the message, the problems and the class's own fields (tested by generating each class)."""

from __future__ import annotations

import importlib
import pickle
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ccmm
from ccmm import CCMMError

ERRORS_DOC = Path(__file__).resolve().parents[1] / "docs" / "errors.md"
ROW = re.compile(
    r"^\| `(?P<cls>\w+)` \| `(?P<code>[a-z-]+)` \| (?P<status>\d) \| (?P<example>.+) \|$"
)


def _all_error_classes() -> list[type[CCMMError]]:
    for info in pkgutil.walk_packages(ccmm.__path__, "ccmm."):
        if "._spark" in info.name or info.name.endswith("__main__"):
            continue  # the Spark backend needs pyspark; __main__ runs the command line
        importlib.import_module(info.name)
    found: list[type[CCMMError]] = []
    todo = [CCMMError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda c: c.__name__)


ERROR_CLASSES = _all_error_classes()


def _documented() -> dict[str, tuple[str, int]]:
    rows = {}
    for line in ERRORS_DOC.read_text(encoding="utf-8").splitlines():
        if match := ROW.match(line):
            rows[match["cls"]] = (match["code"], int(match["status"]))
    return rows


def test_every_error_class_is_public_and_listed_in_docs_errors_with_its_own_code() -> None:
    documented = _documented()
    assert set(documented) == {cls.__name__ for cls in ERROR_CLASSES}
    for cls in ERROR_CLASSES:
        assert getattr(ccmm, cls.__name__) is cls, f"{cls.__name__} is not exported from ccmm"
        assert "code" in vars(cls), f"{cls.__name__} inherits its code instead of having its own"
        assert documented[cls.__name__][0] == cls.code
    codes = [cls.code for cls in ERROR_CLASSES]
    assert len(set(codes)) == len(codes), "two error classes share a code"


def test_documented_exit_status_is_what_the_command_line_returns_for_bad_input(
    tmp_path: Path,
) -> None:
    from ccmm.__main__ import main

    statuses = {status for _, status in _documented().values()}
    missing = tmp_path / "no-such-assessment.json"
    assert statuses == {main(["evaluate", str(missing)])}


messages = st.text(min_size=1, max_size=40)
problem_lists = st.lists(st.text(max_size=30), max_size=4)

#: How to build each class; a new class without an entry fails the test below.
BUILDERS: dict[str, Callable[[st.DataObject, type[CCMMError]], CCMMError]] = {
    "IncompleteAssessmentError": lambda data, cls: cls(  # type: ignore[call-arg]
        data.draw(messages), missing=data.draw(st.lists(st.text(max_size=8), max_size=5))
    ),
}


def _build(data: st.DataObject, cls: type[CCMMError]) -> CCMMError:
    if cls.__name__ in BUILDERS:
        return BUILDERS[cls.__name__](data, cls)
    return cls(data.draw(messages), problems=data.draw(problem_lists))


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda c: c.__name__)
@given(data=st.data())
def test_every_error_survives_pickling_with_message_problems_and_fields(
    cls: type[CCMMError], data: st.DataObject
) -> None:
    error = _build(data, cls)
    for protocol in (pickle.DEFAULT_PROTOCOL, pickle.HIGHEST_PROTOCOL):
        copy = pickle.loads(pickle.dumps(error, protocol=protocol))
        assert type(copy) is cls
        assert str(copy) == str(error)
        assert copy.problems == error.problems
        assert copy.code == cls.code
        assert vars(copy) == vars(error)  # missing, and any field a subclass adds
        assert isinstance(copy, CCMMError)
