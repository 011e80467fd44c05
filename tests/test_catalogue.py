"""The shipped CC-CMM-OC 2017 catalogue: structure, invariants, loading, digests."""

from __future__ import annotations

import json
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

import ccmm

# Clause ranges per section, as the foundation issue states them from the standard's contents.
SECTION_RANGES = {
    "1.1": (1, 5), "1.2": (6, 10), "1.3": (11, 14), "1.4": (15, 19), "1.5": (20, 24),
    "1.6": (25, 35), "1.7": (36, 38), "2.1.1": (39, 43), "2.1.2": (44, 46), "2.1.3": (47, 61),
    "2.1.4": (62, 67), "2.2.1": (68, 77), "2.2.2": (78, 84), "2.2.3": (85, 89),
    "2.2.4": (90, 93), "2.2.5": (94, 96), "2.3": (97, 104), "3.1": (105, 108),
    "3.2": (109, 115), "3.3": (116, 124), "3.4": (125, 128), "4.1.1": (129, 132),
    "4.1.2": (133, 140), "4.2.1": (141, 145), "4.2.2": (146, 148), "5.1": (149, 153),
    "5.2": (154, 156), "5.3": (157, 161), "5.4": (162, 165), "5.5": (166, 168),
}  # fmt: skip
CRUCIAL_ITEMS = [
    "109.1", "109.2", "110.1", "110.2", "111", "112.1", "112.2", "112.3", "113.1", "113.2",
    "113.3", "114.1", "114.2", "114.3", "115.1", "115.2",
]  # fmt: skip
LEVEL_TABLE = {  # level: (name, shares {(scope, rating): %}, min total, min years)
    1: ("Application", {("1.0-4.0", "c_rate"): 80, ("1.0-4.0", "f_rate"): 60}, 2250, None),
    2: ("Professional", {("1.0-4.0", "c_rate"): 90, ("1.0-4.0", "f_rate"): 70}, 2500, None),
    3: ("Benchmark", {("1.0-4.0", "c_rate"): 100, ("1.0-4.0", "f_rate"): 80}, 2750, 2),
    4: ("Lean", {("1.0-4.0", "c_rate"): 100, ("5.0", "c_rate"): 80,
                 ("1.0-4.0", "f_rate"): 90, ("5.0", "f_rate"): 70}, 3200, 3),
    5: ("Excellence", {("1.0-4.0", "c_rate"): 100, ("5.0", "c_rate"): 100,
                       ("1.0-4.0", "f_rate"): 100, ("5.0", "f_rate"): 90}, 3380, 5),
}  # fmt: skip

STANDARD = ccmm.load_standard()


def test_counts_are_168_clauses_and_177_items() -> None:
    assert (len(STANDARD.clauses), len(STANDARD.items)) == (168, 177)
    assert [c.id for c in STANDARD.clauses] == [str(n) for n in range(1, 169)]


def test_every_clause_sits_in_the_section_its_number_falls_in() -> None:
    for clause in STANDARD.clauses:
        number = int(clause.id)
        matches = [s for s, (lo, hi) in SECTION_RANGES.items() if lo <= number <= hi]
        assert matches == [clause.section], clause.id


def test_section_numbering_follows_the_table_of_contents() -> None:
    ids = [s.id for s in STANDARD.sections]
    assert set(SECTION_RANGES) <= set(ids)
    assert {"2.1", "2.2", "4.1", "4.2"} <= set(ids)  # parents without clauses of their own
    for s in STANDARD.sections:
        assert s.domain == s.id.split(".")[0] + ".0"
        if s.parent is not None:
            assert s.id.startswith(s.parent + ".")


def test_ids_are_unique_everywhere() -> None:
    for ids in (
        [d.id for d in STANDARD.domains],
        [s.id for s in STANDARD.sections],
        [c.id for c in STANDARD.clauses],
        [i.id for i in STANDARD.items],
    ):
        assert len(ids) == len(set(ids))


def test_item_counts_per_domain() -> None:
    per_domain = Counter(i.domain for i in STANDARD.items)
    assert sum(n for d, n in per_domain.items() if d != "5.0") == 157
    assert per_domain["5.0"] == 20
    assert STANDARD.scope_sizes == {"1.0-4.0": 157, "5.0": 20}
    assert STANDARD.max_total == 3540


def test_crucial_clauses_are_scored_per_requirement() -> None:
    section_items = [i.id for i in STANDARD.items if i.section == "3.2"]
    assert section_items == CRUCIAL_ITEMS
    for item in STANDARD.items:
        assert item.clause == item.id.split(".")[0]
        if item.clause not in {"109", "110", "111", "112", "113", "114", "115"}:
            assert item.id == item.clause


