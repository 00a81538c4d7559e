"""A solution's source as the token stream similarity compares.

Python's own ``tokenize`` reads the source, so formatting (line breaks, spaces,
quotes, trailing commas) never reaches the stream, and ``ast`` says which names
the file itself chose. What is kept is what a copier cannot change without
rewriting the code:

- keywords, operators and brackets, as they are; the end of each statement and
  each indent and dedent, as structure;
- every name the file binds (its classes, functions, parameters, variables,
  import aliases, class attributes and attributes it assigns) as ``V``, so
  renaming them changes nothing; names it only uses (``db.session``,
  ``select``, ``primary_key=``) as themselves, since they are the API the
  answer chose;
- every string as ``S`` and every number as ``N``;
- no comments, no docstrings (nor any other statement that is only a string),
  and no type annotations (added or removed, they change no behaviour);
- no dead code: a private module-level function, class or variable that nothing
  live uses, and a local variable that is assigned and never read (its
  statement, or only its ``name =`` where the value does something). Padding a
  copy with unused helpers and variables is the commonest disguise there is.

A file that does not parse still gets a stream: every name is ``V`` and only
the part ``tokenize`` could read is used.
"""

from __future__ import annotations

import ast
import io
import itertools
import keyword
import sys
import token
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass

from grader.pyparse import parse

NAME = "V"
STRING = "S"
NUMBER = "N"
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
_STATEMENT_START = {"\n", "<indent>", "<dedent>"}
_OPENING = {"(", "[", "{"}
_CLOSING = {")", "]", "}"}
_KINDS = {
    tokenize.NEWLINE: "\n",
    tokenize.INDENT: "<indent>",
    tokenize.DEDENT: "<dedent>",
    tokenize.NUMBER: NUMBER,
}
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_PARAMETERS, _OWN_CALL = "def", "own"  # kinds of bracket: a def's parameters, a call of the file's own
_NAMED = (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)
# Python 3.12's tokenize runs on the C tokenizer; 3.11 has it only privately, which gives each
# operator its exact type (COMMA, LPAR) where tokenize says OP, and no comments or blank lines.
_C_TOKENIZER = (
    getattr(tokenize, "_generate_tokens_from_c_tokenizer", None) if sys.version_info < (3, 12) else None
)
_OPERATORS = {tokenize.OP, *token.EXACT_TOKEN_TYPES.values()}
# Python 3.12 splits f-strings into these; older versions give one STRING token.
_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)

Span = tuple[tuple[int, int], tuple[int, int]]  # (line, column) to (line, column), columns in characters


@dataclass(frozen=True)
class Stream:
    """A file's normalized tokens, and for each the first and last line of the source it came from."""

    texts: tuple[str, ...]
    lines: tuple[int, ...]
    end_lines: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.texts)


@dataclass(frozen=True)
class _Names:
    """What ``ast`` says about a file: the names it binds, where its annotations are, and where
    its dead code is."""

    bound: frozenset[str]  # any name the file binds: a bare use of it is renamed
    members: frozenset[str]  # names bound as attributes: after a dot or as a keyword, renamed too
    annotations: tuple[Span, ...]
    dead: tuple[Span, ...]
    held: tuple[Span, ...] = ()  # values of intermediate variables: read here, written where used
    uses: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = ()  # (a name's start, its value's)
    tries: frozenset[tuple[int, int]] = frozenset()  # where each try statement starts
    callables: frozenset[str] = frozenset()  # the file's own functions and classes


