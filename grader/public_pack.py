"""The public part of a challenge pack: what a candidate may see, and nothing else.

grader's wheel and sdist carry only this part of the built-in pack: each
challenge's statement, starter, public tests and metadata, with the metadata
of its hidden tests (their names and rubric lines) taken out and replaced by
their number and points. Hidden tests and solutions (reference, good, bad)
stay in the pack folder a hiring team keeps. ``setup.py`` loads this module by
its path while building, so it uses the standard library only and imports
nothing from grader.

A challenge folder built this way has a ``[hidden_tests]`` table in its
``challenge.toml``; ``grader.challenges`` loads it as public-only.
"""

from __future__ import annotations

import ast
import json
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

MARKER = "hidden_tests"  # the table a public-only challenge.toml carries: count, points
PUBLIC_FILES = ("challenge.toml", "statement.md", "helpers.py")  # helpers.py: see grader.challenges
PUBLIC_FOLDERS = (("starter",), ("tests", "public"))
_HEADER = (
    "# The public part of this challenge, as grader's build writes it: its hidden tests and\n"
    "# solutions are not in this pack. [hidden_tests] says how many hidden tests there are.\n\n"
)
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def is_public(rel: PurePosixPath) -> bool:
    """Whether the file at ``rel`` (relative to a pack folder) may ship to candidates: the
    pack's ``__init__.py``, and in each challenge folder its metadata, statement, helpers
    (which the public tests import), starter and public tests; never a compiled file or
    anything else."""
    parts = rel.parts
    if "__pycache__" in parts or rel.suffix in (".pyc", ".pyo"):
        return False
    if len(parts) == 1:
        return parts[0] == "__init__.py"
    inside = parts[1:]
    if len(inside) == 1:
        return inside[0] in PUBLIC_FILES
    return any(inside[: len(folder)] == folder for folder in PUBLIC_FOLDERS)


def test_names(source: bytes, filename: str = "<test file>") -> list[str]:
    """The test functions of a test file's source, as the harness names them (``test_x``,
    ``TestC::test_y``); ``SyntaxError`` when it is not Python."""
    tree = ast.parse(source, filename=filename)
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
            names.append(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name.startswith("test"):
                    names.append(f"{node.name}::{item.name}")
    return names


def public_metadata(meta_text: str, hidden_names: Sequence[str]) -> str:
    """``challenge.toml`` without its hidden tests' tables (names, rubric lines, points), its
    equivalent mutants and its comments, with a ``[hidden_tests]`` table of their number and
    points instead. Text that is already public comes back as it is. ``ValueError`` when the
    result would not read back as exactly that."""
    data = tomllib.loads(meta_text)
    if MARKER in data and not hidden_names:
        return meta_text
    if MARKER in data:
        raise ValueError(f"has a [{MARKER}] table and hidden tests too")
    scoring = data.get("scoring", {})
    default = scoring.get("points", 1) if isinstance(scoring, dict) else 1
    overrides = data.get("tests", {})
    if not isinstance(overrides, dict):
        raise ValueError("[tests] must be a table")
    points = 0.0
    for name in hidden_names:
        extra = overrides.get(name, {})
        value = extra.get("points", default) if isinstance(extra, dict) else default
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValueError(f"[tests.{name}] points must be a number")
        points += float(value)
    # The equivalent mutants describe the reference solution: hidden material too.
    public = {key: value for key, value in data.items() if key not in ("tests", "equivalent_mutants")}
    kept = {name: value for name, value in overrides.items() if name not in set(hidden_names)}
    if kept:
        public["tests"] = kept
    public[MARKER] = {"count": len(hidden_names), "points": points}
    text = _HEADER + dump_toml(public)
    if tomllib.loads(text) != public:
        raise ValueError("cannot be written back exactly without its hidden tests")
    return text


def dump_toml(data: Mapping[str, Any]) -> str:
    """``data`` (strings, numbers, booleans, arrays of those, nested tables) as TOML text."""
    lines: list[str] = []
    _table(data, (), lines)
    return "\n".join(lines).strip() + "\n"


def _table(data: Mapping[str, Any], path: tuple[str, ...], lines: list[str]) -> None:
    values = {k: v for k, v in data.items() if not isinstance(v, Mapping)}
    tables = {k: v for k, v in data.items() if isinstance(v, Mapping)}
    if path and (values or not tables):
        lines.extend(["", "[" + ".".join(_key(p) for p in path) + "]"])
    lines.extend(f"{_key(k)} = {_value(v)}" for k, v in values.items())
    for key, table in tables.items():
        _table(table, (*path, key), lines)


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _string(text: str) -> str:
    # JSON's escapes are TOML's, but for the surrogate pairs ensure_ascii would write and DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} has no place in a challenge.toml")
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise ValueError(f"a {type(value).__name__} cannot be written as TOML here")
