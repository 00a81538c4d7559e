"""The ways a candidate disguises a copied answer, each a function from source to source.

Every disguise keeps the answer's behaviour and its contract (the public functions, models and
columns the hidden tests use); what it changes is what a copier changes to hide where the code came
from. They are applied to whole answers by ``tests/test_similarity.py`` and by
``benchmarks/similarity_bench.py`` to measure, disguise by disguise, how many copies are found.
Deterministic: the same source always gives the same copy.
"""

from __future__ import annotations

import ast
import copy
import io
import re
import tokenize
from collections.abc import Callable
from typing import Any

Disguise = Callable[[str], str]

_WORDS = ["item", "entry", "thing", "value", "record", "obj", "target", "node", "data", "elem", "res"]


def _offsets(source: str) -> list[int]:
    """The character offset at which each line (1-based) starts."""
    starts = [0, 0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _segment(source: str, node: ast.AST) -> tuple[int, int]:
    """Where ``node`` is in ``source``, as character offsets (the sources here are ASCII)."""
    starts = _offsets(source)
    start = starts[node.lineno] + node.col_offset  # type: ignore[attr-defined]
    end = starts[node.end_lineno] + node.end_col_offset  # type: ignore[attr-defined]
    return start, end


def _replace(source: str, edits: list[tuple[int, int, str]]) -> str:
    """``source`` with each ``(start, end, text)`` put in place; edits must not overlap."""
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def _contract(tree: ast.Module) -> set[str]:
    """Names a copier must keep: public top-level names, class members, and the API's names."""
    keep = {"db", "self", "cls"}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            keep.add(node.name)
        if isinstance(node, ast.ClassDef):
            for item in ast.walk(node):
                if isinstance(item, (ast.Assign, ast.AnnAssign)):
                    targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                    keep.update(t.id for t in targets if isinstance(t, ast.Name))
                elif isinstance(item, ast.FunctionDef):
                    keep.add(item.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            keep.update(t.id for t in targets if isinstance(t, ast.Name) and not t.id.startswith("_"))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            keep.update((a.asname or a.name).split(".")[0] for a in node.names)
    return keep


def rename(source: str) -> str:
    """Every name the copier may choose (locals, private helpers and their parameters) renamed, and
    the keywords that pass those parameters with them. Public functions' parameters are the
    contract (a test may pass them by keyword), and names an f-string reads stay as they are."""
    tree = ast.parse(source)
    keep = _contract(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            keep.update(a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg))
    toks = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for tok in toks:
        if tok.type == tokenize.STRING and tok.string.lstrip("rRbB")[:1] in "fF":
            keep.update(re.findall(r"\w+", tok.string))
    chosen: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) or (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)):
            name = node.arg if isinstance(node, ast.arg) else node.id
            if name not in keep and name not in chosen:
                chosen.append(name)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name.startswith("_"):
            if not node.name.startswith("__") and node.name not in chosen and node.name not in keep:
                chosen.append(node.name)
    new = {old: f"{_WORDS[i % len(_WORDS)]}{i // len(_WORDS) or ''}_" for i, old in enumerate(chosen)}
    helpers = {  # the private functions renamed: their keywords are renamed at their calls too
        n.name
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef) and n.name in new
    }
    out: list[tuple[int, int, str]] = []
    starts = _offsets(source)
    brackets: list[str] = []  # per open bracket: "def", the function a call calls, or ""
    for i, tok in enumerate(toks):
        if tok.type == tokenize.OP and tok.string in "([{":
            before = toks[i - 1].string if i else ""
            is_def = tok.string == "(" and i >= 2 and toks[i - 2].string == "def"
            brackets.append("def" if is_def else before if tok.string == "(" else "")
        elif tok.type == tokenize.OP and tok.string in ")]}" and brackets:
            brackets.pop()
        if tok.type != tokenize.NAME or tok.string not in new:
            continue
        after_dot = i > 0 and toks[i - 1].string == "."
        keyword = toks[i + 1].string == "=" and bool(brackets) and brackets[-1] != "def"
        if after_dot or (keyword and brackets[-1] not in helpers):
            continue
        start = starts[tok.start[0]] + tok.start[1]
        out.append((start, start + len(tok.string), new[tok.string]))
    return _replace(source, out)


