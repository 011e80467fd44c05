"""Shared test configuration: hypothesis profiles (bounded for CI) and common fixtures."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# "ci" keeps the whole run well inside CI's budget on a 2-core machine; "dev" explores more.
settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
    print_blob=True,
)
settings.register_profile(
    "dev",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
