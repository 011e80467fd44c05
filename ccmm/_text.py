"""Bilingual text: every name, title and summary in ccmm has English and Simplified Chinese."""

from __future__ import annotations

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