def _top_functions(tree: ast.Module) -> list[ast.stmt]:
    return [n for n in tree.body if isinstance(n, ast.FunctionDef)]


def _block(source: str, node: ast.stmt) -> tuple[int, int]:
    """A top-level statement's lines, its decorators and the comments just above it included."""
    lines = source.splitlines(keepends=True)
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
    while first > 0 and lines[first - 1].lstrip().startswith("#"):
        first -= 1
    starts = _offsets(source)
    return starts[first + 1], starts[(node.end_lineno or node.lineno) + 1]


def reorder(source: str) -> str:
    """The top-level functions in another order (the reverse, every other one first), moved below
    the rest of the module, but for those it calls while it is imported (they stay where they are)."""
    tree = ast.parse(source)
    functions = [f for f in _top_functions(tree) if f.name not in _used_at_import(tree)]
    if len(functions) < 2:
        return source
    order = functions[1::2][::-1] + functions[0::2]
    blocks = [_block(source, f) for f in functions]
    texts = [source[s:e].rstrip("\n") + "\n\n\n" for s, e in (_block(source, f) for f in order)]
    rest = source
    for start, end in sorted(blocks, reverse=True):
        rest = rest[:start] + rest[end:]
    return rest.rstrip("\n") + "\n\n\n" + "".join(texts).rstrip("\n") + "\n"


def _used_at_import(tree: ast.Module) -> set[str]:
    """The names the module reads while it is imported: in its statements, class bodies, decorators
    and defaults, not in its functions' bodies."""
    found: set[str] = set()
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            todo.extend(getattr(node, "decorator_list", []))
            todo.extend(node.args.defaults + [d for d in node.args.kw_defaults if d is not None])
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            found.add(node.id)
        todo.extend(ast.iter_child_nodes(node))
    return found


def recomment(source: str) -> str:
    """Comments and docstrings taken out, and others written in: one above every function."""
    tree = ast.parse(source)
    edits: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                alone = len(node.body) == 1 and not isinstance(node, ast.Module)
                edits.append((*_segment(source, first), "pass" if alone else ""))
    out = []
    for line in _replace(source, edits).splitlines():
        if line.strip().startswith("#") or (not line.strip() and out and not out[-1].strip()):
            continue
        match = re.match(r"(\s*)def (\w+)", line)
        if match:
            out.append(f"{match.group(1)}# {match.group(2).replace('_', ' ').strip()}: does the work here")
        out.append(re.sub(r"\s+#[^'\"]*$", "", line))
    return '"""My solution."""\n' + "\n".join(out) + "\n"


def reformat(source: str) -> str:
    """Put through a formatter's hands: quotes, line breaks, blank lines, parentheses all its own."""
    return ast.unparse(ast.parse(source)) + "\n"


_QUERY = re.compile(r"\b([A-Z]\w*)\.query\b")


def session_query(source: str) -> str:
    """``Model.query`` written as ``db.session.query(Model)``, and the 2.0 spellings swapped for
    their equivalents (``session.scalars(stmt)`` for ``session.execute(stmt).scalars()``, ``select``
    for ``db.select``)."""
    if _QUERY.search(source):
        return _QUERY.sub(r"db.session.query(\1)", source)
    tree = ast.parse(source)
    edits: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        # db.session.scalars(X) -> db.session.execute(X).scalars()
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "scalars"
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "session"
            and len(node.args) == 1
        ):
            session = ast.get_source_segment(source, node.func.value)
            arg = ast.get_source_segment(source, node.args[0])
            edits.append((*_segment(source, node), f"{session}.execute({arg}).scalars()"))
    if edits:
        return _replace_outer(source, edits)
    return re.sub(r"(?<![.\w])select\(", "db.select(", source)


def _replace_outer(source: str, edits: list[tuple[int, int, str]]) -> str:
    """The outermost of nested edits only (the inner ones are redone on the next pass)."""
    chosen: list[tuple[int, int, str]] = []
    for edit in sorted(edits, key=lambda e: (e[0], -e[1])):
        if not chosen or edit[0] >= chosen[-1][1]:
            chosen.append(edit)
    return _replace(source, chosen)


