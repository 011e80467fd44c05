"""ccmm.staffing as a namespace: the 0.1 names in ccmm.kpi still work and warn, the new names
agree with them, the public surface is tidy and light to import."""

from __future__ import annotations

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies_staffing import aht_values, calls_values, sl_targets, threshold_values

import ccmm.kpi
import ccmm.staffing
from ccmm import CCMMError
from ccmm._model import FrozenModel
from ccmm.staffing._deprecated import MOVED

HALF_HOUR = 1800.0


@given(
    st.lists(st.tuples(calls_values, aht_values), min_size=1, max_size=20),
    sl_targets,
    threshold_values,
)
def test_old_kpi_agents_for_service_level_equals_staffing_and_warns(
    rows: list[tuple[float, float]], target: float, seconds: float
) -> None:
    calls, aht = (np.array(column) for column in zip(*rows, strict=True))
    new = ccmm.staffing.agents_for_service_level(
        calls,
        aht,
        interval_seconds=HALF_HOUR,
        target_service_level=target,
        threshold_seconds=seconds,
    )
    with pytest.warns(DeprecationWarning, match=r"use ccmm\.staffing\.agents_for_service_level"):
        old = ccmm.kpi.agents_for_service_level(
            calls,
            aht,
            interval_seconds=HALF_HOUR,
            target_service_level=target,
            target_seconds=seconds,
        )
    for field in ("agents", "scheduled", "service_level", "asa_seconds", "occupancy"):
        np.testing.assert_array_equal(getattr(old, field), getattr(new, field))


# Old call (positional, old keywords) and the same call in the new namespace.
_INTERVAL = {"interval_seconds": HALF_HOUR}
_CASES: dict[str, tuple[tuple[object, ...], dict[str, object], dict[str, object]]] = {
    "erlang_b": ((12.5, 15), {}, {}),
    "erlang_c": ((12.5, 15), {}, {}),
    "service_level": (
        (100, 180, 14),
        {"target_seconds": 20, **_INTERVAL},
        {"threshold_seconds": 20, **_INTERVAL},
    ),
    "average_speed_of_answer": ((100, 180, 14), _INTERVAL, _INTERVAL),
    "occupancy": ((100, 180, 14), _INTERVAL, _INTERVAL),
    "agents_for_service_level": (
        (100, 180),
        {"target_service_level": 0.8, "target_seconds": 20, **_INTERVAL},
        {"target_service_level": 0.8, "threshold_seconds": 20, **_INTERVAL},
    ),
    "agents_for_asa": (
        (100, 180),
        {"target_asa_seconds": 15, "service_level_seconds": 30, **_INTERVAL},
        {"target_asa_seconds": 15, "threshold_seconds": 30, **_INTERVAL},
    ),
    "erlang_a_wait_probability": (
        (100, 180, 12),
        {"patience_seconds": 90, **_INTERVAL},
        {"patience_seconds": 90, **_INTERVAL},
    ),
    "erlang_a_abandon_probability": (
        (100, 180, 12),
        {"patience_seconds": 90, **_INTERVAL},
        {"patience_seconds": 90, **_INTERVAL},
    ),
    "erlang_a_average_speed_of_answer": (
        (100, 180, 12),
        {"patience_seconds": 90, **_INTERVAL},
        {"patience_seconds": 90, **_INTERVAL},
    ),
    "erlang_a_service_level": (
        (100, 180, 12),
        {"patience_seconds": 90, "target_seconds": 20, **_INTERVAL},
        {"patience_seconds": 90, "threshold_seconds": 20, **_INTERVAL},
    ),
    "erlang_a_agents_for_service_level": (
        (100, 180),
        {"patience_seconds": 90, "target_service_level": 0.8, "target_seconds": 20, **_INTERVAL},
        {
            "patience_seconds": 90,
            "target_service_level": 0.8,
            "threshold_seconds": 20,
            **_INTERVAL,
        },
    ),
    "staff_intervals": (
        (pd.DataFrame({"offered": [100, 0], "aht_seconds": [180, 200], "interval_minutes": 30}),),
        {"target_service_level": 0.8, "target_seconds": 20},
        {"target_service_level": 0.8, "threshold_seconds": 20},
    ),
}