def test_management_process_groups_cover_their_clauses() -> None:
    groups = {g.id: (int(g.first), int(g.last)) for g in STANDARD.section("2.1.3").groups}
    assert groups == {
        "business-monitoring": (47, 50),
        "staffing-scheduling": (51, 55),
        "performance-management": (56, 58),
        "knowledge-management": (59, 61),
    }
    for clause in STANDARD.clauses:
        if clause.section == "2.1.3":
            assert clause.group is not None
            lo, hi = groups[clause.group]
            assert lo <= int(clause.id) <= hi
        else:
            assert clause.group is None


def test_every_clause_and_item_has_both_languages_and_tags() -> None:
    for entry in (*STANDARD.clauses, *STANDARD.items):
        for text in (entry.title, entry.summary):
            assert text.en.strip() and text.zh.strip(), entry.id
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text.zh), entry.id
        assert entry.tags, entry.id
        assert all(t == t.lower() and " " not in t for t in entry.tags), entry.id


def test_crucial_items_are_tagged_with_their_principle() -> None:
    principles = ["collectable", "reportable", "usable", "cyclical", "improvable", "accurate",
                  "logical"]  # fmt: skip
    for clause_no, principle in zip(range(109, 116), principles, strict=True):
        clause = STANDARD.clause(str(clause_no))
        assert principle in clause.tags


def test_level_rules_load_as_in_the_level_table() -> None:
    assert [lv.level for lv in STANDARD.levels] == [1, 2, 3, 4, 5]
    for lv in STANDARD.levels:
        name, shares, total, years = LEVEL_TABLE[lv.level]
        assert lv.name.en == name and lv.name.zh
        assert {(r.scope, r.rating): r.minimum for r in lv.share_rules} == {
            k: Fraction(v, 100) for k, v in shares.items()
        }
        assert lv.min_total == total
        assert lv.min_operating_years == years


def test_glossary_defines_the_terms_of_the_trade_in_both_languages() -> None:
    abbreviations = {t.abbreviation for t in STANDARD.glossary}
    assert {"AHT", "ASA", "FCR", "ACW"} <= abbreviations
    terms = " ".join(t.term.en.lower() for t in STANDARD.glossary)
    for word in ("occupancy", "service level", "forecast", "schedul", "benchmark"):
        assert word in terms
    for t in STANDARD.glossary:
        assert t.definition.en and t.definition.zh


def test_shipped_standard_is_listed_and_cached() -> None:
    assert ccmm.StandardRef("cc-cmm-oc", "2017") in ccmm.list_standards()
    assert ccmm.load_standard() is ccmm.load_standard("cc-cmm-oc", "2017")
    assert ccmm.load_standard("cc-cmm-oc") is STANDARD


def test_digest_is_sha256_of_the_canonical_form_and_tracks_content() -> None:
    assert len(STANDARD.digest) == 64
    int(STANDARD.digest, 16)
    data = STANDARD.model_dump(mode="json")
    again = ccmm.Standard.model_validate(data)
    assert again.digest == STANDARD.digest
    data["levels"][0]["min_total"] = 2251
    assert ccmm.Standard.model_validate(data).digest != STANDARD.digest


def test_a_users_standard_loads_from_one_file_or_a_directory(tmp_path: Path) -> None:
    data = STANDARD.model_dump(mode="json")
    data["id"], data["edition"] = "my-model", "2030"
    single = tmp_path / "mine.json"
    single.write_text(json.dumps(data), encoding="utf-8")
    mine = ccmm.load_standard(single)
    assert (mine.id, mine.edition, len(mine.items)) == ("my-model", "2030", 177)
    directory = tmp_path / "mine"
    directory.mkdir()
    clauses = data.pop("clauses")
    (directory / "standard.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (directory / "clauses.yaml").write_text(yaml.safe_dump(clauses), encoding="utf-8")
    assert ccmm.load_standard(directory).digest == mine.digest


def test_unknown_standard_or_edition_is_a_clear_error() -> None:
    with pytest.raises(ccmm.StandardError, match="no edition '2099'"):
        ccmm.load_standard("cc-cmm-oc", "2099")
    with pytest.raises(ccmm.StandardError, match="no shipped standard and no file"):
        ccmm.load_standard("no-such-standard")


def test_a_broken_users_standard_reports_every_problem(tmp_path: Path) -> None:
    data = STANDARD.model_dump(mode="json")
    data["clauses"][0]["section"] = "9.9"
    data["clauses"][1]["id"] = "1"
    data["levels"][0]["share_rules"][0]["scope"] = "nowhere"
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ccmm.StandardError) as err:
        ccmm.load_standard(path)
    text = str(err.value)
    assert str(path) in text
    for expected in ("unknown section '9.9'", "clause id '1' appears more than once", "nowhere"):
        assert expected in text


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("id: x\nid: y\n", "duplicated key 'id'"),
        ("id: !!python/object:os.system x\n", "not valid safe YAML"),
        ("[unclosed\n", "not valid safe YAML"),
    ],
)
def test_malformed_standard_files_raise_naming_the_file(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ccmm.StandardError, match=expected) as err:
        ccmm.load_standard(path)
    assert "bad.yaml" in str(err.value)