def dead_code(source: str) -> str:
    """Unused helpers, an unused import and unused locals added: padding that does nothing."""
    lines = source.splitlines()
    out: list[str] = []
    for line in lines:
        out.append(line)
        match = re.match(r"(\s*)def \w+\(.*\).*:\s*$", line)
        if match and not line.startswith(" "):
            out.append(f"{match.group(1)}    _debug = False")
    helpers = '''

import logging

_log = logging.getLogger(__name__)


def _normalise_text(text, default=""):
    if text is None:
        return default
    text = str(text).strip()
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _chunks(rows, size=50):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _count_rows(model):
    return db.session.query(db.func.count()).select_from(model).scalar() or 0
'''
    return "\n".join(out) + "\n" + helpers


def _model_of(node: ast.expr) -> str | None:
    """The model a query is on: ``X`` of ``X.query...``, ``select(X)...``, ``session.query(X)...``."""
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr == "query" and isinstance(node.value, ast.Name):
                return node.value.id
            node = node.value
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ("select", "query") and node.args and isinstance(node.args[0], ast.Name):
                return node.args[0].id
            node = node.func
        else:
            return None


def swap_filters(source: str) -> str:
    """Equivalent constructs swapped: ``filter_by(x=a)`` written as ``filter(M.x == a)`` (``where``
    in a ``select``), and such a ``filter`` or ``where`` as ``filter_by``."""
    tree = ast.parse(source)
    edits: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attr = node.func.attr
        model = _model_of(node.func.value)
        inner_end = _segment(source, node.func.value)[1]
        end = _segment(source, node)[1]
        if attr == "filter_by" and model and node.keywords and not node.args:
            chain = ast.get_source_segment(source, node.func.value) or ""
            verb = "where" if "select(" in chain else "filter"
            terms = ", ".join(
                f"{model}.{k.arg} == {ast.get_source_segment(source, k.value)}" for k in node.keywords
            )
            edits.append((inner_end, end, f".{verb}({terms})"))
        elif attr in ("filter", "where") and model and node.args and not node.keywords:
            terms = []
            for arg in node.args:
                if not (
                    isinstance(arg, ast.Compare)
                    and isinstance(arg.ops[0], ast.Eq)
                    and len(arg.ops) == 1
                    and isinstance(arg.left, ast.Attribute)
                    and isinstance(arg.left.value, ast.Name)
                    and arg.left.value.id == model
                ):
                    break
                terms.append(f"{arg.left.attr}={ast.get_source_segment(source, arg.comparators[0])}")
            else:
                edits.append((inner_end, end, f".filter_by({', '.join(terms)})"))
    return _replace_outer(source, edits)


def _fstring(source: str, node: ast.JoinedStr) -> str:
    parts: list[str] = []
    args: list[str] = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value).replace("{", "{{").replace("}", "}}"))
        elif isinstance(value, ast.FormattedValue):
            conversion = {-1: "", 114: "!r", 115: "!s", 97: "!a"}[value.conversion]
            parts.append("{" + conversion + "}")
            args.append(ast.get_source_segment(source, value.value) or "")
    return f"{''.join(parts)!r}.format({', '.join(args)})"


def restring(source: str) -> str:
    """Every message and string literal reworded, f-strings written with ``str.format``."""
    tree = ast.parse(source)
    edits: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            edits.append((*_segment(source, node), _fstring(source, node)))
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            first = node.exc.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                edits.append((*_segment(source, first), repr("invalid input: " + first.value.upper())))
    return _replace_outer(source, edits)


# Restructuring: what a candidate does by hand to make a copy look written. Each is an ``ast``
# rewrite put back as text by ``ast.unparse`` (so each also reformats: ``reformat`` alone is seen
# through, which keeps what these measure the restructuring itself).

_BUILDERS = {
    "where",
    "filter",
    "filter_by",
    "order_by",
    "limit",
    "offset",
    "join",
    "outerjoin",
    "options",
    "group_by",
    "having",
    "distinct",
    "select_from",
}
_TERMINALS = {"all", "first", "one", "one_or_none"}


def _rewritten(source: str, rewrite: Callable[[ast.Module], None]) -> str:
    tree = ast.parse(source)
    rewrite(tree)
    ast.fix_missing_locations(tree)
    return ast.unparse(tree) + "\n"


