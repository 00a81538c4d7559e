"""Loading and checking challenge folders.

A challenge is a folder ``<pack>/<id>/`` holding::

    challenge.toml          metadata (see ``_load_metadata``)
    statement.md            what the candidate reads
    starter/solution.py     what the candidate starts from
    tests/public/test_*.py  tests the candidate may see
    tests/hidden/test_*.py  tests the candidate never sees
    helpers.py              optional: fixtures and functions both phases' tests import
                            (``from helpers import ...``); public, like the public tests
    solutions/reference.py  the reference solution
    solutions/good/*.py     more known-good solutions, in other styles
    solutions/bad/*.py      known-bad solutions, one realistic mistake each

Test functions are found by reading the test files (never importing them), so
the set of expected tests is known on the host before any candidate code runs.
A test's rubric line is its ``[tests.NAME] rubric`` in ``challenge.toml`` or, when
that is absent, the first paragraph of its docstring. Everything in the metadata
but ``id``, ``title``, ``summary`` and ``difficulty`` has a default (``DEFAULTS``),
so a challenge.toml states only what differs.

A *public-only* challenge is the part of one that ships in grader's wheel (see
``grader.public_pack``): no hidden tests, no solutions, and a ``[hidden_tests]``
table with their number and points. It serves ``check``, ``kit``, ``list`` and
``show``; grading needs the full pack (``require_hidden``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from grader.errors import ChallengeFormatError, UsageError
from grader.public_pack import MARKER, test_names

Visibility = Literal["public", "hidden"]
DIFFICULTIES = ("junior", "mid", "senior")
_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
_PYTHON_NAME = str.isidentifier
HELPERS = "helpers.py"
# The loader's defaults: a challenge.toml that repeats them says nothing.
DEFAULTS: dict[str, Any] = {
    "time_limit": 60,
    "test_timeout": 10,  # or time_limit, when that is shorter
    # Seconds solution.py may take to import (or time_limit, when shorter): an endless loop at
    # module level is told in seconds, not after the whole challenge's limit.
    "import_timeout": 10,
    "scoring": {"per": "test", "points": 1},
    "requires": ["db"],
}


@dataclass(frozen=True)
class TestSpec:
    """One expected test: a test function of a public or hidden test file."""

    __test__ = False  # not a pytest test class

    name: str
    visibility: Visibility
    file: str
    points: float
    rubric: str


@dataclass(frozen=True)
class Withheld:
    """What a public-only challenge knows of the hidden tests left out of it."""

    count: int
    points: float


@dataclass(frozen=True)
class EquivalentMutant:
    """A mutant of the reference that behaves as the reference does where the contract
    looks (``grader validate --mutants``), by its id, with the one-line reason."""

    id: str
    reason: str


@dataclass(frozen=True)
class Challenge:
    """A loaded, checked challenge folder (``withheld`` is set when it is public-only)."""

    id: str
    title: str
    summary: str
    difficulty: str
    tags: tuple[str, ...]
    path: Path
    time_limit: float
    test_timeout: float
    requires: tuple[str, ...]
    scoring: Literal["test", "challenge"]
    points: float
    tests: tuple[TestSpec, ...]
    binds: tuple[str, ...] = field(default=())
    # Its tests need the schema made by real DDL in every test (its DDL events fire each
    # time), not a copy of the schema made once per run: ``real_ddl = true`` in its toml.
    real_ddl: bool = False
    withheld: Withheld | None = None
    import_timeout: float = 10.0  # seconds solution.py may take to import (DEFAULTS)
    equivalent_mutants: tuple[EquivalentMutant, ...] = ()

    @property
    def public_only(self) -> bool:
        """Whether this is the public part of a challenge, without hidden tests or solutions."""
        return self.withheld is not None

    @property
    def hidden_count(self) -> int:
        """How many hidden tests the challenge has (here, or in the pack it was built from)."""
        return self.withheld.count if self.withheld else len(self.tests_of(["hidden"]))

    @property
    def statement_path(self) -> Path:
        return self.path / "statement.md"

    @property
    def starter_path(self) -> Path:
        return self.path / "starter" / "solution.py"

    @property
    def reference_path(self) -> Path:
        return self.path / "solutions" / "reference.py"

    def good_solutions(self) -> list[Path]:
        """The known-good variants besides the reference, sorted by name."""
        return sorted((self.path / "solutions" / "good").glob("*.py"))

    def bad_solutions(self) -> list[Path]:
        """The known-bad solutions, sorted by name."""
        return sorted((self.path / "solutions" / "bad").glob("*.py"))

    @property
    def helpers_path(self) -> Path | None:
        """The challenge's ``helpers.py``, shipped beside the tests of both phases, if it has one."""
        path = self.path / HELPERS
        return path if path.is_file() else None

    def test_files(self, visibility: Visibility) -> list[Path]:
        """The test files of ``visibility``; a usage error for hidden ones of a public-only challenge."""
        if visibility == "hidden":
            require_hidden([self])
        return sorted((self.path / "tests" / visibility).glob("test_*.py"))

    def tests_of(self, visibilities: Iterable[Visibility]) -> tuple[TestSpec, ...]:
        wanted = set(visibilities)
        return tuple(t for t in self.tests if t.visibility in wanted)

    def max_score(self, visibilities: Iterable[Visibility] = ("public", "hidden")) -> float:
        """The most this challenge can score when the given tests run."""
        wanted = set(visibilities)
        tests = self.tests_of(wanted)
        withheld = self.withheld if self.withheld and "hidden" in wanted else Withheld(0, 0.0)
        if self.scoring == "challenge":
            return self.points if tests or withheld.count else 0.0
        return sum(t.points for t in tests) + withheld.points


