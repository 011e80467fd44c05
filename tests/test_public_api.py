"""The public surface of ccmm: what other projects may build on (issue 17).

Public modules are those whose dotted path has no component starting with an underscore. In
each: ``__all__`` is sorted, complete (every class and function defined there is listed) and is
what ``dir()`` shows; no public attribute of a package is a function named like one of its
submodules (``import ccmm.x.y as m`` must give the module); every public pydantic model is a
``FrozenModel`` and rejects bad input with a ``CCMMError``.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import pkgutil
import re
import types
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import ccmm
import ccmm.evidence
from ccmm._model import FrozenModel

ROOT = Path(__file__).resolve().parents[1]
# The Spark backend needs pyspark; __main__ runs the command line when imported.
NOT_IMPORTED = ("ccmm._spark", "ccmm.__main__")


def _all_modules() -> list[types.ModuleType]:
    modules = [ccmm]
    for info in pkgutil.walk_packages(ccmm.__path__, "ccmm."):
        if info.name.startswith(NOT_IMPORTED):
            continue
        modules.append(importlib.import_module(info.name))
    return modules


ALL_MODULES = _all_modules()
PUBLIC_MODULES = [
    m
    for m in ALL_MODULES
    if not any(part.startswith("_") for part in m.__name__.split("."))
    and not (m.__doc__ or "").startswith("Deprecated")  # stand-ins for moved modules
]


def _isort_key(name: str) -> tuple[int, str]:
    """The order of ruff's RUF022: CONSTANTS, then Classes, then the rest."""
    if name.isupper():
        return (0, name)
    return (1 if name[:1].isupper() else 2, name)


def _public_models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for module in PUBLIC_MODULES:
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj) and issubclass(obj, BaseModel):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


PUBLIC_MODELS = _public_models()


def test_version_is_the_newest_changelog_release_and_the_installed_metadata() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = re.search(r"^## \[(\d+\.\d+\.\d+)\]", changelog, flags=re.MULTILINE)
    assert newest is not None
    assert ccmm.__version__ == newest.group(1) == "0.2.0"
    if os.environ.get("CCMM_TESTS_INSTALLED"):
        from importlib.metadata import version

        assert version("ccmm") == ccmm.__version__


@pytest.mark.skipif(
    not os.environ.get("CCMM_TESTS_INSTALLED"), reason="only `nox -s tests` installs the wheel"
)
def test_nox_runs_the_suite_against_the_installed_wheel_not_the_source_tree() -> None:
    location = Path(ccmm.__file__).resolve()
    assert "site-packages" in location.parts
    assert location.parent != ROOT / "ccmm"  # nox's virtualenv may live inside the checkout


@pytest.mark.parametrize(
    "package",
    [
        pytest.param(m, id=m.__name__)
        for m in ALL_MODULES
        if hasattr(m, "__path__")
    ],
)
def test_no_public_attribute_of_a_package_is_a_function_named_like_a_submodule(
    package: types.ModuleType,
) -> None:
    submodules = {info.name for info in pkgutil.iter_modules(package.__path__)}
    shadowing = sorted(
        name
        for name in submodules
        if not name.startswith("_")
        and not isinstance(vars(package).get(name), types.ModuleType | type(None))
    )
    assert shadowing == [], f"{package.__name__}: {shadowing} hide their submodules"


@pytest.mark.parametrize("module", PUBLIC_MODULES, ids=lambda m: m.__name__)
def test_all_is_sorted_complete_and_is_what_dir_shows(module: types.ModuleType) -> None:
    exported = list(getattr(module, "__all__", ()))
    assert exported == sorted(set(exported), key=_isort_key), f"{module.__name__}.__all__ order"
    for name in exported:
        assert hasattr(module, name), f"{module.__name__}.__all__ names missing {name!r}"
    defined_here = sorted(
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and obj.__module__ == module.__name__
    )
    assert sorted(set(defined_here) - set(exported)) == [], f"{module.__name__}: not in __all__"
    assert dir(module) == sorted(exported)


def test_every_public_model_is_a_frozen_model() -> None:
    assert PUBLIC_MODELS, "no public model found"
    plain = [m.__qualname__ for m in PUBLIC_MODELS if not issubclass(m, FrozenModel)]
    assert plain == []


def test_attainment_rule_with_a_share_of_2_is_a_ccmm_error() -> None:
    from ccmm.kpi import AttainmentRule

    with pytest.raises(ccmm.CCMMError, match="meet_share"):
        AttainmentRule(metric="service_level", meet_share="2")  # type: ignore[arg-type]


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.lists(st.integers(-2, 2), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@pytest.mark.parametrize("model", PUBLIC_MODELS, ids=lambda m: m.__qualname__)
@settings(max_examples=6)  # about a hundred models: a few drawn inputs each keeps this quick
@given(data=st.data())
def test_every_public_model_rejects_bad_input_with_a_ccmm_error_only(
    model: type[BaseModel], data: st.DataObject
) -> None:
    fields = list(model.model_fields)
    chosen = data.draw(st.lists(st.sampled_from(fields), unique=True) if fields else st.just([]))
    values: dict[str, Any] = {name: data.draw(junk) for name in chosen}
    if data.draw(st.booleans()):
        values["not_a_field_of_" + model.__name__] = 1  # extra="forbid"
    with contextlib.suppress(ccmm.CCMMError):  # rejected the ccmm way; anything else fails
        model(**values)
    with pytest.raises(ccmm.CCMMError):
        model(**values, **{"not_a_field": 1})
    with pytest.raises(ccmm.CCMMError):
        model.model_validate(data.draw(st.integers() | st.text(max_size=3) | st.none()))


def test_moved_names_still_work_for_one_minor_version_and_warn_naming_the_new_one() -> None:
    with pytest.warns(DeprecationWarning, match=r"ccmm\.RatingChange .* use ccmm\.RatingMovement"):
        assert ccmm.RatingChange is ccmm.RatingMovement  # type: ignore[attr-defined]
    with pytest.warns(DeprecationWarning, match=r"use ccmm\.RatingMovement"):
        from ccmm.compare import RatingChange  # type: ignore[attr-defined]
    assert RatingChange is ccmm.RatingMovement
    with pytest.warns(DeprecationWarning, match=r"ccmm\.agreement\.consolidate .* use ccmm\."):
        from ccmm.agreement import consolidate  # type: ignore[attr-defined]
    assert consolidate is ccmm.consolidate
    assert ccmm.RatingMovement is not ccmm.evidence.RatingChange
    assert "RatingChange" not in dir(ccmm)
