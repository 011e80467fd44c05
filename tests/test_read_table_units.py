"""Units: every ISO 4217 code is a currency unit of the registry; declared units have a kind."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccmm import CCMMError
from ccmm._tables import load_table_spec
from ccmm._units import UNIT_KINDS, builtin_units, currency_codes, known_units, unit_kinds
from ccmm.crucial import check
from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example


def _registry_with_unit(unit: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    example = load_example("clean")
    registry = example.registry.copy()
    facts = example.facts
    # A metric whose facts carry no unit column and no ratio range: the first count-like one.
    registry["unit"] = registry["unit"].astype(object)
    row = registry.index[registry["unit"].isin(["seconds", "count", "score"])][0]
    registry.loc[row, "unit"] = unit
    registry["unit"] = registry["unit"].astype("category")
    return registry, facts


def test_the_shipped_code_list_holds_the_active_iso_4217_codes() -> None:
    codes = currency_codes()
    assert {"CNY", "EUR", "USD", "JPY", "GBP", "CHF", "XDR"} <= codes
    assert all(len(c) == 3 and c.isupper() and c.isalpha() for c in codes)
    assert 150 < len(codes) < 200
    assert set(load_table_spec("registry").column("unit").allowed or ()) == set(known_units())


@pytest.mark.parametrize("unit", ["CNY", "EUR", "seconds"])
def test_a_registry_in_a_currency_code_passes_reportable(unit: str) -> None:
    registry, facts = _registry_with_unit(unit)
    report = check(facts, registry=registry, as_of=EXAMPLE_AS_OF)
    allowed = report.failures[report.failures["check"] == "column_allowed"]
    assert allowed.empty
    assert report.principles["reportable"].status == "pass"


def test_an_unknown_unit_word_is_still_a_column_allowed_failure() -> None:
    registry, facts = _registry_with_unit("points")
    report = check(facts, registry=registry, as_of=EXAMPLE_AS_OF)
    allowed = report.failures[report.failures["check"] == "column_allowed"]
    assert len(allowed) == 1
    assert "points" in allowed.iloc[0].to_string()


@given(code=st.sampled_from(sorted(currency_codes())))
def test_every_currency_code_is_a_currency_unit(code: str) -> None:
    assert unit_kinds()[code] == "currency"


@given(
    declared=st.dictionaries(
        st.text("abcdefghijklmnopqrstuvwxyz_", min_size=4, max_size=12).filter(
            lambda n: n not in builtin_units()
        ),
        st.sampled_from(UNIT_KINDS),
        max_size=5,
    )
)
def test_declared_units_are_added_with_their_kind_and_known_ones_kept(declared) -> None:
    kinds = unit_kinds(declared)
    for name, kind in declared.items():
        assert kinds[name] == kind
    assert {k: kinds[k] for k in builtin_units()} == dict(builtin_units())
    frame = pd.DataFrame({"unit": list(declared), "kind": list(declared.values())})
    assert unit_kinds(frame) == kinds


def test_a_bad_units_table_names_every_problem() -> None:
    with pytest.raises(CCMMError) as caught:
        unit_kinds({"points": "mass", "seconds": "count", "": "score", "EUR": "currency"})
    problems = caught.value.problems
    assert len(problems) == 3
    assert any("'points': kind must be one of" in p for p in problems)
    assert any("'seconds' is a duration unit, got count" in p for p in problems)
    with pytest.raises(CCMMError, match="columns 'unit' and 'kind'"):
        unit_kinds(pd.DataFrame({"name": ["x"]}))
