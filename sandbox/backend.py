"""The backend interface: run challenges in isolation and give back validated outcomes.

A backend receives ``ChallengeRun`` requests (bytes in: the candidate's file,
the test files, limits) and returns one ``RunOutcome`` per run, built only from
protocol records it parsed and validated (``sandbox.protocol``) and from what
it observed itself (exit status, time). Scoring happens elsewhere (``grader``).

All runs of one submission go to one *session*: one supervisor process
(``sandbox.harness.supervisor``) inside the backend's boundary, which imports
the stack once and forks a child per challenge and phase (public tests, then
hidden tests). A backend only has to start the supervisor with the session on
its stdin and hand back what it wrote on stdout (``run_session``); framing,
validation and the merging of phases happen here, the same for every backend.
"""

from __future__ import annotations

import abc
import json
import math
import secrets
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, get_args

from sandbox.protocol import FRAME_PREFIX, Job, parse_records

if TYPE_CHECKING:
    from sandbox.pycs import PycStore

RECORD_CAP = 4 * 1024 * 1024  # bytes of records one job may write
STARTUP_ALLOWANCE = 30.0  # seconds a session may take beyond its jobs' limits (start, imports)

Ended = Literal["completed", "timeout", "crashed", "output_limit", "failed_to_start", "oom"]
ENDED: tuple[str, ...] = get_args(Ended)


@dataclass(frozen=True)
class ChallengeRun:
    """One challenge to run against one solution."""

    challenge_id: str
    solution: bytes
    test_files: tuple[tuple[str, bytes], ...]  # ("public/test_x.py", content), ...
    requires: tuple[str, ...]
    time_limit: float
    test_timeout: float
    binds: tuple[str, ...] = ()
    canary: str = ""  # the run-specific name of its canary tests, when it has them


@dataclass(frozen=True)
class TestRecord:
    """One test item's outcome as the harness reported it (already validated)."""

    __test__ = False

    name: str
    visibility: str
    case: str
    status: str
    message: str
    details: str
    duration: float
    line: int | None
    output: str


@dataclass(frozen=True)
class RunOutcome:
    """What came back from running one challenge."""

    challenge_id: str
    ended: Ended
    duration: float
    exit_code: int | None = None
    network_isolated: bool = False
    imported: bool = False  # the harness finished importing the solution (and said how it went)
    import_ok: bool = False
    import_message: str = ""
    import_output: str = ""
    missing_names: tuple[str, ...] = ()
    collect_errors: tuple[tuple[str, str], ...] = ()
    tests: tuple[TestRecord, ...] = ()
    last_started: tuple[str, str] | None = None  # (visibility, name) of the test running last
    stderr: str = ""
    rejected_records: int = 0
    leftover_processes: int = 0  # processes still running after the run, killed by the sandbox


def outcome_from_stream(
    run: ChallengeRun,
    stdout: bytes,
    nonce: str,
    *,
    ended: Ended,
    duration: float,
    exit_code: int | None,
    stderr: str = "",
) -> RunOutcome:
    """Build a ``RunOutcome`` from the harness's raw stdout (records are parsed and validated)."""
    records, rejected = parse_records(stdout, nonce)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_kind.setdefault(record["kind"], []).append(record)
    ready = by_kind.get("ready", [])
    imported = by_kind.get("import", [])
    starts = by_kind.get("start", [])
    if ended == "completed" and not by_kind.get("done"):
        ended = "crashed" if ready else "failed_to_start"
    imp = imported[0] if imported else None
    return RunOutcome(
        challenge_id=run.challenge_id,
        ended=ended,
        duration=duration,
        exit_code=exit_code,
        network_isolated=bool(ready and ready[0]["network_isolated"]),
        imported=imp is not None,
        import_ok=bool(imp and imp["ok"]),
        import_message=imp["message"] if imp else "",
        import_output=imp["output"] if imp else "",
        missing_names=tuple(imp["missing"]) if imp else (),
        collect_errors=tuple((r["file"], r["message"]) for r in by_kind.get("collect_error", [])),
        tests=tuple(
            TestRecord(
                name=r["name"],
                visibility=r["visibility"],
                case=r["case"],
                status=r["status"],
                message=r["message"],
                details=r["details"],
                duration=r["duration"],
                line=r["line"],
                output=r["output"],
            )
            for r in by_kind.get("test", [])
        ),
        last_started=(starts[-1]["visibility"], starts[-1]["name"]) if starts else None,
        stderr=stderr,
        rejected_records=rejected,
    )


def harness_root() -> Path:
    """The folder that holds the ``sandbox`` package, for the harness's ``sys.path``."""
    return Path(__file__).resolve().parent.parent


HARNESS_FILES = ("__init__.py", "protocol.py", "harness")  # what runs inside a sandbox


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
    phase: str
    job: Job


