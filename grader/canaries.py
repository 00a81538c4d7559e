"""Canaries: control tests, made for each run, that a rewrite of the verdicts cannot tell apart.

Code that rewrites pytest's verdicts in its own process (a patched reporter, a
forged record) turns canaries too, and a canary's verdict is known in advance:
a ``pass`` canary cannot fail and a ``fail`` canary cannot pass. To be caught,
a rewrite must leave the canaries alone, so they are made hard to tell from the
real tests: a random number per phase (at least one of each kind) at random
places among the real tests, in the same test modules (so the same file in
pytest's node ids and tracebacks, lines inside that file's range), named from
the words of the challenge's own test names, with the fixtures the module's
own tests take, and failing with messages like theirs. The harness adds them
to the modules as pytest collects them (``sandbox.harness.runner``); the host
expects them in the order it planned (``sandbox.wire.read_transcript``).
"""

from __future__ import annotations

import ast
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from grader.pyparse import parse
from sandbox.wire import Canary, Expected

# Fixtures a canary may take: the harness's own, whose behaviour does not depend on the
# candidate's code beyond its ``db`` being importable and bindable.
_FIXTURES = ("db", "sql", "app", "solution")
_MESSAGES = (
    "expected {n} rows, found {m}",
    "the query returned {m} results instead of {n}",
    "{m} rows after the commit; expected {n}",
    "wrong count: {m} (expected {n})",
    "expected {n} statements, {m} ran",
)


@dataclass(frozen=True)
class _Item:
    """A top-level test item of a module: a test function, or a test class and its methods."""

    name: str
    tests: tuple[str, ...]
    line: int
    end: int
    args: tuple[str, ...]
    doc: str  # its docstring, "" when it has none


def _items(source: bytes) -> list[_Item]:
    try:
        tree = parse(source)
    except SyntaxError:
        return []
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            args = tuple(a.arg for a in node.args.args)
            tests: tuple[str, ...] = (node.name,)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            methods = [m for m in node.body if isinstance(m, ast.FunctionDef) and m.name.startswith("test")]
            tests = tuple(f"{node.name}::{m.name}" for m in methods)
            args = ()
        else:
            continue
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        end = node.end_lineno or node.lineno
        found.append(_Item(node.name, tests, first, end, args, ast.get_docstring(node) or ""))
    return found


def _words(names: Sequence[str]) -> list[str]:
    words = sorted({w for n in names for w in re.split(r"[_:]+", n.lower()) if w and w not in ("test",)})
    return words or ["value", "row", "query", "result", "commit"]


def _name(rng: random.Random, words: list[str], taken: set[str]) -> str:
    while True:
        picked = rng.sample(words, k=min(len(words), rng.randint(2, 4)))
        name = "test_" + "_".join(picked)
        if name not in taken:
            taken.add(name)
            return name


def _docstring(rng: random.Random, items: Sequence[_Item]) -> str:
    """A docstring for a canary among ``items``, in their style ("" when most have none): a
    rubric line in lower case and without a full stop, where theirs are written so."""
    docs = [i.doc for i in items if i.doc]
    if not docs or len(docs) * 2 < len(items):
        return ""
    # No fixed set of sentences (a forger would look for them): the first words of one of its
    # neighbours' first lines and the last words of another's, a sentence none of them has.
    lines = [d.strip().splitlines()[0].split() for d in docs]
    head, tail = rng.choice(lines), rng.choice(lines)
    cut_head = rng.randint(1, max(1, len(head) - 1))
    cut_tail = rng.randint(min(len(tail) - 1, 1), max(1, len(tail) - 1))
    text = " ".join(head[:cut_head] + tail[cut_tail:]) or " ".join(head)
    if sum(d[:1].islower() for d in docs) * 2 > len(docs):
        text = text[:1].lower() + text[1:]
    else:
        text = text[:1].upper() + text[1:]
    if sum(not d.rstrip().endswith(".") for d in docs) * 2 > len(docs):
        text = text.rstrip(".")
    elif not text.endswith("."):
        text += "."
    return text


def _source(rng: random.Random, name: str, kind: str, args: Sequence[str], doc: str) -> str:
    usable = [a for a in args if a in _FIXTURES]
    if "sql" in usable and "db" not in usable:
        usable.append("db")
    n = rng.randint(1, 9)
    wrong = n + rng.randint(1, 3)
    message = rng.choice(_MESSAGES).format(n=n, m=wrong)
    expected = n if kind == "pass" else wrong
    note = f", {message!r}" if kind == "fail" else ""
    lines = [f"def {name}({', '.join(usable)}):"]
    if doc:
        lines.append(f"    {doc!r}")
    if "sql" in usable:
        lines += [
            "    from sqlalchemy import text",
            "",
            "    with sql.record() as log:",
            *[f'        db.session.execute(text("SELECT {i}"))' for i in range(n)],
            f"    assert len(log.selects) == {expected}{note}",
        ]
    elif "db" in usable:
        a = rng.randint(0, n)
        lines += [
            "    from sqlalchemy import text",
            "",
            f'    value = db.session.execute(text("SELECT {a} + {n - a}")).scalar()',
            f"    assert value == {expected}{note}",
        ]
    elif "app" in usable:
        lines += [
            f"    values = [{', '.join(str(i) for i in range(n))}]",
            '    assert app.config["TESTING"] is True',
            f"    assert len(values) == {expected}{note}",
        ]
    else:
        items = [rng.randint(0, 99) for _ in range(n)]
        lines += [
            f"    values = sorted({items!r})",
            f"    assert len(values) == {expected}{note}",
        ]
    return "\n".join(lines) + "\n"


def plan(
    files: Sequence[tuple[str, bytes]], names: Sequence[str], rng: random.Random | None = None
) -> tuple[tuple[Canary, ...], tuple[Expected, ...]]:
    """The canaries for one phase's test ``files`` (name, source), and every test the host
    then expects, in pytest's order. ``names`` are all the challenge's test names (the
    words canaries are named from)."""
    rng = rng or random.SystemRandom()
    modules = [(name, _items(source)) for name, source in sorted(files)]
    slots = [(file, at) for file, items in modules for at in range(len(items) + 1)]
    if not slots:
        return (), ()
    count = rng.randint(2, 4)
    kinds = ["pass", "fail"] + [rng.choice(("pass", "fail")) for _ in range(count - 2)]
    rng.shuffle(kinds)
    words = _words(names)
    taken = set(names)
    placed: dict[tuple[str, int], list[Canary]] = {}
    for kind in kinds:
        file, at = rng.choice(slots)
        items = dict(modules)[file]
        neighbour = items[min(at, len(items) - 1)] if items else None
        doc = _docstring(rng, items)
        name = _name(rng, words, taken)
        args = neighbour.args if neighbour else ()
        line = (items[at].line - 1 if at < len(items) else items[-1].end + 2) if items else 1
        placed.setdefault((file, at), []).append(
            Canary(
                name=name,
                file=file,
                before=items[at].name if at < len(items) else "",
                line=max(1, line),
                source=_source(rng, name, kind, args, doc),
                expect="pass" if kind == "pass" else "fail",
            )
        )
    expected: list[Expected] = []
    canaries: list[Canary] = []
    for file, items in modules:
        for at in range(len(items) + 1):
            for canary in placed.get((file, at), []):
                canaries.append(canary)
                expected.append(Expected(canary.name, file, canary.expect))
            if at < len(items):
                expected += [Expected(test, file) for test in items[at].tests]
    return tuple(canaries), tuple(expected)