def builtin_pack() -> Path:
    """The folder of the challenge pack that ships with grader."""
    import importlib

    pack = importlib.import_module("grader.pack")
    return Path(next(iter(pack.__path__)))


def pack_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The challenge folder to use: ``explicit`` (the CLI resolves ``--challenges`` and
    ``GRADER_CHALLENGES``), else the built-in pack."""
    if explicit is None or not str(explicit):
        return builtin_pack()
    path = Path(explicit).expanduser()
    if not path.is_dir():
        raise UsageError(f"challenge folder {path} does not exist or is not a folder")
    return path


def load_pack(path: Path | None = None) -> dict[str, Challenge]:
    """Load every challenge folder under ``path`` (the built-in pack by default), by id."""
    root = path if path is not None else builtin_pack()
    found: dict[str, Challenge] = {}
    for child in sorted(root.iterdir()):
        if child.is_dir() and (child / "challenge.toml").is_file():
            challenge = load_challenge(child)
            found[challenge.id] = challenge
    if not found:
        raise UsageError(f"{root} holds no challenge folder (a folder with a challenge.toml)")
    return found


def require_hidden(challenges: Iterable[Challenge]) -> None:
    """A usage error, saying what to do, when any of ``challenges`` is public-only."""
    public = [c for c in challenges if c.public_only]
    if public:
        raise UsageError(
            f"the challenge pack {public[0].path.parent} holds no hidden tests (it is the public part "
            "that ships with grader, for candidates): to grade, give the pack folder that has them "
            "with --challenges DIR or GRADER_CHALLENGES=DIR"
        )


def select(pack: dict[str, Challenge], ids: Sequence[str]) -> list[Challenge]:
    """The challenges named by ``ids`` (all of them when empty), or a usage error naming the unknown."""
    if not ids:
        return list(pack.values())
    unknown = [i for i in ids if i not in pack]
    if unknown:
        raise UsageError(
            f"unknown challenge {', '.join(unknown)}; `grader list` shows the {len(pack)} available"
        )
    return [pack[i] for i in dict.fromkeys(ids)]


def is_challenge_id(text: str) -> bool:
    """Whether ``text`` may name a challenge: lower-case letters, digits and ``-``, not first."""
    return bool(text) and set(text) <= _ID_CHARS and not text.startswith("-")


def load_challenge(folder: Path) -> Challenge:
    """Load and check one challenge folder, raising ``ChallengeFormatError`` on any problem."""
    meta_path = folder / "challenge.toml"
    try:
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ChallengeFormatError(meta_path, f"cannot be read ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ChallengeFormatError(meta_path, f"is not valid TOML ({exc})") from None

    m = _Meta(meta_path, meta)
    cid = m.text("id")
    if not is_challenge_id(cid):
        raise ChallengeFormatError(meta_path, f"id {cid!r} must be lower-case letters, digits, '-'")
    if cid != folder.name:
        raise ChallengeFormatError(meta_path, f"id {cid!r} differs from the folder name")
    difficulty = m.text("difficulty")
    if difficulty not in DIFFICULTIES:
        raise ChallengeFormatError(meta_path, f"difficulty must be one of {', '.join(DIFFICULTIES)}")
    scoring_table = m.table("scoring")
    per = scoring_table.get("per", DEFAULTS["scoring"]["per"])
    if per not in ("test", "challenge"):
        raise ChallengeFormatError(meta_path, "scoring.per must be 'test' or 'challenge'")
    points = scoring_table.get("points", DEFAULTS["scoring"]["points"])
    if not isinstance(points, int | float) or isinstance(points, bool) or points <= 0:
        raise ChallengeFormatError(meta_path, "scoring.points must be a positive number")
    requires = m.strings("requires")
    for name in requires:
        if not _PYTHON_NAME(name):
            raise ChallengeFormatError(meta_path, f"requires: {name!r} is not a Python name")
    if "db" not in requires:
        requires = ("db", *requires)

    withheld = _withheld(m)
    needed = ["statement.md", "starter/solution.py"]
    if withheld is None:
        needed.append("solutions/reference.py")
    for rel in needed:
        if not (folder / rel).is_file():
            raise ChallengeFormatError(folder / rel, "is missing")

    tests = _discover_tests(folder, m.table("tests"), float(points), meta_path, withheld is not None)
    if (folder / HELPERS).is_file():
        discover_test_names(folder / HELPERS)  # it must parse: a broken one would fail every test
    time_limit = m.number("time_limit", DEFAULTS["time_limit"])
    test_timeout = m.number("test_timeout", min(DEFAULTS["test_timeout"], time_limit))
    import_timeout = m.number("import_timeout", min(DEFAULTS["import_timeout"], time_limit))
    return Challenge(
        id=cid,
        title=m.text("title"),
        summary=m.text("summary"),
        difficulty=difficulty,
        tags=m.strings("tags"),
        path=folder,
        time_limit=time_limit,
        test_timeout=test_timeout,
        requires=requires,
        scoring=per,
        points=float(points),
        tests=tests,
        binds=m.strings("binds"),
        real_ddl=m.flag("real_ddl"),
        withheld=withheld,
        import_timeout=import_timeout,
        equivalent_mutants=_equivalent_mutants(m),
    )


def _equivalent_mutants(m: _Meta) -> tuple[EquivalentMutant, ...]:
    """The ``[[equivalent_mutants]]`` tables: each an ``id`` and a one-line ``reason``."""
    value = m.data.get("equivalent_mutants", [])
    problem = "[[equivalent_mutants]]: each entry is a table with an id and a one-line reason"
    if not isinstance(value, list):
        raise ChallengeFormatError(m.path, problem)
    found: dict[str, EquivalentMutant] = {}
    for entry in value:
        if not isinstance(entry, dict) or set(entry) != {"id", "reason"}:
            raise ChallengeFormatError(m.path, problem)
        mid, reason = entry["id"], entry["reason"]
        if not (isinstance(mid, str) and isinstance(reason, str) and mid.strip() and reason.strip()):
            raise ChallengeFormatError(m.path, problem)
        if "\n" in reason.strip():
            raise ChallengeFormatError(m.path, f"[[equivalent_mutants]] {mid}: the reason is one line")
        if mid in found:
            raise ChallengeFormatError(m.path, f"[[equivalent_mutants]] {mid} is listed twice")
        found[mid] = EquivalentMutant(mid.strip(), reason.strip())
    return tuple(found.values())


def _withheld(m: _Meta) -> Withheld | None:
    if MARKER not in m.data:
        return None
    table = m.table(MARKER)
    count, points = table.get("count"), table.get("points")
    whole = isinstance(count, int) and not isinstance(count, bool) and count >= 0
    number = isinstance(points, int | float) and not isinstance(points, bool) and points >= 0
    if not (whole and number):
        raise ChallengeFormatError(m.path, f"[{MARKER}]: count is a whole number >= 0, points a number >= 0")
    return Withheld(int(count), float(points))  # type: ignore[arg-type]  # both checked just above


class _Meta:
    """Typed access to the metadata table, with errors that name the file."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ChallengeFormatError(self.path, f"{key} must be a non-empty string")
        return value.strip()

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ChallengeFormatError(self.path, f"{key} must be a list of strings")
        return tuple(value)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise ChallengeFormatError(self.path, f"{key} must be true or false")
        return value

    def number(self, key: str, default: float) -> float:
        value = self.data.get(key, default)
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            raise ChallengeFormatError(self.path, f"{key} must be a positive number of seconds")
        return float(value)

    def table(self, key: str) -> dict[str, Any]:
        value = self.data.get(key, {})
        if not isinstance(value, dict):
            raise ChallengeFormatError(self.path, f"[{key}] must be a table")
        return value


