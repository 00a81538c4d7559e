"""The pycs of challenge test modules, kept on the host per sandbox (see ``sandbox.harness.precompile``).

A backend makes them with a run that executes no candidate code, for the test
files it has not seen yet, and adds each one beside its test file in the runs
it is given (``tests/<phase>/__pycache__/<name><tail>``), where pytest finds
it. They are kept in memory and in the user's cache folder, per sandbox (an
image id, or the local interpreter), keyed by the source's SHA-256. A pyc that
does not fit (another Python or pytest) is ignored by pytest, which then
rewrites the module as it would have anyway.

Nothing a sandbox that ran candidate code returns is ever kept: a candidate
must not be able to put code into another submission's runs.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from sandbox.backend import ChallengeRun, PhaseRun

Produce = Callable[[list[bytes]], tuple[str, list[bytes]]]


def cache_root() -> Path:
    """Where the grader keeps what it can make again (wheels, pycs): the one place that
    reads ``XDG_CACHE_HOME``, for callers that were not given a folder."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "grader"


class PycStore:
    """Pycs for one sandbox, made by ``produce`` (sources in, pytest's pyc tail and pycs out)."""

    def __init__(
        self,
        namespace: str | Callable[[], str],
        produce: Produce,
        *,
        cache: Path | None = None,
        folder: Path | None = None,
    ) -> None:
        self.namespace = namespace  # or what computes it, when first needed
        self.cache = cache  # the cache root: the pycs go in a folder of it named after the namespace
        self._folder = folder
        self.produce = produce
        self._lock = threading.Lock()
        self._kept: dict[str, bytes] = {}
        self._given_up: set[str] = set()  # sources a run failed to compile: not asked again
        self._tail: str | None = None

    @property
    def folder(self) -> Path:
        if self._folder is None:
            namespace = self.namespace if isinstance(self.namespace, str) else self.namespace()
            key = hashlib.sha256(namespace.encode()).hexdigest()[:16]
            self._folder = (self.cache or cache_root()) / "pycs" / key
        return self._folder

    def with_pycs(self, runs: Sequence[ChallengeRun]) -> list[ChallengeRun]:
        """``runs`` with a pyc beside each test module that has one (made now if need be)."""
        sources = {
            hashlib.sha256(data).hexdigest(): data
            for run in runs
            for phase in run.phases
            for name, data in phase.files
            if name in phase.test_modules()
        }
        if not sources:
            return list(runs)
        with self._lock:
            found = self._lookup(sources)
        if found is None:
            return list(runs)
        tail, pycs = found
        return [
            replace(run, phases=tuple(self._add(phase, tail, pycs) for phase in run.phases)) for run in runs
        ]

    @staticmethod
    def _add(phase: PhaseRun, tail: str, pycs: dict[str, bytes]) -> PhaseRun:
        extra = []
        for name in phase.test_modules():
            data = dict(phase.files)[name]
            pyc = pycs.get(hashlib.sha256(data).hexdigest())
            if pyc:
                extra.append((f"__pycache__/{Path(name).stem}{tail}", pyc))
        return replace(phase, files=phase.files + tuple(extra)) if extra else phase

    def _lookup(self, sources: dict[str, bytes]) -> tuple[str, dict[str, bytes]] | None:
        if self._tail is None:
            try:
                self._tail = (self.folder / "tail").read_text(encoding="ascii").strip() or None
            except OSError:
                pass
        missing = [
            d for d in sources if d not in self._kept and d not in self._given_up and not self._load(d)
        ]
        if missing:
            self._given_up.update(missing)  # until made below: one failing run per process, not per grading
            try:
                tail, made = self.produce([sources[d] for d in missing])
            except Exception:  # no pycs: pytest rewrites these modules itself, as it always could
                made, tail = [], self._tail or ""
            if made and len(made) == len(missing) and tail.endswith(".pyc") and "/" not in tail:
                self._tail = tail
                for digest, pyc in zip(missing, made, strict=True):
                    if pyc:
                        self._kept[digest] = pyc
                        self._given_up.discard(digest)
                        self._save(digest, pyc)
                self._save_tail(tail)
        if self._tail is None:
            return None
        return self._tail, {d: self._kept[d] for d in sources if d in self._kept}

    def _load(self, digest: str) -> bool:
        if self._tail is None:
            return False
        try:
            self._kept[digest] = (self.folder / f"{digest}.pyc").read_bytes()
        except OSError:
            return False
        return True

    def _save(self, digest: str, pyc: bytes) -> None:
        self._write(f"{digest}.pyc", pyc)

    def _save_tail(self, tail: str) -> None:
        self._write("tail", tail.encode("ascii"))

    def _write(self, name: str, data: bytes) -> None:
        """Atomically, and never fatally: the cache folder may be read-only."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, self.folder / name)
        except OSError:
            pass
