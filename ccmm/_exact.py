"""The range in which counts and durations are summed and compared exactly.

Every integer up to 2**53 is exact in float64 (and far inside int64), so a count or duration at
most `MAX_EXACT` reads the same in every backend and a sum of such values never wraps
around. `ccmm.kpi.compute` refuses values and column totals beyond it; the CRUCIAL checks
report values beyond it as findings (``column_in_exact_range``).
"""

from __future__ import annotations

#: The largest count or duration (and column total, for ``compute``) accepted: 2**53.
MAX_EXACT = 2**53
#: How messages name the limit.
EXACT_TEXT = f"{MAX_EXACT:,} (2**53), beyond which sums are not exact"

__all__ = ["EXACT_TEXT", "MAX_EXACT"]
