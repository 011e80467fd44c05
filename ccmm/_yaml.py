"""Safe YAML reading within `Limits`: no alias bombs, no deep nesting, no duplicates.

Before anything is built, the file's event stream from libyaml's parser (PyYAML's
``CSafeLoader``; the pure-Python ``SafeLoader`` where libyaml is missing) is walked once to
measure what building it would cost: the number of values once every alias is expanded, the
nesting depth with aliases expanded, the length of each scalar and the digits of each number.
Only a document within every limit is built, by a safe loader that also refuses a key given
twice. A YAML alias is a reference: it costs the parser nothing, but every consumer that walks
the result (validation, error messages, JSON output) pays for its full expansion.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ccmm._errors import CCMMError
from ccmm._limits import DEFAULT_LIMITS, Limits
from ccmm._text import quote

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A plain scalar YAML 1.1 may read as a number (digits with _ separators, floats, sexagesimal).
_NUMBER_LIKE = re.compile(r"[-+]?(?:0[xob])?[0-9a-f_:.]*(?:e[-+]?[0-9_]+)?", re.IGNORECASE)


class _UniqueKeyLoader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader that raises on a mapping key given twice (plain YAML keeps the last silently)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a mapping key must be a plain value, got {quote(key)}",
                key_node.start_mark,
            )
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicated key {quote(key)}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


class _Breach(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.mark = mark


def _measure(text: str, limits: Limits) -> None:
    """Walk the event stream; raise `_Breach` at the first limit the document would break.

    ``expanded`` counts every value as often as it would appear once aliases are expanded; each
    anchor remembers its expanded size and height when its node closes, so an alias costs its
    full size without being walked again.
    """
    loader = _Base(text)
    # One entry per open list/mapping: [expanded values inside, height of the tallest child, anchor]
    stack: list[list[Any]] = []
    anchors: dict[str, tuple[int, int]] = {}
    expanded = 0

    def close(size: int, height: int, anchor: str | None, mark: Any) -> None:
        nonlocal expanded
        if anchor is not None:
            anchors[anchor] = (size, height)
        if len(stack) + height > limits.max_depth:
            raise _Breach(
                f"nesting deeper than the limit of {limits.max_depth} levels (Limits.max_depth)",
                mark,
            )
        if stack:
            stack[-1][0] += size
            stack[-1][1] = max(stack[-1][1], height + 1)

    try:
        while loader.check_event():
            event = loader.get_event()  # type: ignore[no-untyped-call]
            mark = event.start_mark
            if isinstance(event, yaml.ScalarEvent):
                value = event.value
                if len(value) > limits.max_cell_chars:
                    raise _Breach(
                        f"a value of {len(value):,} characters; the limit is "
                        f"{limits.max_cell_chars:,} (Limits.max_cell_chars)",
                        mark,
                    )
                digits = sum(ch.isdigit() for ch in value) if event.implicit[0] else 0
                if digits > limits.max_number_digits and _NUMBER_LIKE.fullmatch(value):
                    raise _Breach(
                        f"a number of {digits:,} digits; the limit is "
                        f"{limits.max_number_digits} (Limits.max_number_digits)",
                        mark,
                    )
                expanded += 1
                close(1, 0, event.anchor, mark)
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in anchors:
                    raise _Breach(
                        f"alias *{quote(event.anchor)} refers to no finished anchor "
                        "(undefined, or a node that contains itself)",
                        mark,
                    )
                size, height = anchors[event.anchor]
                expanded += size
                close(size, height, None, mark)
            elif isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                expanded += 1
                stack.append([1, 0, event.anchor])
                if len(stack) > limits.max_depth:
                    raise _Breach(
                        f"nesting deeper than the limit of {limits.max_depth} levels "
                        "(Limits.max_depth)",
                        mark,
                    )
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                size, height, anchor = stack.pop()
                close(size, height, anchor, mark)
            if expanded > limits.max_yaml_nodes:
                raise _Breach(
                    f"more than {limits.max_yaml_nodes:,} values once aliases are expanded "
                    "(Limits.max_yaml_nodes)",
                    mark,
                )
    finally:
        loader.dispose()


def _where(mark: Any) -> str:
    return f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""


def safe_load(
    text: str, *, source: str, error: type[CCMMError], limits: Limits = DEFAULT_LIMITS
) -> Any:
    """Parse ``text`` as safe YAML within ``limits``; problems raise ``error`` naming ``source``."""
    if len(text) > limits.max_file_bytes:
        raise error(
            f"{source}: text is longer than the limit of {limits.max_file_bytes:,} bytes "
            "(Limits.max_file_bytes)"
        )
    try:
        _measure(text, limits)
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except _Breach as exc:
        raise error(f"{source}: refused{_where(exc.mark)}: {exc}") from None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        where = _where(getattr(exc, "problem_mark", None))
        raise error(f"{source}: not valid safe YAML{where}: {problem}") from None
    except (ValueError, OverflowError, RecursionError) as exc:
        # A scalar the safe constructors cannot convert (e.g. a date like 2026-02-30).
        raise error(f"{source}: not valid safe YAML: {quote(str(exc), width=200)}") from None
