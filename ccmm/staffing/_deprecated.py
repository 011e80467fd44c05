"""The 0.1 names of the staffing functions in `ccmm.kpi`, kept for one minor version (private).

In 0.1 the Erlang functions lived in ``ccmm.kpi`` (and ``ccmm.kpi.erlang``), where
``service_level`` and ``occupancy`` read like the KPI ids of the same names, and the answer
threshold was called ``target_seconds``. Each old name still works, with a
``DeprecationWarning`` naming its replacement in `ccmm.staffing`; the old keywords are mapped
to the new ones.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import ccmm.staffing as staffing

REMOVED_IN = "0.3.0"

_THRESHOLD = {"target_seconds": "threshold_seconds"}

# old name -> (new name in ccmm.staffing, {old keyword: new keyword})
MOVED: Mapping[str, tuple[str, Mapping[str, str]]] = {
    "ErlangAStaffingResult": ("ErlangAStaffingResult", {}),
    "StaffingResult": ("StaffingResult", {}),
    "agents_for_asa": ("agents_for_asa", {"service_level_seconds": "threshold_seconds"}),
    "agents_for_service_level": ("agents_for_service_level", _THRESHOLD),
    "average_speed_of_answer": ("erlang_c_average_speed_of_answer", {}),
    "erlang_a_abandon_probability": ("erlang_a_abandon_probability", {}),
    "erlang_a_agents_for_service_level": ("erlang_a_agents_for_service_level", _THRESHOLD),
    "erlang_a_average_speed_of_answer": ("erlang_a_average_speed_of_answer", {}),
    "erlang_a_service_level": ("erlang_a_service_level", _THRESHOLD),
    "erlang_a_wait_probability": ("erlang_a_wait_probability", {}),
    "erlang_b": ("erlang_b", {}),
    "erlang_c": ("erlang_c", {}),
    "occupancy": ("erlang_c_occupancy", {}),
    "service_level": ("erlang_c_service_level", _THRESHOLD),
    "staff_intervals": ("staff_intervals", _THRESHOLD),
}


def _message(where: str, old: str, new: str, renames: Mapping[str, str]) -> str:
    keywords = "".join(f"; its keyword {o}= is now {n}=" for o, n in renames.items())
    return (
        f"{where}.{old} is deprecated and will be removed in ccmm {REMOVED_IN}: "
        f"use ccmm.staffing.{new}{keywords}"
    )


def _wrapper(
    where: str, old: str, new: str, renames: Mapping[str, str], target: Callable[..., Any]
) -> Callable[..., Any]:
    message = _message(where, old, new, renames)

    @functools.wraps(target)
    def call(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(message, DeprecationWarning, stacklevel=2)
        for old_key, new_key in renames.items():
            if old_key in kwargs:
                if new_key in kwargs:
                    from ccmm._errors import InputDataError

                    raise InputDataError(
                        f"give {new_key}= or its deprecated name {old_key}=, not both"
                    )
                kwargs[new_key] = kwargs.pop(old_key)
        return target(*args, **kwargs)

    call.__name__ = old
    call.__qualname__ = old
    call.__doc__ = f"Deprecated: {message}."
    return call


def moved_attribute(where: str, name: str) -> Any:
    """The deprecated attribute ``name`` of module ``where``, or AttributeError.

    Functions warn when called (and take their old keywords); classes warn when looked up.
    """
    if name not in MOVED:
        raise AttributeError(f"module {where!r} has no attribute {name!r}")
    new, renames = MOVED[name]
    target = getattr(staffing, new)
    if isinstance(target, type):
        warnings.warn(_message(where, name, new, renames), DeprecationWarning, stacklevel=3)
        return target
    return _wrapper(where, name, new, renames, target)
