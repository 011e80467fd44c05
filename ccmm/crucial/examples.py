"""The example CRUCIAL datasets shipped with ccmm, for the docs, the CLI and tests.

``clean`` passes every principle; ``dirty`` is the same data with exactly one defect per
principle (listed in ``ccmm/examples/crucial/dirty/README.md``). Both are read from CSV and given
the dtypes of the canonical tables (ids as categories, the interval start time-zone aware).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import pandas as pd

from ccmm._errors import InputDataError
from ccmm._guard import checked_arguments
from ccmm._tables import TableSpec, load_table_spec

#: The time zone of the example centre (its interval data cross a daylight-saving change).
EXAMPLE_TIME_ZONE = "Europe/Berlin"
#: The date the examples are meant to be checked as of.
EXAMPLE_AS_OF = "2024-04-15"


@dataclass(frozen=True)
class ExampleTables:
    """The four tables of one example dataset."""

    registry: pd.DataFrame
    facts: pd.DataFrame
    intervals: pd.DataFrame
    analysis_log: pd.DataFrame


def _typed(frame: pd.DataFrame, spec: TableSpec) -> pd.DataFrame:
    out: dict[str, pd.Series] = {}
    for name in frame.columns:
        s = frame[name]
        kind = spec.column(name).kind if name in spec.column_names else "str"
        if kind == "datetime_tz":
            out[name] = pd.to_datetime(s, utc=True).dt.tz_convert(EXAMPLE_TIME_ZONE)
        elif kind == "date":
            out[name] = pd.to_datetime(s)
        elif kind == "category":
            out[name] = s.astype("category")
        elif kind == "bool":
            out[name] = s.map({True: True, False: False, "True": True, "False": False}).astype(bool)
        elif kind == "str":
            out[name] = s.astype(object)
        else:
            out[name] = s
    return pd.DataFrame(out)


@checked_arguments
def load_example(name: Literal["clean", "dirty"]) -> ExampleTables:
    """Load example dataset ``name`` ("clean" or "dirty") as typed pandas DataFrames."""
    if name not in ("clean", "dirty"):
        raise InputDataError(f"example must be 'clean' or 'dirty', got {name!r}")
    folder = resources.files("ccmm.examples").joinpath("crucial", name)
    tables = {}
    for table in ("registry", "facts", "intervals", "analysis_log"):
        text = folder.joinpath(f"{table}.csv").read_text(encoding="utf-8")
        tables[table] = _typed(pd.read_csv(io.StringIO(text)), load_table_spec(table))
    return ExampleTables(**tables)


__all__ = ["EXAMPLE_AS_OF", "EXAMPLE_TIME_ZONE", "ExampleTables", "load_example"]


def __dir__() -> list[str]:
    return list(__all__)
