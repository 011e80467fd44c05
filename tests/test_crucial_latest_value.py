"""The gap table's latest value per series: found without sorting every fact.

`_latest_of_each` keeps only the rows at their series' latest period start and sorts those; it
must pick the same row as the full sort it replaced (series, then instant, then value, missing
instants and values last, ties in row order), whatever the ties and missing values.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ccmm.crucial._series import latest_of_each as _latest_of_each

DAY = np.timedelta64(1, "D")
rows = st.lists(
    st.tuples(
        st.integers(0, 4),  # series code
        st.one_of(st.none(), st.integers(0, 3)),  # day (None: missing), few so ties are common
        st.one_of(st.none(), st.sampled_from([0.0, 1.0, 2.5, -1.0])),  # value (None: NaN)
    ),
    max_size=40,
)


@settings(max_examples=100)
@given(rows)
def test_latest_row_is_the_last_of_the_full_sort(
    facts: list[tuple[int, int | None, float | None]],
) -> None:
    series = np.array([f[0] for f in facts], dtype=np.int64)
    instants = np.array(
        [
            np.datetime64("NaT", "ns")
            if f[1] is None
            else np.datetime64("2024-01-01", "ns") + f[1] * DAY
            for f in facts
        ],
        dtype="datetime64[ns]",
    )
    value = np.array([np.nan if f[2] is None else f[2] for f in facts], dtype=np.float64)
    order = np.lexsort((value, instants, series))  # the full sort, stable, NaN/NaT last
    ends = np.append(series[order][1:] != series[order][:-1], True) if len(order) else []
    want = order[ends] if len(order) else order
    np.testing.assert_array_equal(_latest_of_each(series, instants, value), want)
