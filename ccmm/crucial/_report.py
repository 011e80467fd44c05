"""The result of [`ccmm.crucial.check`][]: per-principle status, failures row by row, gaps."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from ccmm._model import FrozenModel
from ccmm.crucial._rules import PRINCIPLES, Principle, Severity

Status = Literal["pass", "fail", "not_checked"]

#: Columns of `CrucialReport.failures`, in order.
FAILURE_COLUMNS: tuple[str, ...] = (
    "principle",
    "item",
    "check",
    "table",
    "row_key",
    "column",
    "value",
    "message",
    "severity",
)


class CheckResult(FrozenModel):
    """One named check: ``status``, why it was not run (``reason``), rows checked and failing,
    and how its failures count (``severity``: a ``warning`` check's failures are listed but do
    not fail its principle)."""

    check: str
    item: str
    table: str
    summary: str
    status: Status
    reason: str = ""
    n_checked: int = 0
    n_failures: int = 0
    severity: Severity = "error"


class PrincipleResult(FrozenModel):
    """One CRUCIAL principle.

    ``status`` is ``fail`` when any of its checks failed, ``pass`` when at least one ran and none
    failed, and ``not_checked`` when none could run; ``reason`` explains a ``not_checked`` status
    and names the checks that were skipped.
    """

    principle: Principle
    items: tuple[str, ...]
    status: Status
    reason: str
    checks: tuple[CheckResult, ...]
    n_checks_run: int
    n_checks_failed: int
    n_failures: int


def first_per_check(failures: pd.DataFrame, max_failures: int | None) -> pd.DataFrame:
    """The first ``max_failures`` rows of each check of a failure table (all when None)."""
    if max_failures is None or len(failures) == 0:
        return failures
    keep = failures.groupby("check", sort=False).cumcount().to_numpy() < max_failures
    return failures[keep].reset_index(drop=True)


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for rec in frame.astype(object).where(frame.notna(), None).to_dict(orient="records"):
        out.append(
            {
                str(k): (v.isoformat() if isinstance(v, dt.date | pd.Timestamp) else v)
                for k, v in rec.items()
            }
        )
    return out


@dataclass(frozen=True)
class CrucialReport:
    """Everything [`ccmm.crucial.check`][] found.

    - ``principles``: principle name -> [`PrincipleResult`][ccmm.crucial.PrincipleResult], in the
    standard's order.
    - ``failures``: one row per failure case, columns
    [`FAILURE_COLUMNS`][ccmm.crucial.FAILURE_COLUMNS], sorted.
    - ``adjusted_rows``: every manually adjusted fact row (clause 102 asks for them to be
      reviewable), approved or not, with its key and approval reference.
    - ``gaps``: the latest value of every (metric, entity) series against its target; ``gap`` is
      value - target and ``favourable_gap`` is the same signed so that positive is better.
    """

    as_of: dt.date
    tolerance: float
    principles: Mapping[Principle, PrincipleResult]
    failures: pd.DataFrame
    adjusted_rows: pd.DataFrame
    gaps: pd.DataFrame

    @property
    def passed(self) -> bool:
        """True when no principle failed (principles not checked do not count as failures)."""
        return all(p.status != "fail" for p in self.principles.values())

    def to_dict(self, *, max_failures: int | None = None) -> dict[str, Any]:
        """A JSON-ready dict: principles with their checks, failures, adjusted rows and gaps.

        ``max_failures`` keeps at most that many failures per check (counts stay exact)."""
        return {
            "as_of": self.as_of.isoformat(),
            "tolerance": self.tolerance,
            "passed": self.passed,
            "principles": {k: v.model_dump(mode="json") for k, v in self.principles.items()},
            "failures": _frame_records(first_per_check(self.failures, max_failures)),
            "adjusted_rows": _frame_records(self.adjusted_rows),
            "gaps": _frame_records(self.gaps),
        }

    def to_json(self, *, max_failures: int | None = None, indent: int | None = 2) -> str:
        """`to_dict` as JSON text, with at most ``max_failures`` failures per check."""
        return json.dumps(
            self.to_dict(max_failures=max_failures), indent=indent, ensure_ascii=False
        )

    def _summary_rows(self) -> list[tuple[str, str, str, str, str]]:
        rows: list[tuple[str, str, str, str, str]] = []
        for name in PRINCIPLES:
            p = self.principles[name]
            rows.append((name, ", ".join(p.items), p.status, str(p.n_failures), p.reason or ""))
        return rows

    def to_markdown(self, *, max_failures: int = 50) -> str:
        """A Markdown summary: one line per principle, then up to ``max_failures`` failures."""

        def cell(text: object) -> str:
            return str(text).replace("|", "\\|").replace("\n", " ")

        lines = [
            f"# CRUCIAL data-quality report (as of {self.as_of.isoformat()})",
            "",
            "| principle | items | status | failures | note |",
            "|---|---|---|---|---|",
        ]
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in self._summary_rows()]
        if len(self.failures):
            shown = self.failures.head(max_failures)
            lines += ["", f"## Failures ({len(self.failures)})", ""]
            lines += ["| " + " | ".join(FAILURE_COLUMNS) + " |"]
            lines += ["|" + "---|" * len(FAILURE_COLUMNS)]
            for rec in shown.itertuples(index=False):
                lines.append("| " + " | ".join(cell(v) for v in rec) + " |")
            if len(self.failures) > max_failures:
                lines.append(f"\n… and {len(self.failures) - max_failures} more.")
        return "\n".join(lines) + "\n"

    def to_html(self, *, max_failures: int = 50) -> str:
        """A self-contained HTML fragment with the same content as `to_markdown`."""

        def table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
            head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
            body = "".join(
                "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>"
                for r in rows
            )
            return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

        parts = [
            f"<h1>CRUCIAL data-quality report (as of {html.escape(self.as_of.isoformat())})</h1>",
            table(
                ("principle", "items", "status", "failures", "note"),
                list(self._summary_rows()),
            ),
        ]
        if len(self.failures):
            shown = self.failures.head(max_failures)
            parts.append(f"<h2>Failures ({len(self.failures)})</h2>")
            parts.append(table(FAILURE_COLUMNS, [tuple(r) for r in shown.itertuples(index=False)]))
        return "<section class='ccmm-crucial'>" + "".join(parts) + "</section>"

    def _repr_html_(self) -> str:
        """Notebook display (rendered by `ccmm.report`, imported only when displayed)."""
        from ccmm.report import fragment_html, section_for

        return fragment_html(section_for(self))

    def plot(self, *, ax: Any = None, lang: Literal["en", "zh"] = "en") -> Any:
        """A matplotlib chart of this result (needs the ``plot`` extra); returns the Axes."""
        from ccmm._plot import plot_crucial

        return plot_crucial(self, ax=ax, lang=lang)


__all__ = ["FAILURE_COLUMNS", "CheckResult", "CrucialReport", "PrincipleResult", "Status"]


def __dir__() -> list[str]:
    return list(__all__)
