"""Argument guards for public functions: an argument of the wrong type is an
[`InputDataError`][ccmm.InputDataError] naming the function, the argument, what was expected and
what arrived, before the function body can fail on it with an ``AttributeError`` or ``TypeError``.

The expected types are the function's own annotations, checked with typeguard (a dependency of
pandera, so already installed) rather than by hand. Values are checked here only for their
*type*; each function still checks the values it needs (finite, non-negative, known column).

Annotations are read lazily, at the first call, when the modules they name are imported; an
annotation that cannot be resolved (a name imported only for type checkers and not loaded) is not
checked rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import os
import sys
import types
import typing
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from ccmm._errors import InputDataError

_F = TypeVar("_F", bound=Callable[..., Any])

#: Skipped: every value is one of these.
_ANYTHING = (Any, object)


def _namespace(func: Callable[..., Any]) -> dict[str, Any]:
    import pandas as pd

    space: dict[str, Any] = {"pd": pd, "np": np, "dt": dt, "Path": Path, "PathLike": os.PathLike}
    module_globals = inspect.unwrap(func).__globals__
    space.update(_type_checking_names(module_globals.get("__name__", "")))
    space.update(module_globals)
    return space


def _type_checking_names(module_name: str) -> dict[str, Any]:
    """The names a module imports under ``if TYPE_CHECKING:``, imported now (at a first call,
    when ccmm is loaded): the annotations that name them can then be checked too."""
    import ast
    import importlib

    module = sys.modules.get(module_name)
    try:
        tree = ast.parse(inspect.getsource(module)) if module is not None else None
    except (OSError, TypeError):  # no source (a frozen build): those annotations go unchecked
        return {}
    names: dict[str, Any] = {}
    for node in tree.body if tree is not None else ():
        if not (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)):
            continue
        for stmt in node.body:
            try:
                if isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
                    source = importlib.import_module(stmt.module)
                    for alias in stmt.names:
                        names[alias.asname or alias.name] = getattr(source, alias.name)
                elif isinstance(stmt, ast.Import):
                    for alias in stmt.names:
                        top = importlib.import_module(alias.name)
                        names[alias.asname or alias.name.partition(".")[0]] = (
                            top
                            if alias.asname
                            else importlib.import_module(alias.name.split(".")[0])
                        )
            except (ImportError, AttributeError):  # an optional extra not installed
                continue
    return names


def _resolve(func: Callable[..., Any]) -> dict[str, Any]:
    """Parameter name -> resolved annotation, for the parameters whose annotation resolves."""
    space = _namespace(func)
    hints: dict[str, Any] = {}
    for name, param in inspect.signature(func).parameters.items():
        note = param.annotation
        if note is inspect.Parameter.empty:
            continue
        if isinstance(note, str):
            try:
                note = eval(note, space)
            except Exception:  # a name imported only for type checkers: leave it unchecked
                continue
        if note in _ANYTHING:
            continue
        hints[name] = note
    return hints


def _matches(value: object, hint: Any) -> bool:
    from typeguard import TypeCheckError, check_type

    try:
        check_type(value, hint)
    except TypeCheckError:
        return False
    return True


def _compares_plainly(value: object) -> bool:
    """Whether ``value == value`` is a plain bool (not an elementwise frame or array)."""
    try:
        return isinstance(value == value, bool)
    except Exception:
        return False


def _is_choice(hint: Any) -> bool:
    """Whether ``hint`` is a Literal, or a union of Literals and None."""
    if typing.get_origin(hint) is typing.Literal:
        return True
    parts = (
        typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else ()
    )
    return (
        bool(parts)
        and all(p is type(None) or _is_choice(p) for p in parts)
        and any(typing.get_origin(p) is typing.Literal for p in parts)
    )


def _expected(func: Callable[..., Any], name: str) -> str:
    note = inspect.signature(func).parameters[name].annotation
    text = note if isinstance(note, str) else getattr(note, "__name__", repr(note))
    return str(text).replace("typing.", "")


def checked_arguments(func: _F) -> _F:
    """Refuse arguments whose type does not match ``func``'s annotations with InputDataError."""
    signature = inspect.signature(func)

    @functools.cache
    def hints() -> dict[str, Any]:
        return _resolve(func)

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        # Calls from inside ccmm pass values ccmm built and mypy --strict checked: only a call
        # from outside (a user's code, a notebook) is at the boundary. This keeps the guards off
        # the evaluator's inner loops.
        if sys._getframe(1).f_globals.get("__name__", "").startswith("ccmm."):
            return func(*args, **kwargs)
        # typeguard is imported at the first call: `import ccmm` stays light.
        from typeguard import CollectionCheckStrategy, TypeCheckError, check_type

        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise InputDataError(f"{func.__name__}(): {exc}") from None
        expected = hints()
        for name, value in bound.arguments.items():
            hint = expected.get(name)
            if hint is None:
                continue
            try:
                check_type(
                    value, hint, collection_check_strategy=CollectionCheckStrategy.FIRST_ITEM
                )
            except TypeCheckError:
                if isinstance(value, np.generic) and _matches(value.item(), hint):
                    continue  # numpy scalars stand for Python numbers (a value from a frame)
                if _is_choice(hint) and _compares_plainly(value):
                    # A choice among names (a Literal): the function names the choices itself
                    # and reports every problem of the call at once. Only junk whose == is not
                    # a plain bool (a frame, an array) is stopped here, before a comparison.
                    continue
                from ccmm._text import quote

                raise InputDataError(
                    f"{func.__name__}(): argument {name} must be {_expected(func, name)}, "
                    f"got {type(value).__name__} {quote(value)}"
                ) from None
            except Exception:  # typeguard cannot check this kind of annotation: not guessed
                continue
        return func(*args, **kwargs)

    return typing.cast(_F, guarded)


def by_problems(by: object) -> list[str]:
    """What is wrong with a ``by`` option (a sequence of column names given as text), if
    anything: a text is one name, not a sequence of them; every entry must be text."""
    from collections.abc import Sequence

    from ccmm._text import quote

    if isinstance(by, str):
        return [f"by must be a sequence of column names, got the string {quote(by)}"]
    if not isinstance(by, Sequence):
        return [f"by must be a sequence of column names, got {type(by).__name__} {quote(by)}"]
    not_text = [quote(name) for name in by if not isinstance(name, str)]
    if not_text:
        return [f"by must name columns as text, got {', '.join(not_text[:10])}"]
    return []


def require_columns(frame: Any, names: Iterable[object], *, argument: str) -> None:
    """InputDataError listing every column of ``names`` that ``frame`` (a DataFrame) lacks, or
    every column name it holds twice."""
    from collections import Counter

    from ccmm._text import quote

    labels = [str(c) for c in frame.columns]
    # Two columns of one name make frame[name] a table, not a column: refused, named.
    doubled = sorted(label for label, seen in Counter(labels).items() if seen > 1)
    if doubled:
        raise InputDataError(
            f"{argument} has duplicated column name(s) {', '.join(map(quote, doubled))}",
            problems=[f"{argument}: column {quote(n)} appears more than once" for n in doubled],
        )
    have = set(labels)
    missing = [quote(str(n)) for n in names if str(n) not in have]
    if missing:
        raise InputDataError(
            f"{argument} lacks column(s) {', '.join(missing)}",
            problems=[f"{argument}: column {name} is required" for name in missing],
        )


__all__ = ["by_problems", "checked_arguments", "require_columns"]
