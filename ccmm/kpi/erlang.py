"""Deprecated: the Erlang staffing functions moved to `ccmm.staffing` (removed in 0.3.0).

Every name of 0.1 still works from here with a ``DeprecationWarning`` naming its replacement;
``target_seconds=`` is accepted for ``threshold_seconds=``.
"""

from __future__ import annotations

import warnings
from typing import Any

warnings.warn(
    "ccmm.kpi.erlang is deprecated and will be removed in ccmm 0.3.0: use ccmm.staffing",
    DeprecationWarning,
    stacklevel=2,
)

__all__: list[str] = []


def __getattr__(name: str) -> Any:
    from ccmm.staffing._deprecated import moved_attribute

    return moved_attribute("ccmm.kpi.erlang", name)
