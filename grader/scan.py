"""The static scan: what in a solution only tampering needs, found on the host before anything runs.

``scan(source)`` reads a ``solution.py`` with :mod:`ast`, never importing or
running it, and returns one line per finding, such as
``"line 4: gc.get_objects walks the garbage collector"``. Findings become a
challenge's ``flags``: reviewers see them; a flag never changes a score.

What it flags is what a fair Flask-SQLAlchemy answer never needs:

- the process's insides: the garbage collector, stack frames and tracebacks'
  frames, tracing and audit hooks, ``ctypes``, function internals
  (``__globals__``, ``__code__``, ``__closure__``), ``__subclasses__``,
  ``sys.modules`` and import hooks;
- the test framework and the harness (``pytest``, ``_pytest``, ``pluggy``,
  ``sandbox``, ``unittest``);
- changes to code that is not the candidate's: a module-level ``__getattr__``,
  assignments to attributes of imported modules and classes, ``builtins``;
- processes, signals and descriptors: handlers and timers, ``os._exit``,
  ``os.kill``, ``fork``, ``subprocess``, ``os.write(3, ...)``, ``/proc``;
- code and names made at run time: ``eval``, ``exec``, ``compile``,
  ``__import__``, imports and ``getattr``/``setattr`` with names built from
  pieces (concatenation, ``chr``, decoding, base64, zlib, codecs), followed
  through aliases (``g = gc``), helper functions and strings that hold code.

It must also never flag fair code: ``setattr(todo, key, value)`` and
``getattr(Model, field)`` on the candidate's own objects are fair; the same
calls on an imported module or class, on ``builtins``, or with a dunder or
built-up name are not.

Hostile input is bounded: sizes, a step budget, no recursion over the tree,
and a guard on what CPython's parser does slowly. Where this host's Python
cannot parse the file (a deep expression, syntax from a newer Python than
the host's) the parts that parse are scanned as usual and the rest by text
search, so that failing to parse here is no way to hide. A file that parses
nowhere yields no flags: grading reports its syntax error.

Flag text quotes nothing of the candidate's but line numbers and the fixed
words of ``grader._scan_rules``, so it is safe in every report format.

This module reads the file (its encoding, what parses, the text search for
what does not); ``grader._scan_tree`` analyses the tree and applies the rules,
``grader._scan_fold`` computes the values of built names, and
``grader._scan_rules`` says what is flagged and in which words.
"""

from __future__ import annotations

import ast
import io
import itertools
import re
import tokenize
from bisect import bisect_right

from grader._scan_rules import ATTRIBUTES, MEMBERS, MODULE_GETATTR, PROC_RE, canonical, module_message
from grader._scan_tree import Analysis, Budget, Findings, parse

__all__ = ["MAX_FLAGS", "MAX_SOURCE_BYTES", "scan"]

MAX_FLAGS = Findings.MAX_SHOWN  # distinct findings listed per file; the rest are counted
MAX_SOURCE_BYTES = 512 * 1024  # twice the submission cap: larger files are never graded
_MAX_CHUNKS = 20_000  # top-level statements parsed one by one when the whole does not parse
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_FALLBACK = " (found by text search: this part does not parse here)"


def scan(source: bytes | str) -> tuple[str, ...]:
    """Every construct in ``source`` that only tampering needs, one line each, first line first
    (``"line 4: gc.get_objects walks the garbage collector"``); empty for fair code and for a
    source that does not parse. Never imports or runs the code; bounded on any input."""
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else bytes(source)
    if len(data) > MAX_SOURCE_BYTES:
        return (f"line 1: larger than {MAX_SOURCE_BYTES // 1024} KiB, so the static scan did not read it",)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return ()  # Python cannot read it either: the grading reports why
    budget = Budget()
    found = Findings()
    if encoding not in ("utf-8", "utf-8-sig"):
        found.add(
            _cookie_line(text), "declares a source encoding other than UTF-8, which hides code from readers"
        )
    for match in _BIDI.finditer(text):
        found.add(
            text.count("\n", 0, match.start()) + 1,
            "Unicode direction controls make the code read differently from how it runs",
        )
    _scan_text(text, found, budget, depth=0)
    if budget.exhausted:
        found.add(1, "too large or tangled for the static scan to follow to the end")
    return found.lines()


