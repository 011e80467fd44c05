"""Input validation and broadcasting shared by every staffing function (private).

Every function broadcasts its array arguments against each other (numpy rules) and works on all
elements at once; scalars in give Python scalars out. Every problem of a call is collected and
raised as one [`InputDataError`][ccmm.InputDataError] listing them all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ccmm._errors import InputDataError

FloatArray: TypeAlias = NDArray[np.float64]
IntArray: TypeAlias = NDArray[np.int64]
FloatResult: TypeAlias = float | FloatArray
IntResult: TypeAlias = int | IntArray

_SHOWN = 5  # offending elements quoted per argument; the rest are counted


class Problems:
    """Collects every input problem, then raises one `InputDataError` listing them all."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def check(self, name: str, values: FloatArray, bad: NDArray[np.bool_], expected: str) -> None:
        if not np.any(bad):
            return
        if values.ndim == 0:
            self.items.append(f"{name} must be {expected}, got {values.item()!r}")
            return
        where = np.argwhere(bad)
        shown = ", ".join(
            f"{values[tuple(i)].item()!r} at index {_index_text(i)}" for i in where[:_SHOWN]
        )
        more = f" (and {len(where) - _SHOWN} more)" if len(where) > _SHOWN else ""
        self.items.append(f"{name} must be {expected}, got {shown}{more}")

    def raise_if_any(self) -> None:
        if self.items:
            raise InputDataError(
                f"invalid Erlang input ({len(self.items)} problem(s))", problems=self.items
            )


def _index_text(index: NDArray[np.intp]) -> str:
    if index.size == 1:
        return str(int(index[0]))
    shown = ", ".join(str(int(i)) for i in index[:10])  # bounded: a message never outgrows 10
    return f"({shown})" if index.size <= 10 else f"({shown}, … {index.size} in all)"


