"""docs/standard.md: the bundled example under every reading of "met", and where each reading lets
the minimum totals bind, are what the code gives (the doc cannot drift).

Each block between ``<!-- readings:NAME -->`` and ``<!-- /readings:NAME -->`` in the doc must equal
what `rendered` gives now. Run this file as a script to print the blocks for pasting.
"""

from __future__ import annotations

import re
from pathlib import Path

from ccmm import evaluate, load_standard
from ccmm._readings import READINGS, ShareReading, unit_size
from ccmm.examples import load_example_assessment
from ccmm.scoring import items_needed

DOC = Path(__file__).resolve().parents[1] / "docs" / "standard.md"
_BLOCK = re.compile(
    r"<!-- readings:(?P<name>[a-z-]+) -->\n(?P<body>.*?)<!-- /readings:(?P=name) -->", re.S
)


def _forced_points(reading: ShareReading, level: int) -> int:
    """The fewest points the share rules of levels 1..level force under ``reading``."""
    std = load_standard("cc-cmm-oc", "2017")
    need: dict[tuple[str, str], int] = {}
    for lv in std.levels[:level]:
        for r in lv.share_rules:
            size = std.scope_sizes[r.scope] * unit_size(reading, std.max_rating)
            key = (r.rating, r.scope)
            need[key] = max(need.get(key, 0), items_needed(r.minimum, size))
    if reading == "rated_10":
        return sum(n * 10 for n in need.values())
    if reading == "rated_5_or_10":
        return sum(n * 5 for n in need.values())
    return sum(-(-n // 5) * 5 for n in need.values())  # points come in steps of 5


def rendered() -> dict[str, str]:
    std = load_standard("cc-cmm-oc", "2017")
    a = load_example_assessment()
    example = ["| reading | level | total | why not the next level |", "|---|---|---|---|"]
    arithmetic = []
    for reading in READINGS:
        ev = evaluate(a, reading=reading)
        nxt = ev.level_result(ev.level + 1) if ev.level < len(ev.levels) else None
        why = "; ".join(r.explanation.en for r in nxt.rules if not r.holds) if nxt else "—"
        example.append(f"| `{reading}` | L{ev.level} | {ev.total} | {why} |")
        for lv in ev.levels[: ev.level + 1]:
            for r in lv.rules:
                if r.kind == "share":
                    arithmetic.append(f"- `{reading}`: {r.explanation.en}")
    c = sum(d.c_sum for d in ev.domains)
    f = sum(d.f_sum for d in ev.domains)
    total_line = f"The total is the same under every reading: {c} C-Rate + {f} F-Rate = {c + f}.\n"
    binds = ["| reading | " + " | ".join(f"L{lv.level}" for lv in std.levels) + " |"]
    binds.append("|---|" + "---|" * len(std.levels))
    for reading in READINGS:
        cells = []
        for lv in std.levels:
            forced = _forced_points(reading, lv.level)
            verdict = "binds" if lv.min_total > forced else "never binds"
            cells.append(f"{forced} vs {lv.min_total}: {verdict}")
        binds.append(f"| `{reading}` | " + " | ".join(cells) + " |")
    return {
        "example": "\n".join(example) + "\n\n" + total_line,
        "arithmetic": "\n".join(arithmetic) + "\n",
        "binds": "\n".join(binds) + "\n",
    }


def test_docs_standard_shows_the_example_under_every_reading_as_the_code_evaluates_it() -> None:
    text = DOC.read_text(encoding="utf-8")
    found = {m["name"]: m["body"] for m in _BLOCK.finditer(text)}
    expected = rendered()
    assert set(found) == set(expected)
    for name, body in expected.items():
        assert found[name] == body, f"docs/standard.md block {name!r} is out of date"


def test_the_example_reaches_another_level_under_rated_5_or_10() -> None:
    ev = evaluate(load_example_assessment())
    assert {r.reading: r.level for r in ev.readings} == {
        "rated_10": 2,
        "rated_5_or_10": 3,
        "share_of_points": 2,
    }
    assert ev.readings_differ
    assert "L3 under rated_5_or_10" in ev.explain()


if __name__ == "__main__":
    for name, body in rendered().items():
        print(f"<!-- readings:{name} -->\n{body}<!-- /readings:{name} -->\n")
