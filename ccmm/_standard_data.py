"""The one reader of the data files shipped in ``ccmm/standard_data/``.

Every loader of shipped data (standards, table specs, KPI catalogue, attainment rules, evidence
mappings, CRUCIAL checks, row rules, vocabularies) reads through `read_data`: the file is read with
`importlib.resources`, parsed by the safe YAML reader of `ccmm._yaml` (a key given twice is an
error, not a silent overwrite) and must state the ``schema_version`` of its layout, so a file
written for another layout is refused by name instead of being half understood. Parsing happens
once per file; each caller gets its own copy, so no caller can change what another one reads.
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from typing import Any

from ccmm._errors import StandardError
from ccmm._yaml import safe_load

#: The layout version every shipped data file states in its ``schema_version`` key.
SCHEMA_VERSION = 1


def data_label(*parts: str) -> str:
    """How a shipped data file is named in messages: ``ccmm/standard_data/<parts>``."""
    return "ccmm/standard_data/" + "/".join(parts)


def has_data(*parts: str) -> bool:
    """Whether ``ccmm/standard_data/<parts>`` ships with ccmm."""
    return resources.files("ccmm.standard_data").joinpath(*parts).is_file()


@cache
def _parsed(parts: tuple[str, ...]) -> dict[str, Any]:
    label = data_label(*parts)
    node = resources.files("ccmm.standard_data").joinpath(*parts)
    if not node.is_file():
        raise StandardError(f"{label}: no such data file ships with ccmm")
    data = safe_load(node.read_text(encoding="utf-8"), source=label, error=StandardError)
    if not isinstance(data, dict):
        raise StandardError(
            f"{label}: expected a mapping at the top level, got {type(data).__name__}"
        )
    version = data.pop("schema_version", None)
    if version is None:
        raise StandardError(f"{label}: schema_version is required (expected {SCHEMA_VERSION})")
    if type(version) is not int or version != SCHEMA_VERSION:
        raise StandardError(f"{label}: schema_version must be {SCHEMA_VERSION}, got {version!r}")
    return data


def read_data(*parts: str) -> dict[str, Any]:
    """The mapping in ``ccmm/standard_data/<parts>`` without its ``schema_version`` key.

    Raises [`StandardError`][ccmm.StandardError] naming the file when it is missing, is not a
    mapping, gives a key twice or states no (or another) ``schema_version``.
    """
    return copy.deepcopy(_parsed(tuple(parts)))


__all__ = ["SCHEMA_VERSION", "data_label", "has_data", "read_data"]
