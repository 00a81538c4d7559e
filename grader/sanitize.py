"""Text that came from a submission, made safe to show anywhere.

Candidate code chooses the text of its exceptions, what it prints and the
names of its files, so any of it may hold lone surrogates (which no UTF-8
writer accepts), NULs and other control characters (which XML cannot carry),
terminal escape sequences (which move the cursor and erase lines on a
reviewer's terminal) or bidirectional overrides (which reorder what is shown).
The sandbox's protocol cleans what it passes on; the report writers clean
again (``cleaned``) so that no text, whatever its way in, breaks a report or
redraws a screen.
"""

from __future__ import annotations

import os
from dataclasses import fields, is_dataclass, replace
from enum import Enum
from typing import Any, TypeVar, cast

from sandbox.wire import clean_text

_T = TypeVar("_T")

def clean(text: str) -> str:
    """``text`` as any writer can carry it and any terminal shows it as written (the wire's
    own cleaning, ``sandbox.wire.clean_text``, without its length cap): lone surrogates
    become U+FFFD, terminal escape sequences and bidirectional controls are removed, a
    carriage return becomes a line break, every other control but tab and newline goes."""
    return clean_text(text, limit=None)


def one_line(text: str, limit: int = 300) -> str:
    """``text`` cleaned, on one line (runs of white space made one space), cut to ``limit`` characters."""
    flat = " ".join(clean(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def exception_line(exc: BaseException) -> str:
    """An exception as one clean line: its type and message."""
    return one_line(f"{type(exc).__name__}: {exc}")


def file_name(name: str) -> str:
    """A file name from ``os.listdir`` as a reviewer should read it: bytes that are not UTF-8
    shown as ``\\xff``, control and other invisible characters as their escapes."""
    try:
        text = os.fsencode(name).decode("utf-8", "backslashreplace")
    except UnicodeError:  # a surrogate no file system gave: show every odd character escaped
        return ascii(name)[1:-1]
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def cleaned(value: _T) -> _T:
    """``value`` with ``clean`` applied to every string in it: frozen dataclasses, tuples,
    lists and dicts are rebuilt, enums and other values kept as they are."""
    return cast(_T, _walk(value, {}))


def _walk(value: Any, seen: dict[str, str]) -> Any:
    if isinstance(value, Enum):  # a StrEnum is a str: keep the member
        return value
    if isinstance(value, str):
        if value not in seen:  # the same message often stands in several places: clean it once
            seen[value] = clean(value)
        return seen[value]
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _walk(getattr(value, f.name), seen) for f in fields(value) if f.init}
        return replace(value, **changes)
    if type(value) is tuple:
        return tuple(_walk(v, seen) for v in value)
    if type(value) is list:
        return [_walk(v, seen) for v in value]
    if type(value) is dict:
        return {_walk(k, seen): _walk(v, seen) for k, v in value.items()}
    return value


def counted(n: int, word: str, plural: str = "") -> str:
    """``n`` and ``word``, plural when ``n`` is not 1: "1 challenge", "2 challenges"."""
    return f"{n} {word if n == 1 else plural or word + 's'}"
