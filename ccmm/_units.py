"""Units of a metric and the kind of quantity each measures, read from ``standard_data/units``.

The built-in words (``ratio``, ``percent``, ``seconds``, …) and every ISO 4217 currency code
(``CNY``, ``EUR``, …) are known units; a registry may declare its own in a ``units`` table
(columns ``unit`` and ``kind``). A unit's kind is one of `UNIT_KINDS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal, get_args

from ccmm._errors import InputDataError, StandardError
from ccmm._text import quote

UnitKind = Literal["ratio", "percent", "duration", "count", "currency", "score"]
UNIT_KINDS: tuple[UnitKind, ...] = get_args(UnitKind)


def _data(name: str) -> str:
    return resources.files("ccmm.standard_data").joinpath("units", name).read_text("utf-8")


@cache
def currency_codes() -> frozenset[str]:
    """Every ISO 4217 alphabetic currency code shipped with ccmm."""
    lines = (line.strip() for line in _data("iso4217.txt").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


@cache
def builtin_units() -> Mapping[str, UnitKind]:
    """The unit words ccmm knows, each with its kind (ISO 4217 codes are not listed here)."""
    from ccmm._standard_data import read_data

    # The shared reader: schema_version checked, a key given twice refused.
    raw: Any = read_data("units", "units.yaml")
    units = dict(raw["units"])
    if tuple(raw["kinds"]) != UNIT_KINDS or not set(units.values()) <= set(UNIT_KINDS):
        raise StandardError("units.yaml: kinds differ from ccmm's unit kinds")  # pragma: no cover
    return units


@cache
def known_units() -> tuple[str, ...]:
    """Every unit accepted without a ``units`` table: the built-in words, then ISO 4217 codes."""
    return (*builtin_units(), *sorted(currency_codes() - set(builtin_units())))


def unit_kinds(declared: object = None) -> dict[str, UnitKind]:
    """Unit name -> kind: the built-in units, ISO 4217 codes, and those ``declared``.

    ``declared`` is a mapping (name -> kind) or a pandas DataFrame with columns ``unit`` and
    ``kind``. A declared name may not redefine a built-in unit or currency code with another
    kind; every problem is raised at once as an `InputDataError`.
    """
    kinds: dict[str, UnitKind] = dict(builtin_units())
    kinds.update(dict.fromkeys(currency_codes() - set(kinds), "currency"))
    if declared is None:
        return kinds
    pairs = _declared_pairs(declared)
    problems: list[str] = []
    for name, kind in pairs:
        if not isinstance(name, str) or not name.strip():
            problems.append(f"units: unit must be a non-empty text, got {quote(name)}")
        elif kind not in UNIT_KINDS:
            problems.append(
                f"units: unit {quote(name)}: kind must be one of {', '.join(UNIT_KINDS)}, "
                f"got {quote(kind)}"
            )
        elif name in kinds and kinds[name] != kind:
            problems.append(f"units: unit {quote(name)} is a {kinds[name]} unit, got {kind}")
        else:
            kinds[name] = kind
    if problems:
        raise InputDataError("the units table cannot be used", problems=problems)
    return kinds


def _declared_pairs(declared: object) -> list[tuple[Any, Any]]:
    if isinstance(declared, Mapping):
        return list(declared.items())
    columns = getattr(declared, "columns", None)
    if columns is not None and {"unit", "kind"} <= {str(c) for c in columns}:
        frame: Any = declared
        return list(zip(list(frame["unit"]), list(frame["kind"]), strict=True))  # pandas or polars
    raise InputDataError(
        "units must be a mapping (unit -> kind) or a DataFrame with columns 'unit' and 'kind', "
        f"got {type(declared).__name__}"
    )


__all__ = [
    "UNIT_KINDS",
    "UnitKind",
    "builtin_units",
    "currency_codes",
    "known_units",
    "unit_kinds",
]