def _bodies(tree: ast.AST) -> list[list[ast.stmt]]:
    """Every statement list of ``tree``: the module's, each function's, each block's."""
    found: list[list[ast.stmt]] = []
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            value = getattr(node, field, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                found.append(value)
        for handler in getattr(node, "handlers", ()):
            found.append(handler.body)
    return found


def _functions(tree: ast.Module) -> list[ast.FunctionDef]:
    """Every function of the file, methods included."""
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]


def _loaded(node: ast.AST) -> list[str]:
    """The names ``node`` reads, in order, each once, less those it binds itself (comprehension
    targets)."""
    bound = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    names = [n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    return [n for n in dict.fromkeys(names) if n not in bound]


def _locals(function: ast.FunctionDef) -> set[str]:
    names = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
    names |= {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


def _fresh(tree: ast.AST, stem: str) -> str:
    """A name ``tree`` does not use yet."""
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))
    }
    count = 0
    while f"{stem}{count or ''}" in used:
        count += 1
    return f"{stem}{count or ''}"


def extract_helper(source: str) -> str:
    """What each top-level function returns computed by a private helper of its own, called with
    the values it needs (a helper extracted from the body)."""

    def rewrite(tree: ast.Module) -> None:
        for index in range(len(tree.body) - 1, -1, -1):
            function = tree.body[index]
            if not isinstance(function, ast.FunctionDef) or function.decorator_list:
                continue
            last = function.body[-1]
            if not isinstance(last, ast.Return) or not isinstance(
                last.value, (ast.Call, ast.ListComp, ast.Dict)
            ):
                continue
            mine = _locals(function)
            params = [n for n in _loaded(last.value) if n in mine]
            name = _fresh(tree, f"_{function.name.strip('_')}_result")
            helper = ast.FunctionDef(
                name=name,
                args=ast.arguments(
                    posonlyargs=[],
                    args=[ast.arg(p) for p in params],
                    kwonlyargs=[],
                    kw_defaults=[],
                    defaults=[],
                ),
                body=[ast.Return(last.value)],
                decorator_list=[],
                returns=None,
                type_params=[],
            )
            last.value = ast.Call(ast.Name(name, ast.Load()), [ast.Name(p, ast.Load()) for p in params], [])
            tree.body.insert(index, helper)

    return _rewritten(source, rewrite)


