"""Base model: frozen, ``extra="forbid"``, and validation errors raised as
[`CCMMError`][ccmm.CCMMError].

pydantic reports every problem of an input at once; we keep that, but raise it as the ccmm error
class of the model (a ``ValueError`` too) with one located line per problem, so that callers need
to catch only ``ccmm.CCMMError``.
"""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from ccmm._errors import CCMMError

_M = TypeVar("_M", bound=BaseModel)


def validation_problems(exc: ValidationError, *, where: str = "") -> list[str]:
    """One line per pydantic error: location, what was wrong, and what arrived."""
    from ccmm._text import cut, quote  # here: ccmm._text's models derive from this module's

    lines: list[str] = []
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"]]
        if len(loc) >= 2 and loc[0] == "scores":
            place = f"item {quote(loc[1])}" + (f" {'.'.join(loc[2:])}" if loc[2:] else "")
        else:
            place = cut(".".join(loc)) or "(top level)"
        nested = err.get("ctx", {}).get("error")
        if isinstance(nested, CCMMError):
            # A nested ccmm model already located its own problems: prefix them with ours.
            prefix = f"{where}{place} " if loc else where
            lines.extend(f"{prefix}{p}" for p in nested.problems)
            continue
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "field required"
        if err["type"] not in {"value_error", "missing"} and "input" in err:
            msg = f"{msg}, got {quote(err['input'])}"
        # User values are quoted cut to a bounded length (a message never outgrows its input).
        lines.append(cut(f"{where}{place}: {msg}", width=1000))
    return lines


class FrozenModel(BaseModel):
    """Immutable pydantic model whose validation failures are [`CCMMError`][ccmm.CCMMError]s."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    _error_class: ClassVar[type[CCMMError]] = CCMMError

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise self._as_error(exc) from None
        except TypeError:
            # pydantic's date validator fails with a bare TypeError on pandas' NaT (a datetime
            # whose fields are NaN) instead of reporting it: report it as the missing date it is.
            missing = [name for name, value in data.items() if type(value).__name__ == "NaTType"]
            if not missing:
                raise
            raise self._error_class(
                f"invalid {type(self).__name__}: {len(missing)} problem(s)",
                problems=[f"{name}: a date is required, got NaT" for name in missing],
            ) from None

    @classmethod
    def _as_error(cls, exc: ValidationError, *, source: str | None = None) -> CCMMError:
        problems = validation_problems(exc)
        where = f" in {source}" if source else ""
        return cls._error_class(
            f"invalid {cls.__name__}{where}: {len(problems)} problem(s)", problems=problems
        )

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as exc:
            raise cls._as_error(exc) from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        try:
            return super().model_validate_json(json_data, **kwargs)
        except ValidationError as exc:
            raise cls._as_error(exc) from None


@cache
def _plain_defaults(cls: type[BaseModel]) -> dict[str, Any]:
    # Immutable defaults only (None, (), numbers): safe to share between instances.
    return {
        name: info.default
        for name, info in cls.model_fields.items()
        if info.default_factory is None and not info.is_required()
    }


@cache
def _names(cls: type[BaseModel]) -> tuple[str, ...]:
    return tuple(cls.model_fields)


def trusted(cls: type[_M], **fields: Any) -> _M:
    """Build a model from values ccmm computed itself, skipping validation.

    Results of the evaluator are built many times per call from already-typed values; pydantic's
    ``model_construct`` spends most of its time on alias handling we do not use. Every field
    must be given or have a plain (immutable) default.
    """
    names = _names(cls)
    if tuple(fields) == names:  # every field given, in declared order: use as it is
        values = fields
    else:
        # Keep the declared field order so that dumps of trusted and validated models match.
        defaults = _plain_defaults(cls)
        values = {name: fields[name] if name in fields else defaults[name] for name in names}
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(fields))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj
