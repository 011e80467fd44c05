"""Parse-time checks of option values: each turns text into a value or an argparse error.

A bad value is refused before any work starts, with one line naming the option (argparse adds
it) and what was expected; exit status 2. Numbers must be finite (``nan`` and ``inf`` are
refused: a NaN gate would pass everything), dates lie in the range the data types can hold,
zones are IANA zone names.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ccmm._errors import InputDataError
from ccmm._escape import quoted
from ccmm._guard import checked_arguments
from ccmm.kpi._attainment._inputs import MAX_WINDOW_MONTHS as ATTAINMENT_WINDOW_LIMIT

# Dates a table can hold (pandas nanosecond timestamps end in 2262) with room for the longest
# window before them.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
MAX_WINDOW_MONTHS = ATTAINMENT_WINDOW_LIMIT  # a century of monthly data, as the library takes


def _float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {quoted(text)}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {quoted(text)}")
    return value


def number_in(
    low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> Callable[[str], float]:
    """A parser of finite numbers in the interval from ``low`` to ``high``."""
    left, right = "(" if low_open else "[", ")" if high_open else "]"
    shown_high = "inf" if math.isinf(high) else f"{high:g}"
    where = f"{left}{low:g}, {shown_high}{right}"

    def parse(text: str) -> float:
        value = _float(text)
        above = value > low if low_open else value >= low
        below = value < high if high_open else value <= high
        if not (above and below):
            raise argparse.ArgumentTypeError(f"expected a number in {where}, got {quoted(text)}")
        return value

    parse.__name__ = f"number in {where}"
    return parse


def time_zone(text: str) -> str:
    """An IANA time zone name such as ``Europe/Berlin`` (or ``UTC``)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise argparse.ArgumentTypeError(
            f"expected a time zone such as Europe/Berlin or UTC, got {quoted(text)}"
        ) from None
    return text


def input_file(text: str) -> str:
    """A file to read: a missing one is left to the reader's message; a device, a FIFO or a
    directory is refused before anything reads it (``/dev/zero`` would never end)."""
    path = Path(text)
    if path.exists() and not path.is_file():
        raise argparse.ArgumentTypeError(f"expected a regular file, got {quoted(text)}")
    return text


def _months(text: str, longest: int) -> int:
    value = non_negative_int(text)
    if not 1 <= value <= longest:
        raise argparse.ArgumentTypeError(
            f"expected a number of months from 1 to {longest}, got {value}"
        )
    return value


def window_months(text: str) -> int:
    """A number of months from 1 to `MAX_WINDOW_MONTHS`."""
    return _months(text, MAX_WINDOW_MONTHS)


def evidence_window_months(text: str) -> int:
    """A number of months from 1 to the longest window `ccmm.evidence.suggest` takes."""
    from ccmm.evidence._suggest import MAX_WINDOW_MONTHS as LONGEST

    return _months(text, LONGEST)


def iso_date(text: str) -> date:
    """A date ``YYYY-MM-DD`` from `EARLIEST_DATE` to `LATEST_DATE`."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date YYYY-MM-DD, got {quoted(text)}"
        ) from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise argparse.ArgumentTypeError(
            f"expected a date from {EARLIEST_DATE} to {LATEST_DATE}, got {text}"
        )
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {quoted(text)}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {quoted(text)}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {quoted(text)}")
    return value


def share(text: str) -> float:
    """``0.3`` or ``30%`` -> 0.3."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a share like 0.3 or 30%, got {quoted(text)}"
        ) from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a share in [0, 1), got {quoted(text)}")
    return value


@checked_arguments
def parse_service_target(text: str) -> tuple[float, float]:
    """``80/20`` (or ``80%/20``, ``0.8/20``) -> (0.8, 20.0): a service level within seconds."""
    level_text, sep, seconds_text = text.partition("/")
    if not sep:
        raise InputDataError(
            f"expected a service target like 80/20 (80% within 20 s), got {quoted(text)}"
        )
    try:
        raw = level_text.strip().rstrip("%")
        level = float(raw)
        seconds = float(seconds_text)
    except ValueError:
        raise InputDataError(
            f"expected a service target like 80/20 (80% within 20 s), got {quoted(text)}"
        ) from None
    if level >= 1 or level_text.strip().endswith("%"):
        level /= 100
    if not 0 < level < 1 or not 0 <= seconds < float("inf"):
        raise InputDataError(
            f"the service level must lie strictly between 0% and 100% and the seconds be >= 0, "
            f"got {quoted(text)}"
        )
    return level, seconds


def service_target_argument(text: str) -> tuple[float, float]:
    """`parse_service_target` for argparse, which reports ArgumentTypeError messages as given."""
    try:
        return parse_service_target(text)
    except InputDataError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def entity(text: str) -> tuple[str, str]:
    level, sep, ident = text.partition(":")
    if not sep or not level or not ident:
        raise argparse.ArgumentTypeError(f"expected LEVEL:ID such as team:T1, got {quoted(text)}")
    return level, ident


__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MAX_WINDOW_MONTHS",
    "entity",
    "evidence_window_months",
    "input_file",
    "iso_date",
    "non_negative_int",
    "number_in",
    "parse_service_target",
    "positive_float",
    "service_target_argument",
    "share",
    "time_zone",
    "window_months",
]
