"""Hypothesis strategies for the whitelisted arithmetic of table mappings (``ccmm._arith``).

`expressions` draws an expression as text together with a reference evaluator (a plain Python
function of the row's values, written independently of ccmm's evaluator); `forbidden` draws text
that is valid Python but not whitelisted arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

#: Column names the generated expressions read: identifiers and names that need backticks.
COLUMNS = ("offered", "asa_seconds", "Avg Speed Ans", "SERVICE_LEVEL", "x_1")

Row = dict[str, float]
Reference = Callable[[Row], float]


def _name_text(name: str) -> str:
    return name if name.isidentifier() else f"`{name}`"


def _div(a: float, b: float) -> float:
    return a / b if b != 0 else float("nan")


def _round(a: float) -> float:
    import math

    if not math.isfinite(a):
        return float("nan")
    return math.copysign(math.floor(abs(a) + 0.5), a)


_leaf: st.SearchStrategy[tuple[str, Reference]] = st.one_of(
    st.sampled_from(COLUMNS).map(lambda c: (_name_text(c), lambda row, c=c: row[c])),
    st.integers(0, 1000).map(lambda n: (str(n), lambda row, n=n: float(n))),
    st.sampled_from([0.5, 1.25, 100.0, 3.0e2]).map(lambda f: (repr(f), lambda row, f=f: f)),
)


def _extend(
    children: st.SearchStrategy[tuple[str, Reference]],
) -> st.SearchStrategy[tuple[str, Reference]]:
    def binary(op: str) -> st.SearchStrategy[tuple[str, Reference]]:
        funcs: dict[str, Callable[[float, float], float]] = {
            "+": lambda a, b: a + b,
            "-": lambda a, b: a - b,
            "*": lambda a, b: a * b,
            "/": _div,
        }
        f = funcs[op]
        return st.tuples(children, children).map(
            lambda lr: (
                f"({lr[0][0]} {op} {lr[1][0]})",
                lambda row, lr=lr: f(lr[0][1](row), lr[1][1](row)),
            )
        )

    return st.one_of(
        *(binary(op) for op in "+-*/"),
        children.map(lambda c: (f"(-{c[0]})", lambda row, c=c: -c[1](row))),
        children.map(lambda c: (f"round({c[0]})", lambda row, c=c: _round(c[1](row)))),
    )


#: (text, reference evaluator) of a random whitelisted expression.
expressions = st.recursive(_leaf, _extend, max_leaves=12)

#: One row of values for `COLUMNS`.
rows = st.fixed_dictionaries(
    {c: st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False) for c in COLUMNS}
)

_ATOMS = ("offered", "2", "`Avg Speed Ans`")
#: Valid Python that is not whitelisted arithmetic: calls, attributes, subscripts, comparisons,
#: powers, boolean and bitwise operators, lambdas, comprehensions, strings in arithmetic, …
forbidden = st.one_of(
    st.sampled_from(
        [
            "__import__('os').system('true')",
            "open('/etc/passwd')",
            "offered.real",
            "offered[0]",
            "offered ** 2",
            "offered // 2",
            "offered % 2",
            "offered < 2",
            "offered and 2",
            "not offered",
            "~offered",
            "offered | 2",
            "offered << 2",
            "lambda: 1",
            "[offered]",
            "(offered, 2)",
            "{offered: 2}",
            "[x for x in offered]",
            "offered if offered else 2",
            "'a' + offered",
            "True + offered",
            "1j * offered",
            "round(offered, 2)",
            "round(x=offered)",
            "abs(offered)",
            "f'{offered}'",
            "offered @ offered",
            "(yield)",
            "...",
            "None",
        ]
    ),
    st.tuples(
        st.sampled_from(_ATOMS),
        st.sampled_from(["**", "//", "%", "<", ">=", "==", "and", "or", "|", "&", "^", "<<"]),
        st.sampled_from(_ATOMS),
    ).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
)