def _substitute(expression: ast.expr, values: dict[str, ast.expr]) -> ast.expr:
    class Put(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            return copy.deepcopy(values[node.id]) if node.id in values else node

    return Put().visit(copy.deepcopy(expression))  # type: ignore[no-any-return]


def inline_helper(source: str) -> str:
    """Every top-level function that only returns an expression written out where it is called
    (its parameters replaced by the arguments, each a plain name or constant); a private one, no
    longer called, taken out."""

    def rewrite(tree: ast.Module) -> None:
        helpers: dict[str, ast.FunctionDef] = {}
        for node in tree.body:
            body = [
                s
                for s in getattr(node, "body", [])
                if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
            ]
            if (
                isinstance(node, ast.FunctionDef)
                and not node.decorator_list
                and len(body) == 1
                and isinstance(body[0], ast.Return)
                and body[0].value is not None
                and not (node.args.vararg or node.args.kwarg or node.args.kwonlyargs or node.args.defaults)
            ):
                helpers[node.name] = node

        class Inline(ast.NodeTransformer):
            def visit_Call(self, node: ast.Call) -> ast.expr:
                self.generic_visit(node)
                function = helpers.get(node.func.id) if isinstance(node.func, ast.Name) else None
                params = [a.arg for a in function.args.args] if function else []
                if (
                    function is None
                    or node.keywords
                    or len(node.args) != len(params)
                    or not all(isinstance(a, (ast.Name, ast.Constant)) for a in node.args)
                ):
                    return node
                value = function.body[-1].value  # type: ignore[attr-defined]
                return _substitute(value, dict(zip(params, node.args, strict=True)))

        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name not in helpers:
                Inline().visit(node)
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        tree.body[:] = [
            n
            for n in tree.body
            if not (
                isinstance(n, ast.FunctionDef)
                and n.name in helpers
                and n.name.startswith("_")
                and n.name not in used
            )
        ]

    return _rewritten(source, rewrite)


def _append_loop(target: ast.expr, comp: ast.ListComp) -> list[ast.stmt]:
    """``target = []`` and the loop that fills it as ``comp`` would."""
    inner: ast.stmt = ast.Expr(
        ast.Call(ast.Attribute(copy.deepcopy(target), "append", ast.Load()), [comp.elt], [])
    )
    for generator in reversed(comp.generators):
        for condition in reversed(generator.ifs):
            inner = ast.If(condition, [inner], [])
        inner = ast.For(generator.target, generator.iter, [inner], [])
    return [ast.Assign([target], ast.List([], ast.Load())), inner]


def loops(source: str) -> str:
    """A list comprehension written as a loop that appends, and such a loop (with an ``if`` or
    not) written as a comprehension."""

    def rewrite(tree: ast.Module) -> None:
        for body in _bodies(tree):
            index = 0
            while index < len(body):
                node = body[index]
                following = body[index + 1] if index + 1 < len(body) else None
                if isinstance(node, ast.Return) and isinstance(node.value, ast.ListComp):
                    name = _fresh(tree, "result")
                    target = ast.Name(name, ast.Store())
                    loop = _append_loop(target, node.value)
                    body[index : index + 1] = [*loop, ast.Return(ast.Name(name, ast.Load()))]
                    index += 3
                    continue
                if (
                    isinstance(node, ast.Assign)
                    and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                    and isinstance(node.value, ast.List)
                    and not node.value.elts
                    and isinstance(following, ast.For)
                    and not following.orelse
                    and len(following.body) == 1
                ):
                    name, inner, ifs = node.targets[0].id, following.body[0], []
                    if isinstance(inner, ast.If) and not inner.orelse and len(inner.body) == 1:
                        ifs, inner = [inner.test], inner.body[0]
                    call = inner.value if isinstance(inner, ast.Expr) else None
                    if (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "append"
                        and isinstance(call.func.value, ast.Name)
                        and call.func.value.id == name
                        and len(call.args) == 1
                    ):
                        comp = ast.ListComp(
                            call.args[0], [ast.comprehension(following.target, following.iter, ifs, 0)]
                        )
                        body[index : index + 2] = [ast.Assign([node.targets[0]], comp)]
                index += 1

    return _rewritten(source, rewrite)


_NEGATED: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.GtE,
    ast.GtE: ast.Lt,
    ast.Gt: ast.LtE,
    ast.LtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}


def _negate(test: ast.expr) -> ast.expr:
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return ast.Compare(test.left, [_NEGATED[type(test.ops[0])]()], test.comparators)
    return ast.UnaryOp(ast.Not(), test)


def _exits(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise))


def conditionals(source: str) -> str:
    """``if``/``else`` that returns or assigns one of two values written as a conditional
    expression (and a conditional expression returned as ``if``/``else``), and an early return
    turned around: ``if c: return a`` then the rest, as ``if not c:`` the rest, then ``return a``."""

    def rewrite(tree: ast.Module) -> None:
        for body in _bodies(tree):
            for index in range(len(body) - 1, -1, -1):
                node = body[index]
                rest = body[index + 1 :]
                if isinstance(node, ast.Return) and isinstance(node.value, ast.IfExp):
                    value = node.value
                    body[index] = ast.If(value.test, [ast.Return(value.body)], [ast.Return(value.orelse)])
                elif not isinstance(node, ast.If) or len(node.body) != 1:
                    continue
                elif len(node.orelse) == 1 and type(node.body[0]) is type(node.orelse[0]) is ast.Return:
                    a, b = node.body[0], node.orelse[0]
                    if a.value is not None and b.value is not None:  # type: ignore[attr-defined]
                        body[index] = ast.Return(ast.IfExp(node.test, a.value, b.value))  # type: ignore[attr-defined]
                elif (
                    len(node.orelse) == 1
                    and type(node.body[0]) is type(node.orelse[0]) is ast.Assign
                    and ast.dump(node.body[0].targets[0]) == ast.dump(node.orelse[0].targets[0])  # type: ignore[attr-defined]
                ):
                    a, b = node.body[0], node.orelse[0]
                    body[index] = ast.Assign(a.targets, ast.IfExp(node.test, a.value, b.value))  # type: ignore[attr-defined]
                elif (
                    not node.orelse
                    and isinstance(node.body[0], ast.Return)
                    and _exits(rest)
                    and len(rest) > 1
                ):
                    body[index:] = [ast.If(_negate(node.test), rest, []), node.body[0]]

    return _rewritten(source, rewrite)


