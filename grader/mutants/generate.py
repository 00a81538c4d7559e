"""Make mutants of a source file: one operator applied at one site, each a different program.

Each mutant's source is the original with only the changed node's text replaced
(so its diff is a line or two, and comments stay), checked to parse to exactly
the mutated tree. Mutants whose tree equals the original's or another mutant's
are dropped: they cannot tell the tests anything new. ``__repr__``/``__str__``
bodies and docstrings are left alone: the contract leaves them to the candidate.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from grader.mutants.operators import OPERATORS, Context, Operator

_SKIPPED_FUNCTIONS = ("__repr__", "__str__")


@dataclass(frozen=True)
class Mutant:
    """One mutant of a source: a stable ``id`` (operator, scope, a digest of the change),
    the line it changes, what it does, and its whole source."""

    id: str
    operator: str
    scope: str  # the function or class it changes (dotted), "<module>" at the top
    line: int
    description: str
    source: str
    diff: str  # unified diff from the original


@dataclass(frozen=True)
class _Site:
    parent: ast.AST
    field: str
    index: int | None  # position in a list field, None for a single node
    node: ast.AST
    scope: str


def _sites(tree: ast.Module) -> Iterator[_Site]:
    """Every node with where it hangs, in source order, skipping docstrings and __repr__ bodies."""

    def visit(parent: ast.AST, scope: str) -> Iterator[_Site]:
        for name, value in ast.iter_fields(parent):
            items = value if isinstance(value, list) else [value]
            for i, child in enumerate(items):
                if not isinstance(child, ast.AST):
                    continue
                if _is_docstring(parent, name, i, child):
                    continue
                inner = scope
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    if child.name in _SKIPPED_FUNCTIONS:
                        continue
                    inner = child.name if scope == "<module>" else f"{scope}.{child.name}"
                elif isinstance(child, ast.Assign | ast.AnnAssign) and isinstance(parent, ast.ClassDef):
                    target = child.targets[0] if isinstance(child, ast.Assign) else child.target
                    if isinstance(target, ast.Name):
                        inner = f"{scope}.{target.id}"
                yield _Site(parent, name, i if isinstance(value, list) else None, child, inner)
                yield from visit(child, inner)

    yield from visit(tree, "<module>")


def _is_docstring(parent: ast.AST, name: str, index: int, child: ast.AST) -> bool:
    return (
        name == "body"
        and index == 0
        and isinstance(parent, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and isinstance(child, ast.Expr)
        and isinstance(child.value, ast.Constant)
        and isinstance(child.value.value, str)
    )


def _put(site: _Site, node: ast.AST) -> None:
    if site.index is None:
        setattr(site.parent, site.field, node)
    else:
        getattr(site.parent, site.field)[site.index] = node


def _splice(source: bytes, node: ast.AST, text: str) -> str:
    """``source`` with ``node``'s text (positions are UTF-8 byte offsets) replaced by ``text``."""
    lines = source.splitlines(keepends=True)
    first, last = getattr(node, "lineno", 1), getattr(node, "end_lineno", None) or 1
    start = sum(len(line) for line in lines[: first - 1]) + getattr(node, "col_offset", 0)
    end = sum(len(line) for line in lines[: last - 1]) + (getattr(node, "end_col_offset", None) or 0)
    return (source[:start] + text.encode() + source[end:]).decode()


def _fitted(source: bytes, node: ast.AST, text: str, wanted: str) -> str | None:
    """``source`` with ``node`` replaced by ``text`` (in parentheses if it needs them), when that
    parses to exactly the ``wanted`` tree; None when it does not fit (the caller writes the
    whole module instead)."""
    for candidate in (text, f"({text})") if isinstance(node, ast.expr) else (text,):
        spliced = _splice(source, node, candidate)
        try:
            if _dump(ast.parse(spliced)) == wanted:
                return spliced
        except SyntaxError:
            continue
    return None


def _dump(tree: ast.AST) -> str:
    return ast.dump(tree, annotate_fields=False, include_attributes=False)


def generate(source: str, operators: Mapping[str, Operator] | None = None) -> list[Mutant]:
    """Every distinct mutant of ``source`` that ``operators`` (all by default) make, in source
    order; ``SyntaxError`` when ``source`` is not Python."""
    raw = source.encode()
    tree = ast.parse(raw)
    original = _dump(tree)
    context = Context.of(tree)
    seen = {original}
    found: list[Mutant] = []
    ids: dict[str, int] = {}
    for site in list(_sites(tree)):
        context.parent = site.parent
        for op_name, operator in (operators or OPERATORS).items():
            for replacement, description in list(operator(site.node, context)):
                ast.copy_location(replacement, site.node)
                _put(site, replacement)
                try:
                    mutated = _dump(tree)
                    text = ast.unparse(replacement)
                    mutant_source = _fitted(raw, site.node, text, mutated) or ast.unparse(tree) + "\n"
                finally:
                    _put(site, site.node)
                if mutated in seen:
                    continue
                seen.add(mutated)
                key = f"{op_name}\0{site.scope}\0{ast.unparse(site.node)}\0{text}"
                digest = hashlib.sha256(key.encode()).hexdigest()[:8]
                ids[digest] = ids.get(digest, 0) + 1
                suffix = f"-{ids[digest]}" if ids[digest] > 1 else ""
                found.append(
                    Mutant(
                        id=f"{op_name}:{site.scope}:{digest}{suffix}",
                        operator=op_name,
                        scope=site.scope,
                        line=getattr(site.node, "lineno", 0),
                        description=description,
                        source=mutant_source,
                        diff=_diff(source, mutant_source),
                    )
                )
    return found


def _diff(before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            "reference.py",
            "mutant.py",
            n=1,
        )
    )
