"""Helpers for challenge authors' tests: exact-type checks, mapping and SQL inspection.

Import them in a challenge test as ``from sandbox.harness.checks import ...``.
Each ``assert_*`` raises ``AssertionError`` with a message a candidate can act
on; none of them gives the expected answer away beyond what the statement says.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper

__all__ = [
    "assert_list_of",
    "assert_plain_tuple",
    "column",
    "compiled_for",
    "count_rows",
    "has_limit",
    "indexed_columns",
    "order_by_terms",
    "table_names",
]


def assert_list_of(value: Any, cls: type, what: str = "the result") -> list[Any]:
    """``value`` is a real ``list`` (not a subclass, not a query) whose items are ``cls``."""
    assert type(value) is list, f"{what} should be a list, got {type(value).__name__}"
    for item in value:
        assert isinstance(item, cls), (
            f"{what} should hold {cls.__name__} objects, got a {type(item).__name__}"
        )
    return value


def assert_plain_tuple(value: Any, types: tuple[type, ...], what: str = "each item") -> tuple[Any, ...]:
    """``value`` is a plain ``tuple`` (a SQLAlchemy ``Row`` is not) of values of ``types``."""
    assert type(value) is tuple, f"{what} should be a plain tuple, got {type(value).__name__}"
    assert len(value) == len(types), f"{what} should have {len(types)} values, got {len(value)}"
    for got, want in zip(value, types, strict=True):
        assert type(got) is want, f"{what} should hold {want.__name__}, got {type(got).__name__}"
    return value


def column(model: type, attribute: str) -> sa.Column[Any]:
    """The table column mapped to ``model.attribute``, or an assertion naming what is missing."""
    mapper: Mapper[Any] = sa.inspect(model)
    assert attribute in mapper.columns, f"{model.__name__} has no mapped column {attribute!r}"
    col = mapper.columns[attribute]
    assert isinstance(col, sa.Column), f"{model.__name__}.{attribute} is not a table column"
    return col


def count_rows(db: Any, model: type) -> int:
    """How many rows ``model``'s table holds, asked of the database (not the session)."""
    return int(db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one())


def table_names(db: Any, bind_key: str | None = None) -> set[str]:
    """The tables that really exist in one database (``bind_key`` ``None`` is the default one)."""
    return set(sa.inspect(db.engines[bind_key]).get_table_names())


def indexed_columns(db: Any, model: type) -> set[tuple[str, ...]]:
    """The column tuples that ``model``'s table has an index or unique constraint on, read
    from the database's own index list (not from the mapping)."""
    table = model.__table__  # type: ignore[attr-defined]
    bind_key = table.info.get("bind_key")
    inspector = sa.inspect(db.engines[bind_key])
    found = {tuple(ix["column_names"]) for ix in inspector.get_indexes(table.name)}
    found |= {tuple(uc["column_names"]) for uc in inspector.get_unique_constraints(table.name)}
    return {tuple(str(c) for c in cols) for cols in found}


def compiled_for(statement: Any, dialect: str) -> str:
    """``statement`` compiled as SQL text for another database (``"postgresql"``, ``"mysql"``, ...);
    no driver for that database is needed."""
    assert isinstance(statement, sa.sql.ClauseElement), (
        f"expected a SQLAlchemy statement, got {type(statement).__name__}"
    )
    module = __import__(f"sqlalchemy.dialects.{dialect}", fromlist=["dialect"])
    return str(statement.compile(dialect=module.dialect()))


_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
_TAIL = re.compile(r"\b(LIMIT|OFFSET|FETCH|FOR\s+UPDATE)\b", re.IGNORECASE)
_TERM = re.compile(r"^(?P<expr>.+?)(?:\s+(?P<dir>ASC|DESC))?(?:\s+NULLS\s+(?:FIRST|LAST))?$", re.IGNORECASE)


def order_by_terms(sql: str) -> list[tuple[str, str]]:
    """The outermost ORDER BY of ``sql`` as ``(column, "asc"|"desc")`` pairs.

    The column is the last dotted part of the term, unquoted and lower-case
    (``users.age DESC`` gives ``("age", "desc")``); an expression that is not a
    plain column keeps its text. Empty when the statement has no ORDER BY.
    """
    matches = list(_ORDER_BY.finditer(sql))
    if not matches:
        return []
    clause = sql[matches[-1].end() :]
    tail = _TAIL.search(clause)
    if tail:
        clause = clause[: tail.start()]
    terms: list[tuple[str, str]] = []
    for raw in _split_top_level(clause):
        match = _TERM.match(raw.strip())
        if not match:
            continue
        expr = match.group("expr").strip()
        if re.fullmatch(r'[\w."`\[\]]+', expr):
            expr = expr.split(".")[-1].strip('"`[]')
        terms.append((expr.lower(), (match.group("dir") or "asc").lower()))
    return terms


def has_limit(sql: str) -> bool:
    """Whether ``sql`` ends in a LIMIT (or FETCH FIRST) clause."""
    return re.search(r"\b(LIMIT|FETCH\s+FIRST)\b", sql, re.IGNORECASE) is not None


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:  # the ORDER BY was inside a parenthesised subquery's end
                break
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if "".join(current).strip():
        parts.append("".join(current))
    return [p for p in parts if p.strip()]