def try_scope(source: str) -> str:
    """Each ``try`` grown to take in the statements before it in its block (a copier's "to be
    safe"), up to two, where they only assign or call."""

    def rewrite(tree: ast.Module) -> None:
        for function in _functions(tree):
            for body in _bodies(function):
                for index in range(len(body) - 1, -1, -1):
                    node = body[index]
                    if not isinstance(node, ast.Try) or not node.handlers:
                        continue
                    start = index
                    while (
                        start > 0
                        and index - start < 2
                        and isinstance(body[start - 1], (ast.Assign, ast.Expr))
                    ):
                        start -= 1
                    node.body[:0] = body[start:index]
                    del body[start:index]

    return _rewritten(source, rewrite)


def _chain(node: ast.expr) -> tuple[ast.expr, list[ast.Call]] | None:
    """A query built in one chain, as its start (``select(X)``, ``X.query``, ``session.query(X)``)
    and the builder calls after it, or None."""
    calls: list[ast.Call] = []
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _BUILDERS:
        calls.append(node)
        node = node.func.value
    if isinstance(node, ast.Attribute):
        start = node.attr == "query"
    else:
        start = _model_of(node) is not None
    return (node, calls[::-1]) if calls and start else None


def _children(node: ast.AST) -> list[tuple[Any, Any, ast.expr]]:
    """Every expression under ``node`` (outermost first) with where it is held: ``(parent, field)``
    or ``(list, index)``."""
    found: list[tuple[Any, Any, ast.expr]] = []
    for parent in ast.walk(node):
        for field, child in ast.iter_fields(parent):
            if isinstance(child, ast.expr):
                found.append((parent, field, child))
            elif isinstance(child, list):
                found.extend((child, i, c) for i, c in enumerate(child) if isinstance(c, ast.expr))
    return found


def _put(holder: Any, key: Any, value: ast.expr) -> None:
    if isinstance(holder, list):
        holder[key] = value
    else:
        setattr(holder, key, value)


def query_steps(source: str) -> str:
    """A query built in one chain (``select(X).where(...).order_by(...)``) built in steps
    (``q = select(X)``, ``q = q.where(...)``, ...), and one built in steps built in one chain."""

    def rewrite(tree: ast.Module) -> None:
        for function in _functions(tree):
            for body in _bodies(function):
                index = 0
                while index < len(body):
                    node = body[index]
                    # Steps first: q = start; q = q.m(...); ... as one chain.
                    if (
                        isinstance(node, ast.Assign)
                        and len(node.targets) == 1
                        and isinstance(node.targets[0], ast.Name)
                    ):
                        name, value, end = node.targets[0].id, node.value, index + 1
                        while end < len(body):
                            step = body[end]
                            if not (
                                isinstance(step, ast.Assign)
                                and len(step.targets) == 1
                                and isinstance(step.targets[0], ast.Name)
                                and step.targets[0].id == name
                                and isinstance(step.value, ast.Call)
                                and isinstance(step.value.func, ast.Attribute)
                                and step.value.func.attr in _BUILDERS
                                and isinstance(step.value.func.value, ast.Name)
                                and step.value.func.value.id == name
                                and name
                                not in _loaded(
                                    ast.Module(step.value.args + [k.value for k in step.value.keywords], [])
                                )
                            ):
                                break
                            step.value.func.value = value
                            value, end = step.value, end + 1
                        if end > index + 1:
                            body[index:end] = [ast.Assign(node.targets, value)]
                            index += 1
                            continue
                    found = [(holder, key, child) for holder, key, child in _children(node) if _chain(child)]
                    if found and not isinstance(
                        node, (ast.For, ast.While, ast.If, ast.With, ast.Try, ast.FunctionDef)
                    ):
                        holder, key, child = found[0]
                        start, calls = _chain(child)  # type: ignore[misc]
                        name = _fresh(tree, "query")
                        steps: list[ast.stmt] = [ast.Assign([ast.Name(name, ast.Store())], start)]
                        for call in calls:
                            call.func.value = ast.Name(name, ast.Load())  # type: ignore[attr-defined]
                            steps.append(ast.Assign([ast.Name(name, ast.Store())], call))
                        _put(holder, key, ast.Name(name, ast.Load()))
                        body[index:index] = steps
                        index += len(steps)
                    index += 1

    return _rewritten(source, rewrite)


