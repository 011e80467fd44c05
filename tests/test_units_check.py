"""``crucial.check(..., units=)``: a registry's own units table (unit -> kind) is honoured: its
units pass the unit check (110.1) and count as their kind in the range (115.1) and derived-value
(115.2) checks; ``unit: CNY`` passes without it; a bad table is a ``CCMMError`` naming the unit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_crucial import _to_polars

from ccmm import CCMMError
from ccmm._units import UNIT_KINDS, known_units
from ccmm.crucial import check
from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example


def _renamed(metric: str, unit: str) -> dict[str, Any]:
    """The clean example with ``metric``'s registry unit renamed to ``unit``."""
    example = load_example("clean")
    registry = example.registry.copy()
    registry["unit"] = registry["unit"].astype(object)
    registry.loc[registry["metric"] == metric, "unit"] = unit
    return {"facts": example.facts, "registry": registry, "as_of": EXAMPLE_AS_OF}


def _run(tables: dict[str, Any], **kw: Any) -> Any:
    tables = dict(tables)
    return check(tables.pop("facts"), **tables, **kw)


def _failing(report: Any) -> set[str]:
    return set(report.failures["check"])


def test_unit_cny_passes_without_a_units_table() -> None:
    report = _run(_renamed("cost_per_contact", "CNY"))
    assert "column_allowed" not in _failing(report)
    assert report.principles["reportable"].status == "pass"


@pytest.mark.parametrize("form", ["mapping", "pandas", "polars"])
def test_a_declared_unit_passes_the_unit_check(form: str) -> None:
    tables = _renamed("quality_score", "points")
    plain = _run(tables)
    allowed = plain.failures[plain.failures["check"] == "column_allowed"]
    assert len(allowed) == 1 and allowed.iloc[0]["value"] == "points"
    declared: object = {"points": "score"}
    if form != "mapping":
        declared = pd.DataFrame({"unit": ["points"], "kind": ["score"]})
        if form == "polars":
            declared = _to_polars(declared)
    report = _run(tables, units=declared)
    assert "column_allowed" not in _failing(report)
    assert report.principles["reportable"].status == "pass"


def test_a_declared_percent_unit_is_held_to_percent_rules() -> None:
    # quality_score is a percent in [0, 100]; as `pct` it passes only when `pct` is a percent.
    tables = _renamed("quality_score", "pct")
    as_percent = _run(tables, units={"pct": "percent"})
    original = _run(_renamed("quality_score", "percent"))
    assert as_percent.failures.equals(original.failures)
    facts = tables["facts"].copy()
    row = facts.index[facts["metric"] == "quality_score"][0]
    facts.loc[row, "value"] = 150.0
    too_high = _run({**tables, "facts": facts}, units={"pct": "percent"})
    ranges = too_high.failures[too_high.failures["check"] == "rate_in_range"]
    assert len(ranges) == 1 and "[0, 100]" in ranges.iloc[0]["message"]
    as_score = _run({**tables, "facts": facts}, units={"pct": "score"})
    assert "rate_in_range" not in _failing(as_score)


def test_a_declared_percent_unit_is_scaled_against_its_parts() -> None:
    # service_level (0.82 = 820 / 1000) restated in a declared percent unit: 82 = 100 * 820/1000.
    tables = _renamed("service_level", "pct")
    facts = tables["facts"].copy()
    rows = facts["metric"] == "service_level"
    facts.loc[rows, "value"] = facts.loc[rows, "value"] * 100
    facts.loc[rows, "target"] = facts.loc[rows, "target"] * 100
    report = _run({**tables, "facts": facts}, units={"pct": "percent"})
    assert "derived_matches_components" not in _failing(report)
    as_ratio = _run({**tables, "facts": facts}, units={"pct": "ratio"})
    assert "derived_matches_components" in _failing(as_ratio)


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ({"seconds": "count"}, "unit 'seconds' is a duration unit, got count"),
        ({"points": "loudness"}, "kind must be one of"),
        ({"": "score"}, "unit must be a non-empty text"),
        (pd.DataFrame({"name": ["points"]}), "columns 'unit' and 'kind'"),
    ],
)
def test_a_bad_units_table_is_a_ccmm_error_naming_the_unit(units: object, message: str) -> None:
    with pytest.raises(CCMMError, match=message):
        _run(_renamed("quality_score", "points"), units=units)


_NEW_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).filter(
    lambda n: n not in set(known_units())
)


@settings(max_examples=10)
@given(
    name=_NEW_NAMES, kind=st.sampled_from([k for k in UNIT_KINDS if k not in ("ratio", "percent")])
)
def test_any_declared_unit_of_a_kind_without_a_range_passes_reportable(
    name: str, kind: str
) -> None:
    tables = _renamed("quality_score", name)
    assert "column_allowed" in _failing(_run(tables))
    report = _run(tables, units=pd.DataFrame({"unit": [name], "kind": [kind]}))
    assert _failing(report) == set()


def test_ccmm_check_units_file(tmp_path: Path) -> None:
    from test_cli import CRUCIAL, run

    tables = _renamed("quality_score", "points")
    tables["registry"].to_csv(tmp_path / "registry.csv", index=False)
    args = [
        str(CRUCIAL / "clean" / "facts.csv"),
        "--registry",
        str(tmp_path / "registry.csv"),
        "--as-of",
        str(EXAMPLE_AS_OF),
        "-q",
    ]
    assert run("check", *args)[0] == 1  # `points` is not a known unit
    pd.DataFrame({"unit": ["points"], "kind": ["score"]}).to_csv(tmp_path / "u.csv", index=False)
    assert run("check", *args, "--units", str(tmp_path / "u.csv"))[0] == 0
    pd.DataFrame({"unit": ["seconds"], "kind": ["count"]}).to_csv(tmp_path / "u.csv", index=False)
    code, _, err = run("check", *args, "--units", str(tmp_path / "u.csv"))
    assert code == 2 and "u.csv" in err and "'seconds' is a duration unit" in err