def normalize(source: str, *, fast: bool = True) -> Stream:
    """The normalized tokens of ``source``; never raises for any text (a broken file gives what
    could be read of it). ``fast=False`` reads it with the pure-Python tokenizer only."""
    names = _names(source)
    texts: list[str] = []
    lines: list[int] = []
    ends: list[int] = []
    pending: list[tuple[int, int]] = []  # strings opening a statement: a docstring unless more follows
    brackets: list[str] = []  # open brackets: _PARAMETERS of a def, _OWN_CALL, else ""
    fstring = 0
    previous_op = ""  # the last token as written: ".", "(", "," decide how a name is read
    tokens = _tokens(source, fast)
    annotations = _Spans(names.annotations if names is not None else ())
    dead = _Spans(names.dead if names is not None else ())
    held = _Spans(names.held if names is not None else ())
    uses = dict(names.uses if names is not None else ())
    owed = 0  # dedents that close blocks opened inside dead code
    main = (texts, lines, ends)
    holding: dict[tuple[int, int], tuple[list[str], list[int], list[int]]] = {}  # by where they start
    sink = main
    holding_now: tuple[int, int] | None = None  # the held value being read, if any
    keyword_equals = False  # a dropped keyword's ``=`` comes next
    callables = names.callables if names is not None else frozenset()
    called = ""  # the name just read, as written: a bracket after it calls it
    # Where a try block opens is no evidence: moving it to take in a statement more or less is the
    # commonest restructuring there is. Its opening and the end of its body are left out.
    opening = names.tries if names is not None else frozenset()
    try_depths: list[int] = []  # the indent depth of each try whose body is being read
    depth = 0
    unopened = 0  # tokens of a try's opening still to leave out

    def emit(text: str, line: int, end: int) -> None:
        texts.append(text)
        lines.append(line)
        ends.append(end)

    for index, tok in enumerate(tokens):
        kind, text = tok.type, tok.string
        if fstring:
            fstring += (kind == _FSTRING_START) - (kind == _FSTRING_END)
            continue
        if kind in _SKIP:
            continue
        depth += (kind == tokenize.INDENT) - (kind == tokenize.DEDENT)
        if unopened:
            unopened -= 1
            continue
        if kind == tokenize.DEDENT and try_depths and depth == try_depths[-1]:
            try_depths.pop()  # the end of a try's body: its handlers follow at the try's own level
            continue
        if kind == tokenize.DEDENT and owed:
            owed -= 1
            continue
        if kind != tokenize.DEDENT and dead.cover(tok.start):
            owed += kind == tokenize.INDENT  # the dead code's own block: its dedent goes too
            continue
        if annotations.cover(tok.start):
            if texts and texts[-1] in (":", "->") and not pending:
                del texts[-1], lines[-1], ends[-1]
            continue
        holder = held.spans[held.next][0] if held.cover(tok.start) else None
        if holder != holding_now:
            holding_now = holder
            sink = main if holder is None else holding.setdefault(holder, ([], [], []))
            texts, lines, ends = sink
        if kind == tokenize.NAME and tok.start in uses and uses[tok.start] in holding:
            value = holding.pop(uses[tok.start])  # the intermediate's value, where it is read
            texts.extend(value[0])
            lines.extend(value[1])
            ends.extend(value[2])
            previous_op = ""
            continue
        line, end = tok.start[0], tok.end[0]
        if kind == tokenize.STRING or kind == _FSTRING_START:
            if kind == _FSTRING_START:
                fstring = 1
                end = _fstring_end(tokens, index)
            if pending or (not brackets and (not texts or texts[-1] in _STATEMENT_START)):
                pending.append((line, end))
            else:
                emit(STRING, line, end)
            previous_op = ""
            continue
        if pending:
            if kind == tokenize.NEWLINE:
                pending.clear()
                continue  # the docstring's statement ends here: drop it and its newline
            for first, last in pending:  # an expression that starts with a string: not a docstring
                emit(STRING, first, last)
            pending.clear()
        if kind == tokenize.NAME:
            following = tokens[index + 1].string if index + 1 < len(tokens) else ""
            inside = brackets[-1] if brackets else _PARAMETERS
            argument = inside != _PARAMETERS and previous_op in ("(", ",") and following == "="
            written = _name(text, names, previous_op, argument)
            if argument and (written == NAME or inside == _OWN_CALL):
                # A keyword the file chose (its function's parameter, its model's column): passed by
                # keyword or by position is the writer's choice, so the keyword and its ``=`` go.
                keyword_equals = True
                continue
            if text == "try" and tok.start in opening:
                try_depths.append(depth)  # its ``:``, line end and indent go, and its body's dedent
                unopened = 3
                continue
            emit(written, line, end)
        elif kind in _OPERATORS and keyword_equals and text == "=":
            keyword_equals = False
            continue
        elif kind in _OPERATORS:
            kind = tokenize.OP
            if text in _CLOSING:
                if texts and texts[-1] == ",":
                    del texts[-1], lines[-1], ends[-1]  # a trailing comma is formatting
                if brackets:
                    brackets.pop()
            elif text in _OPENING:
                brackets.append(
                    _PARAMETERS
                    if text == "(" and len(texts) >= 2 and texts[-2] == "def"
                    else _OWN_CALL
                    if text == "(" and called in callables
                    else ""
                )
            emit(text, line, end)
        elif kind == tokenize.INDENT or kind == tokenize.DEDENT:
            # A block's edge has no text: it belongs where the block's last statement ended
            # (the two tokenizers place a dedent at the end of a file on different lines).
            last = ends[-1] if ends else line
            emit(_KINDS[kind], last, last)
        else:
            emit(_KINDS.get(kind, text), line, end)
        previous_op = text if kind == tokenize.OP else ""
        called = text if kind == tokenize.NAME else ""
    for first, last in pending:
        emit(STRING, first, last)
    return Stream(tuple(texts), tuple(lines), tuple(ends))