def _starts_2(node: ast.expr) -> str | None:
    """The model of ``select(X)`` / ``db.select(X)``, or None."""
    if (
        isinstance(node, ast.Call)
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Name)
        and not node.keywords
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "select")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "select")
        )
    ):
        return node.args[0].id
    return None


def _session(name: str) -> ast.expr:
    return (
        ast.Attribute(ast.Name("db", ast.Load()), name, ast.Load())
        if name == "session"
        else ast.Name(name, ast.Load())
    )


def _db_session(attr: str) -> ast.expr:
    return ast.Attribute(ast.Attribute(ast.Name("db", ast.Load()), "session", ast.Load()), attr, ast.Load())


def _rename_calls(calls: list[ast.Call], names: dict[str, str]) -> None:
    for call in calls:
        call.func.attr = names.get(call.func.attr, call.func.attr)  # type: ignore[attr-defined]


def _as_legacy(node: ast.expr) -> ast.expr | None:
    """``db.session.scalars(select(X)...).t()``, ``db.session.execute(select(X)...).scalars().t()``
    and ``.scalar_one_or_none()`` / ``.scalar_one()`` / ``list(db.session.scalars(...))`` as
    ``X.query....t()``; else None."""
    terminal = None
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "list"
        and len(node.args) == 1
    ):
        node, terminal = node.args[0], "all"
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args:
        terminal = {"scalar_one_or_none": "one_or_none", "scalar_one": "one"}.get(node.func.attr)
        if terminal:
            node = ast.Call(ast.Attribute(node.func.value, "scalars", ast.Load()), [], [])
        elif node.func.attr in _TERMINALS:
            terminal, node = node.func.attr, node.func.value
    if terminal is None or not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    if node.func.attr == "scalars" and not node.args and isinstance(node.func.value, ast.Call):
        node = node.func.value  # execute(s).scalars()
        if not (isinstance(node.func, ast.Attribute) and node.func.attr == "execute"):
            return None
    elif node.func.attr != "scalars":
        return None
    if len(node.args) != 1 or node.keywords:
        return None
    chain = _chain(node.args[0])
    start, calls = chain if chain else (node.args[0], [])
    model = _starts_2(start)
    if model is None:
        return None
    _rename_calls(calls, {"where": "filter"})
    query: ast.expr = ast.Attribute(ast.Name(model, ast.Load()), "query", ast.Load())
    for call in calls:
        call.func.value = query  # type: ignore[attr-defined]
        query = call
    return ast.Call(ast.Attribute(query, terminal, ast.Load()), [], [])


