"""CRUCIAL data-quality checks (clause 3.2) as pandera schemas.

[`check`][ccmm.crucial.check] runs the seven principles (Collectable, Reportable, Usable, Cyclical,
Improvable, Accurate, Logical) on a KPI fact table, its metric registry and, optionally, the
interval table and an analysis log; [`ccmm.crucial.schemas`][] holds the pandera schemas of those
tables for use on their own. polars is imported only when a polars frame is passed.
"""

from __future__ import annotations

from ccmm._deprecated import install_moved_module
from ccmm.crucial._check import check
from ccmm.crucial._report import (
    FAILURE_COLUMNS,
    CheckResult,
    CrucialReport,
    PrincipleResult,
    Status,
)
from ccmm.crucial._rules import CHECKS, PRINCIPLES, CheckDef, Principle
from ccmm.crucial._settings import CheckSetting, CrucialSettings, adjustable_options, load_settings

__all__ = [
    "CHECKS",
    "FAILURE_COLUMNS",
    "PRINCIPLES",
    "CheckDef",
    "CheckResult",
    "CheckSetting",
    "CrucialReport",
    "CrucialSettings",
    "Principle",
    "PrincipleResult",
    "Status",
    "adjustable_options",
    "check",
    "load_settings",
]

# The report module is private since 0.2.0; its public names live here. The old import path keeps
# working, with a warning, until 0.3.0.
install_moved_module("ccmm.crucial.report", home="ccmm.crucial")


def __dir__() -> list[str]:
    return list(__all__)
