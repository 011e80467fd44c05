"""The report section of a data-backed assessment: which ratings the data supports,
contradicts or cannot judge (``ccmm evaluate FILE --evidence DIR`` and the demo)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccmm.report._model import EvidenceSection

if TYPE_CHECKING:
    from ccmm.evidence import MergeResult, Suggestions


def evidence_section(result: MergeResult, suggestions: Suggestions) -> EvidenceSection:
    """One row per item the evidence mapping covers: the verdict in plain words, the assessor's
    and the data's rating side by side (``assessor 10 / data 0``), the ratings after the merge
    and the failing checks with their rows. An item whose check failed is never shown as
    supported (see `evidence_rows` in `ccmm.report._content`)."""
    return EvidenceSection(result, suggestions)


__all__ = ["evidence_section"]
