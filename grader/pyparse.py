"""``ast.parse`` for a process that parses in several threads at once.

CPython 3.11 keeps the AST converter's recursion depth per interpreter, not per thread: two
threads building trees at once (a batch's gradings scanning solutions, planting canaries) can
fail one of them with ``SystemError: AST constructor recursion depth mismatch``. The review
service met it (its similarity and a grading's scan side by side); one lock makes parsing
one-at-a-time, which costs nothing measurable beside a grading.
"""

from __future__ import annotations

import ast
import threading

LOCK = threading.Lock()  # also held while the scan changes the process-wide warnings filters


def parse(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse(source, filename)``, one thread at a time."""
    with LOCK:
        return ast.parse(source, filename=filename)