@dataclass
class Session:
    """What one supervisor runs: a job per challenge and phase, as bytes for its stdin."""

    nonce: str
    parts: dict[int, _Part]
    payload: bytes
    wall_limit: float
    record_cap: int

    @classmethod
    def build(
        cls,
        runs: Sequence[ChallengeRun],
        *,
        work: str,
        parallel: int,
        clean_all: bool,
        job_options: Callable[[ChallengeRun], dict[str, Any]] = lambda _run: {},
        record_cap: int = RECORD_CAP,
    ) -> Session:
        """A session for ``runs``; ``work`` is the writable folder as the supervisor sees it."""
        parts: dict[int, _Part] = {}
        specs: list[dict[str, Any]] = []
        blobs: list[bytes] = []
        for slot, run in enumerate(runs):
            for phase in ("public", "hidden"):
                tests = [(rel, data) for rel, data in run.test_files if rel.startswith(f"{phase}/")]
                if not tests:
                    continue
                job = Job(
                    challenge_id=run.challenge_id,
                    nonce=secrets.token_hex(16),
                    requires=run.requires,
                    test_timeout=run.test_timeout,
                    binds=run.binds,
                    **job_options(run),
                )
                index = len(parts)
                parts[index] = _Part(slot, run, phase, job)
                files = [("solution/solution.py", run.solution)] + [(f"tests/{r}", d) for r, d in tests]
                specs.append(
                    {
                        "index": index,
                        "phase": phase,
                        "time_limit": run.time_limit,
                        "record_cap": record_cap,
                        "job": json.loads(job.to_json()),
                        "files": [[rel, len(data)] for rel, data in files],
                    }
                )
                blobs.extend(data for _rel, data in files)
        nonce = secrets.token_hex(16)
        header = {"nonce": nonce, "parallel": parallel, "clean_all": clean_all, "work": work, "jobs": specs}
        payload = json.dumps(header).encode() + b"\n" + b"".join(blobs)
        limits = [p.run.time_limit for p in parts.values()]
        wall = (sum(limits) / max(parallel, 1) + max(limits, default=0.0)) + STARTUP_ALLOWANCE
        return cls(nonce, parts, payload, math.ceil(wall), record_cap)

    @property
    def stream_cap(self) -> int:
        """The most bytes a well-behaved supervisor can write for this session."""
        return len(self.parts) * (self.record_cap + 4096)


@dataclass
class SessionResult:
    """What a backend observed of one supervisor run."""

    ended: Ended  # "completed" when the supervisor exited by itself
    stderr: str = ""


class FrameReader:
    """Splits the supervisor's stdout into validated frames, fed as bytes arrive."""

    def __init__(self, session: Session, on_frame: Callable[[int, dict[str, Any], bytes], None]) -> None:
        self.session = session
        self.on_frame = on_frame
        self.prefix = f"{FRAME_PREFIX}{session.nonce} ".encode()
        self.buffer = bytearray()
        self.header: dict[str, Any] | None = None
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
                    if len(self.buffer) > 4096:
                        self.broken = True
                    return
                line = bytes(self.buffer[:end])
                del self.buffer[: end + 1]
                self.header = self._validate(line)
                if self.header is None:
                    self.broken = True
                    return
            size = self.header["size"]
            if len(self.buffer) < size:
                return
            payload = bytes(self.buffer[:size])
            del self.buffer[:size]
            header, self.header = self.header, None
            self.seen.add(header["index"])
            self.on_frame(header["index"], header, payload)

    def _validate(self, line: bytes) -> dict[str, Any] | None:
        if not line.startswith(self.prefix) or len(line) > 4096:
            return None
        try:
            data = json.loads(line[len(self.prefix) :])
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        index, ended, duration = data.get("index"), data.get("ended"), data.get("duration")
        exit_code, size = data.get("exit_code"), data.get("size")
        if type(index) is not int or index not in self.session.parts or index in self.seen:
            return None
        if ended not in ENDED or type(size) is not int or not 0 <= size <= self.session.record_cap:
            return None
        if not isinstance(duration, int | float) or isinstance(duration, bool) or not 0 <= duration < 1e6:
            return None
        if exit_code is not None and type(exit_code) is not int:
            return None
        leftover = data.get("leftover", 0)
        if type(leftover) is not int or leftover < 0:
            return None
        return {
            "index": index,
            "ended": ended,
            "duration": float(duration),
            "exit_code": exit_code,
            "size": size,
            "leftover": leftover,
        }


def merge_phases(outcomes: Sequence[RunOutcome]) -> RunOutcome:
    """One challenge's outcome from its public and hidden phases (in that order)."""
    first = outcomes[0]
    if len(outcomes) == 1:
        return first
    abnormal = [o for o in outcomes if o.ended != "completed"]
    last = abnormal[0] if abnormal else outcomes[-1]
    reported = [o for o in outcomes if o.imported or o.tests or o.ended == "completed"]
    return replace(
        first,
        ended=last.ended,
        duration=sum(o.duration for o in outcomes),
        exit_code=last.exit_code,
        network_isolated=all(o.network_isolated for o in outcomes),
        # A phase that never got to report (not run after its public phase gave up) says
        # nothing about the import.
        imported=all(o.imported for o in reported) if reported else False,
        import_ok=all(o.import_ok for o in reported) if reported else False,
        import_message=next((o.import_message for o in outcomes if o.import_message), ""),
        collect_errors=tuple(c for o in outcomes for c in o.collect_errors),
        tests=tuple(t for o in outcomes for t in o.tests),
        last_started=last.last_started,
        rejected_records=sum(o.rejected_records for o in outcomes),
        leftover_processes=sum(o.leftover_processes for o in outcomes),
    )


