"""Bilingual text: every name, title and summary in ccmm has English and Simplified Chinese."""

from __future__ import annotations

import reprlib
from typing import Literal

from pydantic import Field

from ccmm._model import FrozenModel

Lang = Literal["en", "zh"]


class Text(FrozenModel):
    """A short text in English (``en``) and Simplified Chinese (``zh``), both non-empty."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: Lang = "en") -> str:
        """The text in ``lang``."""
        return self.en if lang == "en" else self.zh

    def __str__(self) -> str:
        return self.en


#: Longest quotation of a user's value in an error message, in characters.
QUOTE_WIDTH = 80

_QUOTER = reprlib.Repr()  # keyword arguments to Repr() need Python 3.12
for _name in ("maxtuple", "maxlist", "maxarray", "maxdict", "maxset", "maxfrozenset", "maxdeque"):
    setattr(_QUOTER, _name, 6)
_QUOTER.maxlevel = 3
_QUOTER.maxstring = _QUOTER.maxother = QUOTE_WIDTH
_QUOTER.maxlong = 40


def quote(value: object, *, width: int = QUOTE_WIDTH) -> str:
    """``repr(value)`` cut to at most ``width`` characters, in bounded time and memory.

    Every message that quotes a user's value goes through here: a value from a file can be a
    nested structure of millions of nodes (YAML aliases) or an integer of thousands of digits,
    whose full ``repr`` would cost more than the file. `reprlib` stops at a few levels and
    a few elements.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        text = f"<integer of about {int(value.bit_length() * 0.30103) + 1} digits>"
    else:
        try:
            text = _QUOTER.repr(value)
        except Exception:  # a user's object whose __repr__ fails still gets a message
            text = f"<{type(value).__name__} object>"
    return cut(text, width=width)


def cut(text: str, *, width: int = QUOTE_WIDTH) -> str:
    """``text`` if it has at most ``width`` characters, else its start, ``…`` and its length."""
    if len(text) <= width:
        return text
    return f"{text[: max(width - 20, 1)]}… ({len(text):,} chars)"
