"""Survey sample size for a proportion, from the confidence level and the margin of error.

The figure is [`ccmm.kpi.survey.survey_sample_size`][] (Cochran's ``n0 = z² p (1 - p) / e²``
with the finite-population correction, rounded up); this wrapper keeps the evidence check's own
argument rules and messages ([`ccmm.InputDataError`][], a `ValueError`), and no response needed
when the expected proportion is 0 or 1.
"""

from __future__ import annotations

import numbers

from ccmm._errors import InputDataError
from ccmm.evidence._args import shown, type_name


def _real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputDataError(f"{name} must be a number, got {type_name(value)} {shown(value)}")
    return float(value)


def required_sample_size(
    *,
    confidence: float,
    margin_of_error: float,
    population: int | None = None,
    proportion: float = 0.5,
) -> int:
    """Completed responses needed to estimate a proportion within ``margin_of_error``.

    ``confidence`` and ``margin_of_error`` are shares in (0, 1); ``population`` ``None`` means
    no finite-population correction; ``proportion`` 0.5 is the most demanding assumption.
    """
    confidence = _real("confidence", confidence)
    margin_of_error = _real("margin_of_error", margin_of_error)
    proportion = _real("proportion", proportion)
    whole = isinstance(population, numbers.Integral) and not isinstance(population, bool)
    if population is not None and not whole:
        raise InputDataError(
            f"population must be a whole number or None, got {type_name(population)} "
            f"{shown(population)}"
        )
    if not 0 < confidence < 1:
        raise InputDataError(
            f"confidence must lie strictly between 0 and 1, got {shown(confidence)}"
        )
    if not 0 < margin_of_error < 1:
        raise InputDataError(
            f"margin_of_error must lie strictly between 0 and 1, got {shown(margin_of_error)}"
        )
    if not 0 <= proportion <= 1:
        raise InputDataError(f"proportion must lie between 0 and 1, got {shown(proportion)}")
    if population is not None and population < 1:
        raise InputDataError(f"population must be at least 1, got {shown(population)}")
    if proportion in (0, 1):
        return 0  # no spread to estimate: p (1 - p) = 0
    # Imported here, as the other checks import ccmm.kpi: importing ccmm.evidence stays light.
    from ccmm.kpi.survey import survey_sample_size

    return survey_sample_size(
        None if population is None else int(population),
        confidence=confidence,
        margin_of_error=margin_of_error,
        proportion=proportion,
    )


__all__ = ["required_sample_size"]