def _quoted(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def as_float(name: str, value: ArrayLike, problems: Problems) -> FloatArray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        problems.items.append(f"{name} must be numeric, got {_quoted(value)}")
        return np.asarray(np.nan)
    return array


def nonnegative(name: str, value: ArrayLike, problems: Problems) -> FloatArray:
    array = as_float(name, value, problems)
    problems.check(name, array, ~(np.isfinite(array) & (array >= 0.0)), "finite and >= 0")
    return array


def positive(name: str, value: ArrayLike, problems: Problems) -> FloatArray:
    array = as_float(name, value, problems)
    problems.check(name, array, ~(np.isfinite(array) & (array > 0.0)), "finite and > 0")
    return array


def whole(name: str, value: ArrayLike, problems: Problems) -> FloatArray:
    array = as_float(name, value, problems)
    good = np.isfinite(array) & (array >= 0.0)
    good &= np.floor(np.where(good, array, 0.0)) == np.where(good, array, 0.0)
    problems.check(name, array, ~good, "a whole number >= 0")
    return array


def scalar_in(
    name: str, value: float, low: float, high: float, problems: Problems, text: str
) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        problems.items.append(f"{name} must be a number {text}, got {_quoted(value)}")
        return math.nan
    if not (math.isfinite(number) and low <= number <= high):
        problems.items.append(f"{name} must be {text}, got {_quoted(value)}")
    return number


def target_level(value: float, problems: Problems) -> float:
    number = scalar_in("target_service_level", value, -math.inf, math.inf, problems, "in (0, 1)")
    if math.isfinite(number) and not 0.0 < number < 1.0:
        problems.items.append(
            f"target_service_level must be strictly between 0 and 1 (1 is never reached with "
            f"finite agents, 0 needs no target), got {value!r}"
        )
    return number


def shrinkage_share(value: float, problems: Problems) -> float:
    number = scalar_in("shrinkage", value, -math.inf, math.inf, problems, "in [0, 1)")
    if math.isfinite(number) and not 0.0 <= number < 1.0:
        problems.items.append(f"shrinkage must be in [0, 1), got {value!r}")
    return number


def occupancy_cap(value: float | None, problems: Problems) -> float | None:
    if value is None:
        return None
    number = scalar_in("max_occupancy", value, -math.inf, math.inf, problems, "in (0, 1]")
    if math.isfinite(number) and not 0.0 < number <= 1.0:
        problems.items.append(f"max_occupancy must be in (0, 1] or None, got {value!r}")
    return number


def broadcast(names: Sequence[str], arrays: Sequence[FloatArray]) -> tuple[FloatArray, ...]:
    try:
        return tuple(np.broadcast_arrays(*arrays))
    except ValueError as exc:
        shapes = ", ".join(f"{n} {a.shape}" for n, a in zip(names, arrays, strict=True))
        raise InputDataError(f"arguments cannot be broadcast together: {shapes}") from exc


def own_flat(array: FloatArray) -> FloatArray:
    """``array`` flattened into memory of its own (never the caller's), copying only once: a
    broadcast view is copied by ``ravel`` already, a contiguous input needs the explicit copy."""
    flat = array.ravel()
    return flat.copy() if np.may_share_memory(flat, array) else flat


def out_float(values: FloatArray, shape: tuple[int, ...], scalar: bool) -> FloatResult:
    return float(values.reshape(-1)[0]) if scalar else values.reshape(shape)


def out_int(values: IntArray, shape: tuple[int, ...], scalar: bool) -> IntResult:
    return int(values.reshape(-1)[0]) if scalar else values.reshape(shape)


def all_scalar(*arrays: FloatArray) -> bool:
    return all(a.ndim == 0 for a in arrays)


#: The largest offered traffic a staffing search takes, in Erlangs (a million agents busy at
#: once): beyond it the search's steps grow past any reasonable time (#14), and no contact
#: centre comes near it: a larger value is a unit mistake (milliseconds for seconds).
MAX_SEARCH_TRAFFIC = 1e6


def searchable_traffic(traffic: FloatArray) -> None:
    """InputDataError naming the rows whose traffic is beyond `MAX_SEARCH_TRAFFIC` or not finite."""
    bad = ~(traffic <= MAX_SEARCH_TRAFFIC)
    if np.any(bad):
        index = np.flatnonzero(bad)
        raise InputDataError(
            f"staffing searches take at most {MAX_SEARCH_TRAFFIC:g} Erlangs of traffic "
            f"(calls × aht / interval_seconds), got {_quoted(float(traffic[index[0]]))} "
            f"at {_index_text(index)}"
        )


def traffic_of(calls: FloatArray, aht: FloatArray, interval: FloatArray) -> FloatArray:
    """Offered traffic in Erlangs: ``calls × aht / interval_seconds``.

    Calls always carry some traffic: a product that underflows to 0 (calls near 5e-324) becomes
    the smallest positive float, so any call needs an agent (and a queue split in two never
    needs fewer agents than the two together).
    """
    result: FloatArray = calls * aht / interval
    vanished = (result == 0) & (calls > 0)
    if np.any(vanished):
        result = np.where(vanished, np.nextafter(0.0, 1.0), result)
    return result


def interval_inputs(
    calls: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    interval_seconds: ArrayLike,
    extra: dict[str, ArrayLike],
    problems: Problems,
) -> tuple[tuple[FloatArray, ...], tuple[int, ...], bool]:
    """Validate and broadcast (calls, aht, agents, interval_seconds, *extra) to flat arrays.

    ``threshold_seconds`` in ``extra`` may be 0; every other extra must be > 0.
    """
    named: dict[str, FloatArray] = {
        "calls": nonnegative("calls", calls, problems),
        "aht": positive("aht", aht, problems),
        "agents": whole("agents", agents, problems),
        "interval_seconds": positive("interval_seconds", interval_seconds, problems),
    }
    for name, value in extra.items():
        checker = nonnegative if name == "threshold_seconds" else positive
        named[name] = checker(name, value, problems)
    problems.raise_if_any()
    arrays = broadcast(tuple(named), tuple(named.values()))
    shape = arrays[0].shape
    return tuple(own_flat(x) for x in arrays), shape, all_scalar(*named.values())


def staffing_inputs(
    calls: ArrayLike,
    aht: ArrayLike,
    interval_seconds: ArrayLike,
    patience_seconds: ArrayLike | None,
    problems: Problems,
) -> tuple[tuple[FloatArray, ...], tuple[int, ...], bool]:
    """Validate and broadcast (calls, aht, interval_seconds[, patience_seconds]) to flat arrays."""
    named: dict[str, FloatArray] = {
        "calls": nonnegative("calls", calls, problems),
        "aht": positive("aht", aht, problems),
        "interval_seconds": positive("interval_seconds", interval_seconds, problems),
    }
    if patience_seconds is not None:
        named["patience_seconds"] = positive("patience_seconds", patience_seconds, problems)
    problems.raise_if_any()
    arrays = broadcast(tuple(named), tuple(named.values()))
    return (
        tuple(own_flat(x) for x in arrays),
        arrays[0].shape,
        all_scalar(*named.values()),
    )
