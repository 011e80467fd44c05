"""Hypothesis strategies for hostile input: small files of every shape, and junk values.

Built once and shared by the hostile-input tests (readers and limits) and the junk harness that
feeds every public entry point.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import strategies as st

#: Characters a spreadsheet program treats as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t")


def yaml_alias_bomb(levels: int, width: int, *, key: str = "unknown_key") -> str:
    """``levels`` anchors, each ``width`` aliases of the one before: width**levels values."""
    lines = ["standard_id: cc-cmm-oc", f"{key}:", "  l0: &l0 [" + ", ".join(["x"] * width) + "]"]
    for k in range(1, levels):
        lines.append(f"  l{k}: &l{k} [" + ", ".join([f"*l{k - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@st.composite
def alias_bombs(draw: st.DrawFn) -> str:
    """A YAML alias bomb expanding to at least a million values, in a few hundred bytes."""
    width = draw(st.integers(min_value=2, max_value=12))
    levels = max(math.ceil(math.log(1_000_000) / math.log(width)), 2)
    levels = draw(st.integers(min_value=levels, max_value=levels + 6))
    key = draw(st.sampled_from(["unknown_key", "scores", "organisation", "assessors"]))
    return yaml_alias_bomb(levels, width, key=key)


@st.composite
def deep_documents(draw: st.DrawFn) -> tuple[str, str]:
    """(suffix, text): JSON or YAML nested deeper than the default limit (33 to 200,000 levels)."""
    depth = draw(st.one_of(st.integers(33, 2_000), st.sampled_from([100_000, 200_000])))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    suffix = draw(st.sampled_from([".json", ".yaml"]))
    if suffix == ".yaml" and opener.startswith("{"):
        opener = "{a: "
    return suffix, opener * depth + "1" + closer * depth


huge_numbers = st.integers(min_value=51, max_value=6_000).map(lambda n: "9" * n)

# Text of every kind of character, including controls and surrogate-free astral ones.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
one_line_text = (
    st.text(
        st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"], exclude_characters="\x85"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
formula_text = st.builds(
    lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS), one_line_text
)

# Bytes that look a little like each kind of file, or like nothing.
_FILE_PIECES = st.sampled_from(
    [b"{", b"}", b"[", b"]", b'"', b":", b",", b"&a ", b"*a ", b"- ", b"\n", b"  ", b"9" * 60,
     b"1e400", b"NaN", b"!!python/object:os.system", b"scores", b"c_rate", b"# ", b"\xff",
     b"\x00", b"\xef\xbb\xbf", b"PK\x03\x04", b"item,c_rate,f_rate\n"]
)  # fmt: skip
small_files = st.one_of(
    st.binary(max_size=1024),
    st.lists(_FILE_PIECES, max_size=120).map(b"".join).map(lambda b: b[:1024]),
)

# Junk values for arguments of every kind.
junk_scalars = st.sampled_from(
    [None, True, False, 0, -1, -5, 2**63, 2**63 + 5, -(2**63) - 1, 10**400 // 10**300, math.nan,
     math.inf, -math.inf, 1e308, "", "abc", "=HYPERLINK(\"x\")", "\x00\x1b[31m",
     "1e400", "inf", "nan", "2026-02-30", b"bytes", (), [], {}, object(), np.nan, np.int64(5),
     pd.NA, pd.NaT, "x" * 10_000]
)  # fmt: skip


@st.composite
def junk_frames(draw: st.DrawFn) -> pd.DataFrame:
    """A small DataFrame of junk: empty, odd dtypes, NaN/inf/huge ints, duplicated columns."""
    kind = draw(st.sampled_from(["empty", "no_columns", "duplicated", "junk_values", "typed"]))
    names = draw(
        st.lists(
            st.sampled_from(
                ["assessment_id", "item", "c_rate", "f_rate", "operating_years", "offered",
                 "answered", "interval_start", "queue", "agent_id", "x", "=cmd"]
            ),
            min_size=1, max_size=6, unique=True,
        )
    )  # fmt: skip
    if kind == "no_columns":
        return pd.DataFrame(index=range(draw(st.integers(0, 3))))
    if kind == "empty":
        return pd.DataFrame({n: pd.Series([], dtype=object) for n in names})
    rows = draw(st.integers(1, 4))
    values = [draw(junk_scalars) for _ in range(rows)]
    if kind == "typed":
        dtype = draw(st.sampled_from(["float64", "uint64", "int64", "object"]))
        pool = {
            "float64": [math.nan, math.inf, -math.inf, 1e308, -0.0, 5.0],
            "uint64": [2**63 + 5, 2**64 - 1, 0, 10],
            "int64": [2**62, -(2**63), 10**17, 0],
            "object": ["", "abc", None, "\x00"],
        }[dtype]
        values = [draw(st.sampled_from(pool)) for _ in range(rows)]
        column = np.array(values, dtype=dtype)
        frame = pd.DataFrame(dict.fromkeys(names, column))
    else:
        frame = pd.DataFrame({n: pd.Series(values, dtype=object) for n in names})
    if kind == "duplicated":
        frame = pd.concat([frame, frame.iloc[:, :1]], axis=1)
    return frame
