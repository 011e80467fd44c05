"""Rules as data (issue 16): the CRUCIAL checks come from the edition's crucial.yaml, row relations
from tables/row_rules.yaml, category ids from the KPI catalogue, all read by one reader."""

from __future__ import annotations

import inspect
from importlib import resources
from pathlib import Path
from typing import get_args

import pytest

from ccmm import StandardError
from ccmm import _standard_data as reader
from ccmm._row_rules import AtMost, relations_of, row_relations
from ccmm._tables import load_table_spec
from ccmm._vocabulary import category_ids, dimension_ids
from ccmm.crucial import CHECKS, PRINCIPLES, check
from ccmm.kpi.catalogue import Category, load_kpi_catalogue

# The check ids are contracts (reports, evidence mappings and settings name them), in report order.
CHECK_IDS = (
    "metric_registered",
    "registry_row_documented",
    "column_type",
    "column_not_null",
    "column_finite",
    "column_minimum",
    "column_maximum",
    "column_allowed",
    "column_in_exact_range",
    "column_schema",
    "metric_defined_once",
    "fact_unit_matches_registry",
    "one_value_per_key",
    "metric_has_target",
    "metric_has_direction",
    "interval_granularity",
    "interval_grid",
    "outside_opening_hours",
    "category_every_month",
    "below_target_analysed",
    "trend_available",
    "tracked_at_team_level",
    "tracked_at_individual_level",
    "source_recorded",
    "adjustment_approved",
    "definition_reviewed",
    "answered_abandoned_within_offered",
    "within_threshold_within_answered",
    "short_abandons_within_abandoned",
    "rate_in_range",
    "derived_matches_components",
)


def test_crucial_yaml_lists_every_check_id_once_in_report_order() -> None:
    assert tuple(c.id for c in CHECKS) == CHECK_IDS


def test_checks_are_grouped_by_principle_in_the_standards_order() -> None:
    order = [PRINCIPLES.index(c.principle) for c in CHECKS]
    assert order == sorted(order)
    assert {c.principle for c in CHECKS} == set(PRINCIPLES)


def test_every_row_rule_check_names_a_relation_of_its_table() -> None:
    relations = row_relations()
    for c in CHECKS:
        if c.kind == "row_rule":
            assert relations[c.options["rule"]].table == c.table


def test_the_shared_interval_relations_are_stated_once_and_used_by_both_readers() -> None:
    from ccmm.kpi._validate import _row_checks

    used_by_crucial = {c.options["rule"] for c in CHECKS if c.kind == "row_rule"}
    always = {r.id for r in relations_of("intervals", always=True)}
    assert {"within_threshold_within_answered", "short_abandons_within_abandoned"} <= (
        used_by_crucial & always
    )
    kpi = {(r.column, r.at_most) for r in _row_checks()["intervals"]}
    for relation in relations_of("intervals", always=True):
        assert isinstance(relation.predicate, AtMost)
        assert (relation.predicate.left[0], relation.predicate.right) in kpi


def test_the_derived_tolerance_default_is_the_one_crucial_yaml_states() -> None:
    default = inspect.signature(check).parameters["tolerance"].default
    derived = next(c for c in CHECKS if c.id == "derived_matches_components")
    assert derived.options["tolerance"] == default


def test_category_ids_come_from_the_kpi_catalogue_everywhere() -> None:
    from ccmm.kpi._attainment._rules import rule_book

    ids = tuple(c.id for c in load_kpi_catalogue().categories)
    assert category_ids() == ids == get_args(Category)
    assert rule_book().categories == ids
    assert load_table_spec("registry").column("category").allowed == ids
    # registry.yaml names the vocabulary instead of writing the ids again
    from ccmm._standard_data import read_data

    (raw,) = [c for c in read_data("tables", "registry.yaml")["columns"] if c["name"] == "category"]
    assert raw.get("allowed_vocabulary") == "categories" and "allowed" not in raw
    for c in load_kpi_catalogue().categories:
        assert dimension_ids(c.id) == tuple(d.id for d in c.dimensions)


