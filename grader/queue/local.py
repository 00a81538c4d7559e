"""``LocalQueue``: a pool of worker threads in this process, each grading with its own backend.

This is the review service's default queue. It holds its jobs in memory: when the
process stops, what was queued or running is gone, and the producer (which keeps every
submission and its status) submits it again at its next start.
"""

from __future__ import annotations

import dataclasses
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path

from grader.archive import ARCHIVE_SUFFIXES
from grader.assessment import Assessment
from grader.challenges import Challenge, pack_digest
from grader.errors import BackendError, GraderError
from grader.grading import grade
from grader.queue.base import Job, JobResult, OnDone, OnStarted, Queue, QueueStatus, RunningJob
from grader.results import Outcome
from sandbox.backend import Backend

BackendFactory = Callable[[], Backend]


def archive_suffix(filename: str) -> str:
    """The archive suffix of ``filename`` (``.zip``, ``.tar.gz``, ``.tgz``); ``.zip`` if none."""
    lower = filename.lower()
    return next((s for s in ARCHIVE_SUFFIXES if lower.endswith(s)), ".zip")


def grade_job(
    job: Job,
    pack: Mapping[str, Challenge],
    backend: Backend,
    digest: str | None = None,
    passing: tuple[type[BaseException], ...] = (),
) -> JobResult:
    """Grade ``job`` with ``backend`` on ``pack``: what a worker does, wherever it runs.

    The pack must be the one the producer expects (same digest); a job naming a challenge
    the pack lacks, or an archive that cannot be read, comes back as an error. Exceptions
    of the ``passing`` types (a worker's time limit) propagate instead of being a result."""
    started = time.monotonic()
    expected = digest if digest is not None else pack_digest(pack.values())
    if job.pack_digest != expected:
        return JobResult(
            job.id, None, f"this worker's pack ({expected[:12]}) is not the job's ({job.pack_digest[:12]})"
        )
    unknown = [cid for cid in job.weights if cid not in pack]
    if unknown:
        return JobResult(job.id, None, f"unknown challenge(s) {', '.join(unknown)}")
    challenges = [pack[cid] for cid in job.weights]
    info = job.assessment
    assessment = Assessment(
        name=str(info.get("name", "")),
        title=str(info.get("title", "")),
        summary="",
        time_limit=int(info.get("time_limit", 0) or 0),
        weights=dict(job.weights),
    )
    try:
        with tempfile.TemporaryDirectory(prefix="grader-job-") as tmp:
            path = Path(tmp) / f"submission{archive_suffix(job.filename)}"
            path.write_bytes(job.submission)
            result = grade(str(path), challenges, backend, assessment=assessment)
    except BackendError as exc:  # the engine or the container: the infrastructure, not the candidate
        return JobResult(job.id, None, exc.message, duration=time.monotonic() - started, retryable=True)
    except GraderError as exc:  # the archive cannot be read: the submission's problem
        return JobResult(job.id, None, exc.message, duration=time.monotonic() - started, unreadable=True)
    except passing:
        raise
    except Exception as exc:  # one job's crash must never stop the worker
        return JobResult(
            job.id,
            None,
            f"the grader crashed ({type(exc).__name__}: {exc})",
            duration=time.monotonic() - started,
        )
    result = dataclasses.replace(result, submission=job.label or job.filename)
    failed = result.outcome is Outcome.FAILED  # a sandbox that could not start: try again elsewhere
    return JobResult(job.id, result, duration=time.monotonic() - started, retryable=failed)


class LocalQueue(Queue):
    """``workers`` threads, each with a backend made by ``make_backend`` on first use."""

    kind = "local"

    def __init__(
        self,
        pack: Mapping[str, Challenge],
        make_backend: BackendFactory,
        *,
        workers: int = 2,
        detail: str = "",
    ) -> None:
        self.pack = dict(pack)
        self.digest = pack_digest(self.pack.values())
        self.make_backend = make_backend
        self.workers = max(1, workers)
        self.detail = detail
        self._jobs: deque[Job] = deque()
        self._queued: set[str] = set()
        self._running: dict[str, RunningJob] = {}
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._closed = False
        self._on_started: OnStarted = lambda _id, _worker: None
        self._on_done: OnDone = lambda _result: None

    def start(self, on_started: OnStarted, on_done: OnDone) -> None:
        self._on_started, self._on_done = on_started, on_done
        with self._cond:
            if self._threads:
                return
            for n in range(self.workers):
                thread = threading.Thread(target=self._work, name=f"grader-worker-{n + 1}", daemon=True)
                self._threads.append(thread)
                thread.start()

    def submit(self, job: Job) -> bool:
        with self._cond:
            if self._closed:
                return False
            jid = job.id
            if jid in self._queued or jid in self._running:
                return False
            self._queued.add(jid)
            self._jobs.append(job)
            self._cond.notify()
        return True

    def status(self) -> QueueStatus:
        now = time.time()
        with self._cond:
            running = tuple(
                dataclasses.replace(r, elapsed=now - r.started_at)
                for r in sorted(self._running.values(), key=lambda r: r.started_at)
            )
            return QueueStatus(self.kind, self.workers, len(self._jobs), running, self.detail)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._jobs.clear()
            self._queued.clear()
            self._cond.notify_all()

    def _next(self, worker: str) -> Job | None:
        with self._cond:
            while not self._jobs and not self._closed:
                self._cond.wait()
            if self._closed:
                return None
            job = self._jobs.popleft()
            self._queued.discard(job.id)
            self._running[job.id] = RunningJob(job.id, job.label or job.filename, worker, time.time(), 0.0)
            return job

    def _work(self) -> None:
        worker = threading.current_thread().name
        backend: Backend | None = None
        try:
            while (job := self._next(worker)) is not None:
                try:
                    self._on_started(job.id, worker)
                    if backend is None:
                        backend = self.make_backend()
                    outcome = grade_job(job, self.pack, backend, self.digest)
                except Exception as exc:  # making the backend failed: the job has no result
                    outcome = JobResult(job.id, None, f"grading could not start: {exc}")
                finally:
                    with self._cond:
                        self._running.pop(job.id, None)
                if not self._closed:
                    self._on_done(dataclasses.replace(outcome, worker=worker))
        finally:
            if backend is not None:
                backend.close()