def _name(text: str, names: _Names | None, previous_op: str, argument: bool) -> str:
    """How a name is written: ``V`` when the file chose it, itself when it is the API's."""
    if keyword.iskeyword(text):
        return text
    if names is None:
        return NAME
    if previous_op == "." or argument:  # an attribute, or a keyword argument of a call
        return NAME if text in names.members else text
    return NAME if text in names.bound else text


_C_LINE_LIMIT = 2_000


def _longest_line(source: str) -> int:
    return max(map(len, source.splitlines()), default=0)


def _tokens(source: str, fast: bool = True) -> list[tokenize.TokenInfo]:
    """The tokens of ``source``: from the C tokenizer where this Python has it and the text is
    well-formed (three times faster), else as many as the pure-Python tokenizer can read."""
    # The C tokenizer copies the whole physical line into every token: quadratic on one long
    # line (a 140 kB one-line file took 30 s), so such a file goes to the pure-Python one.
    if fast and _C_TOKENIZER is not None and _longest_line(source) <= _C_LINE_LIMIT:
        try:
            read = list(_C_TOKENIZER(source))
        except (SyntaxError, ValueError):
            pass  # read again below, keeping what comes before the error
        else:
            return read if source.isascii() else _in_characters(read, source)
    found: list[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            found.append(tok)
    except (tokenize.TokenError, SyntaxError):
        pass  # keep what was read before the error
    return found


def _in_characters(found: list[tokenize.TokenInfo], source: str) -> list[tokenize.TokenInfo]:
    """The C tokenizer's columns, which count UTF-8 bytes, counted in characters as ``tokenize``
    and the spans count them (a line with ``"▲"`` before a name put it three columns further)."""
    lines = io.StringIO(source).readlines()
    wide = {n for n, line in enumerate(lines, 1) if not line.isascii()}
    if not wide:
        return found
    return [
        tok._replace(
            start=(tok.start[0], _chars(lines, *tok.start)) if tok.start[0] in wide else tok.start,
            end=(tok.end[0], _chars(lines, *tok.end)) if tok.end[0] in wide else tok.end,
        )
        if tok.start[0] in wide or tok.end[0] in wide
        else tok
        for tok in found
    ]


def _fstring_end(tokens: list[tokenize.TokenInfo], start: int) -> int:
    depth = 0
    for tok in tokens[start:]:
        depth += (tok.type == _FSTRING_START) - (tok.type == _FSTRING_END)
        if depth == 0:
            return tok.end[0]
    return tokens[-1].end[0]


class _Spans:
    """Whether each of a series of increasing positions falls in one of some disjoint spans."""

    def __init__(self, spans: tuple[Span, ...]) -> None:
        self.spans = sorted(spans)
        self.next = 0

    def cover(self, position: tuple[int, int]) -> bool:
        while self.next < len(self.spans) and self.spans[self.next][1] <= position:
            self.next += 1
        return self.next < len(self.spans) and self.spans[self.next][0] <= position


@dataclass
class _Facts:
    """What one module-level statement binds, reads and annotates."""

    bound: set[str]
    members: set[str]
    loaded: set[str]
    annotations: list[ast.expr]
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef]