def _as_select(node: ast.expr) -> ast.expr | None:
    """``X.query....t()`` / ``db.session.query(X)....t()`` as
    ``db.session.execute(db.select(X)....).scalars().t()``; else None."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _TERMINALS
        and not node.args
    ):
        return None
    inner = node.func.value
    chain = _chain(inner)
    start, calls = chain if chain else (inner, [])
    if isinstance(start, ast.Attribute) and start.attr == "query" and isinstance(start.value, ast.Name):
        model = start.value.id
    elif (
        isinstance(start, ast.Call)
        and isinstance(start.func, ast.Attribute)
        and start.func.attr == "query"
        and len(start.args) == 1
        and isinstance(start.args[0], ast.Name)
    ):
        model = start.args[0].id
    else:
        return None
    _rename_calls(calls, {"filter": "where"})
    statement: ast.expr = ast.Call(
        ast.Attribute(ast.Name("db", ast.Load()), "select", ast.Load()), [ast.Name(model, ast.Load())], []
    )
    for call in calls:
        call.func.value = statement  # type: ignore[attr-defined]
        statement = call
    executed = ast.Call(_db_session("execute"), [statement], [])
    scalars = ast.Call(ast.Attribute(executed, "scalars", ast.Load()), [], [])
    return ast.Call(ast.Attribute(scalars, node.func.attr, ast.Load()), [], [])


def legacy_select(source: str) -> str:
    """Queries rewritten between the two APIs: legacy ``Model.query`` chains as 2.0
    ``db.session.execute(db.select(Model)...).scalars()``, and 2.0 ones as legacy chains
    (``where`` and ``filter`` each as the other)."""

    def rewrite(tree: ast.Module) -> None:
        class Swap(ast.NodeTransformer):
            def visit_Call(self, node: ast.Call) -> ast.expr:
                swapped = _as_select(node) or _as_legacy(node)
                if swapped is not None:
                    return swapped
                self.generic_visit(node)
                return node

        Swap().visit(tree)

    return _rewritten(source, rewrite)


def intermediates(source: str) -> str:
    """Local variables for intermediate values added and taken away: a call returned directly
    first held in a variable, and a variable returned as soon as it is assigned returned
    directly."""

    def rewrite(tree: ast.Module) -> None:
        for function in _functions(tree):
            for body in _bodies(function):
                for index in range(len(body) - 1, -1, -1):
                    node = body[index]
                    previous = body[index - 1] if index else None
                    if (
                        isinstance(node, ast.Return)
                        and isinstance(node.value, ast.Name)
                        and isinstance(previous, ast.Assign)
                        and len(previous.targets) == 1
                        and isinstance(previous.targets[0], ast.Name)
                        and previous.targets[0].id == node.value.id
                        and sum(isinstance(n, ast.Name) and n.id == node.value.id for n in ast.walk(function))
                        == 2
                    ):
                        body[index - 1 : index + 1] = [ast.Return(previous.value)]
                    elif isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
                        name = _fresh(function, "result")
                        body[index : index + 1] = [
                            ast.Assign([ast.Name(name, ast.Store())], node.value),
                            ast.Return(ast.Name(name, ast.Load())),
                        ]

    return _rewritten(source, rewrite)


def keywords(source: str) -> str:
    """Calls to the file's own functions with their arguments passed by keyword where they were
    passed by position, and by position where they were passed by keyword in order."""

    def rewrite(tree: ast.Module) -> None:
        params = {
            n.name: [a.arg for a in n.args.args]
            for n in tree.body
            if isinstance(n, ast.FunctionDef) and not n.args.posonlyargs
        }
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in params
            ):
                continue
            names = params[node.func.id]
            if (
                node.args
                and len(node.args) <= len(names)
                and not any(isinstance(a, ast.Starred) for a in node.args)
            ):
                node.keywords[:0] = [ast.keyword(n, a) for n, a in zip(names, node.args, strict=False)]
                node.args = []
            elif not node.args and [k.arg for k in node.keywords] == names[: len(node.keywords)]:
                node.args = [k.value for k in node.keywords]
                node.keywords = []

    return _rewritten(source, rewrite)


def restructured(source: str) -> str:
    """All the restructurings above, one after the other."""
    for disguise in (
        legacy_select,
        query_steps,
        inline_helper,
        loops,
        conditionals,
        try_scope,
        intermediates,
        keywords,
        extract_helper,
    ):
        source = disguise(source)
    return source


def combined(source: str) -> str:
    """What a careful copier does: most of the above, one after the other."""
    for disguise in (swap_filters, session_query, restring, rename, reorder, dead_code, recomment):
        source = disguise(source)
    return source


DISGUISES: dict[str, Disguise] = {
    "rename": rename,
    "reorder": reorder,
    "recomment": recomment,
    "reformat": reformat,
    "session-query": session_query,
    "dead-code": dead_code,
    "swap-filters": swap_filters,
    "restring": restring,
    "combined": combined,
    "extract-helper": extract_helper,
    "inline-helper": inline_helper,
    "loops": loops,
    "conditionals": conditionals,
    "try-scope": try_scope,
    "query-steps": query_steps,
    "legacy-select": legacy_select,
    "intermediates": intermediates,
    "keywords": keywords,
    "restructured": restructured,
}
