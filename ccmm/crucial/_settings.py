"""A centre's settings for the CRUCIAL checks: switch a check off (with a reason on the record),
treat its failures as warnings, or change its thresholds.

Settings are a mapping or a YAML file::

    checks:
      definition_reviewed: {enabled: false, reason: "definitions are owned by the group"}
      interval_granularity: {severity: warning, at_most: 60}
      derived_matches_components: {tolerance: 0.01}

Every key of a check other than ``enabled``, ``severity`` and ``reason`` is one of its options:
the thresholds ``crucial.yaml`` states with their defaults (`adjustable_options` lists them).
A value must have the type of its default (a number for a number, a list for a list, …).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field

from ccmm._errors import InputDataError
from ccmm._limits import DEFAULT_LIMITS, Limits, decode_text, read_limited
from ccmm._model import FrozenModel
from ccmm._tables import load_table_spec
from ccmm._text import quote
from ccmm.crucial._rules import CHECK_BY_ID, Severity, default_options

#: Keys of a check's settings that are not options.
CONTROL_KEYS = ("enabled", "severity", "reason")
#: Options that choose how a check is evaluated rather than a threshold (not settable).
_INTERNAL_OPTIONS = frozenset({"rule"})
#: Longest reason kept on the record.
MAX_REASON_CHARS = 1000


class CheckSetting(FrozenModel):
    """How one check runs: ``enabled``; ``severity`` of its failures (None: as ``crucial.yaml``
    states); ``reason`` (required when disabled, shown in the report); ``options`` (thresholds,
    by name, replacing ``crucial.yaml``'s defaults)."""

    _error_class = InputDataError

    enabled: bool = True
    severity: Severity | None = None
    reason: str = Field(default="", max_length=MAX_REASON_CHARS)
    options: dict[str, Any] = Field(default_factory=dict)


class CrucialSettings(FrozenModel):
    """Settings of the checks named (by check id); a check not named runs as shipped."""

    _error_class = InputDataError

    checks: dict[str, CheckSetting] = Field(default_factory=dict)

    def severity(self, check: str) -> Severity:
        """How a failure of ``check`` counts in this run."""
        setting = self.checks.get(check)
        if setting is not None and setting.severity is not None:
            return setting.severity
        return CHECK_BY_ID[check].severity

    def disabled(self) -> dict[str, str]:
        """Check id -> reason, for every check switched off."""
        return {c: s.reason for c, s in self.checks.items() if not s.enabled}

    def options(self) -> dict[str, dict[str, Any]]:
        """Check id -> option -> value, for the options the settings give."""
        return {c: dict(s.options) for c, s in self.checks.items() if s.options}


def adjustable_options() -> dict[str, dict[str, Any]]:
    """Every option a setting may change, with its default: check id -> option -> value (the
    thresholds of ``crucial.yaml``; docs/settings.md lists the same, a test keeps them equal)."""
    found: dict[str, dict[str, Any]] = {}
    for check, options in default_options().items():
        kept = {k: v for k, v in options.items() if k not in _INTERNAL_OPTIONS}
        if kept:
            found[check] = kept
    return found


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _option_problems(label: str, check: str, options: Mapping[str, Any]) -> list[str]:
    allowed = adjustable_options().get(check, {})
    problems = []
    for name, value in options.items():
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none for this check"
            problems.append(f"{label}: no option {quote(name)} (options of {check}: {known})")
            continue
        default = allowed[name]
        if _kind(value) != _kind(default):
            problems.append(
                f"{label}.{name}: must be {_kind(default)} like the default "
                f"{quote(default)}, got {quote(value)}"
            )
        elif _kind(value) == "a number" and not value >= 0:
            problems.append(f"{label}.{name}: must be a number >= 0, got {quote(value)}")
        elif name == "tolerance" and not value < 1:
            problems.append(f"{label}.{name}: must be a number in [0, 1), got {quote(value)}")
        elif _kind(value) == "a list" and not all(isinstance(v, str) for v in value):
            problems.append(f"{label}.{name}: must be a list of texts, got {quote(value)}")
        elif name == "columns":
            table_name = CHECK_BY_ID[check].table
            names = load_table_spec(table_name).column_names
            problems.extend(
                f"{label}.{name}: {quote(v)} is not a column of the {table_name} table"
                for v in value
                if v not in names
            )
        elif _kind(value) == "a mapping":
            problems.extend(_range_problems(f"{label}.{name}", value))
    return problems


def _range_problems(label: str, ranges: Mapping[Any, Any]) -> list[str]:
    """Problems of a unit -> [low, high] mapping (``rate_in_range``'s ``ranges``)."""
    problems = []
    for unit, bounds in ranges.items():
        ok = (
            isinstance(bounds, list | tuple)
            and len(bounds) == 2
            and all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
            and bounds[0] <= bounds[1]
        )
        if not ok:
            problems.append(
                f"{label}.{unit}: must be [low, high] with numbers low <= high, got {quote(bounds)}"
            )
    return problems


def _read_yaml(path: Path, limits: Limits) -> object:
    from ccmm._yaml import safe_load

    source = str(path)
    if "\x00" in source:
        raise InputDataError(f"{quote(source)}: a file name cannot hold a NUL character")
    text = decode_text(
        read_limited(path, limits=limits, error=InputDataError), source=source, error=InputDataError
    )
    return safe_load(text, source=source, error=InputDataError, limits=limits)


def load_settings(source: object, *, limits: Limits = DEFAULT_LIMITS) -> CrucialSettings:
    """`CrucialSettings` from a mapping, a YAML file path or a `CrucialSettings`.

    Raises [`InputDataError`][ccmm.InputDataError] naming the file (or ``settings``) and the
    check of every problem at once: an unknown check id or option, a value of the wrong type, a
    severity other than ``error`` or ``warning``, a disabled check without a reason. A file is
    read within ``limits`` by the project's safe YAML reader.
    """
    if isinstance(source, CrucialSettings):
        return source
    where = "settings"
    if isinstance(source, str | Path):
        where = str(source)
        source = _read_yaml(Path(source), limits)
    if not isinstance(source, Mapping):
        raise InputDataError(
            f"{where}: settings must be a mapping with the key 'checks', got {quote(source)}"
        )
    problems = [
        f"{where}: unknown key {quote(k)} (expected 'checks')" for k in source if k != "checks"
    ]
    checks = source.get("checks") or {}
    if not isinstance(checks, Mapping):
        raise InputDataError(f"{where}: 'checks' must be a mapping, got {quote(checks)}")
    parsed: dict[str, CheckSetting] = {}
    for check, raw in checks.items():
        label = f"{where}: checks.{check}"
        if check not in CHECK_BY_ID:
            problems.append(f"{label}: no check of that id (known: {', '.join(CHECK_BY_ID)})")
            continue
        if not isinstance(raw, Mapping):
            problems.append(f"{label}: must be a mapping, got {quote(raw)}")
            continue
        options = {str(k): v for k, v in raw.items() if k not in CONTROL_KEYS}
        found = _option_problems(label, str(check), options)
        problems.extend(found)
        try:
            setting = CheckSetting(**{k: raw[k] for k in CONTROL_KEYS if k in raw}, options=options)
        except InputDataError as exc:
            problems.extend(f"{label}: {p}" for p in exc.problems)
            continue
        if not setting.enabled and not setting.reason.strip():
            problems.append(f"{label}: a disabled check needs a reason (reason: ...)")
        if not found:
            parsed[str(check)] = setting
    if problems:
        raise InputDataError(f"{where}: the settings cannot be used", problems=problems)
    return CrucialSettings(checks=parsed)


__all__ = [
    "CONTROL_KEYS",
    "CheckSetting",
    "CrucialSettings",
    "adjustable_options",
    "load_settings",
]
