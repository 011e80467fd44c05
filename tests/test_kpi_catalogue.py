"""The KPI catalogue: complete, consistent with the tables and with what compute() outputs."""

from __future__ import annotations

from typing import get_args

import pytest
import yaml
from test_kpi_compute import small_table

from ccmm import InputDataError, StandardError
from ccmm._tables import load_table_spec
from ccmm.kpi import (
    AbandonDefinition,
    ServiceLevelDefinition,
    compute,
    compute_agents,
    kpi_computation,
    load_kpi_catalogue,
)
from ccmm.kpi.catalogue import column_terms, parse_kpi_catalogue

DIMENSIONS = {
    "customer": {"quality", "efficiency", "accessibility", "satisfaction"},
    "operations-support": {"quality", "efficiency", "accessibility", "development"},
    "financial": {"volume", "operating-efficiency"},
}


def test_catalogue_has_at_least_25_kpis_covering_every_category_dimension() -> None:
    catalogue = load_kpi_catalogue()
    assert len(catalogue.kpis) >= 25
    covered = {(k.category, k.dimension) for k in catalogue.kpis}
    assert covered == {(c, d) for c, dims in DIMENSIONS.items() for d in dims}
    assert {c.id: {d.id for d in c.dimensions} for c in catalogue.categories} == DIMENSIONS


def test_catalogue_is_loaded_once_and_get_finds_by_id() -> None:
    assert load_kpi_catalogue() is load_kpi_catalogue()
    assert load_kpi_catalogue().get("aht_seconds").direction == "lower"
    with pytest.raises(InputDataError, match="'no_such_kpi'"):
        load_kpi_catalogue().get("no_such_kpi")


def test_compute_outputs_exactly_the_kpis_the_catalogue_assigns_to_it() -> None:
    catalogue = load_kpi_catalogue()
    result = compute(small_table(), by=("queue",))
    ids = [k.id for k in catalogue.computed_by("compute")]
    assert ids == [
        "service_level",
        "abandon_rate",
        "answer_rate",
        "asa_seconds",
        "aht_seconds",
        "occupancy",
    ]
    assert list(result.columns[-len(ids) :]) == ids
    assert [k.id for k in kpi_computation(result).kpis] == ids


def test_agent_kpis_come_from_the_catalogue_too() -> None:
    ids = [k.id for k in load_kpi_catalogue().computed_by("compute_agents")]
    assert {"occupancy", "utilisation", "schedule_adherence", "attendance_rate"} == set(ids)
    assert compute_agents.__name__ == "compute_agents"


def test_definition_ids_match_the_option_types() -> None:
    catalogue = load_kpi_catalogue()
    assert [d.id for d in catalogue.get("service_level").definitions] == list(
        get_args(ServiceLevelDefinition)
    )
    assert [d.id for d in catalogue.get("abandon_rate").definitions] == list(
        get_args(AbandonDefinition)
    )


@pytest.mark.parametrize("table", ["intervals", "agents"])
def test_inputs_of_table_kpis_are_columns_of_that_table(table: str) -> None:
    columns = set(load_table_spec(table).column_names)
    for kpi in load_kpi_catalogue().kpis:
        if kpi.table == table:
            assert set(kpi.inputs) <= columns, kpi.id
            for d in kpi.definitions:
                assert set(d.ratio.columns) <= columns, (kpi.id, d.id)


def test_every_ratio_side_parses_and_formula_expression_names_the_inputs() -> None:
    for kpi in load_kpi_catalogue().kpis:
        named = {
            t
            for t in kpi.formula.expression.replace("(", " ").replace(")", " ").split()
            if t.isidentifier()
        }
        assert named == set(kpi.inputs) - {"threshold_seconds"}, kpi.id
        if kpi.ratio is not None:
            assert set(kpi.ratio.columns) == named, kpi.id


@pytest.mark.parametrize(
    ("kpi_id", "value", "comparison", "threshold"),
    [
        ("service_level", 0.85, ">=", 12),
        ("service_level", 1.0, ">=", 20),
        ("service_level", 0.95, ">=", 20),
        ("service_level", 0.98, ">=", None),
        ("abandon_rate", 0.05, "<=", None),
        ("abandon_rate", 0.02, "<=", None),
        ("average_talk_seconds", 180, "approx", None),
        ("complaint_rate", 0.001, "<=", None),
        ("asa_seconds", 15, "<=", None),
        ("answer_rate", 0.85, ">=", None),
        ("answer_rate", 0.80, ">=", None),
        ("outbound_connect_rate", 0.65, ">=", None),
        ("outbound_connect_rate", 0.60, ">=", None),
        ("aht_seconds", 60, ">=", None),
        ("aht_seconds", 180, "<=", None),
        ("utilisation", 0.60, ">=", None),
        ("utilisation", 0.75, "<=", None),
    ],
)
def test_reference_values_of_the_kpi_guide_are_present(
    kpi_id: str, value: float, comparison: str, threshold: int | None
) -> None:
    refs = load_kpi_catalogue().get(kpi_id).reference_values
    assert any(
        r.value == pytest.approx(value)
        and r.comparison == comparison
        and r.threshold_seconds == threshold
        and r.source == "kpi-guide-zh"
        for r in refs
    )


def test_malformed_catalogue_is_rejected_with_every_problem() -> None:
    from importlib import resources

    raw = yaml.safe_load(
        resources.files("ccmm.standard_data")
        .joinpath("kpi", "catalogue.yaml")
        .read_text(encoding="utf-8")
    )
    raw["kpis"][0]["dimension"] = "development"  # not a customer dimension
    raw["kpis"][2]["reference_values"][0]["source"] = "nowhere"
    with pytest.raises(StandardError) as caught:
        parse_kpi_catalogue(raw)
    text = str(caught.value)
    assert "'development'" in text
    assert "'nowhere'" in text
    raw["kpis"][0]["dimension"] = "accessibility"
    raw["kpis"][1]["ratio"]["numerator"] = "abandoned * 2"
    raw["kpis"][3]["direction"] = "up"
    with pytest.raises(StandardError) as caught:
        parse_kpi_catalogue(raw)
    assert len(caught.value.problems) == 2
    assert "abandoned * 2" in str(caught.value)
    assert "kpis.3 direction" in str(caught.value)  # nested ccmm models locate with a space


def test_column_terms_reads_signs() -> None:
    assert column_terms("a + b - c") == ((1, "a"), (1, "b"), (-1, "c"))
    with pytest.raises(InputDataError):
        column_terms("a * b")


def test_reference_values_name_their_real_source_and_definition() -> None:
    # 80% in 20 s is an industry convention, not in the KPI guide's text (issue #19); the guide's
    # 85% / 12 s is measured on answered calls, and its maximum answer time is 20 s.
    refs = load_kpi_catalogue().get("service_level").reference_values
    by = {(r.value, r.threshold_seconds): r for r in refs}
    assert by[(0.80, 20)].source == "industry-convention"
    assert (by[(0.85, 12)].source, by[(0.85, 12)].definition) == ("kpi-guide-zh", "answered")
    assert (by[(1.0, 20)].source, by[(1.0, 20)].definition) == ("kpi-guide-zh", "answered")
    assert by[(1.0, 20)].kind == "target"
