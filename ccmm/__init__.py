"""ccmm: contact-centre operations as a library.

The CC-CMM-OC 2017 maturity standard as versioned data, a deterministic level evaluator that
explains every rule, CRUCIAL data-quality checks, KPI computation from interval data, Erlang
staffing and target attainment.

>>> import ccmm
>>> standard = ccmm.load_standard()
>>> len(standard.clauses), len(standard.items)
(168, 177)
"""

from __future__ import annotations

from ccmm._errors import (
    AssessmentError,
    CCMMError,
    IncompleteAssessmentError,
    InputDataError,
    StandardError,
    StandardMismatchError,
)
from ccmm._io import read_assessment, write_assessment, write_assessment_template
from ccmm._loader import StandardRef, list_standards, load_standard
from ccmm._text import Text
from ccmm.assessment import Assessment, ItemScore, assessment_json_schema
from ccmm.scoring import (
    AreaScore,
    Evaluation,
    LevelResult,
    RuleResult,
    evaluate,
    evaluate_many,
)
from ccmm.standard import (
    Clause,
    ClauseGroup,
    Domain,
    GlossaryTerm,
    Item,
    LevelRule,
    Scope,
    Section,
    ShareRule,
    Standard,
)

__version__ = "0.1.0"

__all__ = [
    "AreaScore",
    "Assessment",
    "AssessmentError",
    "CCMMError",
    "Clause",
    "ClauseGroup",
    "Domain",
    "Evaluation",
    "GlossaryTerm",
    "IncompleteAssessmentError",
    "InputDataError",
    "Item",
    "ItemScore",
    "LevelResult",
    "LevelRule",
    "RuleResult",
    "Scope",
    "Section",
    "ShareRule",
    "Standard",
    "StandardError",
    "StandardMismatchError",
    "StandardRef",
    "Text",
    "__version__",
    "assessment_json_schema",
    "evaluate",
    "evaluate_many",
    "list_standards",
    "load_standard",
    "read_assessment",
    "write_assessment",
    "write_assessment_template",
]
