"""Survey sample size for a proportion, from the confidence level and the margin of error.

``n0 = z² p (1 - p) / e²`` with ``z`` the two-sided normal quantile of the confidence level,
then the finite-population correction ``n = n0 N / (n0 + N - 1)``, rounded up. Only the standard
library is used (:class:`statistics.NormalDist`), so no scipy at run time.
"""

from __future__ import annotations

import math
from statistics import NormalDist

#: Slack below an integer before rounding up, so that a product that is an integer in exact
#: arithmetic (but lands a hair above it in floating point) is not pushed to the next one.
_ROUNDING_SLACK = 1e-9


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
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    if not 0 < margin_of_error < 1:
        raise ValueError(
            f"margin_of_error must lie strictly between 0 and 1, got {margin_of_error!r}"
        )
    if not 0 <= proportion <= 1:
        raise ValueError(f"proportion must lie between 0 and 1, got {proportion!r}")
    if population is not None and population < 1:
        raise ValueError(f"population must be at least 1, got {population!r}")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    n0 = z * z * proportion * (1 - proportion) / (margin_of_error * margin_of_error)
    n = n0 if population is None else n0 * population / (n0 + population - 1)
    return max(0, math.ceil(n - _ROUNDING_SLACK))


__all__ = ["required_sample_size"]
