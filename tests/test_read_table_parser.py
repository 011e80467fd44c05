"""The whitelisted arithmetic of table mappings (``ccmm._arith``): what it accepts, what it
refuses, and that its values equal an independent evaluation of the same formula."""

from __future__ import annotations

import ast
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies_arith import COLUMNS, expressions, forbidden, rows

from ccmm import CCMMError
from ccmm._arith import MAX_EXPRESSION_CHARS, MAX_EXPRESSION_NODES, parse_expression, render


@given(expression=expressions, row=rows)
def test_parsed_expression_evaluates_like_an_independent_reference(expression, row) -> None:
    text, reference = expression
    parsed = parse_expression(text)
    value = float(parsed.evaluate(pd.DataFrame({c: [row[c]] for c in COLUMNS}))[0])
    expected = reference(row)
    if math.isfinite(expected):
        assert value == expected
    else:
        assert math.isnan(value)


@given(expression=expressions)
def test_rendering_a_parsed_expression_reads_back_to_the_same_tree(expression) -> None:
    parsed = parse_expression(expression[0])
    again = parse_expression(render(parsed.tree))
    assert ast.dump(again.tree) == ast.dump(parsed.tree)
    assert again.columns == parsed.columns


@given(expression=expressions)
def test_columns_read_are_exactly_the_names_in_the_text(expression) -> None:
    parsed = parse_expression(expression[0])
    functions = {id(n.func) for n in ast.walk(parsed.tree) if isinstance(n, ast.Call)}
    named = {
        n.id for n in ast.walk(parsed.tree) if isinstance(n, ast.Name) and id(n) not in functions
    }
    assert set(parsed.columns) == named <= set(COLUMNS)
    assert len(parsed.columns) == len(set(parsed.columns))


@given(text=forbidden)
def test_anything_but_arithmetic_is_refused_with_a_ccmm_error(text: str) -> None:
    with pytest.raises(CCMMError) as caught:
        parse_expression(text, where="derive x")
    assert str(caught.value).startswith("derive x: ")


@given(expression=expressions, junk=st.text(max_size=30))
def test_arbitrary_text_is_parsed_or_refused_never_run(expression, junk: str) -> None:
    # Any text at all either parses to whitelisted arithmetic or raises CCMMError.
    for text in (junk, expression[0] + junk, junk + expression[0]):
        try:
            parsed = parse_expression(text)
        except CCMMError:
            continue
        assert parsed.constant_text is not None or all(
            isinstance(
                n,
                ast.BinOp
                | ast.UnaryOp
                | ast.Name
                | ast.Constant
                | ast.Call
                | ast.operator
                | ast.unaryop
                | ast.expr_context,
            )
            for n in ast.walk(parsed.tree)
        )


def test_expression_size_is_bounded() -> None:
    with pytest.raises(CCMMError, match="limit is"):
        parse_expression("1" + " + 1" * MAX_EXPRESSION_CHARS)
    with pytest.raises(CCMMError, match=f"limit is {MAX_EXPRESSION_NODES}"):
        parse_expression("+".join(["a"] * (MAX_EXPRESSION_NODES // 2 + 1)))
    with pytest.raises(CCMMError, match="limit is"):
        parse_expression("(" * 600 + "1" + ")" * 600)


def test_a_quoted_text_is_a_constant_column_and_backticks_name_columns() -> None:
    assert parse_expression("'voice'").constant_text == "voice"
    parsed = parse_expression("`Avg Speed Ans` * `ACD Calls`")
    assert parsed.columns == ("Avg Speed Ans", "ACD Calls")
    with pytest.raises(CCMMError, match="unmatched backtick"):
        parse_expression("`Avg Speed Ans * 2")
    with pytest.raises(CCMMError, match="only numbers"):
        parse_expression("'voice' + 1")


def test_division_by_zero_is_undefined_only_where_the_inputs_are_present() -> None:
    parsed = parse_expression("a / b")
    frame = pd.DataFrame({"a": [1.0, 1.0, np.nan], "b": [0.0, 2.0, 0.0]})
    values = parsed.evaluate(frame)
    assert np.isnan(values[0]) and values[1] == 0.5 and np.isnan(values[2])
    assert parsed.undefined_rows(frame).tolist() == [True, False, False]


def test_round_is_half_away_from_zero() -> None:
    frame = pd.DataFrame({"x": [0.5, 1.5, 2.5, -0.5, -2.5, 2.4999]})
    assert parse_expression("round(x)").evaluate(frame).tolist() == [1, 2, 3, -1, -3, 2]
