"""Settings of the CRUCIAL checks (issue 18): a disabled check is ``not_checked`` with its reason,
a warning-severity failure is listed but leaves its principle ``pass``, every threshold is an
option of its check with ``crucial.yaml``'s value as default (docs/settings.md lists the same),
and bad settings are ``InputDataError``s naming the file and the check, every problem at once."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_crucial import _to_polars

from ccmm import InputDataError, Limits
from ccmm.crucial import CHECKS, CrucialSettings, adjustable_options, check, load_settings
from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example

ROOT = Path(__file__).resolve().parents[1]
CHECK_IDS = [c.id for c in CHECKS]


def _stale() -> dict[str, Any]:
    """The clean example whose registry definitions were last reviewed years before as_of."""
    example = load_example("clean")
    registry = example.registry.assign(definition_reviewed_on=pd.Timestamp("2021-01-10"))
    return {"facts": example.facts, "registry": registry, "as_of": EXAMPLE_AS_OF}


def _dirty() -> dict[str, Any]:
    ex = load_example("dirty")
    return {
        "facts": ex.facts,
        "registry": ex.registry,
        "intervals": ex.intervals,
        "analysis_log": ex.analysis_log,
        "as_of": EXAMPLE_AS_OF,
    }


def _run(tables: dict[str, Any], **kw: Any) -> Any:
    tables = dict(tables)
    return check(tables.pop("facts"), **tables, **kw)


def _result(report: Any, check_id: str) -> Any:
    return next(c for p in report.principles.values() for c in p.checks if c.check == check_id)


def test_disabling_definition_reviewed_with_a_reason_shows_that_reason() -> None:
    reason = "definitions are reviewed by the group's data office"
    plain = _run(_stale())
    assert plain.principles["accurate"].status == "fail"
    report = _run(
        _stale(), settings={"checks": {"definition_reviewed": {"enabled": False, "reason": reason}}}
    )
    result = _result(report, "definition_reviewed")
    assert result.status == "not_checked"
    assert result.reason == f"disabled: {reason}"
    assert result.n_failures == 0
    assert "definition_reviewed" not in set(report.failures["check"])
    assert reason in report.principles["accurate"].reason
    assert report.principles["accurate"].status == "pass"
    assert reason in report.to_markdown()


def test_a_warning_severity_failure_is_listed_and_leaves_its_principle_pass() -> None:
    report = _run(_stale(), settings={"checks": {"definition_reviewed": {"severity": "warning"}}})
    accurate = report.principles["accurate"]
    assert accurate.status == "pass"
    assert accurate.n_checks_failed == 0
    assert "definition_reviewed (114.3) failed as a warning" in accurate.reason
    result = _result(report, "definition_reviewed")
    assert (result.status, result.severity) == ("fail", "warning")
    rows = report.failures[report.failures["check"] == "definition_reviewed"]
    assert len(rows) == result.n_failures == len(_stale()["registry"])
    assert set(rows["severity"]) == {"warning"}
    assert set(report.failures["severity"]) == {"warning"}
    assert report.passed == all(p.status != "fail" for p in report.principles.values())


def test_every_failure_row_has_a_severity_and_shipped_checks_are_errors() -> None:
    report = _run(_dirty())
    assert list(report.failures.columns)[-1] == "severity"
    assert set(report.failures["severity"]) == {"error"}


# A check per example: a bounded number keeps the suite short.
@settings(max_examples=10)
@given(
    chosen=st.lists(st.sampled_from(CHECK_IDS), unique=True, max_size=6),
    warn=st.lists(st.sampled_from(CHECK_IDS), unique=True, max_size=6),
)
def test_disabled_checks_vanish_and_warnings_only_change_principle_status(
    chosen: list[str], warn: list[str]
) -> None:
    tables = _dirty()
    plain = _run(tables)
    given_settings = {
        "checks": {c: {"enabled": False, "reason": f"not for us: {c}"} for c in chosen}
        | {c: {"severity": "warning"} for c in warn if c not in chosen}
    }
    report = _run(tables, settings=given_settings)
    disabled = set(chosen)
    warned = set(warn) - disabled
    # Failures of the other checks are exactly the plain report's, now marked by severity.
    kept = plain.failures[~plain.failures["check"].isin(disabled)].reset_index(drop=True)
    expected = kept.assign(
        severity=kept["check"].map(lambda c: "warning" if c in warned else "error")
    )
    pd.testing.assert_frame_equal(report.failures, expected)
    for name, principle in report.principles.items():
        results = {c.check: c for c in principle.checks}
        for c in disabled & set(results):
            assert results[c].status == "not_checked"
            assert results[c].reason == f"disabled: not for us: {c}"
        errors = [c for c in principle.checks if c.status == "fail" and c.check not in warned]
        ran = [c for c in principle.checks if c.status != "not_checked"]
        assert principle.status == ("fail" if errors else ("pass" if ran else "not_checked"))
        assert plain.principles[name].status != "pass" or principle.status != "fail"


def _intervals_of(minutes: int) -> pd.DataFrame:
    ex = load_example("clean")
    frame = ex.intervals
    return frame.assign(interval_minutes=minutes)


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_the_clause_103_granularity_is_an_option(backend: str) -> None:
    example = load_example("clean")
    intervals = _intervals_of(45)
    if backend == "polars":
        intervals = _to_polars(intervals)

    def failures(**kw: Any) -> int:
        report = check(
            example.facts, registry=example.registry, intervals=intervals, as_of=EXAMPLE_AS_OF, **kw
        )
        return _result(report, "interval_granularity").n_failures

    n = len(example.intervals)
    assert failures() == n
    assert failures(settings={"checks": {"interval_granularity": {"at_most": 60}}}) == 0
    assert failures(settings={"checks": {"interval_granularity": {"at_most": 44}}}) == n
    report = check(
        example.facts,
        registry=example.registry,
        intervals=intervals,
        as_of=EXAMPLE_AS_OF,
        settings={"checks": {"interval_granularity": {"at_most": 40}}},
    )
    message = report.failures.query("check == 'interval_granularity'")["message"].iloc[0]
    assert "at most 40 is required" in message


@pytest.mark.parametrize(
    ("check_id", "option", "lax", "strict"),
    [
        ("definition_reviewed", "max_age_months", 12_000, 0),
        ("trend_available", "min_periods", 1, 10_000),
        ("tracked_at_individual_level", "levels", ["agent", "team", "department"], ["nobody"]),
        ("rate_in_range", "ranges", {"ratio": [-1e9, 1e9]}, {"ratio": [5, 5], "percent": [5, 5]}),
        ("registry_row_documented", "columns", ["metric"], ["definition", "owner", "formula"]),
    ],
)
def test_each_threshold_is_an_option_that_moves_its_check_only(
    check_id: str, option: str, lax: object, strict: object
) -> None:
    tables = _dirty()
    plain = _run(tables)

    def n(value: object) -> tuple[int, Any]:
        report = _run(tables, settings={"checks": {check_id: {option: value}}})
        return _result(report, check_id).n_failures, report

    n_lax, lax_report = n(lax)
    n_strict, _ = n(strict)
    n_plain = _result(plain, check_id).n_failures
    assert n_lax <= n_plain <= n_strict, (n_lax, n_plain, n_strict)
    assert n_lax < n_strict
    others = plain.failures["check"] != check_id
    pd.testing.assert_frame_equal(
        lax_report.failures[lax_report.failures["check"] != check_id].reset_index(drop=True),
        plain.failures[others].reset_index(drop=True),
    )


def test_a_tolerance_setting_replaces_the_argument() -> None:
    tables = _dirty()
    report = _run(
        tables,
        tolerance=0.005,
        settings={"checks": {"derived_matches_components": {"tolerance": 0.5}}},
    )
    assert report.tolerance == 0.5
    direct = _run(tables, tolerance=0.5)
    assert _result(report, "derived_matches_components") == _result(
        direct, "derived_matches_components"
    )


def test_settings_from_a_yaml_file_equal_the_mapping(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(
        "checks:\n"
        "  definition_reviewed: {enabled: false, reason: group owns definitions}\n"
        "  interval_granularity: {severity: warning, at_most: 60}\n",
        encoding="utf-8",
    )
    mapping = {
        "checks": {
            "definition_reviewed": {"enabled": False, "reason": "group owns definitions"},
            "interval_granularity": {"severity": "warning", "at_most": 60},
        }
    }
    assert load_settings(path) == load_settings(mapping) == load_settings(str(path))
    assert isinstance(load_settings(mapping), CrucialSettings)
    tables = _dirty()
    assert _run(tables, settings=path).to_dict() == _run(tables, settings=mapping).to_dict()


def test_bad_settings_are_refused_naming_the_file_and_every_check(tmp_path: Path) -> None:
    path = tmp_path / "centre.yaml"
    path.write_text(
        "checks:\n"
        "  no_such_check: {enabled: false}\n"
        "  definition_reviewed: {enabled: false}\n"
        "  trend_available: {periods: 3}\n"
        "  interval_granularity: {at_most: 'thirty', severity: fatal}\n"
        "  registry_row_documented: {columns: [definition, nope]}\n"
        "  derived_matches_components: {tolerance: 2}\n"
        "extra: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(InputDataError) as caught:
        load_settings(path)
    problems = "\n".join(caught.value.problems)
    assert all(p.startswith(str(path)) for p in caught.value.problems)
    for needle in (
        "unknown key 'extra'",
        "checks.no_such_check: no check of that id",
        "checks.definition_reviewed: a disabled check needs a reason",
        "checks.trend_available: no option 'periods' (options of trend_available: min_periods)",
        "checks.interval_granularity.at_most: must be a number",
        "checks.interval_granularity: severity",
        "'nope' is not a column of the registry table",
        "tolerance: must be a number in [0, 1), got 2",
    ):
        assert needle in problems, problems
    with pytest.raises(InputDataError, match="no check of that id"):
        _run(_dirty(), settings={"checks": {"no_such_check": {}}})


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (["checks"], "settings must be a mapping"),
        ({"checks": [1, 2]}, "'checks' must be a mapping"),
        ({"checks": {"trend_available": 3}}, "must be a mapping, got 3"),
        ("no/such/settings.yaml", "no such file"),
        ("bad\x00name.yaml", "NUL"),
    ],
)
def test_settings_that_are_not_a_mapping_of_mappings_are_refused(
    source: object, message: str
) -> None:
    with pytest.raises(InputDataError, match=message):
        load_settings(source)


def test_a_settings_file_is_read_within_limits(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("checks:\n  trend_available: {min_periods: 3}\n" + "#" * 500, encoding="utf-8")
    with pytest.raises(InputDataError, match="max_file_bytes"):
        load_settings(path, limits=Limits(max_file_bytes=100))
    path.write_text("checks: &a {x: *a}\n", encoding="utf-8")
    with pytest.raises(InputDataError, match=str(path.name)):
        load_settings(path)


def _documented_options() -> dict[str, dict[str, object]]:
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    found: dict[str, dict[str, object]] = {}
    for check_id, option, default in re.findall(
        r"^\| `(\w+)` \| `(\w+)` \| `([^`]+)` \|", text, flags=re.MULTILINE
    ):
        found.setdefault(check_id, {})[option] = json.loads(default)
    return found


def test_the_documented_options_and_defaults_are_crucial_yaml_s() -> None:
    assert _documented_options() == adjustable_options()
    for c in CHECKS:
        for option in adjustable_options().get(c.id, {}):
            assert option in c.options


def test_the_options_defaults_are_today_s_behaviour() -> None:
    tables = _dirty()
    defaults = {"checks": {c: dict(o) for c, o in adjustable_options().items()}}
    assert _run(tables, settings=defaults).to_dict() == _run(tables).to_dict()


@pytest.mark.spark
def test_spark_intervals_take_the_same_settings() -> None:
    from test_opening_hours_check import reports_of, spark_session
    from test_spark import to_spark

    spark = spark_session("Europe/Berlin")
    intervals = _intervals_of(45)
    chosen = {"checks": {"interval_granularity": {"severity": "warning", "at_most": 40}}}
    pandas_report, spark_report = reports_of(
        (intervals, to_spark(spark, intervals)), settings=chosen
    )
    assert spark_report.principles == pandas_report.principles
    granularity = spark_report.failures.query("check == 'interval_granularity'")
    assert len(granularity) == len(intervals)
    assert set(granularity["severity"]) == {"warning"}
    assert "at most 40 is required" in granularity["message"].iloc[0]
