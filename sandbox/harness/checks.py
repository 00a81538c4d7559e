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
    "assert_column",
    "assert_commit_refused",
    "assert_foreign_key",
    "assert_list_of",
    "assert_plain_tuple",
    "assert_relationship",
    "column",
    "compiled_for",
    "count_rows",
    "has_limit",
    "indexed_columns",
    "made_with",
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


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _column_groups(col: sa.Column[Any], unique_only: bool) -> list[list[str]]:
    """The column names of each index and unique constraint of ``col``'s table, in order."""
    table = col.table
    groups = [[c.name for c in ix.columns] for ix in table.indexes if ix.unique or not unique_only]
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            groups.append([c.name for c in constraint.columns])
    return groups


def _unique(col: sa.Column[Any]) -> bool:
    """Whether the column alone is unique: ``unique=True``, a one-column unique constraint or
    unique index, or the whole primary key."""
    if col.unique or (col.primary_key and len(col.table.primary_key.columns) == 1):
        return True
    return [col.name] in _column_groups(col, unique_only=True)


def _indexed(col: sa.Column[Any]) -> bool:
    """Whether an index (or a unique constraint, which databases back with one) leads with the column."""
    groups = _column_groups(col, unique_only=False)
    return bool(col.index or col.unique) or any(g[:1] == [col.name] for g in groups)


def assert_column(
    model: type,
    attribute: str,
    kind: type | tuple[type, ...] | None = None,
    *,
    length: int | None = None,
    nullable: bool | None = None,
    unique: bool | None = None,
    primary_key: bool | None = None,
    index: bool | None = None,
) -> sa.Column[Any]:
    """``model.attribute`` is a table column as the statement describes it, read from the mapping.

    Only what is given is checked: ``kind`` (a SQLAlchemy type class, or a tuple of them),
    ``length`` (of a ``String``), ``nullable``, ``unique`` (``unique=True``, a one-column
    unique constraint or unique index), ``primary_key`` and ``index`` (any index that leads
    with the column). The message says what the statement asks and what the model declares.
    """
    col = column(model, attribute)
    where = f"{model.__name__}.{attribute}"
    if kind is not None:
        assert isinstance(col.type, kind), (
            f"{where} should be a {_type_name(kind)} column, but it is declared {type(col.type).__name__}"
        )
    if length is not None:
        got = getattr(col.type, "length", None)
        declared = f"{type(col.type).__name__}({got})" if got is not None else "without a length"
        assert got == length, f"{where} should be String({length}), but it is declared {declared}"
    if primary_key is not None:
        assert bool(col.primary_key) is primary_key, (
            f"{where} should be the primary key" if primary_key else f"{where} should not be a primary key"
        )
    if nullable is not None:
        assert bool(col.nullable) is nullable, (
            f"{where} should be nullable (None allowed)"
            if nullable
            else f"{where} should be not null (nullable=False): a row without it must be refused"
        )
    if unique is not None:
        assert _unique(col) is unique, (
            f"{where} should be unique (unique=True or a unique constraint on it alone)"
            if unique
            else f"{where} should not be unique: two rows may share a value"
        )
    if index is not None:
        assert _indexed(col) is index, (
            f"{where} should have an index (index=True or an Index on it)"
            if index
            else f"{where} should have no index"
        )
    return col


def assert_foreign_key(
    model: type, attribute: str, target: type, target_attribute: str = "id"
) -> sa.Column[Any]:
    """``model.attribute`` is a column with a foreign key to ``target.target_attribute``'s column."""
    col = column(model, attribute)
    wanted = column(target, target_attribute)
    where = f"{model.__name__}.{attribute}"
    pointed = [fk.column for fk in col.foreign_keys]
    assert pointed, f"{where} should be a foreign key to {target.__name__}.{target_attribute} (ForeignKey)"
    assert any(p is wanted or (p.table.name, p.name) == (wanted.table.name, wanted.name) for p in pointed), (
        f"{where} should point to {target.__name__}.{target_attribute}, but its foreign key points to "
        + ", ".join(f"{p.table.name}.{p.name}" for p in pointed)
    )
    return col


def assert_relationship(
    model: type,
    attribute: str,
    target: type,
    *,
    many: bool | None = None,
    back: str | None = None,
    cascade: tuple[str, ...] = (),
) -> Any:
    """``model.attribute`` is a relationship to ``target`` (or a subclass), read from the mapping.

    ``many``: a list-like collection (``True``; not a dynamic or write-only query) or one
    object (``False``). ``back``: the name of the relationship on ``target`` that mirrors
    this one (``back_populates`` on both sides, or a ``backref``), so that setting either side
    updates the other in Python. ``cascade``: options that must be among its cascades
    (``"delete"``, ``"delete-orphan"``).
    """
    mapper: Mapper[Any] = sa.inspect(model)
    where = f"{model.__name__}.{attribute}"
    assert attribute in mapper.relationships, (
        f"{model.__name__} should have a relationship {attribute!r} (db.relationship / relationship())"
    )
    rel = mapper.relationships[attribute]
    assert issubclass(rel.mapper.class_, target), (
        f"{where} should lead to {target.__name__}, but it leads to {rel.mapper.class_.__name__}"
    )
    if many is not None:
        plain = rel.lazy not in ("dynamic", "write_only")
        if many:
            assert rel.uselist and plain, (
                f"{where} should be a list of {target.__name__} objects"
                + ("" if plain else f", not a {rel.lazy} query (lazy={rel.lazy!r})")
            )
        else:
            assert not rel.uselist, f"{where} should be one {target.__name__} object, not a list"
    if back is not None:
        reverse = {r.key for r in getattr(rel, "_reverse_property", ())}
        assert back in reverse, (
            f"{where} and {target.__name__}.{back} should mirror each other (back_populates= on both "
            f"sides, or backref=): setting one must update the other"
        )
    missing = [c for c in cascade if c not in rel.cascade]
    assert not missing, f"{where} should cascade {', '.join(missing)} (cascade=...)"
    return rel


def made_with(model: type, **values: Any) -> Any:
    """``model(**values)``: an object that lacks the other columns, to show the database refuses it.

    A model whose constructor will not be called without them (a dataclass model's,
    ``SQLAlchemy(model_class=...)`` with ``MappedAsDataclass``, requires each column that
    has no default) refuses such an object before the database can see it. The object
    is then made as the ORM makes the rows it loads, without the constructor, so that
    the table's own constraint is what is checked, whatever the constructor's style.
    """
    try:
        return model(**values)
    except TypeError:
        mapper: Mapper[Any] = sa.inspect(model)
        mapper.registry.configure()  # the constructor that failed did not get as far as this
        made: Any = mapper.class_manager.new_instance()
        for name, value in values.items():
            setattr(made, name, value)
        return made


def assert_commit_refused(db: Any, *objects: Any, what: str) -> None:
    """Adding ``objects`` and committing fails with ``IntegrityError``: the database itself
    refuses them (a NOT NULL or UNIQUE constraint). The session is rolled back after."""
    from sqlalchemy.exc import IntegrityError

    db.session.add_all(objects)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return
    raise AssertionError(
        f"{what} should fail at commit with IntegrityError (a constraint in the table), "
        "but the commit went through"
    )


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
