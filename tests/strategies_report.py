"""Shared strategies for the report tests: pieces of the shipped example interval table, and
text with the characters a report must not carry."""

from __future__ import annotations

import pandas as pd
from hypothesis import strategies as st

from ccmm.crucial.examples import load_example

_CLEAN_INTERVALS = load_example("clean").intervals


@st.composite
def example_interval_pieces(draw: st.DrawFn) -> pd.DataFrame:
    """A non-empty subset of the clean example's interval rows (both days, both channels,
    a daylight-saving change) in a random order."""
    rows = draw(
        st.lists(st.integers(0, len(_CLEAN_INTERVALS) - 1), min_size=1, max_size=60, unique=True)
    )
    return _CLEAN_INTERVALS.iloc[rows].reset_index(drop=True)


#: Text of every kind, with C0/C1 control characters and non-characters mixed in.
hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(
            [
                "\x00",
                "\x07",
                "\x0b",
                "\x0c",
                "\x1b",
                "\x7f",
                "\x85",
                "\x9f",
                "\r",
                "\ufffe",
                "\uffff",
                "<",
                "&",
                '"',
            ]
        ),
    ),
    max_size=40,
)

__all__ = ["example_interval_pieces", "hostile_text"]