def _facts(statement: ast.stmt) -> _Facts:
    f = _Facts(set(), set(), set(), [], [])
    bound, members, loaded, annotations = f.bound, f.members, f.loaded, f.annotations
    for node in _walk(statement):
        # The commonest nodes first; isinstance with a tuple, never a union built at each call.
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                loaded.add(node.id)
            else:
                bound.add(node.id)
        elif isinstance(node, ast.Attribute):
            if not isinstance(node.ctx, ast.Load):
                members.add(node.attr)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
            if node.annotation is not None:
                annotations.append(node.annotation)
        elif isinstance(node, _FUNCTIONS):
            bound.add(node.name)
            f.functions.append(node)
            if node.returns is not None:
                annotations.append(node.returns)
        elif isinstance(node, ast.ClassDef):
            bound.add(node.name)
            members.update(_class_members(node))
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        elif isinstance(node, ast.alias):
            if node.asname:
                bound.add(node.asname)
        elif isinstance(node, _NAMED) and node.name:
            bound.add(node.name)
    return f


def _names(source: str) -> _Names | None:
    try:
        tree = parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    facts = [_facts(statement) for statement in tree.body]
    dead = _dead_definitions(tree, facts)
    # What dead code binds is not the file's: an unused helper's parameter named ``text`` must not
    # turn the live code's ``text(...)`` (the API) into a name of the file's own.
    live = [f for i, f in enumerate(facts) if i not in dead]
    bound: set[str] = set().union(*(f.bound for f in live))
    members: set[str] = set().union(*(f.members for f in live))
    loaded: set[str] = set().union(*(f.loaded for f in live))
    lines = io.StringIO(source).readlines()
    spans = tuple(_span(node, lines) for f in live for node in f.annotations)
    removed = [_whole(tree.body[i]) for i in sorted(dead)]
    held: list[Span] = []
    uses: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for f in live:
        for function in f.functions:
            removed.extend(_dead_stores(function, loaded, lines))
            for assign, use in _intermediates(function, lines):
                value = _span(assign.value, lines)
                removed.append((_span(assign.targets[0], lines)[0], value[0]))
                removed.append((value[1], ((assign.end_lineno or assign.lineno) + 1, -1)))
                held.append(value)
                uses.append((_span(use, lines)[0], value[0]))
    tries = frozenset(
        (node.lineno, _chars(lines, node.lineno, node.col_offset))
        for f in live
        for function in f.functions
        for node in _walk(function)
        if isinstance(node, ast.Try) and node.body[0].lineno > node.lineno  # not ``try: x()``, one line
    )
    callables = frozenset(function.name for f in live for function in f.functions) | {
        node.name for node in tree.body if isinstance(node, ast.ClassDef)
    }
    return _Names(
        frozenset(bound | members),
        frozenset(members),
        spans,
        tuple(removed),
        tuple(held),
        tuple(uses),
        tries,
        callables,
    )


