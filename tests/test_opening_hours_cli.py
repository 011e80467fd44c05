"""``ccmm check --opening-hours FILE --closures FILE``: the library's result from files; times in
the files are read in the zone of ``interval_start`` (``--tz``); bad files are exit 2 naming
the file and the row."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from test_cli import CRUCIAL, run, run_json
from test_opening_hours_check import HOURS, MISSING, ZONE, _intervals, _open_fortnight

from ccmm.crucial import check
from ccmm.crucial.examples import EXAMPLE_AS_OF, load_example


def _files(tmp_path: Path, starts: pd.DatetimeIndex) -> list[str]:
    intervals = _intervals(starts)
    written = intervals.assign(
        interval_start=intervals["interval_start"].map(pd.Timestamp.isoformat)
    )
    written.to_csv(tmp_path / "intervals.csv", index=False)
    HOURS.to_csv(tmp_path / "hours.csv", index=False)
    return [
        str(CRUCIAL / "clean" / "facts.csv"),
        "--registry",
        str(CRUCIAL / "clean" / "registry.csv"),
        "--intervals",
        str(tmp_path / "intervals.csv"),
        "--as-of",
        str(EXAMPLE_AS_OF),
        "--tz",
        ZONE,
        "--opening-hours",
        str(tmp_path / "hours.csv"),
    ]


def test_check_with_opening_hours_from_files_equals_the_library(tmp_path: Path) -> None:
    fortnight = _open_fortnight()
    gone = fortnight[fortnight != pd.Timestamp(MISSING)]
    code, doc = run_json("check", *_files(tmp_path, gone))
    report = doc["sections"][0]["report"]  # type: ignore[index]
    example = load_example("clean")
    expected = check(
        example.facts,
        registry=example.registry,
        intervals=_intervals(gone),
        as_of=EXAMPLE_AS_OF,
        opening_hours=HOURS,
    ).to_dict()
    assert report["principles"] == json.loads(json.dumps(expected["principles"]))
    grid = [f for f in report["failures"] if f["check"] == "interval_grid"]
    assert [f["value"] for f in grid] == [MISSING]
    assert code == 1


def test_closures_file_removes_the_closed_day(tmp_path: Path) -> None:
    fortnight = _open_fortnight()
    kept = fortnight[fortnight.tz_convert(ZONE).date != pd.Timestamp("2024-03-29").date()]
    args = _files(tmp_path, kept)
    pd.DataFrame({"date": ["2024-03-29"], "queue": [""], "channel": [""]}).to_csv(
        tmp_path / "closures.csv", index=False
    )
    _, doc = run_json("check", *args, "--closures", str(tmp_path / "closures.csv"))
    report = doc["sections"][0]["report"]  # type: ignore[index]
    assert not [f for f in report["failures"] if f["check"] == "interval_grid"]


def test_a_bad_opening_hours_file_is_bad_input_naming_file_and_row(tmp_path: Path) -> None:
    args = _files(tmp_path, _open_fortnight())
    HOURS.assign(weekday=[0, 1, 2, 3, 4, 9]).to_csv(tmp_path / "hours.csv", index=False)
    code, _, err = run("check", *args, "-q")
    assert code == 2
    assert "hours.csv" in err and "opening_hours row 5" in err and "weekday" in err
