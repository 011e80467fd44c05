"""Occupancy is a band (issue #19): the catalogue supports `direction: band` with lower and upper
bounds, and attainment counts a value inside the band (bounds included) as on target."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_attainment import AS_OF, make_facts

from ccmm import StandardError
from ccmm.kpi import attainment, load_kpi_catalogue
from ccmm.kpi.catalogue import parse_kpi_catalogue


def test_occupancy_is_a_band_in_the_catalogue() -> None:
    kpi = load_kpi_catalogue().get("occupancy")
    assert kpi.direction == "band"
    assert kpi.band is not None
    assert 0 < kpi.band.lower < kpi.band.upper < 1


@given(st.floats(0.0, 1.0, allow_nan=False), st.integers(0, 1000))
def test_inside_the_band_is_on_target_and_outside_is_not(value: float, noise: int) -> None:
    band = load_kpi_catalogue().get("occupancy").band
    assert band is not None
    facts = make_facts({"occupancy": [0.5 + noise / 10_000] * 5 + [value]}, targets={})
    m = attainment(facts, as_of=AS_OF).metric("occupancy")
    assert m.meets == (band.lower <= value <= band.upper)
    assert (m.band_lower, m.band_upper) == (band.lower, band.upper)
    assert m.gap == pytest.approx(min(value - band.lower, 0.0) + max(value - band.upper, 0.0))
    assert not m.improving  # a band has no better direction to improve in
    assert "band" in m.reason


def test_exactly_at_either_bound_is_on_target() -> None:
    band = load_kpi_catalogue().get("occupancy").band
    assert band is not None
    for value in (band.lower, band.upper):
        facts = make_facts({"occupancy": [value] * 6}, targets={})
        assert attainment(facts, as_of=AS_OF).metric("occupancy").meets


def test_a_band_needs_both_bounds_and_only_a_band_takes_them() -> None:
    from importlib import resources

    import yaml

    text = resources.files("ccmm.standard_data").joinpath("kpi", "catalogue.yaml").read_text()
    raw = yaml.safe_load(text)
    occupancy = next(k for k in raw["kpis"] if k["id"] == "occupancy")
    del occupancy["band"]
    with pytest.raises(StandardError, match="direction band needs band"):
        parse_kpi_catalogue(raw)
    occupancy["band"] = {"lower": 0.9, "upper": 0.8}
    with pytest.raises(StandardError, match="lower must not exceed upper"):
        parse_kpi_catalogue(raw)
