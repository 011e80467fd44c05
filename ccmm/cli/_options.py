"""Parse-time checks of option values: each turns text into a value or an argparse error."""

from __future__ import annotations

import argparse
from datetime import date


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def share(text: str) -> float:
    """``0.3`` or ``30%`` -> 0.3."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a share like 0.3 or 30%, got {text!r}"
        ) from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a share in [0, 1), got {text!r}")
    return value


def parse_service_target(text: str) -> tuple[float, float]:
    """``80/20`` (or ``80%/20``, ``0.8/20``) -> (0.8, 20.0): a service level within seconds."""
    level_text, sep, seconds_text = text.partition("/")
    if not sep:
        raise argparse.ArgumentTypeError(
            f"expected a service target like 80/20 (80% within 20 s), got {text!r}"
        )
    try:
        raw = level_text.strip().rstrip("%")
        level = float(raw)
        seconds = float(seconds_text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a service target like 80/20 (80% within 20 s), got {text!r}"
        ) from None
    if level >= 1 or level_text.strip().endswith("%"):
        level /= 100
    if not 0 < level < 1 or not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(
            f"the service level must lie strictly between 0% and 100% and the seconds be >= 0, "
            f"got {text!r}"
        )
    return level, seconds


def entity(text: str) -> tuple[str, str]:
    level, sep, ident = text.partition(":")
    if not sep or not level or not ident:
        raise argparse.ArgumentTypeError(f"expected LEVEL:ID such as team:T1, got {text!r}")
    return level, ident


__all__ = [
    "entity",
    "iso_date",
    "non_negative_int",
    "parse_service_target",
    "positive_float",
    "share",
]
