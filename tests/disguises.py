"""The ways a candidate disguises a copied answer, each a function from source to source.

Every disguise keeps the answer's behaviour and its contract (the public functions, models and
columns the hidden tests use); what it changes is what a copier changes to hide where the code came
from. They are applied to whole answers by ``tests/test_similarity.py`` and by
``benchmarks/similarity_bench.py`` to measure, disguise by disguise, how many copies are found.
Deterministic: the same source always gives the same copy.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable

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
    """Every name the copier may choose (parameters, locals, private helpers) renamed."""
    tree = ast.parse(source)
    keep = _contract(tree)
    chosen: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) or (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)):
            name = node.arg if isinstance(node, ast.arg) else node.id
            if name not in keep and name not in chosen:
                chosen.append(name)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name.startswith("_"):
            if not node.name.startswith("__") and node.name not in chosen:
                chosen.append(node.name)
    new = {old: f"{_WORDS[i % len(_WORDS)]}{i // len(_WORDS) or ''}_" for i, old in enumerate(chosen)}
    out: list[tuple[int, int, str]] = []
    starts = _offsets(source)
    toks = list(tokenize.generate_tokens(io.StringIO(source).readline))
    depth_in_def: list[bool] = []
    for i, tok in enumerate(toks):
        if tok.type == tokenize.OP and tok.string == "(":
            depth_in_def.append(i >= 2 and toks[i - 2].string == "def")
        elif tok.type == tokenize.OP and tok.string == ")" and depth_in_def:
            depth_in_def.pop()
        if tok.type != tokenize.NAME or tok.string not in new:
            continue
        after_dot = i > 0 and toks[i - 1].string == "."
        keyword = toks[i + 1].string == "=" and depth_in_def and not depth_in_def[-1]
        if after_dot or keyword:
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
    """The top-level functions in another order (the reverse, every other one first), and the
    models moved below them where nothing at module level uses them."""
    tree = ast.parse(source)
    functions = _top_functions(tree)
    if len(functions) < 2:
        return source
    order = functions[1::2][::-1] + functions[0::2]
    blocks = [_block(source, f) for f in functions]
    texts = [source[s:e].rstrip("\n") + "\n\n\n" for s, e in (_block(source, f) for f in order)]
    rest = source
    for start, end in sorted(blocks, reverse=True):
        rest = rest[:start] + rest[end:]
    return rest.rstrip("\n") + "\n\n\n" + "".join(texts).rstrip("\n") + "\n"


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
}
