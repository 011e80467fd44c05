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

from typing import Any

from ccmm._agreement import (
    Agreement,
    CohenKappa,
    Consolidation,
    ConsolidationMethod,
    Disagreement,
    PartlyRatedItem,
    RatingChoice,
    agreement,
    consolidate,
)
from ccmm._compare import Comparison, Movement, RatingMovement, RuleMovement, compare
from ccmm._deprecated import install_moved_module, warn_moved
from ccmm._errors import (
    AssessmentError,
    CCMMError,
    IncompleteAssessmentError,
    InputDataError,
    MissingExtraError,
    StandardError,
    StandardMismatchError,
)
from ccmm._io import read_assessment, write_assessment, write_assessment_template
from ccmm._limits import Limits
from ccmm._loader import StandardRef, list_standards, load_standard
from ccmm._read_table import TableMapping, list_mappings, load_mapping, read_table
from ccmm._text import Text
from ccmm.assessment import Assessment, ItemScore, assessment_json_schema
from ccmm.balance import DomainBalance, ItemBalance, MethodExecution, method_execution
from ccmm.planning import (
    Downgrade,
    Margin,
    Plan,
    PlanStep,
    RatingStep,
    RuleMargin,
    StepGroup,
    margin,
    plan,
)
from ccmm.scoring import (
    AreaScore,
    Evaluation,
    LevelResult,
    ReadingLevel,
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

__version__ = "0.2.0"

__all__ = [
    "Agreement",
    "AreaScore",
    "Assessment",
    "AssessmentError",
    "CCMMError",
    "Clause",
    "ClauseGroup",
    "CohenKappa",
    "Comparison",
    "Consolidation",
    "ConsolidationMethod",
    "Disagreement",
    "Domain",
    "DomainBalance",
    "Downgrade",
    "Evaluation",
    "GlossaryTerm",
    "IncompleteAssessmentError",
    "InputDataError",
    "Item",
    "ItemBalance",
    "ItemScore",
    "LevelResult",
    "LevelRule",
    "Limits",
    "Margin",
    "MethodExecution",
    "MissingExtraError",
    "Movement",
    "PartlyRatedItem",
    "Plan",
    "PlanStep",
    "RatingChoice",
    "RatingMovement",
    "RatingStep",
    "ReadingLevel",
    "RuleMargin",
    "RuleMovement",
    "RuleResult",
    "Scope",
    "Section",
    "ShareRule",
    "Standard",
    "StandardError",
    "StandardMismatchError",
    "StandardRef",
    "StepGroup",
    "TableMapping",
    "Text",
    "__version__",
    "agreement",
    "assessment_json_schema",
    "compare",
    "consolidate",
    "evaluate",
    "evaluate_many",
    "list_mappings",
    "list_standards",
    "load_mapping",
    "load_standard",
    "margin",
    "method_execution",
    "plan",
    "read_assessment",
    "read_table",
    "write_assessment",
    "write_assessment_template",
]

# 0.1 import paths, deprecated (removed in 0.3.0): the modules are private since 0.2.0, because
# the function of the same name hid each of them.
install_moved_module(
    "ccmm.compare", home="ccmm._compare", renamed={"RatingChange": "RatingMovement"}
)
install_moved_module("ccmm.agreement", home="ccmm._agreement")


def __getattr__(name: str) -> Any:
    if name == "RatingChange":  # 0.1 name; ccmm.evidence.RatingChange is a different class
        warn_moved("ccmm.RatingChange", "ccmm.RatingMovement")
        return RatingMovement
    raise AttributeError(f"module 'ccmm' has no attribute {name!r}")


def __dir__() -> list[str]:
    return list(__all__)