def _as_tuple(value: object) -> object:
    if isinstance(value, FrozenModel):
        return tuple(value.model_dump().values())
    if isinstance(value, pd.DataFrame):
        return value.to_dict("list")
    return value


@pytest.mark.parametrize("module", ["ccmm.kpi", "ccmm.kpi.erlang"])
@pytest.mark.parametrize("old", sorted(_CASES))
def test_every_old_function_gives_the_new_result_and_warns_naming_the_new_name(
    module: str, old: str
) -> None:
    args, old_kwargs, new_kwargs = _CASES[old]
    new_name = MOVED[old][0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the module import itself warns
        namespace = __import__(module, fromlist=["_"])
    with pytest.warns(DeprecationWarning, match=rf"{module}\.{old} .*ccmm\.staffing\.{new_name}"):
        got = getattr(namespace, old)(*args, **old_kwargs)
    expected = getattr(ccmm.staffing, new_name)(*args, **new_kwargs)
    assert _as_tuple(got) == _as_tuple(expected)


def test_every_moved_name_has_a_case_and_exists_in_staffing() -> None:
    functions = {old for old, (new, _) in MOVED.items() if not new[0].isupper()}
    assert functions == set(_CASES)
    assert {new for new, _ in MOVED.values()} <= set(ccmm.staffing.__all__)


@pytest.mark.parametrize("name", ["StaffingResult", "ErlangAStaffingResult"])
def test_old_result_classes_are_the_new_classes_and_warn(name: str) -> None:
    with pytest.warns(DeprecationWarning, match=rf"ccmm\.staffing\.{name}"):
        old = getattr(ccmm.kpi, name)
    assert old is getattr(ccmm.staffing, name)


def test_old_and_new_threshold_keyword_together_is_an_error() -> None:
    with (
        pytest.warns(DeprecationWarning, match="threshold_seconds"),
        pytest.raises(CCMMError, match="not both"),
    ):
        ccmm.kpi.service_level(
            100, 180, 14, target_seconds=20, threshold_seconds=20, interval_seconds=HALF_HOUR
        )


def test_unknown_kpi_attribute_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = ccmm.kpi.no_such_name  # type: ignore[attr-defined]


def test_old_erlang_names_are_not_in_kpi_all() -> None:
    assert not set(MOVED) & set(ccmm.kpi.__all__)


def test_staffing_all_is_sorted_and_dir_is_all() -> None:
    assert ccmm.staffing.__all__ == sorted(ccmm.staffing.__all__)
    assert dir(ccmm.staffing) == ccmm.staffing.__all__
    for name in ccmm.staffing.__all__:
        assert getattr(ccmm.staffing, name).__doc__, name


def test_names_carry_their_model() -> None:
    kpi_words = {"service_level", "occupancy", "average_speed_of_answer", "asa"}
    assert not kpi_words & set(ccmm.staffing.__all__)


def test_importing_the_old_module_warns() -> None:
    code = "import ccmm.kpi.erlang"
    done = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", code],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "use ccmm.staffing" in done.stderr


def test_import_staffing_loads_no_cli_report_plotting_or_spark() -> None:
    code = (
        "import sys, ccmm.staffing\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pyspark', 'matplotlib', 'jinja2', 'openpyxl'} or m.startswith(('ccmm.cli', "
        "'ccmm.report', 'ccmm._plot', 'ccmm._cli')))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "model", [ccmm.staffing.StaffingResult, ccmm.staffing.ErlangAStaffingResult]
)
def test_results_are_frozen_models_that_reject_bad_input_and_pickle(model: type) -> None:
    assert issubclass(model, FrozenModel)
    fields = dict.fromkeys(model.model_fields, 1.0)
    fields["agents"] = fields["scheduled"] = 3
    result = model(**fields)
    assert pickle.loads(pickle.dumps(result)) == result
    with pytest.raises(CCMMError, match="agents"):
        model(**{**fields, "agents": "many"})
    with pytest.raises(CCMMError, match="colour"):
        model(**fields, colour="red")
    with pytest.raises(ValueError, match="frozen"):
        result.agents = 4  # type: ignore[misc]
