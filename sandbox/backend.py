"""The backend interface: run challenges in isolation and give back checked outcomes.

A backend receives ``ChallengeRun`` requests (bytes in: the candidate's file,
each phase's test files, the tests the host expects in order, the limits) and
returns one ``ChallengeOutcome`` per run, built only from what crossed the
wire (``sandbox.wire``), read against what the host expected, and from what
it observed itself (how the process ended, its duration). Scoring happens
elsewhere (``grader``).

All runs of one submission go to one *session*: one supervisor process
(``sandbox.harness.supervisor``) inside the backend's boundary, which imports
the stack once and forks a child per challenge and phase (public tests, then
hidden tests). A backend only has to start the supervisor with the session on
its stdin and hand back what it writes on its stdout (``run_session``); the
session, the frames, the transcripts, the phases and the retries are handled
here, the same for every backend (the fake one included).
"""

from __future__ import annotations

import abc
import math
import secrets
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, ClassVar, Self

from sandbox.limits import SandboxLimits
from sandbox.wire import (
    Canary,
    Ended,
    Expected,
    FileEntry,
    FrameHeader,
    Job,
    JobSpec,
    SessionHeader,
    Test,
    Transcript,
    Visibility,
    WireError,
    read_transcript,
    settle,
)

if TYPE_CHECKING:
    from sandbox.pycs import PycStore

RECORD_CAP = 4 * 1024 * 1024  # bytes of records one job may write
Feed = Callable[[bytes], None]


class Cancelled(Exception):
    """The backend was stopped (``Backend.cancel``) before it could finish the runs."""


@dataclass(frozen=True)
class PhaseRun:
    """One phase of a challenge: its files (test modules by name, their pycs under
    ``__pycache__/``), the tests the host expects it to run, in order (canaries
    included), and the canaries the harness adds."""

    phase: Visibility
    files: tuple[tuple[str, bytes], ...]
    expected: tuple[Expected, ...]
    canaries: tuple[Canary, ...] = ()

    def test_modules(self) -> list[str]:
        """The names of the test files (not their pycs, not the challenge's ``helpers.py``)."""
        return [
            name
            for name, _data in self.files
            if "/" not in name and name.startswith("test_") and name.endswith(".py")
        ]


@dataclass(frozen=True)
class ChallengeRun:
    """One challenge to run against one solution: its phases, in order."""

    challenge_id: str
    solution: bytes
    phases: tuple[PhaseRun, ...]
    requires: tuple[str, ...]
    time_limit: float
    test_timeout: float
    binds: tuple[str, ...] = ()
    import_timeout: float = 10.0  # the import of solution.py, within time_limit
    stop_first: bool = False  # stop each phase at its first test that does not pass (``Job.stop_first``)
    first: tuple[str, ...] = ()  # tests to run first (``Job.first``); each phase's ``expected`` agrees
    real_ddl: bool = False


@dataclass(frozen=True)
class PhaseOutcome:
    """What came back from one phase: its transcript and how its process ended."""

    phase: Visibility
    transcript: Transcript
    duration: float = 0.0
    exit_code: int | None = None
    leftover: int = 0  # processes it left running, which the sandbox killed

    @property
    def ended(self) -> Ended:
        return self.transcript.ended


@dataclass(frozen=True)
class ChallengeOutcome:
    """What came back from running one challenge: one outcome per phase, in order."""

    challenge_id: str
    phases: tuple[PhaseOutcome, ...]
    stderr: str = ""  # the sandbox's own error output, when the session failed

    @property
    def ended(self) -> Ended:
        """How the challenge ended: the first phase that did not complete decides."""
        return next((p.ended for p in self.phases if p.ended is not Ended.COMPLETED), Ended.COMPLETED)

    @property
    def duration(self) -> float:
        return sum(p.duration for p in self.phases)

    @property
    def exit_code(self) -> int | None:
        decisive = next((p for p in self.phases if p.ended is not Ended.COMPLETED), None)
        return (decisive or self.phases[-1]).exit_code if self.phases else None

    @property
    def leftover(self) -> int:
        return sum(p.leftover for p in self.phases)

    @property
    def network_isolated(self) -> bool:
        reported = [p for p in self.phases if p.transcript.imported is not None]
        return bool(reported) and all(p.transcript.network_isolated for p in reported)

    def tests(self) -> list[tuple[Visibility, Test]]:
        """Every test record, with its phase."""
        return [(p.phase, t) for p in self.phases for t in p.transcript.tests]

    def phase(self, phase: Visibility) -> PhaseOutcome | None:
        return next((p for p in self.phases if p.phase == phase), None)


