"""The service's similarity comparison, in a process of its own: ``in_child(pack, challenge
ids, sources)`` runs ``parts_of`` in one long-lived helper process (started on first use,
shared by the service's threads) and gives back ``(parts, seconds)``, a part being what
``SimilarityCache.data`` keeps.

Why a process: the method parses Python with ``ast``, and CPython 3.11's ``ast`` keeps its
recursion depth per interpreter rather than per thread, so two threads parsing at once can
fail one of them with ``SystemError: AST constructor recursion depth mismatch``. The
service grades (and its static scan parses) in worker threads; a comparison in another
thread of the same process failed a grading that way. In a process of its own it cannot.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from grader.challenges import Challenge, load_pack
from grader.similarity import DEFAULTS, Match, Pair, ReferenceMatch, compare

NEAR_MISSES = 20  # unflagged pairs (and matches with a known solution) kept per challenge, most alike first
KEPT_FLAGGED = 1000  # flagged pairs kept per challenge, most alike first (a cohort of copies has many)
T = TypeVar("T")


def parts_of(
    sources: Mapping[str, Mapping[str, str]], pack: Mapping[str, Challenge], challenge_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Compare ``sources`` (``{submission: {challenge id: solution.py}}``) challenge by challenge;
    each challenge's part: its summary, its pairs and its matches with a known solution."""
    report = compare(sources, pack, challenge_ids=list(challenge_ids), settings=DEFAULTS)
    parts: dict[str, dict[str, Any]] = {}
    for summary in report.challenges:
        cid = summary.id
        pairs = [p for p in report.pairs if p.challenge == cid]
        refs = sorted(
            (r for r in report.reference_matches if r.challenge == cid),
            key=lambda r: (not r.flagged, -r.similarity, r.submission),
        )
        parts[cid] = {
            "summary": asdict(summary),
            "pairs": [_pair_json(p) for p in _kept(pairs, lambda p: p.flagged)],
            "references": [_reference_json(r) for r in _kept(refs, lambda r: r.flagged)],
        }
    return parts


def _kept(items: Sequence[T], flagged: Callable[[T], bool]) -> list[T]:
    """The first ``KEPT_FLAGGED`` flagged items and ``NEAR_MISSES`` of the others (items come most
    alike first)."""
    out = [x for x in items if flagged(x)][:KEPT_FLAGGED]
    out.extend([x for x in items if not flagged(x)][:NEAR_MISSES])
    return out


def _matches_json(matches: Sequence[Match]) -> list[list[list[int]]]:
    return [[list(m.a_lines), list(m.b_lines)] for m in matches]


def _pair_json(p: Pair) -> dict[str, Any]:
    return {"a": p.a, "b": p.b, "similarity": p.similarity, "flagged": p.flagged,
            "matches": _matches_json(p.matches)}  # fmt: skip


def _reference_json(r: ReferenceMatch) -> dict[str, Any]:
    return {"submission": r.submission, "similarity": r.similarity, "flagged": r.flagged,
            "solution": r.solution, "matches": _matches_json(r.matches)}  # fmt: skip


_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def in_child(
    pack: Path, challenge_ids: Sequence[str], sources: Mapping[str, Mapping[str, str]]
) -> tuple[dict[str, dict[str, Any]], float]:
    """``parts_of`` run in the helper process (started now if none runs, or again if it died),
    and the CPU seconds it took there (which other load on the machine changes little)."""
    global _POOL
    for attempt in range(2):
        with _POOL_LOCK:
            if _POOL is None:
                # spawn: a fork would copy this process's threads' locks mid-use.
                _POOL = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_follow,
                    initargs=(os.getpid(),),
                )
            pool = _POOL
        try:
            return pool.submit(_run, str(pack), list(challenge_ids), dict(sources)).result()
        except BrokenProcessPool:
            with _POOL_LOCK:
                if _POOL is pool:
                    _POOL = None
            if attempt:
                raise
    raise AssertionError("unreachable")


def _follow(parent: int) -> None:
    """In the helper: end when the service's process does, however it ended (a kill leaves no
    one to shut the pool down, and the helper would wait for work for ever)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="grader-follow-parent", daemon=True).start()


def _run(
    pack: str, challenge_ids: list[str], sources: dict[str, Mapping[str, str]]
) -> tuple[dict[str, dict[str, Any]], float]:
    started = time.process_time()
    parts = parts_of(sources, _pack(pack), challenge_ids)
    return parts, time.process_time() - started


@lru_cache(maxsize=4)
def _pack(path: str) -> dict[str, Challenge]:
    return load_pack(Path(path))
