"""ccmm: contact-centre operations as a library.

The CC-CMM-OC 2017 maturity standard as versioned data, a deterministic level evaluator,
CRUCIAL data-quality checks, KPI computation and Erlang staffing.
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

__version__ = "0.1.0"

__all__ = [
    "AssessmentError",
    "CCMMError",
    "IncompleteAssessmentError",
    "InputDataError",
    "StandardError",
    "StandardMismatchError",
    "__version__",
]