def harness_root() -> Path:
    """The folder that holds the ``sandbox`` package, for the harness's ``sys.path``."""
    return Path(__file__).resolve().parent.parent


HARNESS_FILES = ("__init__.py", "wire.py", "harness")  # what runs inside a sandbox


def harness_files() -> list[tuple[str, bytes]]:
    """The harness's sources as ``(path under harness_root(), content)``: what a sandbox that
    must not see the project (an image, a bwrap bind) gets instead of it."""
    root = harness_root() / "sandbox"
    files: list[tuple[str, bytes]] = []
    for name in HARNESS_FILES:
        path = root / name
        for p in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            files.append((str(p.relative_to(root.parent)), p.read_bytes()))
    return files


def python_executable() -> str:
    """The interpreter the harness runs under on the local backend (the grader's own)."""
    return sys.executable


@dataclass(frozen=True)
class _Part:
    slot: int  # the run's position in the session's runs
    run: ChallengeRun
    phase: PhaseRun
    nonce: str


@dataclass
class Session:
    """What one supervisor runs: a job per challenge and phase, as bytes for its stdin."""

    nonce: str
    parts: dict[int, _Part]
    payload: bytes
    wall_limit: float
    record_cap: int
    work: str  # the writable folder, as the supervisor sees it

    @classmethod
    def build(
        cls,
        runs: Sequence[ChallengeRun],
        *,
        work: str,
        parallel: int,
        clean_all: bool,
        job_options: Callable[[ChallengeRun], dict[str, object]] = lambda _run: {},
        record_cap: int = RECORD_CAP,
        startup: float = 30.0,
    ) -> Session:
        """A session for ``runs``; ``work`` is the writable folder as the supervisor sees it.
        Public phases come first: the supervisor runs every public job before any hidden one."""
        parts: dict[int, _Part] = {}
        specs: list[JobSpec] = []
        blobs: list[bytes] = []
        ordered = [(slot, run, p) for slot, run in enumerate(runs) for p in run.phases]
        ordered.sort(key=lambda item: item[2].phase != "public")
        for slot, run, phase in ordered:
            job = Job(
                challenge_id=run.challenge_id,
                phase=phase.phase,
                nonce=secrets.token_hex(16),
                requires=run.requires,
                test_timeout=run.test_timeout,
                import_timeout=run.import_timeout,
                binds=run.binds,
                real_ddl=run.real_ddl,
                canaries=phase.canaries,
                stop_first=run.stop_first,
                first=run.first,
                **job_options(run),  # type: ignore[arg-type]
            )
            index = len(parts)
            parts[index] = _Part(slot, run, phase, job.nonce)
            files = [("solution/solution.py", run.solution)]
            files += [(f"tests/{phase.phase}/{name}", data) for name, data in phase.files]
            specs.append(
                JobSpec(index, run.time_limit, record_cap, job, tuple(FileEntry(p, len(d)) for p, d in files))
            )
            blobs.extend(data for _path, data in files)
        nonce = secrets.token_hex(16)
        header = SessionHeader(nonce, parallel, clean_all, work, tuple(specs))
        payload = header.encode() + b"".join(blobs)
        limits = [p.run.time_limit for p in parts.values()]
        wall = (sum(limits) / max(parallel, 1) + max(limits, default=0.0)) + startup
        return cls(nonce, parts, payload, math.ceil(wall), record_cap, work)

    @property
    def stream_cap(self) -> int:
        """The most bytes a well-behaved supervisor can write for this session."""
        return len(self.parts) * (self.record_cap + 4096)


