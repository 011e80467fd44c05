"""Survey sample sizes for customer-satisfaction surveys (clause 135: sample size from the
confidence level and the margin of error).

Both functions use Cochran's formula for estimating a proportion with the finite-population
correction (W. G. Cochran, *Sampling Techniques*, 3rd ed., Wiley, 1977, eqs. 4.1-4.2):

    n0 = z² · p · (1 − p) / e²          (infinite population)
    n  = n0 / (1 + (n0 − 1) / N)         (population of N)

where z is the two-sided standard-normal quantile for the confidence level. The inverse,
[`margin_of_error`][ccmm.kpi.margin_of_error], solves the same relation for e:
``e = z · sqrt(p · (1 − p) / n · (N − n) / (N − 1))``.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from ccmm._errors import InputDataError
from ccmm._guard import checked_arguments

# Guards float noise (384.00000000001 must not round up to 385) without moving real values.
_CEIL_SLACK = 1e-9


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise InputDataError(f"confidence must be between 0 and 1 (exclusive), got {confidence!r}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _check_proportion(proportion: float) -> None:
    if not 0 < proportion < 1:
        raise InputDataError(f"proportion must be between 0 and 1 (exclusive), got {proportion!r}")


def _check_population(population: int | None) -> None:
    if population is not None and (isinstance(population, bool) or population < 1):
        raise InputDataError(
            f"population must be a positive whole number or None, got {population!r}"
        )


@checked_arguments
def survey_sample_size(
    population: int | None,
    *,
    confidence: float = 0.95,
    margin_of_error: float = 0.05,
    proportion: float = 0.5,
) -> int:
    """Responses needed to estimate a proportion within ±``margin_of_error`` at ``confidence``.

    Cochran (1977) with the finite-population correction, rounded up: 385 for an unlimited
    population (``population=None``) at 95 % / ±5 % (384.1 rounded up), 370 for 10,000.
    ``proportion`` is the expected share (0.5, the default, is the most conservative). The
    result never exceeds ``population``.
    """
    _check_population(population)
    _check_proportion(proportion)
    if not 0 < margin_of_error < 1:
        raise InputDataError(
            f"margin_of_error must be between 0 and 1 (exclusive), got {margin_of_error!r}"
        )
    z = _z(confidence)
    n0 = z * z * proportion * (1 - proportion) / (margin_of_error * margin_of_error)
    n = n0 if population is None else n0 / (1 + (n0 - 1) / population)
    needed = math.ceil(n - _CEIL_SLACK)
    return needed if population is None else min(max(needed, 1), population)


@checked_arguments
def margin_of_error(
    n: int,
    population: int | None,
    *,
    confidence: float = 0.95,
    proportion: float = 0.5,
) -> float:
    """Half-width of the confidence interval of a proportion from ``n`` responses.

    The inverse of [`survey_sample_size`][ccmm.kpi.survey_sample_size] (Cochran 1977, with the
    finite-population correction): ``z · sqrt(p(1 − p)/n · (N − n)/(N − 1))``; 0.0 when the whole
    population answered. ``n`` must be between 1 and ``population``.
    """
    _check_population(population)
    _check_proportion(proportion)
    if isinstance(n, bool) or n < 1:
        raise InputDataError(f"n must be a positive whole number, got {n!r}")
    if population is not None and n > population:
        raise InputDataError(f"n must not exceed the population {population}, got {n}")
    z = _z(confidence)
    variance = proportion * (1 - proportion) / n
    if population is not None:
        variance *= (population - n) / (population - 1) if population > 1 else 0.0
    return z * math.sqrt(variance)


__all__ = ["margin_of_error", "survey_sample_size"]


def __dir__() -> list[str]:
    return list(__all__)
