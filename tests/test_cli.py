"""The ``ccmm`` command: every subcommand's success (0), failure (1) and bad-input (2) paths.

Commands run in-process through :func:`ccmm.cli.main` with captured streams; a few run as real
processes (``python -m ccmm`` and the import-isolation check). Numbers are cross-checked against
the library functions the command wraps, never against figures copied from our own output.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ccmm
from ccmm import agreement as measure_agreement
from ccmm.cli import main, parse_service_target
from ccmm.crucial import check
from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example
from ccmm.examples import example_path
from ccmm.kpi import attainment, compute
from ccmm.planning import plan
from ccmm.staffing import agents_for_service_level

EXAMPLES = Path(str(example_path())).parent
CRUCIAL = EXAMPLES / "crucial"
ASSESSMENT = example_path()


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def run_json(*argv: str) -> tuple[int, dict[str, object]]:
    code, out, _ = run(*argv, "--format", "json", "-q")
    return code, json.loads(out)


@pytest.fixture(scope="module")
def evaluation() -> ccmm.Evaluation:
    return ccmm.evaluate(ccmm.read_assessment(ASSESSMENT))


def crucial_args(name: str) -> list[str]:
    d = CRUCIAL / name
    return [
        str(d / "facts.csv"),
        "--registry",
        str(d / "registry.csv"),
        "--intervals",
        str(d / "intervals.csv"),
        "--analysis",
        str(d / "analysis_log.csv"),
        "--as-of",
        EXAMPLE_AS_OF,
        "--tz",
        "Europe/Berlin",
    ]


# ---- global options -------------------------------------------------------------------------
def test_version_prints_the_package_version() -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert out.strip() == f"ccmm {ccmm.__version__}"


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["evaluate"],
        ["plan"],
        ["compare"],
        ["agreement"],
        ["template"],
        ["catalogue"],
        ["check"],
        ["kpi"],
        ["attainment"],
        ["staff"],
        ["demo"],
    ],
)
def test_help_is_available_everywhere_and_exits_0(command: list[str]) -> None:
    code, out, _ = run(*command, "--help")
    assert code == 0
    assert out.startswith("usage: ccmm")
    if command:
        assert "--format" in out
        assert "--lang" in out
        assert "--output" in out


def test_unknown_command_is_a_usage_error_2() -> None:
    code, _, err = run("frobnicate")
    assert code == 2
    assert "invalid choice" in err


def test_no_arguments_evaluates_the_bundled_example(evaluation: ccmm.Evaluation) -> None:
    code, out, err = run()
    assert code == 0
    assert out == evaluation.explain("en") + "\n"
    assert "--help" in err


def test_bad_format_is_a_usage_error_2() -> None:
    assert run("evaluate", "--format", "pdf")[0] == 2


# ---- evaluate -------------------------------------------------------------------------------
def test_evaluate_text_is_the_evaluations_own_explanation(evaluation: ccmm.Evaluation) -> None:
    for lang in ("en", "zh"):
        code, out, _ = run("evaluate", str(ASSESSMENT), "--lang", lang)
        assert code == 0
        assert out == evaluation.explain(lang) + "\n"


def test_evaluate_json_equals_the_library_evaluation(evaluation: ccmm.Evaluation) -> None:
    code, doc = run_json("evaluate", str(ASSESSMENT))
    assert code == 0
    (section,) = doc["sections"]  # type: ignore[misc]
    assert section["kind"] == "evaluation"
    assert section["evaluation"] == json.loads(evaluation.model_dump_json())


@given(st.integers(min_value=0, max_value=5))
def test_evaluate_min_level_gate_fails_exactly_below_the_level(minimum: int) -> None:
    level = ccmm.evaluate(ccmm.read_assessment(ASSESSMENT)).level
    code, _, err = run("evaluate", str(ASSESSMENT), "--min-level", str(minimum), "-q")
    assert code == (0 if level >= minimum else 1)
    assert ("below the required" in err) == (level < minimum)


def test_evaluate_min_level_above_the_top_level_is_bad_input() -> None:
    code, _, err = run("evaluate", str(ASSESSMENT), "--min-level", "6")
    assert code == 2
    assert "0 to 5" in err


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_evaluate_min_level_not_a_level_is_a_usage_error(value: str) -> None:
    assert run("evaluate", str(ASSESSMENT), "--min-level", value)[0] == 2


def test_evaluate_missing_file_prints_the_error_without_traceback(tmp_path: Path) -> None:
    code, out, err = run("evaluate", str(tmp_path / "none.json"))
    assert code == 2
    assert out == ""
    assert "no such file" in err
    assert "Traceback" not in err


def test_evaluate_malformed_assessment_names_the_problem(tmp_path: Path) -> None:
    data = json.loads(ASSESSMENT.read_text(encoding="utf-8"))
    first = next(iter(data["scores"]))
    data["scores"][first]["c_rate"] = 7
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("evaluate", str(bad))
    assert code == 2
    assert "7" in err
    assert "Traceback" not in err


def test_evaluate_incomplete_assessment_needs_allow_missing(tmp_path: Path) -> None:
    data = json.loads(ASSESSMENT.read_text(encoding="utf-8"))
    dropped = next(iter(data["scores"]))
    del data["scores"][dropped]
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("evaluate", str(partial))
    assert code == 2
    assert dropped in err
    code, out, _ = run("evaluate", str(partial), "--allow-missing")
    assert code == 0
    assert dropped in out  # listed as counted as 0


def test_output_file_receives_what_stdout_would(tmp_path: Path) -> None:
    target = tmp_path / "ev.md"
    code, out, err = run("evaluate", str(ASSESSMENT), "--format", "markdown", "-o", str(target))
    assert code == 0
    assert out == ""
    assert str(target) in err
    assert (
        target.read_text(encoding="utf-8")
        == run("evaluate", str(ASSESSMENT), "--format", "markdown")[1]
    )


def test_unwritable_output_is_bad_input(tmp_path: Path) -> None:
    code, _, err = run("evaluate", "-o", str(tmp_path / "no" / "such" / "dir" / "x.txt"))
    assert code == 2
    assert "cannot write" in err


# ---- plan -----------------------------------------------------------------------------------
def test_plan_matches_the_library_plan(evaluation: ccmm.Evaluation) -> None:
    target = evaluation.level + 1
    expected = plan(ccmm.read_assessment(ASSESSMENT), target)
    code, out, _ = run("plan", str(ASSESSMENT), "--to", str(target))
    assert code == 0
    assert out == expected.explain("en") + "\n"
    code, doc = run_json("plan", str(ASSESSMENT), "--to", str(target))
    assert doc["sections"][0]["plan"] == json.loads(expected.model_dump_json())  # type: ignore[index]


def test_plan_to_an_unreachable_level_exits_1(evaluation: ccmm.Evaluation) -> None:
    # The example has fewer operating years than the top level needs: ratings cannot fix that.
    top = len(evaluation.levels)
    expected = plan(ccmm.read_assessment(ASSESSMENT), top)
    assert not expected.reachable
    code, _, err = run("plan", str(ASSESSMENT), "--to", str(top), "-q")
    assert code == 1
    assert "cannot be reached" in err


def test_plan_freeze_keeps_items_out_of_the_steps(evaluation: ccmm.Evaluation) -> None:
    target = evaluation.level + 1
    free = plan(ccmm.read_assessment(ASSESSMENT), target)
    frozen = free.steps[0].item
    _code, doc = run_json("plan", str(ASSESSMENT), "--to", str(target), "--freeze", frozen)
    steps = doc["sections"][0]["plan"]["steps"]  # type: ignore[index]
    assert all(s["item"] != frozen for s in steps)


@pytest.mark.parametrize(
    ("extra", "message"), [(["--to", "9"], "0 to 5"), (["--to", "3", "--freeze", "nope"], "nope")]
)
def test_plan_bad_target_or_item_is_bad_input(extra: list[str], message: str) -> None:
    code, _, err = run("plan", str(ASSESSMENT), *extra)
    assert code == 2
    assert message in err


def test_plan_without_target_is_a_usage_error() -> None:
    assert run("plan", str(ASSESSMENT))[0] == 2


# ---- compare --------------------------------------------------------------------------------
def _lowered_copy(tmp_path: Path) -> Path:
    """The example with every C-Rate at the top grade taken down to 5 (level must fall)."""
    data = json.loads(ASSESSMENT.read_text(encoding="utf-8"))
    for score in data["scores"].values():
        if score["c_rate"] == 10:
            score["c_rate"] = 5
    lowered = tmp_path / "lowered.json"
    lowered.write_text(json.dumps(data), encoding="utf-8")
    return lowered


def test_compare_identical_assessments_lists_no_change() -> None:
    code, doc = run_json("compare", str(ASSESSMENT), str(ASSESSMENT), "--fail-on-regression")
    assert code == 0
    rules, ratings = doc["sections"]  # type: ignore[misc]
    assert {row[4] for row in rules["rows"]} <= {"still met", "still unmet"}
    assert ratings["rows"] == []


def test_compare_regression_gate_exits_1(tmp_path: Path) -> None:
    lowered = _lowered_copy(tmp_path)
    assert run("compare", str(ASSESSMENT), str(lowered), "-q")[0] == 0
    code, _, err = run("compare", str(ASSESSMENT), str(lowered), "--fail-on-regression", "-q")
    assert code == 1
    assert "lost" in err
    # The other way round is an improvement: the gate passes.
    assert run("compare", str(lowered), str(ASSESSMENT), "--fail-on-regression")[0] == 0


def test_compare_missing_file_is_bad_input(tmp_path: Path) -> None:
    assert run("compare", str(ASSESSMENT), str(tmp_path / "x.json"))[0] == 2


# ---- agreement ------------------------------------------------------------------------------
def _ratings_csv(tmp_path: Path, rows: list[tuple[str, str, int]]) -> Path:
    path = tmp_path / "ratings.csv"
    pd.DataFrame(rows, columns=["subject", "rater", "score"]).to_csv(path, index=False)
    return path


def test_agreement_on_a_table_equals_the_library_and_a_perfect_panel_passes(
    tmp_path: Path,
) -> None:
    rows = [(f"call{i}", r, i % 3) for i in range(6) for r in ("ann", "bob")]
    path = _ratings_csv(tmp_path, rows)
    expected = measure_agreement(pd.read_csv(path))
    code, doc = run_json("agreement", str(path), "--min-alpha", "0.99")
    assert code == 0
    table = doc["sections"][0]  # type: ignore[index]
    values = {row[0]: row[1] for row in table["rows"]}
    assert values["exact agreement"] == expected.exact_agreement == 1.0
    assert values["Krippendorff's alpha (ordinal)"] == pytest.approx(
        expected.krippendorff_alpha_ordinal
    )


def test_agreement_below_min_alpha_exits_1(tmp_path: Path) -> None:
    rows = [(f"call{i}", "ann", i % 3) for i in range(6)]
    rows += [(f"call{i}", "bob", (i + 1) % 3) for i in range(6)]
    code, _, err = run("agreement", str(_ratings_csv(tmp_path, rows)), "--min-alpha", "0.5", "-q")
    assert code == 1
    assert "--min-alpha" in err


def test_agreement_of_assessment_files(tmp_path: Path) -> None:
    lowered = _lowered_copy(tmp_path)
    code, doc = run_json("agreement", str(ASSESSMENT), str(lowered), "--rating", "c_rate")
    assert code == 0
    expected = measure_agreement(
        {
            str(ASSESSMENT): ccmm.read_assessment(ASSESSMENT),
            str(lowered): ccmm.read_assessment(lowered),
        },
        rating="c_rate",
    )
    values = {row[0]: row[1] for row in doc["sections"][0]["rows"]}  # type: ignore[index]
    assert values["exact agreement"] == pytest.approx(expected.exact_agreement)


def test_agreement_table_missing_columns_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("who,what\na,1\n", encoding="utf-8")
    code, _, err = run("agreement", str(path))
    assert code == 2
    assert "subject" in err


def test_agreement_unsupported_extension_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "ratings.txt"
    path.write_text("x", encoding="utf-8")
    code, _, err = run("agreement", str(path))
    assert code == 2
    assert ".csv" in err


# ---- template -------------------------------------------------------------------------------
def test_template_writes_every_item_and_reads_back_as_the_standard(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    code, out, _ = run("template", "-o", str(path), "--organisation", "Acme")
    assert code == 0
    assert str(path) in out
    standard = ccmm.load_standard()
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    assert [ln.split(",")[0] for ln in lines[1:]] == list(standard.item_ids)
    assert "# organisation: Acme" in path.read_text(encoding="utf-8")


def test_template_without_output_or_bad_suffix_is_bad_input(tmp_path: Path) -> None:
    assert run("template")[0] == 2
    code, _, err = run("template", "-o", str(tmp_path / "t.pdf"))
    assert code == 2
    assert ".csv" in err


def test_template_unknown_standard_is_bad_input(tmp_path: Path) -> None:
    assert run("template", "-o", str(tmp_path / "t.csv"), "--standard", "nope")[0] == 2


# ---- catalogue ------------------------------------------------------------------------------
_STANDARD = ccmm.load_standard()


@given(st.sampled_from(_STANDARD.items), st.sampled_from(["en", "zh"]))
def test_catalogue_search_finds_an_item_by_its_own_title(item: ccmm.Item, lang: str) -> None:
    title = item.title.get(lang)  # type: ignore[arg-type]
    code, doc = run_json("catalogue", "--search", title, "--lang", lang)
    assert code == 0
    rows = doc["sections"][0]["rows"]  # type: ignore[index]
    assert item.id in [r[0] for r in rows]
    assert all(title.casefold() in " ".join(r[3:4]).casefold() or r[0] != item.id for r in rows)


@given(st.sampled_from(_STANDARD.sections))
def test_catalogue_section_lists_exactly_its_items_and_subsections(section: ccmm.Section) -> None:
    code, doc = run_json("catalogue", "--section", section.id)
    expected = [
        i.id
        for i in _STANDARD.items
        if i.section == section.id or i.section.startswith(section.id + ".")
    ]
    assert [r[0] for r in doc["sections"][0]["rows"]] == expected  # type: ignore[index]
    assert code == (0 if expected else 1)


def test_catalogue_tags_are_combined_with_and() -> None:
    code, doc = run_json("catalogue", "--tag", "crucial", "--tag", "documented")
    assert code == 0
    ids = [r[0] for r in doc["sections"][0]["rows"]]  # type: ignore[index]
    assert ids == [i.id for i in _STANDARD.items if "crucial" in i.tags and "documented" in i.tags]


def test_catalogue_without_match_exits_1() -> None:
    code, _, err = run("catalogue", "--search", "no item says this 1f3a", "-q")
    assert code == 1
    assert "no item matches" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--section", "9.9"], "9.9"), (["--tag", "not-a-tag"], "not-a-tag")],
)
def test_catalogue_unknown_section_or_tag_is_bad_input(extra: list[str], message: str) -> None:
    code, _, err = run("catalogue", *extra)
    assert code == 2
    assert message in err


# ---- check ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["clean", "dirty"])
def test_check_from_csv_equals_the_library_on_the_typed_examples(name: str) -> None:
    t = load_example(name)  # type: ignore[arg-type]
    expected = check(
        t.facts,
        registry=t.registry,
        intervals=t.intervals,
        analysis_log=t.analysis_log,
        as_of=EXAMPLE_AS_OF,
    ).to_dict()
    code, doc = run_json("check", *crucial_args(name))
    report = doc["sections"][0]["report"]  # type: ignore[index]
    assert report == json.loads(json.dumps(expected))
    assert code == (0 if expected["passed"] else 1)


def test_check_failure_names_the_failed_principles() -> None:
    code, _, err = run("check", *crucial_args("dirty"), "-q")
    assert code == 1
    assert "collectable" in err
    assert "logical" in err


def test_check_reads_excel_like_csv(tmp_path: Path) -> None:
    d = CRUCIAL / "dirty"
    for table in ("facts", "registry"):
        pd.read_csv(d / f"{table}.csv").to_excel(tmp_path / f"{table}.xlsx", index=False)
    csv_code, csv_doc = run_json(
        "check",
        str(d / "facts.csv"),
        "--registry",
        str(d / "registry.csv"),
        "--as-of",
        "2024-04-15",
    )
    xlsx_code, xlsx_doc = run_json(
        "check",
        str(tmp_path / "facts.xlsx"),
        "--registry",
        str(tmp_path / "registry.xlsx"),
        "--as-of",
        "2024-04-15",
    )
    assert xlsx_code == csv_code == 1
    assert (
        xlsx_doc["sections"][0]["report"]["principles"]  # type: ignore[index]
        == csv_doc["sections"][0]["report"]["principles"]  # type: ignore[index]
    )


def test_check_unreadable_cells_are_listed_with_row_and_column(tmp_path: Path) -> None:
    facts = pd.read_csv(CRUCIAL / "clean" / "facts.csv").astype({"value": object})
    facts.loc[2, "period_start"] = "someday"
    facts.loc[4, "value"] = "lots"
    facts.to_csv(tmp_path / "facts.csv", index=False)
    code, _, err = run(
        "check",
        str(tmp_path / "facts.csv"),
        "--registry",
        str(CRUCIAL / "clean" / "registry.csv"),
        "--as-of",
        "2024-04-15",
    )
    assert code == 2
    assert "'period_start'" in err
    assert "row 4: 'someday'" in err
    assert "'value'" in err
    assert "row 6: 'lots'" in err


def test_check_missing_required_option_or_bad_date_is_a_usage_error() -> None:
    facts = str(CRUCIAL / "clean" / "facts.csv")
    assert run("check", facts, "--as-of", "2024-04-15")[0] == 2
    assert run("check", facts, "--registry", facts, "--as-of", "15/04/2024")[0] == 2


def test_check_table_missing_columns_is_bad_input() -> None:
    registry = str(CRUCIAL / "clean" / "registry.csv")
    code, _, err = run("check", registry, "--registry", registry, "--as-of", "2024-04-15")
    assert code == 2
    assert "missing required column" in err


# ---- kpi ------------------------------------------------------------------------------------
def test_kpi_equals_the_library_computation() -> None:
    intervals = load_example("clean").intervals
    expected = compute(intervals, by=("queue",), freq="D")
    code, doc = run_json(
        "kpi",
        str(CRUCIAL / "clean" / "intervals.csv"),
        "--freq",
        "D",
        "--by",
        "queue",
        "--tz",
        "Europe/Berlin",
    )
    assert code == 0
    table = doc["sections"][0]  # type: ignore[index]
    got = pd.DataFrame(table["rows"], columns=table["columns"])
    assert list(got["period"]) == [p.isoformat() for p in expected["period"]]
    for column in ("offered", "service_level", "abandon_rate", "aht_seconds", "occupancy"):
        assert list(got[column]) == pytest.approx(list(expected[column]))


def test_kpi_service_level_gate() -> None:
    path = str(CRUCIAL / "clean" / "intervals.csv")
    overall = compute(load_example("clean").intervals, by=())["service_level"].iloc[0]
    assert run("kpi", path, "--by", "--min-service-level", str(overall - 0.01), "-q")[0] == 0
    code, _, err = run("kpi", path, "--by", "--min-service-level", str(overall + 0.01), "-q")
    assert code == 1
    assert "below" in err


def test_kpi_bad_input() -> None:
    path = str(CRUCIAL / "clean" / "intervals.csv")
    assert run("kpi", path, "--freq", "Y")[0] == 2
    code, _, err = run("kpi", path, "--by", "no_such_column")
    assert code == 2
    assert "no_such_column" in err


def test_kpi_local_times_need_a_time_zone(tmp_path: Path) -> None:
    frame = pd.read_csv(CRUCIAL / "clean" / "intervals.csv")
    frame["interval_start"] = frame["interval_start"].str.slice(0, 19)
    path = tmp_path / "local.csv"
    frame.to_csv(path, index=False)
    code, _, err = run("kpi", str(path))
    assert code == 2
    assert "--tz" in err
    assert run("kpi", str(path), "--tz", "Europe/Berlin", "-q")[0] == 0


# ---- attainment -----------------------------------------------------------------------------
def _attainment_args(*extra: str) -> list[str]:
    d = CRUCIAL / "clean"
    return [str(d / "facts.csv"), "--registry", str(d / "registry.csv"), *extra]


def test_attainment_equals_the_library_verdict() -> None:
    import datetime as dt

    expected = attainment(
        pd.read_csv(CRUCIAL / "clean" / "facts.csv"),
        registry=pd.read_csv(CRUCIAL / "clean" / "registry.csv"),
        rule="copc-gold",
        as_of=dt.date(2024, 3, 31),
        entity=("team", "T1"),
    )
    code, doc = run_json(
        "attainment",
        *_attainment_args("--rule", "copc-gold", "--as-of", "2024-03-31", "--entity", "team:T1"),
    )
    section = doc["sections"][0]  # type: ignore[index]
    assert section["result"] == json.loads(expected.model_dump_json())
    assert code == (0 if expected.passed else 1)
    assert expected.passed


def test_attainment_not_passed_exits_1() -> None:
    # In June the March figures are outside the one-month level window: nothing is on target.
    code, _, err = run(
        "attainment", *_attainment_args("--as-of", "2024-06-30", "--entity", "team:T1", "-q")
    )
    assert code == 1
    assert "not passed" in err


@pytest.mark.parametrize(
    "extra",
    [
        ["--as-of", "2024-03-31", "--rule", "no-such-rule"],
        ["--as-of", "2024-03-31", "--entity", "team"],
        ["--as-of", "March"],
        ["--as-of", "2024-03-31", "--entity", "team:T9"],
    ],
)
def test_attainment_bad_input_exits_2(extra: list[str]) -> None:
    code, _, err = run("attainment", *_attainment_args(*extra))
    assert code == 2
    assert "Traceback" not in err


# ---- staff ----------------------------------------------------------------------------------
@given(
    st.integers(min_value=1, max_value=400),
    st.integers(min_value=30, max_value=900),
    st.sampled_from([(80, 20), (90, 15), (70, 60)]),
)
def test_staff_equals_agents_for_service_level(
    calls: int, aht: int, target: tuple[int, int]
) -> None:
    expected = agents_for_service_level(
        calls,
        aht,
        interval_seconds=1800,
        target_service_level=target[0] / 100,
        threshold_seconds=target[1],
        shrinkage=0.3,
    )
    code, doc = run_json(
        "staff",
        "--calls",
        str(calls),
        "--aht",
        str(aht),
        "--target",
        f"{target[0]}/{target[1]}",
        "--shrinkage",
        "0.3",
    )
    assert code == 0
    (row,) = doc["sections"][0]["rows"]  # type: ignore[index]
    assert row["peak_agents"] == expected.agents
    assert row["peak_scheduled"] == expected.scheduled
    assert row["expected_service_level"] == pytest.approx(expected.service_level)


def test_staff_over_an_interval_table_sums_agent_hours(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "queue": ["a", "a", "b"],
            "offered": [100, 0, 40],
            "aht_seconds": [300, 300, 200],
            "interval_minutes": [30, 30, 15],
        }
    )
    path = tmp_path / "forecast.csv"
    frame.to_csv(path, index=False)
    code, doc = run_json("staff", "--intervals", str(path), "--target", "80/20")
    assert code == 0
    rows = {r["group"]: r for r in doc["sections"][0]["rows"]}  # type: ignore[index]
    a = agents_for_service_level(
        100, 300, interval_seconds=1800, target_service_level=0.8, threshold_seconds=20
    )
    b = agents_for_service_level(
        40, 200, interval_seconds=900, target_service_level=0.8, threshold_seconds=20
    )
    assert rows["a"]["agent_hours"] == pytest.approx(a.agents * 0.5)  # the empty interval needs 0
    assert rows["a"]["expected_service_level"] == pytest.approx(a.service_level)
    assert rows["b"]["agent_hours"] == pytest.approx(b.agents * 0.25)


@pytest.mark.parametrize(
    "extra",
    [
        ["--calls", "100", "--aht", "300", "--target", "80"],
        ["--calls", "100", "--aht", "300", "--target", "80/20", "--shrinkage", "1.2"],
        ["--calls", "100", "--target", "80/20"],
        ["--calls", "-5", "--aht", "300", "--target", "80/20"],
        ["--calls", "100", "--aht", "300", "--target", "80/20", "--interval-minutes", "0"],
    ],
)
def test_staff_bad_input_exits_2(extra: list[str]) -> None:
    code, _, err = run("staff", *extra)
    assert code == 2
    assert "Traceback" not in err


def test_staff_interval_table_missing_columns_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("queue,calls\na,3\n", encoding="utf-8")
    code, _, err = run("staff", "--intervals", str(path), "--target", "80/20")
    assert code == 2
    assert "aht_seconds" in err


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=0, max_value=3600))
def test_service_target_round_trips(percent: int, seconds: int) -> None:
    assert parse_service_target(f"{percent}/{seconds}") == pytest.approx((percent / 100, seconds))
    assert parse_service_target(f"{percent}%/{seconds}") == pytest.approx((percent / 100, seconds))


# ---- demo -----------------------------------------------------------------------------------
def test_demo_writes_one_self_contained_html_report(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, out, _err = run("demo", "-o", str(target), "-q")
    assert code == 0
    assert out.splitlines()[-1] == f"report: {target.resolve()}"  # the summary ends with the path
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<script" not in text.lower()
    for anchor in (
        "evaluation",
        "plan",
        "crucial-dirty",
        "crucial-clean",
        "attainment",
        "staffing",
    ):
        assert f'id="{anchor}"' in text


def test_demo_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert run("demo", "-o", str(first), "-q")[0] == 0
    assert run("demo", "-o", str(second), "-q", "--lang", "en")[0] == 0
    assert first.read_bytes() == second.read_bytes()


def test_demo_bad_output_is_bad_input(tmp_path: Path) -> None:
    assert run("demo", "-o", str(tmp_path / "missing" / "dir" / "r.html"), "-q")[0] == 2


# ---- processes ------------------------------------------------------------------------------
def test_python_dash_m_ccmm_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ccmm", "evaluate", str(ASSESSMENT), "--min-level", "5", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "below the required" in done.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "ccmm", "evaluate", "/no/such/file.json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr


def test_importing_ccmm_imports_no_cli_report_or_plotting() -> None:
    code = (
        "import sys, ccmm, ccmm.kpi, ccmm.crucial; "
        "bad = sorted(m for m in sys.modules if m == 'ccmm.cli' "
        "or m.startswith(('ccmm.report', 'ccmm._cli', 'matplotlib'))); print(bad)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