@dataclass
class SessionResult:
    """What a backend observed of one supervisor run."""

    ended: Ended  # COMPLETED when the supervisor exited by itself
    stderr: str = ""


class FrameReader:
    """Splits the supervisor's stdout into frames, fed as bytes arrive; each valid frame's
    job is read into a ``PhaseOutcome`` and handed to ``on_phase``. The first malformed
    byte ends the reading: nothing after it is believed."""

    def __init__(self, session: Session, on_phase: Callable[[_Part, PhaseOutcome], None]) -> None:
        self.session = session
        self.on_phase = on_phase
        self.buffer = bytearray()
        self.header: FrameHeader | None = None
        self.broken = False
        self.seen: set[int] = set()

    def feed(self, data: bytes) -> None:
        if self.broken:
            return
        self.buffer += data
        while not self.broken:
            if self.header is None:
                end = self.buffer.find(b"\n")
                if end < 0:
                    self.broken = len(self.buffer) > 4096
                    return
                line = bytes(self.buffer[:end])
                del self.buffer[: end + 1]
                try:
                    header = FrameHeader.decode(line, self.session.nonce, record_cap=self.session.record_cap)
                except WireError:
                    self.broken = True
                    return
                if header.index not in self.session.parts or header.index in self.seen:
                    self.broken = True
                    return
                self.header = header
            size = self.header.size
            if len(self.buffer) < size:
                return
            payload = bytes(self.buffer[:size])
            del self.buffer[:size]
            header, self.header = self.header, None
            self.seen.add(header.index)
            part = self.session.parts[header.index]
            transcript = read_transcript(
                payload,
                part.nonce,
                part.phase.expected,
                part.phase.test_modules(),
                header.ended,
                stop_first=part.run.stop_first,
            )
            self.on_phase(
                part,
                PhaseOutcome(
                    part.phase.phase, transcript, header.duration, header.exit_code, header.leftover
                ),
            )


