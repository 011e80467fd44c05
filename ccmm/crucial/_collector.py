"""What one CRUCIAL run collects: the tables it checks, each check's options and outcome, and
the failure frames (`Collector`), with the row keys those frames are ordered by (`RowKeys`).

Backend-neutral, like the rest of the engine; backends reach these names through
`ccmm.crucial._engine`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ccmm._errors import InputDataError
from ccmm._tables import TableSpec
from ccmm._units import unit_kinds
from ccmm.crucial._calendar import Schedule
from ccmm.crucial._report import FAILURE_COLUMNS
from ccmm.crucial._rules import CHECK_BY_ID, CHECKS, Severity, default_options

#: Why a check that ran over no rows (or no series, no metrics) is ``not_checked``.
NO_ROWS = "no rows"


@dataclass(frozen=True)
class Table:
    name: str
    spec: TableSpec
    original: Any
    frame: pd.DataFrame  # pandas view of the data, RangeIndex 0..n-1 = row positions
    backend: str


def merged_options(
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Every check's options: ``crucial.yaml``'s defaults, overridden per check id (one option
    at a time) by ``options``; an unknown check id or option name is an error."""
    merged = default_options()
    for check, given in (options or {}).items():
        if check not in merged:
            raise InputDataError(f"options name no check {quoted(str(check))}")
        unknown = sorted(str(k) for k in given if k not in merged[check])
        if unknown:
            known = ", ".join(sorted(merged[check])) or "none"
            raise InputDataError(
                f"check {check!r} has no option {quoted(unknown[0])}; its options: {known}"
            )
        merged[check].update(given)
    return merged


def quoted(text: str, limit: int = 60) -> str:
    """``text`` quoted, cut to ``limit`` characters (user values in messages stay bounded)."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


class RowKeys(list[str]):
    """Row keys as text, and (``ranks``) one integer array per key column whose lexicographic
    order is the texts' code-point order, equal exactly where the texts are: sorting a million
    failures by these costs a fraction of comparing their texts. ``ranks`` is None where that
    cannot be promised (a value holding the ``", "`` that separates key columns). ``texts`` is
    the same keys as an object array (what a failure frame is built from)."""

    ranks: tuple[np.ndarray, ...] | None = None
    texts: np.ndarray | None = None


class Collector:
    """Collects failure frames and per-check outcomes; holds the run's options per check id
    (``crucial.yaml``'s defaults, each check's replaced by ``options`` where given), the
    centre's opening hours (``schedule``; None: every queue is expected around the clock) and
    the run's settings (severity per check, checks switched off with their reason)."""

    def __init__(
        self,
        options: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        schedule: Schedule | None = None,
        severities: Mapping[str, Severity] | None = None,
        disabled: Mapping[str, str] | None = None,
        units: Mapping[str, str] | None = None,
    ) -> None:
        self.options = merged_options(options)
        #: Unit name -> kind: the known units plus those the registry's ``units`` table declares.
        self.units: dict[str, str] = dict(units) if units is not None else dict(unit_kinds())
        self.schedule = schedule
        #: How a failure of each check counts (``crucial.yaml``'s severity unless settings say).
        self.severities = {c.id: c.severity for c in CHECKS} | dict(severities or {})
        #: Checks switched off by settings -> the reason given.
        self.disabled = dict(disabled or {})
        self.frames: list[pd.DataFrame] = []
        #: Per frame: the ranks of its row keys (`RowKeys.ranks`), or None (sorted by text).
        self.key_ranks: list[tuple[np.ndarray, ...] | None] = []
        self.checked: dict[str, int] = defaultdict(int)
        self.failed: dict[str, int] = defaultdict(int)
        self.ran: set[str] = set()
        self.skipped: dict[str, str] = {}

    def option(self, check: str, name: str) -> Any:
        """Option ``name`` of ``check`` in this run."""
        return self.options[check][name]

    def run(self, check: str, n_checked: int) -> None:
        self.ran.add(check)
        self.checked[check] += n_checked

    def skip(self, check: str, reason: str) -> None:
        self.skipped.setdefault(check, reason)

    def add(
        self,
        check: str,
        table: str,
        row_keys: Sequence[str],
        column: str | Sequence[str],
        values: Sequence[str] | np.ndarray,
        messages: Sequence[str] | np.ndarray,
    ) -> None:
        n = len(row_keys)
        if n == 0:
            return
        definition = CHECK_BY_ID[check]
        self.failed[check] += n
        self.frames.append(
            pd.DataFrame(
                {
                    "principle": definition.principle,
                    "item": definition.item,
                    "check": check,
                    "table": table,
                    "row_key": (
                        row_keys.texts
                        if isinstance(row_keys, RowKeys) and row_keys.texts is not None
                        else list(row_keys)
                    ),
                    "column": [column] * n if isinstance(column, str) else list(column),
                    "value": values if isinstance(values, np.ndarray) else list(values),
                    "message": messages if isinstance(messages, np.ndarray) else list(messages),
                    "severity": self.severities[check],
                },
                columns=list(FAILURE_COLUMNS),
            )
        )
        self.key_ranks.append(row_keys.ranks if isinstance(row_keys, RowKeys) else None)


__all__ = ["NO_ROWS", "Collector", "RowKeys", "Table", "merged_options", "quoted"]
