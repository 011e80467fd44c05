"""Shared test configuration: the hypothesis profile and common fixtures.

There is one profile, and everybody gets it: a newcomer typing the README's `nox -s tests`, a
developer and CI run the same bounded number of examples with fresh random seeds every run. A
test that fails for some seed is a bug to fix, never a seed to pin; `print_blob` prints what is
needed to replay the failing example with `@reproduce_failure`.

`HYPOTHESIS_PROFILE=thorough` explores ten times as many examples when hunting for a bug.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Hypothesis loads its own derandomized "ci" profile when it sees a CI variable (CI=true): the
# parent and `derandomize=False` are explicit so that CI draws fresh seeds like everybody else,
# and `database=None` so that a developer's local example database does not make runs differ.
_COMMON = {
    "parent": settings.get_profile("default"),
    "derandomize": False,
    "database": None,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
# Bounded so that the whole suite stays within a few minutes on a 2-core machine.
settings.register_profile("ccmm", max_examples=40, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("thorough", max_examples=400, **_COMMON)  # type: ignore[arg-type]
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ccmm"))