@dataclass
class _Collected:
    """The phases that came back for each run of a session, and the runs that are done."""

    runs: Sequence[ChallengeRun]
    phases: list[dict[str, PhaseOutcome]] = field(default_factory=list)
    done: list[ChallengeOutcome | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.phases = [{} for _ in self.runs]
        self.done = [None for _ in self.runs]

    def complete(self, slot: int) -> bool:
        return all(p.phase in self.phases[slot] for p in self.runs[slot].phases)

    def outcome(self, slot: int, stderr: str = "") -> ChallengeOutcome:
        run = self.runs[slot]
        got = self.phases[slot]
        return ChallengeOutcome(
            run.challenge_id, tuple(got[p.phase] for p in run.phases if p.phase in got), stderr
        )


class Backend(abc.ABC):
    """Runs challenges in isolation. Subclasses implement ``run_session``; a backend is a
    context manager, closed (its processes and containers gone) when the block ends."""

    name: ClassVar[str]

    def __init__(self, jobs: int | None = None, limits: SandboxLimits | None = None) -> None:
        self.jobs = max(1, jobs or 1)
        self.limits = limits or SandboxLimits()
        # Where the backend keeps its test modules' pycs (sandbox.pycs), if it can make them.
        self.pycs: PycStore | None = None
        self._cancelled = threading.Event()
        self._stops: dict[int, Callable[[], None]] = {}
        self._stops_lock = threading.Lock()

    def cancel(self) -> None:
        """Stop now: kill every running session (its processes or container) and refuse
        new ones; ``run`` raises ``Cancelled`` instead of returning what a killed
        session left. For Ctrl-C on a batch, which must not wait for a time limit."""
        self._cancelled.set()
        with self._stops_lock:
            stops = list(self._stops.values())
        for stop in stops:
            stop()

    @property
    def cancelled(self) -> bool:
        """Whether ``cancel`` was called."""
        return self._cancelled.is_set()

    @contextmanager
    def stoppable(self, stop: Callable[[], None]) -> Iterator[None]:
        """Within the block, ``cancel`` calls ``stop`` (which kills the session running in it);
        at once if the backend is already cancelled."""
        key = id(stop)
        with self._stops_lock:
            self._stops[key] = stop
        try:
            if self.cancelled:
                stop()
            yield
        finally:
            with self._stops_lock:
                self._stops.pop(key, None)

    @property
    def network_cut_off(self) -> bool:
        """The boundary itself has no network (else each harness reports whether it cut it)."""
        return False

    @property
    @abc.abstractmethod
    def isolation(self) -> str:
        """A short description of the isolation this backend gives (for reports)."""

    @property
    def details(self) -> dict[str, object]:
        """Facts about the backend for the results (image id, runtime, ...)."""
        return {}

    def prestart(self) -> None:  # noqa: B027 - starting early is an option, not a duty
        """Start the boundary for the next session ahead of it, where the backend can."""

    def close(self) -> None:  # noqa: B027 - most backends keep nothing, so need not override it
        """Release what the backend keeps between sessions (nothing, unless it says so)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def build_session(self, runs: Sequence[ChallengeRun]) -> Session:
        """The session for ``runs`` as this backend's supervisor will see it."""
        return Session.build(
            runs,
            work="/tmp/work",
            parallel=self.jobs,
            clean_all=True,
            job_options=lambda run: {"rlimits": self.limits.rlimits(run.time_limit)},
            startup=self.limits.startup_s,
        )

    @abc.abstractmethod
    def run_session(self, session: Session, feed: Feed) -> SessionResult:
        """Start one supervisor inside the boundary, give it ``session.payload`` on its
        stdin, and pass what it writes on stdout to ``feed`` as it arrives, at most
        ``session.stream_cap`` bytes; kill it at ``session.wall_limit``. Never raises for
        anything the candidate's code does."""

    def run(
        self,
        runs: Sequence[ChallengeRun],
        on_done: Callable[[ChallengeOutcome], None] | None = None,
    ) -> list[ChallengeOutcome]:
        """Run every request in one session; outcomes in the order of ``runs``.

        Runs that got no result because the supervisor itself died or hung (code can
        signal its parent where the backend does not prevent it) are run again, each in
        a session of its own, so that one hostile challenge cannot sink its neighbours.
        ``Cancelled`` when the backend is cancelled before or while they run."""
        if not runs:
            return []
        if self.pycs is not None:
            runs = self.pycs.with_pycs(runs)
        outcomes = self._run_once(runs, on_done)
        if len(runs) > 1:
            for slot, outcome in enumerate(outcomes):
                if outcome is None:
                    outcomes[slot] = self._run_once([runs[slot]], on_done)[0]
        return [o for o in outcomes if o is not None]

    def _run_once(
        self, runs: Sequence[ChallengeRun], on_done: Callable[[ChallengeOutcome], None] | None
    ) -> list[ChallengeOutcome | None]:
        if self.cancelled:
            raise Cancelled("the grading was stopped")
        lock = threading.Lock()
        collected = _Collected(runs)

        def finish(slot: int, stderr: str = "") -> None:
            outcome = collected.outcome(slot, stderr)
            collected.done[slot] = outcome
            if on_done:
                on_done(outcome)

        def on_phase(part: _Part, outcome: PhaseOutcome) -> None:
            with lock:
                collected.phases[part.slot][part.phase.phase] = outcome
                if collected.complete(part.slot):
                    finish(part.slot)

        session = self.build_session(runs)
        reader = FrameReader(session, on_phase)
        result = self.run_session(session, reader.feed)
        if self.cancelled:  # what a killed session left is no grading
            raise Cancelled("the grading was stopped")
        any_frame = any(collected.phases)
        final = len(runs) == 1 or (not any_frame and result.ended is not Ended.TIMEOUT)
        for slot, run in enumerate(runs):
            if collected.done[slot] is not None or not final:
                continue  # done, or to be run again on its own
            # The supervisor ended before this run's phases all reported: they end as it did.
            ended = settle(result.ended, started=any_frame, finished=False)
            for phase in run.phases:
                if phase.phase not in collected.phases[slot]:
                    collected.phases[slot][phase.phase] = PhaseOutcome(phase.phase, Transcript(ended))
            finish(slot, result.stderr)
        return collected.done