def _cookie_line(text: str) -> int:
    lines = text.splitlines()[:2]
    for number, line in enumerate(lines, start=1):
        if re.match(r"^[ \t\f]*#.*?coding[:=]", line):
            return number
    return 1


def _scan_text(text: str, found: Findings, budget: Budget, depth: int) -> None:
    """Scan ``text``: the whole file's tree when it parses, else the parts that do, and the rest as text."""
    tree = parse(text)
    if tree is None:
        tree = _salvage(text, found)
    if tree is not None:
        Analysis(tree, found, budget, depth).run()


_TOP_LEVEL = re.compile(r"^(?![ \t#\n\r\f)\]}])(?!(?:else|elif|except|finally)\b)", re.M)


def _salvage(text: str, found: Findings) -> ast.Module | None:
    """The top-level statements of ``text`` that parse on their own, as one module; the others
    are searched as text. ``None`` when nothing parses."""
    starts = [m.start() for m in _TOP_LEVEL.finditer(text)]
    starts = [s for i, s in enumerate(starts) if i == 0 or not text.startswith("@", starts[i - 1])]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    if len(starts) > _MAX_CHUNKS:
        _search_text(text, 1, found)
        return None
    body: list[ast.stmt] = []
    bounds = [*starts, len(text)]
    for begin, end in itertools.pairwise(bounds):
        chunk = text[begin:end]
        first_line = text.count("\n", 0, begin) + 1
        tree = parse(chunk)
        if tree is None:
            _search_text(chunk, first_line, found)
            continue
        ast.increment_lineno(tree, first_line - 1)
        body.extend(tree.body)
    return ast.Module(body=body, type_ignores=[]) if body else None


# -- the text search, for what does not parse here ---------------------------------------------

_SEARCH_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import|import[ \t]+([\w., \t]+))", re.M)
_SEARCH_NAMES = re.compile(
    r"(?<![A-Za-z0-9_])("
    + "|".join(map(re.escape, sorted(ATTRIBUTES, key=len, reverse=True)))
    + r")(?![A-Za-z0-9_])"
)
_SEARCH_CALLS = re.compile(r"(?<![\w.])(eval|exec|compile|__import__|globals)\s*\(")
_SEARCH_MEMBERS = re.compile(
    r"(?<![\w.])(sys|os|posix|signal|gc|inspect|traceback|threading|pickle)\s*\.\s*(\w+)"
)
_SEARCH_GETATTR = re.compile(r"^(?:async[ \t]+)?def[ \t]+__getattr__\b|^__getattr__[ \t]*=", re.M)
_SEARCH_SINKS = re.compile(r"\b(?:getattr|setattr|delattr|import_module|attrgetter|methodcaller)\b")
_SEARCH_BUILT = re.compile(
    r"\bchr\s*\(|\b(?:b64|b32|b16|a85|b85|urlsafe_b64)decode\b|\bfromhex\b|\bunhexlify\b|\bdecompress\b"
    r"|\brot_?13\b|\[\s*::\s*-1\s*\]"
)


def _search_text(text: str, first_line: int, found: Findings) -> None:
    """Flag by text search what the tree scan would flag, in a part of the file that does not parse."""
    starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def add(offset: int, message: str) -> None:
        found.add(first_line + bisect_right(starts, offset) - 1, message + _FALLBACK)

    for m in _SEARCH_IMPORT.finditer(text):
        names = [m.group(1)] if m.group(1) else re.split(r"[ \t]*,[ \t]*", m.group(2).strip())
        for name in names:
            message = module_message(name.split()[0] if name.split() else "")
            if message:
                add(m.start(), message)
    for m in _SEARCH_NAMES.finditer(text):
        add(m.start(), ATTRIBUTES[m.group(1)])
    for m in _SEARCH_CALLS.finditer(text):
        add(m.start(), MEMBERS[f"builtins.{m.group(1)}"])
    for m in _SEARCH_MEMBERS.finditer(text):
        message = MEMBERS.get(canonical(f"{m.group(1)}.{m.group(2)}"), "")
        if message:
            add(m.start(), message)
    for m in _SEARCH_GETATTR.finditer(text):
        add(m.start(), MODULE_GETATTR)
    for m in PROC_RE.finditer(text):
        add(m.start(), "names a /proc path")
    built = _SEARCH_BUILT.search(text)
    if built and _SEARCH_SINKS.search(text):
        add(built.start(), "builds text at run time (chr, decoding) beside getattr or an import by name")
