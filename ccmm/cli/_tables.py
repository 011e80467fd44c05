"""Reading the command line's tables: the public reader `ccmm.read_table` (``ccmm._read_table``).

Kept as the command line's import point; the reading and typing code lives in
``ccmm/_read_table.py`` so that the library can read a centre's tables without loading the CLI.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ccmm._read_table import SUFFIXES, read_raw, type_table
from ccmm._read_table import read_table as _read_table

if TYPE_CHECKING:
    import pandas as pd


def read_table(
    path: str | Path, table: str | None = None, *, time_zone: str | None = None
) -> pd.DataFrame:
    """Read ``path``; with ``table``, type its canonical columns (see `ccmm.read_table`)."""
    if table is None:
        return read_raw(path)
    return _read_table(path, table, time_zone=time_zone)


__all__ = ["SUFFIXES", "read_raw", "read_table", "type_table"]
