"""A table dataset's ``filter``: one boolean expression, parsed by sqlglot and refused otherwise.

A suite must never be able to run arbitrary SQL, so the filter is not pasted into a query: it
is parsed into a sqlglot tree, every node is checked against :data:`ALLOWED` (columns,
literals, comparisons, ``AND``/``OR``/``NOT``, ``IN`` lists, ``BETWEEN``, ``LIKE``, ``IS
NULL``, arithmetic, casts and a few plain functions), and the tree is then rendered for the
database's dialect. ``{as_of}`` becomes a bound parameter holding the run's as-of date: a
filter never reads the database's clock (``now()``, ``current_date`` are refused).
"""

from __future__ import annotations

from typing import Any

AS_OF = "sg_as_of"
"""The bound parameter ``{as_of}`` becomes."""


def _allowed() -> tuple[type, ...]:
    from sqlglot import exp

    return (
        exp.Column, exp.Identifier, exp.Literal, exp.Boolean, exp.Null, exp.Placeholder, exp.Paren, exp.Tuple,
        exp.And, exp.Or, exp.Not, exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Is, exp.In, exp.Between,
        exp.Like, exp.ILike, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg, exp.Cast, exp.DataType,
        exp.DataTypeParam, exp.Interval, exp.Var, exp.Lower, exp.Upper, exp.Trim, exp.Coalesce, exp.Length,
        exp.Abs,
    )  # fmt: skip


_BOOLEAN = (
    "And",
    "Or",
    "Not",
    "EQ",
    "NEQ",
    "GT",
    "GTE",
    "LT",
    "LTE",
    "Is",
    "In",
    "Between",
    "Like",
    "ILike",
    "Boolean",
)


def parse_filter(text: str, dialect: str | None = None) -> Any:
    """The filter's sqlglot tree (``{as_of}`` a placeholder); ValueError saying what is refused."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError

    if "{as_of}" in text.replace("'{as_of}'", ""):
        text = text.replace("'{as_of}'", "{as_of}")
    try:
        parsed = sqlglot.parse(text.replace("{as_of}", f":{AS_OF}"), read=dialect)
    except ParseError as exc:
        raise ValueError(f"the filter does not parse as SQL: {str(exc).splitlines()[0]}") from None
    if len(parsed) != 1 or parsed[0] is None:
        raise ValueError("the filter must be ONE boolean expression (no ';', no statements)")
    tree = parsed[0]
    allowed = _allowed()
    for node in tree.walk():
        if isinstance(node, exp.Placeholder) and node.name != AS_OF:
            raise ValueError(f"the filter may use only {{as_of}} as a parameter, not {node.sql()}")
        if not isinstance(node, allowed):
            if isinstance(node, exp.Anonymous):  # a function sqlglot does not know: its name as written
                what = f"the function {node.name.upper()}"
            elif isinstance(node, exp.Func):
                what = f"the function {node.sql_name()}"  # type: ignore[no-untyped-call]  # sqlglot leaves it unannotated
            else:
                what = node.key.upper()
            raise ValueError(
                f"the filter may not use {what} ({node.sql()[:60]}); allowed: columns, literals, {{as_of}}, comparisons, "
                "AND/OR/NOT, IN (...), BETWEEN, LIKE, IS NULL, arithmetic, CAST, LOWER, UPPER, TRIM, COALESCE, LENGTH, ABS"
            )
    inner = tree.unnest() if isinstance(tree, exp.Paren) else tree  # type: ignore[no-untyped-call]  # sqlglot: unannotated
    if type(inner).__name__ not in _BOOLEAN:
        raise ValueError(
            f"the filter must be a boolean condition (a comparison, IN, LIKE, IS NULL...), not {tree.sql()[:60]}"
        )
    return tree


def filter_problem(text: str) -> str | None:
    """Why ``text`` is refused as a filter, or None (the suite loader's check, any dialect)."""
    try:
        parse_filter(text)
    except ValueError as exc:
        return str(exc)
    return None