def _intermediates(function: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> Iterator[
    tuple[ast.Assign, ast.Name]
]:
    """In a function, each variable that holds an intermediate value (one computed, not a plain name
    or constant): assigned (alone) and read once, in the very next statement, and by nothing after
    that reads this value. Its value is written where it is read, so that ``q = select(X)``,
    ``q = q.where(c)``, ``return run(q)`` is the stream of ``return run(select(X).where(c))``:
    introducing or removing such a variable, or building a query in steps or in one chain, changes
    nothing."""
    found: dict[str, list[ast.Name]] = {}
    for node in _walk(function):
        if isinstance(node, ast.Name):
            found.setdefault(node.id, []).append(node)
    for body in _blocks(function):
        for assign, following in itertools.pairwise(body):
            if not (
                isinstance(assign, ast.Assign)
                and len(assign.targets) == 1
                and isinstance(assign.targets[0], ast.Name)
                and following.lineno > (assign.end_lineno or assign.lineno)
                and not isinstance(assign.value, (ast.Name, ast.Constant))  # an alias or a constant, no step
                and not _starts_with_string(assign.value, lines)
            ):
                continue
            name = assign.targets[0].id
            mentions = found.get(name, [])
            inside = [n for n in mentions if _within(n, following)]
            reads = [n for n in inside if isinstance(n.ctx, ast.Load)]
            rebinds = isinstance(following, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in following.targets
            )
            if len(reads) != 1:
                continue
            after = (following.lineno, following.col_offset)
            if rebinds or all(_within(n, following) for n in mentions if (n.lineno, n.col_offset) > after):
                yield assign, reads[0]


def _within(node: ast.expr, statement: ast.stmt) -> bool:
    start = (statement.lineno, statement.col_offset)
    end = (statement.end_lineno or statement.lineno, statement.end_col_offset or 0)
    return start <= (node.lineno, node.col_offset) < end


def _starts_with_string(value: ast.expr, lines: list[str]) -> bool:
    """Whether an expression's first token is a string: held apart, it would read as a docstring."""
    if not 1 <= value.lineno <= len(lines):
        return True  # nowhere to be found: not held
    text = lines[value.lineno - 1][_chars(lines, value.lineno, value.col_offset) :]
    return text.lstrip("rRbBfFuU")[:1] in ("'", '"')


def _blocks(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[list[ast.stmt]]:
    """A function's statement lists, its own and its blocks', not those of functions inside it."""
    todo: list[list[ast.stmt]] = [function.body]
    while todo:
        body = todo.pop()
        yield body
        for node in body:
            if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
                continue
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(node, field, None)
                if inner:
                    todo.append(inner)
            todo.extend(handler.body for handler in getattr(node, "handlers", ()))


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _whole(node: ast.stmt) -> Span:
    """A statement with its decorators, to the end of its last line. It starts at its first
    character, so that the indent before it (the block's, not its own) stays."""
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
    return (first, node.col_offset), ((node.end_lineno or node.lineno) + 1, -1)


def _binds(node: ast.stmt) -> list[str] | None:
    """The private names a module-level statement binds, if it binds nothing else (else None).
    A decorated definition binds none: its decorator may register it (an event listener, a
    route), which is a use no name shows."""
    if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
        if node.decorator_list:
            return None
        names = [node.name]
    elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
    else:
        return None
    return names if all(_private(n) for n in names) else None


def _dead_definitions(tree: ast.Module, facts: list[_Facts]) -> set[int]:
    """Which module-level statements are private definitions that nothing live uses, whatever uses
    them being dead too: unused helpers, constants and loggers (a public name may be the contract's,
    so it stays)."""
    candidates = {i: set(names) for i, node in enumerate(tree.body) if (names := _binds(node))}
    dead: set[int] = set()
    while candidates:
        live: set[str] = set()
        for i, f in enumerate(facts):
            if i not in dead:
                live |= f.loaded - candidates.get(i, set())
        found = {i for i, names in candidates.items() if i not in dead and live.isdisjoint(names)}
        if not found:
            break
        dead |= found
    return dead


_PURE = (ast.Constant, ast.Name, ast.Attribute)


def _dead_stores(
    function: ast.FunctionDef | ast.AsyncFunctionDef, loaded: set[str], lines: list[str]
) -> Iterator[Span]:
    """In a function's statements (not those of functions inside it, which get their own turn),
    assignments to names that the file never reads: the whole statement where its value is a plain
    value, else only the ``name =`` before a value that does something."""
    for body in _blocks(function):
        for node in body:
            if isinstance(node, ast.Assign) and all(
                isinstance(t, ast.Name) and t.id not in loaded for t in node.targets
            ):
                if isinstance(node.value, _PURE):
                    yield _whole(node)
                else:
                    yield _span(node.targets[0], lines)[0], _span(node.value, lines)[0]


def _walk(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` but the contexts (``Load``, ``Store``: one under every name and
    attribute), as ``ast.walk`` in another order, and faster."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for field in node._fields:
            if field == "ctx":
                continue
            value = getattr(node, field, None)
            if type(value) is list:
                todo.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                todo.append(value)


def _class_members(node: ast.ClassDef) -> set[str]:
    found: set[str] = set()
    for item in node.body:
        if isinstance(item, (*_FUNCTIONS, ast.ClassDef)):
            found.add(item.name)
        elif isinstance(item, ast.Assign):
            found.update(t.id for t in item.targets if isinstance(t, ast.Name))
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            found.add(item.target.id)
    return found


def _span(node: ast.expr, lines: list[str]) -> Span:
    end_line = node.end_lineno or node.lineno
    end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
    return (node.lineno, _chars(lines, node.lineno, node.col_offset)), (
        end_line,
        _chars(lines, end_line, end_col),
    )


def _chars(lines: list[str], line: int, byte_offset: int) -> int:
    """``ast`` counts columns in UTF-8 bytes, ``tokenize`` in characters."""
    if not 1 <= line <= len(lines):
        return byte_offset
    return len(lines[line - 1].encode("utf-8", "surrogatepass")[:byte_offset].decode("utf-8", "replace"))