def _discover_tests(
    folder: Path, overrides: dict[str, Any], default_points: float, meta_path: Path, public_only: bool
) -> tuple[TestSpec, ...]:
    tests: list[TestSpec] = []
    seen: dict[str, Path] = {}
    visibility: Visibility
    for visibility in ("public", "hidden"):
        for path in sorted((folder / "tests" / visibility).glob("test_*.py")):
            documented = test_docstrings(path)
            for name in discover_test_names(path):
                if name in seen:
                    raise ChallengeFormatError(path, f"test {name} is also defined in {seen[name]}")
                seen[name] = path
                extra = overrides.get(name, {})
                if not isinstance(extra, dict):
                    raise ChallengeFormatError(meta_path, f"[tests.{name}] must be a table")
                rubric = extra.get("rubric", documented.get(name, ""))
                pts = extra.get("points", default_points)
                if not isinstance(rubric, str) or not isinstance(pts, int | float) or pts < 0:
                    raise ChallengeFormatError(
                        meta_path, f"[tests.{name}]: rubric is a string, points a number >= 0"
                    )
                tests.append(TestSpec(name, visibility, path.name, float(pts), rubric))
    hidden = any(t.visibility == "hidden" for t in tests)
    if public_only and hidden:
        raise ChallengeFormatError(meta_path, f"has a [{MARKER}] table, so it must hold no hidden tests")
    if not public_only and not hidden:
        raise ChallengeFormatError(folder / "tests" / "hidden", "holds no test function")
    unknown = sorted(set(overrides) - set(seen))
    if unknown:
        raise ChallengeFormatError(meta_path, f"[tests] names no such test: {', '.join(unknown)}")
    return tuple(tests)


