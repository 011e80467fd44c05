"""Argument checks shared by the public functions of ccmm.evidence: a wrong argument is a
[`ccmm.InputDataError`][] naming it, never a ``TypeError`` from deep inside."""

from __future__ import annotations

import os
import reprlib
from pathlib import Path

from ccmm._errors import InputDataError

# reprlib cuts long text and deep containers, so a message never outgrows a bounded length.
_SHORT = reprlib.Repr()
_SHORT.maxstring = 60
_SHORT.maxother = 60


def type_name(value: object) -> str:
    """``DataFrame``-style name of the type of ``value``, qualified outside the builtins."""
    cls = type(value)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def shown(value: object) -> str:
    """``repr(value)`` cut to a bounded length."""
    return _SHORT.repr(value)


def as_path(name: str, value: object) -> Path:
    """``value`` as a path, or an `InputDataError` naming argument ``name``."""
    if isinstance(value, str | os.PathLike):
        try:
            return Path(value)
        except TypeError:
            pass
    raise InputDataError(f"{name} must be a path (text or os.PathLike), got {type_name(value)}")


def as_text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise InputDataError(f"{name} must be text, got {type_name(value)} {shown(value)}")
    return value


__all__ = ["as_path", "as_text", "shown", "type_name"]
