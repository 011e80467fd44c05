"""Readings of "met" in a share rule: which ratings an item needs to count towards the share.

A level rule asks for a share of the items of a scope to be "met" and the standard does not say
what "met" means. Each reading is a way to count, kept as data (``share_reading`` of the
edition's ``standard.yaml``) and chosen per call (``reading=``):

* ``rated_10``: an item counts when its rating is the top grade (10); the share is of items.
  ccmm's reading since 0.1 and the default of CC-CMM-OC 2017.
* ``rated_5_or_10``: an item counts when its rating is above the lowest grade (5 or 10).
* ``share_of_points``: the share is of points, (sum of the ratings) / (items × 10).

Every reading is monotone (raising a rating never lowers an observed share) and exact (integer
comparisons, no floating point).
"""

from __future__ import annotations

from typing import Literal, get_args

from ccmm._errors import InputDataError
from ccmm._text import Text

ShareReading = Literal["rated_10", "rated_5_or_10", "share_of_points"]

#: Every reading, in documentation order.
READINGS: tuple[ShareReading, ...] = get_args(ShareReading)

#: What counts, per reading and rating: the words used in explanations.
COUNTED: dict[ShareReading, dict[str, Text]] = {
    "rated_10": {
        "c_rate": Text(en="with a fully compliant method", zh="方法完全合规"),
        "f_rate": Text(en="fully executed", zh="执行完全到位"),
    },
    "rated_5_or_10": {
        "c_rate": Text(en="with a method rated 5 or 10", zh="方法评分为5或10"),
        "f_rate": Text(en="with execution rated 5 or 10", zh="执行评分为5或10"),
    },
    "share_of_points": {
        "c_rate": Text(en="C-Rate points", zh="C-Rate 分"),
        "f_rate": Text(en="F-Rate points", zh="F-Rate 分"),
    },
}


def check_reading(value: object) -> ShareReading:
    """``value`` as a reading, or [`ccmm.InputDataError`][] listing the readings."""
    for reading in READINGS:
        if value == reading and isinstance(value, str):
            return reading
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    raise InputDataError(f"reading must be one of {', '.join(map(repr, READINGS))}, got {shown}")


def counted(reading: ShareReading, rating: int, top: int) -> int:
    """What one rating adds to the observed count of a share rule under ``reading``."""
    if reading == "rated_10":
        return int(rating == top)
    if reading == "rated_5_or_10":
        return int(rating > 0)
    return rating


def unit_size(reading: ShareReading, top: int) -> int:
    """How much one item adds to the denominator of a share (1 item, or ``top`` points)."""
    return top if reading == "share_of_points" else 1


__all__ = ["COUNTED", "READINGS", "ShareReading", "check_reading", "counted", "unit_size"]
