"""A fake backend for tests: no process, but the real session path.

Like httpx's ``MockTransport``, which implements only ``handle_request``,
``FakeBackend`` implements only ``run_session``: it reads the session bytes as a
supervisor does, asks ``respond`` what each job's harness would write, and
writes real frames of real records back. Session building, frame reading,
transcript checks, phases and retries all run as they do for Docker and the
local backend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sandbox.backend import Backend, Feed, Session, SessionResult
from sandbox.wire import (
    Done,
    Ended,
    Expected,
    FrameHeader,
    Import,
    Job,
    Ready,
    Record,
    SessionHeader,
    Start,
    Test,
    TestStatus,
    Visibility,
    encode_record,
)


@dataclass(frozen=True)
class FakeJob:
    """One job as the fake supervisor received it, and the tests the host expects of it."""

    job: Job
    files: Mapping[str, bytes]
    expected: tuple[Expected, ...]

    @property
    def challenge_id(self) -> str:
        return self.job.challenge_id

    @property
    def phase(self) -> Visibility:
        return self.job.phase

    @property
    def solution(self) -> bytes:
        return self.files["solution/solution.py"]


@dataclass(frozen=True)
class FakeAnswer:
    """What a job's harness wrote and how its process ended. ``stream`` replaces the
    records' bytes when given (to send what no harness would)."""

    records: Sequence[Record] = ()
    ended: Ended = Ended.COMPLETED
    duration: float = 0.01
    exit_code: int | None = 0
    leftover: int = 0
    stream: bytes | None = None


def honest(
    job: FakeJob,
    verdicts: Mapping[str, TestStatus | str] = {},
    *,
    imported: Import = Import(ok=True),  # noqa: B008 - frozen
    message: str = "",
) -> FakeAnswer:
    """The answer of an honest harness: every expected test in order, with the verdict
    ``verdicts`` gives it (passed by default), canaries as they must come out."""
    records: list[Record] = [Ready(network_isolated=True), imported]
    if imported.ok:
        for expected in job.expected:
            if expected.canary is not None:
                status = TestStatus.PASSED if expected.canary == "pass" else TestStatus.FAILED
            else:
                status = TestStatus(verdicts.get(expected.name, TestStatus.PASSED))
            text = "" if status is TestStatus.PASSED else message or f"{expected.name} {status}"
            records += [Start(expected.name), Test(expected.name, "", status, text, duration=0.001)]
    records.append(Done())
    return FakeAnswer(records)


Respond = Callable[[FakeJob], FakeAnswer]


@dataclass
class FakeBackend(Backend):
    """Answers each job with ``respond(job)`` (``honest`` by default); keeps every job it
    was given, in the order the supervisor would run them."""

    respond: Respond = honest
    jobs_seen: list[FakeJob] = field(default_factory=list)
    name = "fake"

    def __post_init__(self) -> None:
        super().__init__(jobs=1)

    @property
    def isolation(self) -> str:
        return "none"

    @property
    def network_cut_off(self) -> bool:
        return True

    def run_session(self, session: Session, feed: Feed) -> SessionResult:
        line, _, body = session.payload.partition(b"\n")
        header = SessionHeader.decode(line + b"\n")
        at = 0
        for spec in header.jobs:
            files: dict[str, bytes] = {}
            for entry in spec.files:
                files[entry.path] = body[at : at + entry.size]
                at += entry.size
            request = FakeJob(spec.job, files, session.parts[spec.index].phase.expected)
            self.jobs_seen.append(request)
            answer = self.respond(request)
            stream = answer.stream
            if stream is None:
                stream = b"".join(encode_record(r, spec.job.nonce) for r in answer.records)
            frame = FrameHeader(
                spec.index, answer.ended, answer.duration, answer.exit_code, len(stream), answer.leftover
            )
            feed(frame.encode(header.nonce) + stream)
        return SessionResult(Ended.COMPLETED)
