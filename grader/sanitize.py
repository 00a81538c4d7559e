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
import re
from dataclasses import fields, is_dataclass, replace
from enum import Enum
from typing import Any, TypeVar, cast

_T = TypeVar("_T")

# Anything ``clean`` changes; most text holds none of it and is returned as it is.
_NEEDS_WORK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
# Whole terminal sequences (ECMA-48), so that no "[2K" is left behind when ESC goes:
# CSI (cursor movement, erase, colour) up to its final byte; OSC, DCS, SOS, PM and APC
# strings up to their terminator (BEL or ST), or the end of the line when unterminated;
# every other escape (ESC 7, ESC c, ESC ( B, ...); and the same introduced by C1 bytes.
# Neighbouring character classes do not overlap, so matching stays linear on any input.
_CSI = "[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
_STRING = "[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\\\|\x9c)?"
_TERMINAL = re.compile(
    f"\x1b(?:\\[{_CSI}|[\\]PX^_]{_STRING}|[\x20-\x2f]*[\x30-\x7e]?)|\x9b{_CSI}|[\x90\x98\x9d-\x9f]{_STRING}"
)
# Control characters but tab and newline, C1 controls, and the bidirectional embeddings,
# overrides and isolates ("Trojan source" reordering).
_DROPPED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_NOT_CHARACTERS = re.compile("[\ufffe\uffff]")  # XML 1.0 cannot carry these two
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def clean(text: str) -> str:
    """``text`` as any writer can carry it and any terminal shows it as written.

    Lone surrogates become U+FFFD (a valid pair becomes its character), terminal
    escape sequences and bidirectional controls are removed, a carriage return
    becomes a line break, and every other control character but tab and newline
    is removed.
    """
    if not _NEEDS_WORK.search(text):
        return text
    if _SURROGATE.search(text):
        text = _PAIR.sub(_joined, text)
        text = _SURROGATE.sub(REPLACEMENT, text)
    text = _TERMINAL.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _DROPPED.sub("", text)
    return _NOT_CHARACTERS.sub(REPLACEMENT, text)


def _joined(pair: re.Match[str]) -> str:
    return pair.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le")


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
