"""The text of a failure: each value formatted once (`formatted`, `fmt_many`), the row keys
``col=value, …`` with integer ranks that order them as their texts (`row_keys`), and the check's
message template filled (`fill`).

A million failing rows usually hold a few thousand distinct values, so every text here is built
from array lookups rather than one Python call per row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ccmm._cells import MISSING, fmt
from ccmm.crucial._collector import RowKeys, Table
from ccmm.crucial._rules import CHECK_BY_ID


def formatted(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, texts): `fmt` of each distinct value once (an object array whose last slot is
    the missing text), and each cell's index (>= 0) into it."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if series.dtype == object:
        # Python objects hash 1, 1.0 and True alike but print differently: one by one.
        texts = np.array([*(fmt(v) for v in series.to_numpy()), MISSING], dtype=object)
        return np.arange(len(series), dtype=np.intp), texts
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), list(series.cat.categories)
    else:
        codes, found = pd.factorize(series, use_na_sentinel=True)
        uniques = list(found)
    texts = np.array([*(fmt(u) for u in uniques), MISSING], dtype=object)
    at = np.asarray(codes, dtype=np.intp)
    return np.where(at < 0, len(texts) - 1, at), texts  # -1 (missing): the last slot


def fmt_many(values: pd.Series | np.ndarray) -> np.ndarray:
    """`fmt` of every cell, formatting each distinct value once (an object array).

    A million failing rows usually hold a few thousand distinct values, so the failure table
    is built from array lookups rather than one Python call per row.
    """
    codes, texts = formatted(values)
    return np.asarray(texts[codes])


def _text_ranks(texts: Sequence[str]) -> np.ndarray:
    """Dense rank of each text in code-point order (equal texts, equal ranks)."""
    ordered = {t: i for i, t in enumerate(sorted(set(texts)))}
    return np.array([ordered[t] for t in texts], dtype=np.int64)


def _combined_texts(parts: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """The texts ``parts[0] + parts[1] + …`` per row (each part: codes, texts of its values).

    Joining strings row by row is the cost here, so the columns around the one with the most
    distinct values are first combined by code (few combinations) and written once each:
    a row then costs at most two joins, one when the busiest column is first or last.
    """
    busiest = max(range(len(parts)), key=lambda j: len(parts[j][1]))
    codes, texts = parts[busiest]
    joined = texts[codes]
    for before, side in ((True, parts[:busiest]), (False, parts[busiest + 1 :])):
        if not side:
            continue
        if math.prod(len(texts) for _, texts in side) >= 2**62:  # codes would not fit: by row
            for side_codes, side_texts in reversed(side) if before else side:
                part = side_texts[side_codes]
                joined = part + joined if before else joined + part
            continue
        combo = np.zeros(len(codes), dtype=np.int64)
        for side_codes, side_texts in side:
            combo = combo * len(side_texts) + side_codes
        found, which = np.unique(combo, return_inverse=True)
        written = []
        for value in found.tolist():
            pieces = []
            for _, side_texts in reversed(side):
                value, at = divmod(value, len(side_texts))
                pieces.append(side_texts[at])
            written.append("".join(reversed(pieces)))
        side_text = np.array(written, dtype=object)[which]
        joined = side_text + joined if before else joined + side_text
    return np.asarray(joined, dtype=object)


def row_keys(table: Table, positions: np.ndarray) -> RowKeys:
    """``col=value, …`` over the table's key columns, for the rows at ``positions``.

    Each column's distinct values are formatted once. A key's text compares with another's as
    its first column's value followed by ``", "`` does, then (on a tie) the next column's: so the
    rank of ``value + ", "`` among a column's distinct values (the plain value for the last
    column) orders the keys exactly, unless a value itself holds ``", "``.
    """
    keys = RowKeys()
    columns = [col for col in table.spec.key if col in table.frame.columns]
    if len(positions) == 0 or not columns:
        keys.extend([""] * len(positions))
        keys.ranks = ()
        keys.texts = np.array(keys, dtype=object)
        return keys
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    ranks: list[np.ndarray] | None = []
    for j, col in enumerate(columns):
        codes, texts = formatted(table.frame[col].iloc[positions].reset_index(drop=True))
        last = j == len(columns) - 1
        prefix = f", {col}=" if j else f"{col}="
        parts.append((codes, np.array([prefix + t for t in texts], dtype=object)))
        if ranks is not None:
            if not last and any(", " in t for t in texts):
                ranks = None
            else:
                ranks.append(_text_ranks([t if last else t + ", " for t in texts])[codes])
    keys.texts = _combined_texts(parts)
    keys.extend(keys.texts.tolist())
    keys.ranks = None if ranks is None else tuple(ranks)
    return keys


def fill(check: str, **fields: object) -> str:
    return CHECK_BY_ID[check].template.format(**fields)


__all__ = ["fill", "fmt_many", "formatted", "row_keys"]