def _shipped_yaml() -> list[Path]:
    root = Path(str(resources.files("ccmm.standard_data")))
    return sorted(root.rglob("*.yaml"))


@pytest.mark.parametrize("path", _shipped_yaml(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_data_file_states_the_schema_version(path: Path) -> None:
    root = Path(str(resources.files("ccmm.standard_data")))
    parts = path.relative_to(root).parts
    data = reader.read_data(*parts)
    assert "schema_version" not in data and data


def _fake_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> None:
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(reader.resources, "files", lambda _: tmp_path)
    reader._parsed.cache_clear()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("schema_version: 1\na: 1\na: 2\n", "duplicated key 'a'"),
        ("a: 1\n", "schema_version is required"),
        ("schema_version: 2\na: 1\n", "schema_version must be 1, got 2"),
        ("schema_version: '1'\na: 1\n", "schema_version must be 1, got '1'"),
        ("- 1\n", "expected a mapping at the top level, got list"),
    ],
)
def test_the_reader_refuses_a_bad_data_file_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str, message: str
) -> None:
    _fake_data(monkeypatch, tmp_path, text)
    try:
        with pytest.raises(StandardError, match=message) as caught:
            reader.read_data("x.yaml")
        assert "ccmm/standard_data/x.yaml" in str(caught.value)
    finally:
        reader._parsed.cache_clear()


def test_each_reader_gets_its_own_copy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _fake_data(monkeypatch, tmp_path, "schema_version: 1\na: [1]\n")
    try:
        first = reader.read_data("x.yaml")
        first["a"].append(2)
        assert reader.read_data("x.yaml") == {"a": [1]}
    finally:
        reader._parsed.cache_clear()


def _dirty_tables() -> tuple[dict[str, object], str]:
    from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example

    ex = load_example("dirty")
    tables = {
        "facts": ex.facts,
        "registry": ex.registry,
        "intervals": ex.intervals,
        "analysis_log": ex.analysis_log,
    }
    return tables, str(EXAMPLE_AS_OF)


def test_options_override_the_crucial_yaml_defaults_per_check_id() -> None:
    from ccmm.crucial._check import check_tables

    tables, as_of = _dirty_tables()
    default = check_tables(tables, as_of=as_of, tolerance=0.005, max_failures=None)
    assert default.to_dict() == check(**tables, as_of=as_of).to_dict()  # type: ignore[arg-type]

    def failures(report: object, check_id: str) -> int:
        frame = report.failures  # type: ignore[attr-defined]
        return int((frame["check"] == check_id).sum())

    # No review is ever stale with a limit of 1,000 years; every one is with 0 months.
    lax = {"definition_reviewed": {"max_age_months": 12_000}}
    strict = {"definition_reviewed": {"max_age_months": 0}}
    n_rows = len(tables["registry"])  # type: ignore[arg-type]
    assert (
        failures(
            check_tables(tables, as_of=as_of, tolerance=0.005, max_failures=None, options=lax),
            "definition_reviewed",
        )
        == 0
    )
    assert (
        failures(
            check_tables(tables, as_of=as_of, tolerance=0.005, max_failures=None, options=strict),
            "definition_reviewed",
        )
        == n_rows
    )
    # The override changes that check only.
    other = check_tables(tables, as_of=as_of, tolerance=0.005, max_failures=None, options=lax)
    keep = default.failures["check"] != "definition_reviewed"
    assert (
        other.failures[other.failures["check"] != "definition_reviewed"]
        .reset_index(drop=True)
        .equals(default.failures[keep].reset_index(drop=True))
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"no_such_check": {}}, "options name no check 'no_such_check'"),
        ({"trend_available": {"periods": 3}}, "has no option 'periods'; its options: min_periods"),
    ],
)
def test_an_unknown_check_or_option_is_refused_by_name(
    options: dict[str, dict[str, object]], message: str
) -> None:
    from ccmm import InputDataError
    from ccmm.crucial._check import check_tables

    tables, as_of = _dirty_tables()
    with pytest.raises(InputDataError, match=message):
        check_tables(tables, as_of=as_of, tolerance=0.005, max_failures=None, options=options)
