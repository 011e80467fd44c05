"""The one door through which text enters a rendered report.

Names, notes and cell values come from user files (an organisation called ``"A\\x00B"``, a CSV
cell with a form feed). Control characters are not allowed in HTML text (the parser reports them
as errors and browsers show them as boxes or drop them unevenly), so every text is passed through
`visible` before it is escaped or written: C0 controls other than tab and newline, DEL, the
C1 range and the non-characters U+FFFE/U+FFFF are removed; carriage returns become newlines.
"""

from __future__ import annotations

import re
from html import escape

from ccmm._escape import drop_controls

_NONCHARACTERS = re.compile("[\ufffe\uffff]")


def visible(text: str) -> str:
    """``text`` without control characters (``ccmm._escape.drop_controls``, shared with the
    command line) and non-characters; ``\\r\\n`` and ``\\r`` become ``\\n``."""
    return _NONCHARACTERS.sub("", drop_controls(text.replace("\r\n", "\n").replace("\r", "\n")))


def esc(text: object) -> str:
    """``text`` as HTML text or attribute value: control characters removed, then escaped."""
    return escape(visible(str(text)))


__all__ = ["esc", "visible"]
