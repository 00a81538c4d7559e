"""Mutation operators for Flask-SQLAlchemy code, on the standard library's ``ast``.

An operator looks at one node of a parsed module and proposes replacements for
that node, each with a one-line description. The domain operators make the
mistakes these challenges are about (a constraint, key, cascade or relationship
side dropped, an order reversed, a query step or a session call left out, a
limit off by one, a parameter pasted into SQL, eager loading gone); the generic
ones make the classic slips (a comparison, an operator, a constant, a raise or a
returned value). ``grader.mutants.generate`` applies them one site at a time.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Proposal = tuple[ast.AST, str]  # a replacement for the node, and what it does


@dataclass
class Context:
    """What an operator may need to know beyond the node: the module's ``text()`` bindings."""

    texts: dict[str, ast.Call] = field(default_factory=dict)  # NAME = text("...") at module level
    parent: ast.AST | None = None  # the node the operator's node hangs from

    @classmethod
    def of(cls, tree: ast.Module) -> Context:
        texts: dict[str, ast.Call] = {}
        for stmt in tree.body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Call)
                and _is_text_call(stmt.value)
            ):
                texts[stmt.targets[0].id] = stmt.value
        return cls(texts)


Operator = Callable[[ast.AST, Context], Iterator[Proposal]]


def _callee(node: ast.AST) -> str:
    """The last name of what a call calls (``db.session.commit`` -> ``commit``)."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_text_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and _callee(node) == "text"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def _is_const(node: ast.AST | None, value: object) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is type(value) and node.value == value


def _without_keyword(call: ast.Call, index: int) -> ast.Call:
    new = copy.deepcopy(call)
    del new.keywords[index]
    return new


# -- domain operators ----------------------------------------------------------------

# keyword -> (the values whose removal is a mutant (None: any), what dropping it means)
_KEYWORDS: dict[str, tuple[tuple[object, ...] | None, str]] = {
    "nullable": ((False,), "the column accepts NULL"),
    "unique": ((True,), "the column is no longer unique"),
    "index": ((True,), "the column loses its index"),
    "primary_key": ((True,), "the column is no longer part of the primary key"),
    "back_populates": (None, "the two sides of the relationship no longer update each other"),
    "backref": (None, "the relationship loses its other side"),
    "cascade": (None, "the relationship falls back to the default cascade"),
    "lazy": (("joined", "selectin", "subquery", "immediate"), "the relationship loads lazily again"),
    "order_by": (None, "the collection loses its order"),
    "default": (None, "the column loses its default"),
    "server_default": (None, "the column loses its server default"),
    "onupdate": (None, "the column is no longer refreshed on update"),
    "error_out": (None, "paginate falls back to error_out=True"),
}


def drop_keyword(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """``Column(..., unique=True)`` -> ``Column(...)``, and the like for each keyword above."""
    if not isinstance(node, ast.Call):
        return
    for i, kw in enumerate(node.keywords):
        if kw.arg not in _KEYWORDS:
            continue
        values, meaning = _KEYWORDS[kw.arg]
        if values is not None and not any(_is_const(kw.value, v) for v in values):
            continue
        yield _without_keyword(node, i), f"drop {kw.arg}={ast.unparse(kw.value)}: {meaning}"


def delete_orphan(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """``cascade="all, delete-orphan"`` -> ``cascade="all"``."""
    if not isinstance(node, ast.Call):
        return
    for kw in node.keywords:
        if kw.arg == "cascade" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            parts = [p.strip() for p in kw.value.value.split(",")]
            if "delete-orphan" in parts and len(parts) > 1:
                new = copy.deepcopy(node)
                kept = ", ".join(p for p in parts if p != "delete-orphan")
                next(k for k in new.keywords if k.arg == "cascade").value = ast.Constant(kept)
                yield new, "drop delete-orphan from the cascade: a removed child is orphaned, not deleted"


def drop_foreign_key(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """``Column(Integer, ForeignKey("user.id"))`` -> ``Column(Integer)``."""
    if not isinstance(node, ast.Call):
        return
    for i, arg in enumerate(node.args):
        if _callee(arg) == "ForeignKey":
            new = copy.deepcopy(node)
            del new.args[i]
            yield new, "drop the ForeignKey: the column no longer references the other table"


def optional_mapped(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """``name: Mapped[str] = ...`` -> ``name: Mapped[str | None] = ...`` (2.0 style's nullable)."""
    if not (
        isinstance(node, ast.AnnAssign)
        and isinstance(node.annotation, ast.Subscript)
        and _callee(node.annotation.value) == "Mapped"
    ):
        return
    inner = node.annotation.slice
    if isinstance(inner, ast.Subscript | ast.Constant) or (
        isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.BitOr)
    ):
        return  # a collection, a forward reference, or already optional
    value = node.value
    if isinstance(value, ast.Call):
        if _callee(value) == "relationship":
            return
        if any(kw.arg == "primary_key" for kw in value.keywords):
            return  # a primary key is NOT NULL whatever the annotation
    new = copy.deepcopy(node)
    new.annotation.slice = ast.BinOp(copy.deepcopy(inner), ast.BitOr(), ast.Constant(None))  # type: ignore[attr-defined]
    yield new, "annotate the column as optional: it accepts NULL"


