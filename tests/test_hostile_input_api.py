"""The junk harness: every public callable of ccmm, fed junk of every kind, returns normally or
raises a `ccmm.CCMMError` — never a `TypeError`, `AttributeError`, `KeyError`, pydantic or pandas
error, and never a traceback a user has to read.

The callables are discovered, not listed: every name in the ``__all__`` of ``ccmm`` and of each
of its public modules (no part of the dotted name starts with ``_``) that is a function, a class
or a cached function. A new public function is fed junk the day it is exported.

Each call gives one argument junk (wrong types, None, NaN, inf, -1, 2**63, huge and control
character strings, empty frames, frames with duplicated columns, dicts, lists) and the others a
valid value where the harness knows one by the parameter's name, junk otherwise; so the junk
reaches past the first argument's guard. The example count per callable is small so that the
whole harness stays well under a minute on two cores.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import math
import os
import pkgutil
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_junk import junk_frames, junk_scalars

import ccmm

#: Public objects that are callable but whose call is another library's contract, not ours.
NOT_OURS: dict[str, str] = {
    # pandera DataFrameSchema objects: calling one validates a frame and raises pandera's
    # SchemaError by pandera's contract; ccmm's own entry points (crucial.check) wrap them.
    "ccmm.crucial.schemas.analysis_log": "pandera schema object",
    "ccmm.crucial.schemas.facts": "pandera schema object",
    "ccmm.crucial.schemas.intervals": "pandera schema object",
    "ccmm.crucial.schemas.registry": "pandera schema object",
}


def _public_modules() -> list[str]:
    names = ["ccmm"]
    for info in pkgutil.walk_packages(ccmm.__path__, "ccmm."):
        parts = info.name.split(".")[1:]
        if any(p.startswith("_") for p in parts) or info.name == "ccmm.standard_data":
            continue
        names.append(info.name)
    return sorted(names)


def _is_entry_point(obj: object) -> bool:
    if inspect.isfunction(obj) or inspect.isclass(obj):
        return True
    # functools.cache / lru_cache around a function (load_kpi_catalogue, list_standards, ...).
    return inspect.isfunction(getattr(obj, "__wrapped__", None))


def _public_callables() -> list[tuple[str, Callable[..., Any]]]:
    found: dict[int, tuple[str, Callable[..., Any]]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # moved-module stand-ins
        for module_name in _public_modules():
            module = importlib.import_module(module_name)
            for name in getattr(module, "__all__", ()):
                obj = getattr(module, name)
                qualified = f"{module_name}.{name}"
                if qualified in NOT_OURS or not _is_entry_point(obj):
                    continue
                if inspect.isclass(obj) and issubclass(obj, BaseException):
                    continue  # building an error object is not an entry point
                found.setdefault(id(obj), (qualified, obj))
    return sorted(found.values())


CALLABLES = _public_callables()

huge_text = st.sampled_from(["x" * 1_000_000, "\x00" * 70_000, "é" * 200_000])
control_text = st.text(st.characters(categories=["Cc"]), min_size=1, max_size=20)
junk_containers = st.one_of(
    st.dictionaries(st.sampled_from(["a", "scores", "", "\x00", "1"]), junk_scalars, max_size=3),
    st.lists(junk_scalars, max_size=4),
    st.lists(junk_scalars, max_size=3).map(tuple),
)
junk = st.one_of(
    junk_scalars,
    st.sampled_from([math.nan, math.inf, -math.inf, -1, 2**63, -(2**63) - 1, 10**30]),
    huge_text,
    control_text,
    junk_frames(),
    junk_containers,
    st.just(pd.Series([math.nan, math.inf, -1], dtype=float)),
    st.just(np.array([2**63 + 5], dtype=np.uint64)),
)


@functools.cache
def _valid() -> dict[str, Any]:
    """One valid value per parameter name, so that junk in one argument gets past the others."""
    from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example
    from ccmm.examples import example_path
    from ccmm.report import demo_report

    standard = ccmm.load_standard()
    assessment = ccmm.read_assessment(example_path())
    tables = load_example("clean")
    report = demo_report()
    return {
        "standard": standard,
        "assessment": assessment,
        "before": assessment,
        "after": assessment,
        "assessments": [assessment, assessment],
        "ratings": [assessment, assessment],
        "target_level": 3,
        "registry": tables.registry,
        "facts": tables.facts,
        "intervals": tables.intervals,
        "analysis_log": tables.analysis_log,
        "as_of": EXAMPLE_AS_OF,
        "report": report,
        "section": report.sections[0] if getattr(report, "sections", None) else None,
        "lang": "en",
        "fmt": "text",
        "calls": 100.0,
        "aht": 300.0,
        "agents": 10,
        "traffic": 8.0,
        "interval_seconds": 1800.0,
        "threshold_seconds": 20.0,
        "patience_seconds": 120.0,
        "target_service_level": 0.8,
        "target_asa_seconds": 30.0,
        "arrival_rate": 0.05,
        "confidence": 0.95,
        "margin_of_error": 0.05,
        "population": 1000,
        "n": 100,
        "name": "clean",
        "scores_frame": pd.DataFrame(
            {"assessment_id": ["a"], "item": ["101"], "c_rate": [10], "f_rate": [10]}
        ),
        "frame": tables.intervals,
        "replications": 2,
    }


def _parameters(func: Callable[..., Any]) -> list[inspect.Parameter]:
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # pragma: no cover - every public callable has one
        return []
    return [
        p
        for p in signature.parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name != "self"
    ]


@contextlib.contextmanager
def _sandbox(where: Path) -> Iterator[None]:
    """Junk strings may be taken as file names: write them in a scratch directory; ``main(None)``
    reads ``sys.argv``: give it the program name only."""
    argv, cwd = sys.argv, Path.cwd()
    os.chdir(where)
    sys.argv = ["ccmm"]
    try:
        yield
    finally:
        sys.argv = argv
        os.chdir(cwd)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("junk-harness")


#: Callables whose every accepted call does a whole story's work get fewer examples.
COSTLY = {"ccmm.report.demo_report": 2}


#: Offenders found after their owner's last landing, reported to the owner: xfail, not hidden.
OPEN: dict[str, str] = {}


@pytest.mark.parametrize(
    ("name", "func"),
    [
        pytest.param(n, f, marks=pytest.mark.xfail(reason=OPEN[n], strict=False))
        if n in OPEN
        else (n, f)
        for n, f in CALLABLES
    ],
    ids=[name for name, _ in CALLABLES],
)
def test_junk_in_any_argument_is_returned_on_or_refused_as_a_ccmm_error(
    name: str, func: Callable[..., Any], scratch: Path
) -> None:
    @settings(max_examples=COSTLY.get(name, 5))
    @given(data=st.data())
    def feed(data: st.DataObject) -> None:
        _feed_junk(name, func, scratch, data)

    feed()


def _feed_junk(name: str, func: Callable[..., Any], scratch: Path, data: st.DataObject) -> None:
    params = _parameters(func)
    valid = _valid()
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    junk_at = data.draw(st.integers(0, max(len(params) - 1, 0)), label="junk parameter")
    described: list[str] = []
    for i, p in enumerate(params):
        required = p.default is p.empty
        if i == junk_at:
            value = data.draw(junk, label=f"junk {p.name}")
        elif p.name in valid and data.draw(st.booleans(), label=f"valid {p.name}?"):
            value = valid[p.name]
        elif not required and data.draw(st.booleans(), label=f"default {p.name}?"):
            continue
        elif p.name in valid:
            value = valid[p.name]
        else:
            value = data.draw(junk, label=f"junk {p.name}")
        described.append(p.name)
        if p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            args.append(value)
    refused: ccmm.CCMMError | None = None
    with _sandbox(scratch), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            func(*args, **kwargs)
        except ccmm.CCMMError as error:
            refused = error
        except SystemExit as exit_:  # pragma: no cover - reported below
            pytest.fail(f"{name}({', '.join(described)}) called sys.exit({exit_.code})")
    assert refused is None or str(refused), f"{name} raised a CCMMError with an empty message"


def test_the_harness_finds_the_public_entry_points_of_every_public_module() -> None:
    names = {name for name, _ in CALLABLES}
    # A few that every release has: if discovery breaks, the harness would test nothing.
    expected = {
        "ccmm.evaluate",
        "ccmm.read_assessment",
        "ccmm.crucial.check",
        "ccmm.kpi.compute",
        "ccmm.staffing.erlang_c",
        "ccmm.evidence.suggest",
        "ccmm.cli.main",
        "ccmm.Assessment",
    }
    assert expected <= names
    modules = {name.rsplit(".", 1)[0] for name in names}
    assert {"ccmm", "ccmm.kpi", "ccmm.crucial", "ccmm.staffing", "ccmm.evidence"} <= modules


def _a_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


@given(
    st.dictionaries(
        st.tuples(st.sampled_from(["c_rate", "f_rate"]), st.sampled_from(["1.0-4.0", "5.0", "x"])),
        st.one_of(st.integers(-3, 200), st.booleans(), st.floats(), st.text(max_size=3)),
        max_size=6,
    )
)
def test_level_results_names_every_count_the_rules_read_that_is_missing_or_not_a_count(
    top_counts: dict[tuple[str, str], object],
) -> None:
    # Junk harness (lead, 250 examples): top_counts={} raised KeyError.
    from ccmm import CCMMError, load_standard
    from ccmm.scoring import level_results

    read = [(r, s) for r in ("c_rate", "f_rate") for s in ("1.0-4.0", "5.0")]
    bad = [k for k in read if not _a_count(top_counts.get(k))]
    call = functools.partial(
        level_results, load_standard(), top_counts=top_counts, total=0, operating_years=None
    )
    if not bad:
        assert len(call()) == 5
        return
    with pytest.raises(CCMMError) as info:
        call()
    said = " ".join(info.value.problems)
    # The type guard reads the mapping's first entry; past it, every bad count is named.
    assert "argument top_counts" in said or all(f"{r}/{s}:" in said for r, s in bad)
