"""Making other people's text safe to show: on a terminal, in Markdown, in a one-line message.

Names, cells and file names come from the user's files. Shown raw, an ESC sequence can rewrite
the terminal, a NUL or a newline can cut a heading or a table row in two, and ``<script>`` in
Markdown is live HTML once the Markdown is rendered. Every renderer goes through these helpers.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional overrides that can
# make text read in another order than it is stored.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#])")
_QUOTED_LIMIT = 60


def drop_controls(text: str) -> str:
    """``text`` without control characters; tabs and newlines stay."""
    return _CONTROLS.sub("", text)


def json_controls_escaped(text: str) -> str:
    """JSON ``text`` with the control characters ``json.dumps`` leaves raw (C1, bidi overrides)
    written as ``\\uXXXX`` escapes: they can only stand inside strings, so the JSON means the same.
    """
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def bounded(text: str, limit: int = 2000) -> str:
    """``text`` cut to about ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def one_line(text: str) -> str:
    """``text`` on one line: control characters dropped, line breaks and tabs made spaces."""
    return drop_controls(_LINE_BREAKS.sub(" ", text))


def markdown_inline(text: str) -> str:
    """``text`` as literal Markdown inline content: one line, markup and HTML escaped."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text))
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoted(value: object, limit: int = _QUOTED_LIMIT) -> str:
    """``repr(value)`` cut to about ``limit`` characters, for an error message."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text)} characters)"


__all__ = [
    "bounded",
    "drop_controls",
    "json_controls_escaped",
    "markdown_inline",
    "one_line",
    "quoted",
]