def discover_test_names(path: Path) -> list[str]:
    """The test functions of a test file, as the harness names them (``test_x``, ``TestC::test_y``)."""
    try:
        return test_names(path.read_bytes(), str(path))
    except SyntaxError as exc:
        raise ChallengeFormatError(path, f"is not valid Python (line {exc.lineno}: {exc.msg})") from None


def test_docstrings(path: Path) -> dict[str, str]:
    """The first paragraph of each test function's docstring in a test file, on one line, by the
    test's name (``test_x``, ``TestC::test_y``); tests without a docstring are left out."""
    import ast

    from grader.pyparse import parse

    try:
        tree = parse(path.read_bytes(), filename=str(path))
    except SyntaxError as exc:
        raise ChallengeFormatError(path, f"is not valid Python (line {exc.lineno}: {exc.msg})") from None
    functions: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            functions += [
                (f"{node.name}::{item.name}", item) for item in node.body if isinstance(item, ast.FunctionDef)
            ]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions.append((node.name, node))
    found: dict[str, str] = {}
    for name, function in functions:
        doc = ast.get_docstring(function)
        if function.name.startswith("test") and doc and doc.strip():
            found[name] = " ".join(doc.strip().split("\n\n")[0].split())
    return found


def pack_digest(challenges: Iterable[Challenge]) -> str:
    """A content digest of the challenges' files: the same on every machine for the same pack.

    Every file under each challenge folder counts (by its path inside the pack, with ``/``,
    and its bytes), in a fixed order; bytecode caches do not. Two hosts that agree on this
    digest grade with the same tests, statements, starters and metadata.
    """
    import hashlib

    digest = hashlib.sha256(b"grader-pack-v1\0")
    for challenge in sorted(challenges, key=lambda c: c.id):
        files = sorted(
            p
            for p in challenge.path.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
        )
        for path in files:
            rel = f"{challenge.id}/{path.relative_to(challenge.path).as_posix()}"
            data = path.read_bytes()
            digest.update(f"{rel}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()
