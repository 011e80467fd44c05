"""`ccmm.read_table`: files and DataFrames into canonical tables, through the shipped export
mappings (Amazon Connect, Cisco UCCE) and users' own; bad mappings are CCMMErrors.

The export-shaped tables are built here from the shipped clean example: averages and percentages
rounded as an export prints them (Amazon Connect), or the sums themselves (Cisco). KPIs computed
from the table read back are compared with the example's KPIs within the bounds docs/reading.md
states.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ccmm
from ccmm import CCMMError, InputDataError, Limits, read_table
from ccmm.crucial.examples import EXAMPLE_TIME_ZONE, load_example
from ccmm.kpi import compute

KPIS = ["service_level", "abandon_rate", "answer_rate", "asa_seconds", "aht_seconds", "occupancy"]
DECIMALS = 2  # of the averages (seconds) and the percentages an export prints
HALF = 0.5 * 10**-DECIMALS


def _canonical() -> pd.DataFrame:
    return load_example("clean").intervals


def _kpis(intervals: pd.DataFrame) -> pd.DataFrame:
    return compute(intervals, freq="D").set_index(["period", "queue", "channel"])[KPIS]


def _connect_export(canonical: pd.DataFrame) -> pd.DataFrame:
    n = canonical["answered"]
    handling = canonical[["talk_seconds", "hold_seconds", "acw_seconds"]].sum(axis=1)
    occupancy = 100 * handling / (handling + canonical["available_seconds"])
    return pd.DataFrame(
        {
            "StartTime": canonical["interval_start"].map(lambda t: t.isoformat()),
            "Queue": canonical["queue"].astype(str),
            "Channel": canonical["channel"].astype(str),
            "CONTACTS_QUEUED": canonical["offered"],
            "CONTACTS_HANDLED": n,
            "CONTACTS_ABANDONED": canonical["abandoned"],
            "SERVICE_LEVEL": (
                100 * canonical["answered_within_threshold"] / canonical["offered"]
            ).round(DECIMALS),
            "QUEUE_ANSWER_TIME": (canonical["wait_seconds"] / n).round(DECIMALS),
            "INTERACTION_TIME": (canonical["talk_seconds"] / n).round(DECIMALS),
            "HOLD_TIME": (canonical["hold_seconds"] / n).round(DECIMALS),
            "AFTER_CONTACT_WORK_TIME": (canonical["acw_seconds"] / n).round(DECIMALS),
            "OCCUPANCY": occupancy.round(DECIMALS),
        }
    )


def _cisco_export(canonical: pd.DataFrame) -> pd.DataFrame:
    local = canonical["interval_start"].dt.tz_convert(EXAMPLE_TIME_ZONE).dt.tz_localize(None)
    return pd.DataFrame(
        {
            "DateTime": local.map(lambda t: t.isoformat(sep=" ")),
            "SkillGroupSkillTargetID": canonical["queue"].astype(str),
            "MRDomain": canonical["channel"].astype(str),
            "CallsOffered": canonical["offered"],
            "CallsHandled": canonical["answered"],
            "RouterCallsAbandQ": canonical["abandoned"],
            "AbandonRingCalls": 0,
            "ServiceLevelCalls": canonical["answered_within_threshold"],
            "AnswerWaitTime": canonical["wait_seconds"],
            "HandledCallsTalkTime": canonical["talk_seconds"] + canonical["hold_seconds"],
            "IncomingCallsOnHoldTime": canonical["hold_seconds"],
            "HandledCallsTime": canonical[["talk_seconds", "hold_seconds", "acw_seconds"]].sum(
                axis=1
            ),
            "AvailTime": canonical["available_seconds"],
        }
    )


def test_ccmm_ships_at_least_two_export_mappings_each_naming_its_documentation() -> None:
    names = ccmm.list_mappings()
    assert {"amazon-connect", "cisco-ucce"} <= set(names)
    for name in names:
        mapping = ccmm.load_mapping(name)
        assert mapping.table == "intervals"
        assert mapping.source is not None and mapping.source.startswith("https://")


def test_amazon_connect_export_reproduces_the_example_kpis_within_the_documented_bounds(
    tmp_path: Path,
) -> None:
    canonical = _canonical()
    path = tmp_path / "connect.csv"
    _connect_export(canonical).to_csv(path, index=False)
    rebuilt = read_table(path, "intervals", mapping="amazon-connect", time_zone=EXAMPLE_TIME_ZONE)
    expected, got = _kpis(canonical), _kpis(rebuilt)
    assert list(got.index) == list(expected.index)
    # Counts and counts rebuilt from a percentage (offered < 10,000 per interval) are exact.
    for kpi in ("service_level", "abandon_rate", "answer_rate"):
        np.testing.assert_array_equal(got[kpi], expected[kpi])
    # An average rebuilt into a sum is off by at most half a unit of its last printed digit.
    assert (got["asa_seconds"] - expected["asa_seconds"]).abs().max() <= HALF
    assert (got["aht_seconds"] - expected["aht_seconds"]).abs().max() <= 3 * HALF
    # Occupancy: relative error at most 2 * (3e / AHT_min + d / occupancy_min), per interval.
    n = canonical["answered"]
    handling = canonical[["talk_seconds", "hold_seconds", "acw_seconds"]].sum(axis=1)
    occupancy = handling / (handling + canonical["available_seconds"])
    bound = 2 * (3 * HALF / (handling / n).min() + (HALF / 100) / occupancy.min())
    relative = (got["occupancy"] / expected["occupancy"] - 1).abs().max()
    assert 0 < relative <= bound


def test_cisco_ucce_interval_table_reproduces_the_example_kpis_exactly() -> None:
    canonical = _canonical()
    export = _cisco_export(canonical)
    rebuilt = read_table(
        export,
        "intervals",
        mapping="cisco-ucce",
        columns={"MRDomain": "channel"},  # overrides the mapping's constant channel
        time_zone=EXAMPLE_TIME_ZONE,
    )
    got, expected = _kpis(rebuilt), _kpis(canonical)
    assert list(got.index) == list(expected.index)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert (rebuilt["interval_start"] == canonical["interval_start"]).all()


def test_a_file_a_pandas_and_a_polars_frame_read_to_the_same_table(tmp_path: Path) -> None:
    export = _connect_export(_canonical())
    as_polars = pl.DataFrame({c: export[c].tolist() for c in export.columns})
    path = tmp_path / "connect.parquet"
    as_polars.write_parquet(path)
    kwargs = {"mapping": "amazon-connect", "time_zone": EXAMPLE_TIME_ZONE}
    from_file = read_table(path, "intervals", **kwargs).reset_index(drop=True)
    from_pandas = read_table(export, "intervals", **kwargs)
    from_polars = read_table(as_polars, "intervals", **kwargs)
    pd.testing.assert_frame_equal(from_file, from_pandas)
    pd.testing.assert_frame_equal(from_polars, from_pandas)


def test_a_mapping_file_is_read_and_explicit_arguments_override_it(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "table: intervals\ncolumns: {Start: interval_start}\nderive: {interval_minutes: '15'}\n",
        encoding="utf-8",
    )
    frame = pd.DataFrame({"Start": ["2024-01-01T08:00:00+01:00"], "len": [30]})
    out = read_table(frame, "intervals", mapping=path)
    assert out["interval_minutes"].tolist() == [15]
    out = read_table(frame, "intervals", mapping=path, columns={"len": "interval_minutes"})
    assert out["interval_minutes"].tolist() == [30]
    assert str(out["interval_start"].dtype) == "datetime64[ns, UTC]"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"columns": {"Nope": "queue"}}, "no source column 'Nope'"),
        ({"columns": {"q": "queue_name"}}, "'queue_name' is not a column of the intervals"),
        ({"derive": {"wait_seconds": "asa * missing"}}, "no source column 'missing'"),
        ({"derive": {"wait_seconds": "asa ** 2"}}, "Pow is not allowed"),
        ({"derive": {"wait_seconds": "__import__('os')"}}, "the only function allowed"),
        ({"derive": {"wait_seconds": "asa *"}}, "not an arithmetic expression"),
        ({"derive": {"wait": "asa"}}, "'wait' is not a column"),
        ({"derive": {"queue": "q"}, "columns": {"q": "queue"}}, "both renamed to and derived"),
        ({"derive": {"wait_seconds": "asa / zero"}}, "undefined (a division by zero) on row(s) 0"),
        ({"derive": {"wait_seconds": "asa * q"}}, "column 'q' must hold numbers"),
        ({"mapping": "no-such-mapping"}, "must be a shipped name"),
    ],
)
def test_a_bad_mapping_is_a_ccmm_error_naming_the_problem(kwargs, message: str) -> None:
    frame = pd.DataFrame({"q": ["billing"], "asa": [12.0], "zero": [0.0]})
    with pytest.raises(CCMMError) as caught:
        read_table(frame, "intervals", **kwargs)
    assert message in str(caught.value)


def test_a_bad_mapping_file_is_a_ccmm_error_naming_the_file(tmp_path: Path) -> None:
    cases = {
        "unknown.yaml": "table: intervals\ncolumn: {a: queue}\n",
        "notable.yaml": "table: calls\n",
        "bomb.yaml": "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
        + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdef", "bcdefg", strict=True)
        ),
        "list.yaml": "- 1\n",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputDataError) as caught:
            read_table(
                pd.DataFrame({"a": [1]}),
                "intervals",
                mapping=path,
                limits=Limits(max_yaml_nodes=10_000),
            )
        assert str(path) in str(caught.value)


def test_a_file_over_the_row_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    pd.DataFrame({"a": range(11)}).to_csv(path, index=False)
    with pytest.raises(InputDataError, match=r"Limits\.max_rows"):
        read_table(path, "intervals", limits=Limits(max_rows=10))


@given(scale=st.floats(0.01, 1000), rows=st.integers(1, 30))
def test_a_derived_sum_equals_the_product_of_its_columns_row_by_row(
    scale: float, rows: int
) -> None:
    frame = pd.DataFrame({"asa": np.linspace(0, scale, rows), "n": np.arange(rows)})
    out = read_table(frame, "intervals", derive={"wait_seconds": "asa * n"})
    np.testing.assert_array_equal(out["wait_seconds"], frame["asa"] * frame["n"])


def test_a_cell_over_the_length_limit_is_refused_naming_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    pd.DataFrame({"a": ["x", "y" * 50]}).to_csv(path, index=False)
    with pytest.raises(InputDataError, match=r"row 3, column 'a'.*Limits\.max_cell_chars"):
        read_table(path, "intervals", limits=Limits(max_cell_chars=20))


def test_a_device_or_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "sparse.csv"
    with path.open("wb") as handle:
        handle.truncate(10**9)  # a sparse gigabyte: refused by its size, never read
    with pytest.raises(InputDataError, match=r"Limits\.max_file_bytes"):
        read_table(path, "intervals")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # reading it would block forever: refused without opening it
    with pytest.raises(InputDataError, match="not a regular file"):
        read_table(fifo, "intervals")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(InputDataError, match="is a directory"):
        read_table(folder, "intervals")
