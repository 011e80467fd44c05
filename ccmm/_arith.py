"""Arithmetic over table columns, parsed by a whitelist and never handed to ``eval``.

A mapping from an ACD export to a canonical table states derived columns as small formulas
(``asa * answered``, ```Avg Speed Ans` * `ACD Calls```). The text comes from a user's YAML file,
so it is parsed with Python's ``ast`` module and accepted only if every node is one of: a column
name (a Python identifier, or any name between backticks), a number, ``+ - * /``, unary ``-``/``+``,
parentheses, or ``round(x)`` (counts rebuilt from a percentage). A whole expression may also be a
single quoted text, which gives the same text on every row (``'voice'``). Anything else (calls,
attributes, subscripts, comparisons, ``**``, lambdas, …) is refused naming what was found.
The text is bounded in length and in nodes, so parsing costs bounded time and memory.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ccmm._errors import InputDataError
from ccmm._text import quote

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

#: Longest expression accepted, in characters.
MAX_EXPRESSION_CHARS = 1000
#: Most syntax-tree nodes accepted in one expression (bounds evaluation work per row).
MAX_EXPRESSION_NODES = 200

_BACKTICKED = re.compile(r"`([^`]*)`")
_PLACEHOLDER = "__ccmm_column_{}__"
_OPERATORS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}
_FUNCTIONS = frozenset({"round"})


@dataclass(frozen=True)
class Expression:
    """A parsed, whitelisted expression: its text, the columns it reads and its syntax tree.

    ``constant_text`` is set when the whole expression is one quoted text (a constant column).
    """

    text: str
    columns: tuple[str, ...]
    tree: ast.expr
    constant_text: str | None = None

    def evaluate(self, frame: pd.DataFrame) -> npt.NDArray[np.float64]:
        """The expression on every row of ``frame`` (floats; a missing input gives NaN).

        Division by zero gives NaN too; `undefined_rows` tells those rows apart from rows whose
        inputs were missing.
        """
        import numpy as np

        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            values = np.array(_evaluate(self.tree, frame, len(frame)), dtype=np.float64)
        if values.ndim == 0:
            values = np.full(len(frame), float(values))
        values[~np.isfinite(values)] = np.nan
        return values

    def undefined_rows(self, frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
        """Rows whose inputs are all present but whose value is undefined (a division by zero)."""
        import numpy as np

        present = np.ones(len(frame), dtype=bool)
        for name in self.columns:
            present &= frame[name].notna().to_numpy()
        return present & np.isnan(self.evaluate(frame))


def _column_name(node: ast.Name, names: dict[str, str]) -> str:
    return names.get(node.id, node.id)


def _check(node: ast.AST, names: dict[str, str], found: list[str]) -> None:
    """Raise ValueError naming the first construct outside the whitelist; collect column names."""
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            raise ValueError(f"operator {type(node.op).__name__} is not allowed (only + - * /)")
        _check(node.left, names, found)
        _check(node.right, names, found)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise ValueError(f"operator {type(node.op).__name__} is not allowed (only + - * /)")
        _check(node.operand, names, found)
    elif isinstance(node, ast.Name):
        found.append(_column_name(node, names))
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ValueError(f"only numbers may appear in arithmetic, got {quote(node.value)}")
        if not math.isfinite(node.value):
            raise ValueError(f"numbers must be finite, got {node.value}")
    elif isinstance(node, ast.Call):
        func = node.func
        if not (isinstance(func, ast.Name) and func.id in _FUNCTIONS and func.id not in names):
            raise ValueError("the only function allowed is round(x)")
        if len(node.args) != 1 or node.keywords:
            raise ValueError("round takes exactly one argument: round(x)")
        _check(node.args[0], names, found)
    else:
        raise ValueError(f"{type(node).__name__} is not allowed (only names, numbers, + - * /)")


def parse_expression(text: str, *, where: str = "expression") -> Expression:
    """Parse ``text`` into an `Expression`, or raise `InputDataError` naming ``where``."""
    if not isinstance(text, str):
        raise InputDataError(f"{where}: an expression must be text, got {quote(text)}")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise InputDataError(
            f"{where}: expression of {len(text):,} characters; the limit is "
            f"{MAX_EXPRESSION_CHARS:,}"
        )
    names: dict[str, str] = {}

    def placeholder(match: re.Match[str]) -> str:
        name = match.group(1)
        if not name:
            raise InputDataError(f"{where}: empty column name `` in {quote(text)}")
        key = _PLACEHOLDER.format(len(names))
        names[key] = name
        return key

    source = _BACKTICKED.sub(placeholder, text)
    if "`" in source:
        raise InputDataError(f"{where}: unmatched backtick in {quote(text)}")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise InputDataError(f"{where}: not an arithmetic expression: {quote(text)}") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_EXPRESSION_NODES:
        raise InputDataError(
            f"{where}: expression has {nodes} parts; the limit is {MAX_EXPRESSION_NODES}"
        )
    body = tree.body
    if isinstance(body, ast.Constant) and isinstance(body.value, str):
        return Expression(text=text, columns=(), tree=body, constant_text=body.value)
    found: list[str] = []
    try:
        _check(body, names, found)
    except ValueError as exc:
        raise InputDataError(f"{where}: {exc}, in {quote(text)}") from None
    _restore_names(body, names)
    return Expression(text=text, columns=tuple(dict.fromkeys(found)), tree=body)


def _restore_names(tree: ast.AST, names: dict[str, str]) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in names:
            node.id = names[node.id]


def render(tree: ast.expr) -> str:
    """Text of a whitelisted tree that `parse_expression` reads back to the same tree."""
    if isinstance(tree, ast.BinOp):
        return f"({render(tree.left)} {_OPERATORS[type(tree.op)]} {render(tree.right)})"
    if isinstance(tree, ast.UnaryOp):
        return f"({'-' if isinstance(tree.op, ast.USub) else '+'}{render(tree.operand)})"
    if isinstance(tree, ast.Name):
        return tree.id if tree.id.isidentifier() and "`" not in tree.id else f"`{tree.id}`"
    if isinstance(tree, ast.Call):
        return f"round({render(tree.args[0])})"
    if isinstance(tree, ast.Constant):
        return repr(tree.value)
    raise TypeError(type(tree).__name__)  # pragma: no cover - parse_expression refused it


def _evaluate(node: ast.expr, frame: pd.DataFrame, rows: int) -> Any:
    import numpy as np

    if isinstance(node, ast.BinOp):
        left = _evaluate(node.left, frame, rows)
        right = _evaluate(node.right, frame, rows)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        return np.true_divide(left, right)
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, frame, rows)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Name):
        return frame[node.id].to_numpy(dtype=np.float64, na_value=np.nan)
    if isinstance(node, ast.Call):
        # Half away from zero, as a person rounds (numpy's round is half to even).
        value = _evaluate(node.args[0], frame, rows)
        return np.sign(value) * np.floor(np.abs(value) + 0.5)
    assert isinstance(node, ast.Constant) and isinstance(node.value, int | float)
    return np.float64(node.value)


__all__ = [
    "MAX_EXPRESSION_CHARS",
    "MAX_EXPRESSION_NODES",
    "Expression",
    "parse_expression",
    "render",
]
