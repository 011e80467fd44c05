"""The attainment API after the split (issue #17): `ccmm.kpi.attainment` is the function, its
implementation package is private, no function shadows a module, and every model refuses bad
input with a CCMMError."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ccmm.kpi
from ccmm import CCMMError, InputDataError
from ccmm.kpi import (
    AttainmentRule,
    ExcludedMetric,
    MetricAttainment,
    ShareTest,
    attainment,
)

MODELS = (
    AttainmentRule,
    ExcludedMetric,
    MetricAttainment,
    ShareTest,
    ccmm.kpi.AttainmentResult,
)


def test_a_share_above_one_is_a_ccmm_error_naming_the_field() -> None:
    # 0.1 raised pydantic's ValidationError here.
    with pytest.raises(InputDataError, match=r"meet_share: .*between 0 and 1.*got 2"):
        AttainmentRule(meet_share="2", meet_or_improve_share="3/4")


def test_ccmm_kpi_attainment_is_the_function_and_no_function_shadows_a_submodule() -> None:
    assert isinstance(ccmm.kpi.attainment, types.FunctionType)
    assert ccmm.kpi.attainment is attainment
    submodules = {m.name for m in pkgutil.iter_modules(ccmm.kpi.__path__)}
    assert "_attainment" in submodules
    # The implementation is the private package; the public name is the function alone.
    assert "attainment" not in submodules


def test_the_old_module_path_fails_loudly_instead_of_giving_the_function() -> None:
    # `import ccmm.kpi.attainment as m` used to give the function silently.
    code = "import ccmm.kpi.attainment as m"
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert out.returncode != 0
    assert "No module named 'ccmm.kpi.attainment'" in out.stderr


def test_every_attainment_name_is_reachable_from_ccmm_kpi() -> None:
    private = importlib.import_module("ccmm.kpi._attainment")
    for name in private.__all__:
        if name != "FACT_COLUMNS":
            assert getattr(ccmm.kpi, name) is getattr(private, name), name
            assert name in ccmm.kpi.__all__, name


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


@given(
    st.sampled_from(MODELS),
    st.dictionaries(st.text(max_size=25), junk, max_size=4),
    st.data(),
)
def test_every_attainment_model_refuses_junk_with_a_ccmm_error(
    model: type, fields: dict[str, object], data: st.DataObject
) -> None:
    names = list(model.model_fields)  # type: ignore[attr-defined]
    chosen = data.draw(st.lists(st.sampled_from(names), max_size=len(names)), label="fields")
    values = {**fields, **{n: data.draw(junk, label=n) for n in chosen}}
    try:
        model(**values)
    except CCMMError:
        pass
    except TypeError as exc:  # only a keyword that is not a str (cannot happen from **dict)
        raise AssertionError(exc) from exc
