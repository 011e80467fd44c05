"""The failure table's order: row keys ranked by column equal sorting their texts.

`row_keys` gives each key column's values integer ranks so that a million failures are ordered
without comparing their texts (#14: the text sort was most of what failing rows cost). These
tests prove the ranks order the keys exactly as their texts do, on key values built to trip a
per-column comparison: prefixes of one another, commas, spaces and characters below ``","``,
missing cells, duplicates; and that the whole failure table comes out as the plain text sort
of the reference order would put it, whatever order the rows and frames arrived in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ccmm._tables import load_table_spec
from ccmm.crucial._engine import Collector, Table, row_keys, sorted_failures
from ccmm.crucial._rules import CHECKS as ALL
from ccmm.crucial._rules import PRINCIPLES

# Characters around the separators of a row key (", " and "="), below and above them.
KEY_ALPHABET = st.sampled_from(list("ab ,!=+-~"))
key_text = st.one_of(st.none(), st.text(KEY_ALPHABET, max_size=4))

SPEC = load_table_spec("intervals")
KEY = [c for c in SPEC.key if c != "interval_start"]  # queue, channel: two text key columns


def _table(rows: list[tuple[str | None, ...]]) -> Table:
    frame = pd.DataFrame(rows, columns=KEY, dtype=object)
    return Table(name="intervals", spec=SPEC, original=frame, frame=frame, backend="pandas")


rows_of_keys = st.lists(st.tuples(key_text, key_text), min_size=1, max_size=30)


@settings(max_examples=60)
@given(rows_of_keys)
def test_rank_order_is_the_text_order_of_the_row_keys(rows: list[tuple[str | None, ...]]) -> None:
    keys = row_keys(_table(rows), np.arange(len(rows)))
    if keys.ranks is None:  # a value holding ", ": the engine falls back to sorting the texts
        assert any(v is not None and ", " in v for v, _ in rows)
        return
    by_rank = sorted(range(len(rows)), key=lambda i: tuple(int(r[i]) for r in keys.ranks or ()))
    by_text = sorted(range(len(rows)), key=lambda i: keys[i])
    assert [keys[i] for i in by_rank] == [keys[i] for i in by_text]
    for i in range(len(rows)):
        for j in range(len(rows)):
            same_rank = all(r[i] == r[j] for r in keys.ranks)
            assert same_rank == (keys[i] == keys[j])


CHECKS = ["answered_abandoned_within_offered", "interval_grid"]
COLUMNS = ["principle", "item", "check", "table", "row_key", "column", "value", "message"]


@settings(max_examples=40)
@given(
    rows_of_keys,
    st.lists(st.sampled_from(list("xy,")), min_size=30, max_size=30),
    st.lists(st.integers(0, 2), min_size=30, max_size=30),
    st.randoms(use_true_random=False),
)
def test_failure_table_order_is_the_text_sort_whatever_the_arrival_order(
    rows: list[tuple[str | None, ...]],
    values: list[str],
    frame_of: list[int],
    random: object,
) -> None:
    table = _table(rows)
    n = len(rows)
    arrival = list(range(n))
    random.shuffle(arrival)  # type: ignore[attr-defined]
    out = Collector()
    # Up to three frames of one check and one frame of another: a check reported by one frame
    # is ordered by ranks, by several frames as text.
    for frame in range(3):
        part = np.array([i for i in arrival if frame_of[i] % 3 == frame], dtype=np.int64)
        if len(part):
            keys = row_keys(table, part)
            picked = [values[i] for i in part]
            out.add(CHECKS[0], "intervals", keys, "offered", picked, [f"m{v}" for v in picked])
    whole = np.array(arrival, dtype=np.int64)
    out.add(CHECKS[1], "intervals", row_keys(table, whole), "interval_start",
            [values[i] for i in whole], ["gap"] * n)  # fmt: skip
    got = sorted_failures(out)
    reference = pd.concat(out.frames, ignore_index=True)
    p_order = {p: i for i, p in enumerate(PRINCIPLES)}
    c_order = {c.id: i for i, c in enumerate(ALL)}
    want = (
        reference.assign(_p=reference["principle"].map(p_order), _c=reference["check"].map(c_order))
        .sort_values(["_p", "item", "_c", "table", *COLUMNS[4:]], kind="stable")
        .drop(columns=["_p", "_c"])
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(got[COLUMNS], want[COLUMNS])


FACTS = load_table_spec("facts")


def _naive_keys(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    from ccmm._cells import fmt

    return [", ".join(f"{c}={fmt(v)}" for c, v in zip(columns, row, strict=True))
            for row in frame[columns].itertuples(index=False)]  # fmt: skip


@settings(max_examples=40)
@given(
    st.lists(
        st.tuples(*(st.sampled_from(["a", "b", "c, d", "", None, "a,"]) for _ in FACTS.key)),
        min_size=1,
        max_size=25,
    ),
    st.integers(0, 4),
)
def test_row_key_texts_are_each_rows_columns_joined_whichever_column_is_busiest(
    rows: list[tuple[str | None, ...]], busy: int
) -> None:
    # Column ``busy`` gets a distinct value on every row, so it is the one joined row by row.
    data = [tuple(f"v{i}" if j == busy else v for j, v in enumerate(r)) for i, r in enumerate(rows)]
    frame = pd.DataFrame(data, columns=list(FACTS.key), dtype=object)
    table = Table(name="facts", spec=FACTS, original=frame, frame=frame, backend="pandas")
    positions = np.arange(len(rows))[::-1]  # any order of positions
    keys = row_keys(table, positions)
    assert list(keys) == _naive_keys(frame.iloc[positions], list(FACTS.key))


def test_row_keys_of_many_distinct_values_in_every_key_column_are_joined_row_by_row() -> None:
    # 60,000 rows, every key column distinct on every row: the columns around the busiest one
    # have more combinations than an int64 holds, so they are joined row by row, not by code.
    n = 60_000
    frame = pd.DataFrame({c: [f"{c[0]}{i}" for i in range(n)] for c in FACTS.key}, dtype=object)
    table = Table(name="facts", spec=FACTS, original=frame, frame=frame, backend="pandas")
    positions = np.arange(n)[::-1]  # 60,000**4 > 2**62
    keys = row_keys(table, positions)
    assert list(keys) == _naive_keys(frame.iloc[positions], list(FACTS.key))