def order_direction(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """``x.desc()`` <-> ``x.asc()``, ``desc(x)`` <-> ``asc(x)``; ``order_by(x)`` -> ``order_by(x.desc())``."""
    if not isinstance(node, ast.Call):
        return
    name = _callee(node)
    swap = {"desc": "asc", "asc": "desc"}
    if name in swap and isinstance(node.func, ast.Attribute) and not node.args:
        new = copy.deepcopy(node)
        new.func.attr = swap[name]  # type: ignore[attr-defined]
        yield new, f"order by {swap[name]} instead of {name}"
    elif name in swap and isinstance(node.func, ast.Name) and len(node.args) == 1:
        new = copy.deepcopy(node)
        new.func.id = swap[name]  # type: ignore[attr-defined]
        yield new, f"order by {swap[name]} instead of {name}"
    if name == "order_by":
        for i, arg in enumerate(node.args):
            if _callee(arg) in swap:
                continue
            new = copy.deepcopy(node)
            new.args[i] = ast.Call(ast.Attribute(copy.deepcopy(arg), "desc", ast.Load()), [], [])
            yield new, f"order by {ast.unparse(arg)} descending instead of ascending"


# query methods whose call can be left out of a chain: (name, what leaving it out means)
_STEPS = {
    "order_by": "the rows come in no defined order",
    "limit": "every row comes back, not only the first ones",
    "offset": "the rows start at the first one",
    "where": "the query is no longer filtered",
    "filter": "the query is no longer filtered",
    "filter_by": "the query is no longer filtered",
    "group_by": "the rows are no longer grouped",
    "having": "the groups are no longer filtered",
    "join": "the query no longer joins the related table",
    "distinct": "duplicate rows are kept",
    "options": "the loader options (eager loading) are gone",
    "with_for_update": "the SELECT takes no row lock",
}


def drop_query_step(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """``select(X).where(...).order_by(...)`` -> ``select(X).where(...)``, one step at a time."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _STEPS:
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and receiver.id in ("db", "sqlalchemy", "sa"):
            return  # a module function (db.join would not exist), not a step of a query
        yield copy.deepcopy(receiver), f"drop .{node.func.attr}(...): {_STEPS[node.func.attr]}"


def shift_limit(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """``.limit(n)`` -> ``.limit(n + 1)`` and ``.limit(n - 1)``; the same for offset, page, per_page."""
    if not isinstance(node, ast.Call):
        return
    # (name, the argument's position, or the keyword's index as -1 - index)
    targets: list[tuple[str, int]] = []
    if _callee(node) in ("limit", "offset", "slice") and len(node.args) == 1:
        targets.append((_callee(node), 0))
    for i, kw in enumerate(node.keywords):
        if kw.arg in ("limit", "offset", "page", "per_page", "max_per_page"):
            targets.append((kw.arg, -1 - i))
    for name, at in targets:
        for op, sign in ((ast.Add(), "+"), (ast.Sub(), "-")):
            new = copy.deepcopy(node)
            if at >= 0:
                new.args[at] = ast.BinOp(new.args[at], op, ast.Constant(1))
            else:
                keyword = new.keywords[-1 - at]
                keyword.value = ast.BinOp(keyword.value, op, ast.Constant(1))
            yield new, f"{name} off by one ({sign}1)"


def drop_statement(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """A call made for its effect (``db.session.commit()``, ``rollback``, ``flush``, ``add``,
    ``delete``, ``append``...) -> ``pass``."""
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        yield ast.Pass(), f"drop the call {_callee(node.value)}(...)"


def inline_sql_param(node: ast.AST, ctx: Context) -> Iterator[Proposal]:
    """``execute(text("... :p"), {"p": v})`` -> ``execute(text(f"... '{v}'"))``: the value pasted
    into the SQL string, as code open to injection does."""
    if not (isinstance(node, ast.Call) and _callee(node) == "execute" and len(node.args) >= 2):
        return
    statement, params = node.args[0], node.args[1]
    if isinstance(statement, ast.Name) and statement.id in ctx.texts:
        statement = ctx.texts[statement.id]
    if not (_is_text_call(statement) and isinstance(params, ast.Dict)):
        return
    assert isinstance(statement, ast.Call)  # _is_text_call
    sql: str = statement.args[0].value  # type: ignore[attr-defined]
    for i, key in enumerate(params.keys):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            continue
        pattern = re.compile(rf"(?<![:\w]):{re.escape(key.value)}\b")
        pieces = pattern.split(sql)
        if len(pieces) < 2:
            continue
        values: list[ast.expr] = []
        for j, piece in enumerate(pieces):
            if j:
                values.append(ast.FormattedValue(copy.deepcopy(params.values[i]), -1, None))
            text = ("'" if j else "") + piece + ("'" if j < len(pieces) - 1 else "")
            if text:
                values.append(ast.Constant(text))
        new = copy.deepcopy(node)
        new.args[0] = ast.Call(copy.deepcopy(statement.func), [ast.JoinedStr(values)], [])
        rest = copy.deepcopy(params)
        del rest.keys[i]
        del rest.values[i]
        if rest.keys:
            new.args[1] = rest
        else:
            del new.args[1]
        yield new, f"paste :{key.value} into the SQL string with an f-string instead of binding it"


def drop_mapper_arg(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """``__mapper_args__ = {"version_id_col": version, ...}`` -> without that entry."""
    if not (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id in ("__mapper_args__", "__table_args__")
        and isinstance(node.value, ast.Dict)
    ):
        return
    for i, key in enumerate(node.value.keys):
        if key is None:
            continue
        new = copy.deepcopy(node)
        assert isinstance(new.value, ast.Dict)
        del new.value.keys[i]
        del new.value.values[i]
        yield new, f"drop {ast.unparse(key)} from {node.targets[0].id}"


# -- generic operators -----------------------------------------------------------------

_SWAPPED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}


def relational(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """``a < b`` -> ``a <= b``, ``==`` -> ``!=``, ``is`` -> ``is not``...: one operator at a time
    (in Python, and in the SQL expressions built with them)."""
    if not isinstance(node, ast.Compare):
        return
    for i, op in enumerate(node.ops):
        new = copy.deepcopy(node)
        new.ops[i] = _SWAPPED[type(op)]()
        yield new, f"{_symbol(op)} becomes {_symbol(new.ops[i])}"


def _symbol(op: ast.cmpop) -> str:
    return ast.unparse(ast.Compare(ast.Name("a"), [op], [ast.Name("b")]))[2:-2]


def arithmetic(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """``a + b`` <-> ``a - b``, ``x += n`` <-> ``x -= n``."""
    swap: dict[type[ast.operator], type[ast.operator]] = {ast.Add: ast.Sub, ast.Sub: ast.Add}
    if isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in swap:
        if isinstance(node, ast.BinOp) and (_is_str(node.left) or _is_str(node.right)):
            return  # joining strings: a minus would only raise TypeError
        new = copy.deepcopy(node)
        new.op = swap[type(node.op)]()
        was, now = ("+", "-") if isinstance(node.op, ast.Add) else ("-", "+")
        yield new, f"{was} becomes {now}"


def _is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def boolean(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """``a and b`` <-> ``a or b``; ``not x`` -> ``x``."""
    if isinstance(node, ast.BoolOp):
        new = copy.deepcopy(node)
        new.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        was, now = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        yield new, f"{was} becomes {now}"
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield copy.deepcopy(node.operand), "drop a not"


def constant(node: ast.AST, ctx: Context) -> Iterator[Proposal]:
    """``True`` <-> ``False``; a whole number ``n`` -> ``n + 1`` (``String(50)`` -> ``String(51)``)."""
    parent = ctx.parent
    if isinstance(parent, ast.keyword) and parent.arg in _KEYWORDS:
        return  # drop_keyword already makes this mistake (nullable=True is nullable's default)
    if isinstance(node, ast.Constant) and type(node.value) is bool:
        yield ast.Constant(not node.value), f"{node.value} becomes {not node.value}"
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        yield ast.Constant(node.value + 1), f"{node.value} becomes {node.value + 1}"


def return_none(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """``return value`` -> ``return None``."""
    if isinstance(node, ast.Return) and node.value is not None and not _is_const(node.value, None):
        yield ast.Return(ast.Constant(None)), "return None instead of the value"


def drop_raise(node: ast.AST, _ctx: Context) -> Iterator[Proposal]:
    """``raise X`` -> ``pass``: the error goes unreported."""
    if isinstance(node, ast.Raise):
        yield ast.Pass(), "drop the raise"


DOMAIN: dict[str, Operator] = {
    "drop-keyword": drop_keyword,
    "delete-orphan": delete_orphan,
    "drop-foreign-key": drop_foreign_key,
    "optional-mapped": optional_mapped,
    "order-direction": order_direction,
    "drop-query-step": drop_query_step,
    "shift-limit": shift_limit,
    "drop-statement": drop_statement,
    "inline-sql-param": inline_sql_param,
    "drop-mapper-arg": drop_mapper_arg,
}
GENERIC: dict[str, Operator] = {
    "relational": relational,
    "arithmetic": arithmetic,
    "boolean": boolean,
    "constant": constant,
    "return-none": return_none,
    "drop-raise": drop_raise,
}
OPERATORS: dict[str, Operator] = {**DOMAIN, **GENERIC}
