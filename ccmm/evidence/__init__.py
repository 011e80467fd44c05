"""Data-backed assessment: ratings suggested from the centre's own data, with their evidence.

[`suggest`][ccmm.evidence.suggest] runs the checks that the edition's evidence mapping
(``ccmm/standard_data/cc-cmm-oc/2017/evidence.yaml``) names for each item — the CRUCIAL checks,
the metric registry, the fact table, target attainment, interval data and the customer survey —
and grades each item by the mapping's rules. [`merge`][ccmm.evidence.merge] combines the suggestions
with an assessor's ratings without ever raising one. See ``docs/evidence.md``.
"""

from __future__ import annotations

from ccmm.evidence._directory import read_evidence_tables, suggest_from_directory
from ccmm.evidence._mapping import (
    CheckSpec,
    EvidenceMap,
    Grading,
    GradingRule,
    ItemChecks,
    load_evidence_map,
)
from ccmm.evidence._merge import merge
from ccmm.evidence._suggest import suggest
from ccmm.evidence._survey import required_sample_size
from ccmm.evidence.results import (
    Evidence,
    ItemVerdict,
    MergeResult,
    NotFilled,
    NotJudged,
    OffendingRow,
    Policy,
    RatingChange,
    Suggestion,
    Suggestions,
    Verdict,
)

__all__ = [
    "CheckSpec",
    "Evidence",
    "EvidenceMap",
    "Grading",
    "GradingRule",
    "ItemChecks",
    "ItemVerdict",
    "MergeResult",
    "NotFilled",
    "NotJudged",
    "OffendingRow",
    "Policy",
    "RatingChange",
    "Suggestion",
    "Suggestions",
    "Verdict",
    "load_evidence_map",
    "merge",
    "read_evidence_tables",
    "required_sample_size",
    "suggest",
    "suggest_from_directory",
]


def __dir__() -> list[str]:
    return list(__all__)
