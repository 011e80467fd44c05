"""JSON reading within `Limits`: nesting, number digits and text length bounded.

Python's `json` recurses once per nesting level and turns any run of digits into an
``int``; both are checked here before they can cost more than the file.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

from ccmm._errors import CCMMError
from ccmm._limits import Limits
from ccmm._text import quote


class _DuplicatedKey(Exception):
    pass


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicatedKey(f"duplicated key {quote(key)}")
        seen[key] = value
    return seen


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def json_depth(text: str) -> int:
    """Deepest nesting of ``[``/``{`` in JSON ``text``, counted without parsing (no strings)."""
    skeleton = np.frombuffer(_JSON_STRING.sub("", text).encode("utf-8"), dtype=np.uint8)
    step = np.isin(skeleton, (0x5B, 0x7B)).astype(np.int64) - np.isin(skeleton, (0x5D, 0x7D))
    return int(np.cumsum(step).max(initial=0))


def read_json(text: str, *, source: str, error: type[CCMMError], limits: Limits) -> Any:
    """Parse JSON ``text`` within ``limits``: nesting, digits of numbers and length of strings.

    The nesting is measured before parsing (Python's parser recurses once per level), numbers
    are refused before `int` sees them, and ``NaN``/``Infinity`` (not JSON) are refused.
    """
    depth = json_depth(text)
    if depth > limits.max_depth:
        raise error(
            f"{source}: refused: nesting of {depth:,} levels; the limit is {limits.max_depth} "
            "(Limits.max_depth)"
        )

    def number(kind: type[int] | type[float]) -> Any:
        def parse(literal: str) -> int | float:
            digits = sum(ch.isdigit() for ch in literal)
            if digits > limits.max_number_digits:
                raise error(
                    f"{source}: refused: a number of {digits:,} digits; the limit is "
                    f"{limits.max_number_digits} (Limits.max_number_digits)"
                )
            return kind(literal)

        return parse

    def constant(name: str) -> Any:
        raise error(f"{source}: not valid JSON: {name} is not a JSON number")

    try:
        data = json.loads(
            text,
            object_pairs_hook=_unique_pairs,
            parse_int=number(int),
            parse_float=number(float),
            parse_constant=constant,
        )
    except json.JSONDecodeError as exc:
        raise error(f"{source}: not valid JSON: {exc}") from None
    except RecursionError:  # pragma: no cover - the depth limit is far below the stack's
        raise error(f"{source}: refused: nesting too deep") from None
    except _DuplicatedKey as exc:
        raise error(f"{source}: {exc}") from None
    _check_strings(data, source=source, error=error, limits=limits)
    return data


def _check_strings(data: Any, *, source: str, error: type[CCMMError], limits: Limits) -> None:
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and len(value) > limits.max_cell_chars:
            raise error(
                f"{source}: refused: a text of {len(value):,} characters ({quote(value)}); "
                f"the limit is {limits.max_cell_chars:,} (Limits.max_cell_chars)"
            )


__all__ = ["json_depth", "read_json"]
