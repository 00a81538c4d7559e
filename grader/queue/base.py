"""The ``Queue`` interface: what a producer of gradings sees of whatever grades them.

The producer calls ``start(on_started, on_done)`` once, then ``submit(job)`` for each
grading it wants. Workers (threads of this process for ``LocalQueue``; other machines
for a distributed queue) grade each job once and report back through the callbacks:
``on_started(job_id, worker)`` when a worker takes it, ``on_done(result)`` when it is
graded or could not be. The producer persists what ``on_done`` gives; a queue may lose
what it holds when it stops, and the producer submits again what it has no result for.

**Job identity.** ``Job.id`` is a digest of the submission's bytes, the pack's digest,
the grader version and the challenge set (with weights): the same work twice is the
same job, and a queue holds one job per id (``submit`` answers False for a second one
while the first is queued or running).
"""

from __future__ import annotations

import abc
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from grader.results import GradeResult

OnStarted = Callable[[str, str], None]  # job id, worker name
OnDone = Callable[["JobResult"], None]


def job_id(submission: bytes, pack_digest: str, grader_version: str, weights: Mapping[str, float]) -> str:
    """The identity of grading ``submission`` on the challenges of ``weights`` (id -> weight)."""
    challenge_set = json.dumps(sorted((cid, float(w)) for cid, w in weights.items()))
    digest = hashlib.sha256(b"grader-job-v1\0")
    for part in (hashlib.sha256(submission).hexdigest(), pack_digest, grader_version, challenge_set):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Job:
    """One grading to do: the uploaded archive as bytes, and what to grade it on."""

    submission: bytes  # the archive as uploaded (.zip, .tar.gz or .tgz)
    filename: str  # its name, for its kind (the suffix) and for messages
    weights: dict[str, float]  # challenge id -> weight, in order: the challenge set
    pack_digest: str  # the pack the producer expects (grader.challenges.pack_digest)
    grader_version: str
    label: str = ""  # what the result's ``submission`` field says (never a host path)
    assessment: dict[str, Any] = field(default_factory=dict)  # name, title, time_limit (results only)

    @property
    def id(self) -> str:
        return job_id(self.submission, self.pack_digest, self.grader_version, self.weights)

    @property
    def challenge_ids(self) -> tuple[str, ...]:
        return tuple(self.weights)


@dataclass(frozen=True)
class JobResult:
    """What came back for one job: a result (reviewer audience), or why there is none."""

    job_id: str
    result: GradeResult | None
    error: str = ""  # why grading itself failed (the infrastructure, never the candidate)
    worker: str = ""
    attempts: int = 1
    duration: float = 0.0  # seconds from a worker taking the job to its result
    unreadable: bool = False  # ``error`` is about the submission (it cannot be read), not the grader
    retryable: bool = False  # ``error`` is the infrastructure's (engine, container): worth another try


@dataclass(frozen=True)
class RunningJob:
    """A job a worker is grading now."""

    job_id: str
    label: str
    worker: str
    started_at: float  # time.time() when the worker took it
    elapsed: float  # seconds so far


@dataclass(frozen=True)
class WorkerBeat:
    """A worker's last heartbeat: who it is, what it grades with, and when it was last seen."""

    name: str
    host: str
    pid: int
    concurrency: int
    backend: str
    version: str
    started_at: float  # time.time() when the worker started
    seen: float  # seconds since its last heartbeat
    graded: int  # jobs it has finished since it started


@dataclass(frozen=True)
class QueueStatus:
    """What a Workers page shows: the queue's depth and what is running, for how long."""

    kind: str  # "local", ...
    workers: int
    queued: int
    running: tuple[RunningJob, ...]
    detail: str = ""  # e.g. the backend the workers grade with
    beats: tuple[WorkerBeat, ...] = ()  # distributed workers' heartbeats (none for in-process ones)


class Queue(abc.ABC):
    """Where a producer puts gradings; see the module's documentation for the contract."""

    kind: str = ""

    @abc.abstractmethod
    def start(self, on_started: OnStarted, on_done: OnDone) -> None:
        """Start taking jobs; results come back through the callbacks (from any thread)."""

    @abc.abstractmethod
    def submit(self, job: Job) -> bool:
        """Queue ``job``; False when a job with its id is already queued or running."""

    @abc.abstractmethod
    def status(self) -> QueueStatus:
        """Queue depth and the jobs running now."""

    @abc.abstractmethod
    def close(self) -> None:
        """Stop taking jobs and release the workers (jobs not finished are not reported)."""
