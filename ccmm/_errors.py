"""Every error a user can cause is a [`CCMMError`][ccmm.CCMMError].

Messages say where (file, row, item, column) and what was expected versus what arrived, in the
style of ``rating must be 0, 5 or 10, got 7``. When several problems are found at once they are
all reported: `CCMMError.problems` lists them one per line.

Each class has a stable [`code`][ccmm.CCMMError.code] (docs/errors.md lists them with the
command line's exit status) for programs that branch on the kind of error rather than on its
text, and every error pickles with its message and problems (multiprocessing, Spark and joblib
send exceptions between processes by pickling them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar


def _restore(cls: type[CCMMError], args: tuple[Any, ...]) -> CCMMError:
    # Rebuild without calling the subclass's __init__ (its keywords differ); pickle then puts
    # back the instance attributes (problems, missing, ...) from the saved state.
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    return error


class CCMMError(Exception):
    """Base class of every error ccmm raises because of its input.

    ``problems`` holds one message per problem found (at least one); ``str(error)`` joins them.
    """

    code: ClassVar[str] = "ccmm-error"
    """Stable identifier of the kind of error, one per class; never reused or changed."""

    def __init__(self, message: str, *, problems: Iterable[str] = ()) -> None:
        listed = tuple(problems)
        self.problems: tuple[str, ...] = listed or (message,)
        text = message if not listed else message + "\n" + "\n".join(f"  - {p}" for p in listed)
        super().__init__(text)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args), self.__dict__)


class StandardError(CCMMError, ValueError):
    """A standard file (shipped or the user's) is malformed or not found."""

    code = "standard"


class StandardMismatchError(CCMMError, ValueError):
    """An assessment names a different standard id or edition than the one used."""

    code = "standard-mismatch"


class AssessmentError(CCMMError, ValueError):
    """An assessment or its file is malformed: bad ratings, unknown or duplicated ids."""

    code = "assessment"


class IncompleteAssessmentError(CCMMError, ValueError):
    """Items that must be rated were left out; ``missing`` lists every one of them."""

    code = "incomplete-assessment"

    def __init__(self, message: str, *, missing: Sequence[str]) -> None:
        self.missing: tuple[str, ...] = tuple(missing)
        super().__init__(message)


class InputDataError(CCMMError, ValueError):
    """A table or an argument cannot be used at all (not a DataFrame, columns missing, bad option).

    Data-quality findings are *reported* by the CRUCIAL checks, never raised; this is for input
    that cannot be read or computed on.
    """

    code = "input-data"


class MissingExtraError(CCMMError, ImportError):
    """An optional feature was used without its extra installed (the message names the extra)."""

    code = "missing-extra"


__all__ = [
    "AssessmentError",
    "CCMMError",
    "IncompleteAssessmentError",
    "InputDataError",
    "MissingExtraError",
    "StandardError",
    "StandardMismatchError",
]