class Backend(abc.ABC):
    """Runs challenges in isolation. Subclasses implement ``run_session``."""

    name: ClassVar[str]

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = max(1, jobs or 1)
        # Where the backend keeps its test modules' pycs (sandbox.pycs), if it can make them.
        self.pycs: PycStore | None = None

    @property
    def network_cut_off(self) -> bool:
        """The boundary itself has no network (else each harness reports whether it cut it)."""
        return False

    @property
    @abc.abstractmethod
    def isolation(self) -> str:
        """A short description of the isolation this backend gives (for reports)."""

    @property
    def details(self) -> dict[str, Any]:
        """Facts about the backend for the results (image id, runtime, ...)."""
        return {}

    def prestart(self) -> None:  # noqa: B027 - starting early is an option, not a duty
        """Start the boundary for the next session ahead of it, where the backend can."""

    def close(self) -> None:  # noqa: B027 - most backends keep nothing, so need not override it
        """Release what the backend keeps between sessions (nothing, unless it says so)."""

    @abc.abstractmethod
    def run_session(
        self, runs: Sequence[ChallengeRun], on_frame: Callable[[Session, int, dict[str, Any], bytes], None]
    ) -> tuple[Session, SessionResult]:
        """Start one supervisor for ``runs`` inside the boundary, feed it the session, and
        call ``on_frame`` for each frame as it arrives; never raises for anything the
        candidate's code does."""

    def run(
        self,
        runs: Sequence[ChallengeRun],
        on_done: Callable[[RunOutcome], None] | None = None,
    ) -> list[RunOutcome]:
        """Run every request in one session; outcomes in the order of ``runs``.

        Runs that got no result because the supervisor itself died or hung (code can
        signal its parent where the backend does not prevent it) are run again, each in
        a session of its own, so that one hostile challenge cannot sink its neighbours."""
        if not runs:
            return []
        if self.pycs is not None:
            runs = self.pycs.with_pycs(runs)
        outcomes = self._run_once(runs, on_done)
        if len(runs) > 1:
            for slot, outcome in enumerate(outcomes):
                if outcome is None:
                    outcomes[slot] = self._run_once([runs[slot]], on_done)[0]
        final = []
        for outcome in outcomes:
            assert outcome is not None
            final.append(outcome)
        return final

    def _run_once(
        self, runs: Sequence[ChallengeRun], on_done: Callable[[RunOutcome], None] | None
    ) -> list[RunOutcome | None]:
        lock = threading.Lock()
        phases: list[dict[str, RunOutcome]] = [{} for _ in runs]
        done: list[RunOutcome | None] = [None for _ in runs]
        single = len(runs) == 1

        def expected(session: Session, slot: int) -> list[str]:
            return [p.phase for p in session.parts.values() if p.slot == slot]

        def finish(session: Session, slot: int, result: SessionResult | None) -> None:
            got = phases[slot]
            outcome = merge_phases([got[ph] for ph in expected(session, slot) if ph in got])
            if result is not None:
                outcome = replace(outcome, stderr=result.stderr)
            done[slot] = outcome
            if on_done:
                on_done(outcome)

        def on_frame(session: Session, index: int, header: dict[str, Any], payload: bytes) -> None:
            part = session.parts[index]
            outcome = outcome_from_stream(
                part.run,
                payload,
                part.job.nonce,
                ended=header["ended"],
                duration=header["duration"],
                exit_code=header["exit_code"],
            )
            outcome = replace(outcome, leftover_processes=header["leftover"])
            if self.network_cut_off:
                outcome = replace(outcome, network_isolated=True)
            with lock:
                phases[part.slot][part.phase] = outcome
                if all(ph in phases[part.slot] for ph in expected(session, part.slot)):
                    finish(session, part.slot, None)

        session, result = self.run_session(runs, on_frame)
        any_frame = any(phases)
        final = single or (not any_frame and result.ended != "timeout")
        for slot, run in enumerate(runs):
            if done[slot] is not None:
                continue
            if not final:
                continue  # run again, on its own
            ended: Ended = result.ended
            if ended == "completed":
                ended = "crashed" if any_frame else "failed_to_start"
            for phase in expected(session, slot):
                if phase not in phases[slot]:
                    phases[slot][phase] = RunOutcome(run.challenge_id, ended, 0.0)
            finish(session, slot, result)
        return done
