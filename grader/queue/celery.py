"""``CeleryQueue``: gradings distributed to Celery workers over a Redis broker.

A producer (``grader serve --queue URL``, ``grader batch --queue URL``) publishes each
``Job`` as one Celery task; ``grader worker --queue URL`` processes grade them, each with
its own sandbox backend and pack folder, and the producer collects the results and keeps
them itself (the service's database, batch's ``--out`` folder). Redis keeps a result for
an hour (``RESULT_TTL``), long enough for every producer waiting on the job to take it.

Semantics, each one an answer to a known failure of such a queue:

- **Job identity.** The task id is ``Job.id`` (a digest of the submission's bytes, the
  pack's digest, the grader version and the challenge set). A job already queued or
  running is not published again (a ``SET NX`` guard beside the queue), and a worker that
  receives a job whose result is already stored hands back that result: the same work
  twice is graded once.
- **Worker loss.** ``acks_late`` with ``reject_on_worker_lost``: a job is acknowledged
  only once graded; when the process grading it dies, it goes back on the queue at once,
  and when a whole worker machine vanishes, Redis delivers it again after the visibility
  timeout, which is set above the longest grading the pack allows.
- **Retries.** The infrastructure's failures (the engine unreachable, a container that
  cannot start, a worker lost) are tried again, at most ``MAX_RETRIES`` times with a
  doubling delay (and at most ``MAX_ATTEMPTS`` deliveries in all, worker losses
  included). A candidate's failure, timeout or crash is a result: never tried again.
- **Time limits.** Each job has a hard time limit derived from its challenges' limits
  plus a margin. Past its soft limit the grading is abandoned and the sandbox containers
  of the process are removed; past the hard limit Celery kills the process, and the next
  process of that worker removes the containers left by the dead one.
- **Visibility.** Each worker writes a heartbeat to Redis every few seconds and each job
  being graded is listed there: ``status()`` reads them with the queue's depth.

Nothing from Redis is trusted more than the network it came over: tasks and results are
JSON (never pickle), and a result is read back through ``GradeResult.from_json``.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded
from kombu.exceptions import OperationalError
from redis import Redis
from redis.exceptions import RedisError

from grader import __version__
from grader.backends import BackendSettings, make_backend
from grader.challenges import Challenge, pack_digest
from grader.errors import UsageError
from grader.queue.base import Job, JobResult, OnDone, OnStarted, Queue, QueueStatus, RunningJob, WorkerBeat
from grader.queue.local import grade_job
from grader.results import GradeResult
from sandbox.backend import Backend
from sandbox.limits import SandboxLimits

QUEUE = "grader"  # the Redis list the tasks wait in
TASK = "grader.grade"
KEYS = "grader:"  # prefix of the queue's own Redis keys (heartbeats, guards, attempts)
MAX_RETRIES = 3  # retries of an infrastructure failure
MAX_ATTEMPTS = 6  # deliveries of one job in all, worker losses included
RETRY_DELAY = 5.0  # seconds before the first retry; doubled for each next one
MARGIN = 60.0  # seconds a job may take beyond its sandbox's own wall limit (start, image, pycs)
SOFT_GRACE = 15.0  # seconds between the soft limit (clean up) and the hard one (killed)
BEAT_EVERY = 5.0
BEAT_TTL = 30  # a worker not heard of for this long is gone
RESULT_TTL = 3600  # seconds Redis keeps a result for its producer
POLL = 0.25  # seconds between a producer's looks at its jobs
PRIORITY_SEP = "\x06\x16"  # kombu's Redis transport keeps priorities 3, 6, 9 in lists of their own

log = logging.getLogger("grader.queue")


def check_url(url: str) -> str:
    """``url`` if it names a Redis server (``redis://`` or ``rediss://``), else ``UsageError``."""
    if not url.startswith(("redis://", "rediss://")):
        raise UsageError(f"--queue {url!r} is not a Redis URL: give redis://HOST:PORT/DB")
    return url


def redacted(url: str) -> str:
    """``url`` without its password, for messages and pages."""
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not at:
        return url
    user = creds.partition(":")[0]
    return f"{scheme}{sep}{user + ':***' if user else '***'}@{host}"


def hard_limit(challenges: Iterable[Challenge], limits: SandboxLimits | None = None) -> float:
    """Seconds a job grading ``challenges`` may take at most: its sandbox's wall limit when its
    challenges run one at a time (public then hidden phase of each), plus ``MARGIN``."""
    times = [c.time_limit for c in challenges]
    startup = (limits or SandboxLimits()).startup_s
    return 2 * sum(times) + max(times, default=0.0) + startup + MARGIN


def visibility_timeout(pack: Mapping[str, Challenge]) -> int:
    """Seconds Redis waits before delivering an unacknowledged job again: above the hard limit
    of the longest job the pack allows (every challenge at once), so that no live grading is
    ever delivered twice."""
    return int(hard_limit(pack.values()) * 1.5 + 60)


def celery_app(url: str, visibility: int) -> Celery:
    """A Celery app on the Redis at ``url``, configured for the semantics of the module."""
    app = Celery("grader", broker=url, backend=url, set_as_current=False)
    transport = {"visibility_timeout": visibility}
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,  # a worker takes a job only when it has a free process
        task_default_queue=QUEUE,
        broker_transport_options=transport,
        result_backend_transport_options=transport,
        result_expires=RESULT_TTL,
        result_extended=False,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a Redis restart: wait for it, however long
        result_backend_always_retry=True,
        result_backend_max_retries=60,
        worker_send_task_events=False,
        task_send_sent_event=False,
        worker_enable_remote_control=False,  # heartbeats go to our own keys; no pidbox
    )
    app.task(bind=True, name=TASK, max_retries=MAX_RETRIES)(_grade_task)
    return app


# -- the wire: jobs and results as JSON ---------------------------------------------------


def job_to_wire(job: Job) -> dict[str, Any]:
    return {
        "submission": base64.b64encode(job.submission).decode("ascii"),
        "filename": job.filename,
        "weights": [[cid, float(w)] for cid, w in job.weights.items()],
        "pack_digest": job.pack_digest,
        "grader_version": job.grader_version,
        "label": job.label,
        "assessment": job.assessment,
    }


def job_from_wire(data: Mapping[str, Any]) -> Job:
    """The job of ``data``; ``ValueError`` when it is malformed."""
    weights = {str(cid): float(w) for cid, w in data["weights"]}
    assessment = data.get("assessment") or {}
    if not isinstance(assessment, dict):
        raise ValueError("assessment must be an object")
    return Job(
        submission=base64.b64decode(str(data["submission"]), validate=True),
        filename=str(data["filename"]),
        weights=weights,
        pack_digest=str(data["pack_digest"]),
        grader_version=str(data["grader_version"]),
        label=str(data.get("label", "")),
        assessment=assessment,
    )


def result_to_wire(outcome: JobResult) -> dict[str, Any]:
    return {
        "job_id": outcome.job_id,
        "result": outcome.result.as_json() if outcome.result is not None else None,
        "error": outcome.error,
        "worker": outcome.worker,
        "attempts": outcome.attempts,
        "duration": outcome.duration,
        "unreadable": outcome.unreadable,
        "retryable": outcome.retryable,
    }


def result_from_wire(job_id: str, data: Any) -> JobResult:
    """What a worker sent back for ``job_id``, validated; an error result when it is malformed."""
    try:
        if not isinstance(data, dict) or data.get("job_id") != job_id:
            raise ValueError("not this job's result")
        raw = data.get("result")
        result = GradeResult.from_json(raw) if isinstance(raw, dict) else None
        return JobResult(
            job_id,
            result,
            str(data.get("error", ""))[:2000],
            worker=str(data.get("worker", ""))[:200],
            attempts=int(data.get("attempts", 1)),
            duration=float(data.get("duration", 0.0)),
            unreadable=bool(data.get("unreadable", False)),
            retryable=bool(data.get("retryable", False)),
        )
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        return JobResult(job_id, None, f"a worker sent back a malformed result ({exc})")


# -- the worker's side ----------------------------------------------------------------------


@dataclass
class WorkerConfig:
    """What every process of a ``grader worker`` grades with (set before the processes fork)."""

    url: str
    pack: dict[str, Challenge]
    backend: BackendSettings
    name: str = ""
    concurrency: int = 1
    retry_delay: float = RETRY_DELAY
    backend_label: str = ""  # what the heartbeat says it grades with, e.g. "docker (docker)"


_config: WorkerConfig | None = None
_local: dict[str, Any] = {}  # this process's backend and Redis client, made after the fork


def _redis(url: str) -> Redis:
    """A Redis client of this process (a client made before a fork is never used after it)."""
    key = f"redis:{os.getpid()}:{url}"
    client = _local.get(key)
    if client is None:
        client = Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=15)
        _local[key] = client
    return client


def _backend(config: WorkerConfig) -> Backend:
    key = f"backend:{os.getpid()}"
    backend = _local.get(key)
    if backend is None:
        backend = make_backend(config.backend, notice=log.warning)
        _local[key] = backend
    return backend


def _drop_backend(abandoned: bool = False) -> None:
    """Close this process's backend (the next job makes a new one); when a grading was
    ``abandoned``, also remove the containers this process started."""
    backend = _local.pop(f"backend:{os.getpid()}", None)
    if backend is not None:
        try:
            backend.close()
        except Exception as exc:  # closing must never stop the worker
            log.warning("grader worker: closing the backend failed: %s", exc)
    if abandoned:
        remove_own_containers()


def remove_own_containers() -> None:
    """Remove every sandbox container this process started, where Docker is reachable."""
    try:
        from sandbox.docker import DockerUnavailable, connect, remove_owned

        client = connect(timeout=5)
    except (ImportError, DockerUnavailable):
        return
    try:
        remove_owned(client)
    finally:
        client.close()


def sweep_orphans() -> None:
    """Remove the containers of this host's grader processes that died (a process of this
    worker killed at its hard limit, or lost): called as each new worker process starts."""
    try:
        from sandbox.docker import DockerUnavailable, connect, sweep

        client = connect(timeout=5)
    except (ImportError, DockerUnavailable):
        return
    try:
        sweep(client)
    except Exception as exc:  # the engine's hiccup: the next process tries again
        log.warning("grader worker: sweeping left containers failed: %s", exc)
    finally:
        client.close()


T = TypeVar("T")


def _patiently(call: Callable[[], T], patience: float = 300.0) -> T:
    """``call()``, tried again while Redis cannot be reached (a restart), for up to ``patience``
    seconds: the job waits for Redis rather than failing."""
    deadline = time.monotonic() + patience
    delay = 0.5
    while True:
        try:
            return call()
        except (RedisError, OSError, OperationalError) as exc:
            if time.monotonic() > deadline:
                raise
            log.warning("grader worker: Redis cannot be reached (%s); trying again", exc)
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def _quietly(call: Callable[[], object]) -> None:
    """``call()`` for bookkeeping only (what is running, counts): a Redis outage skips it."""
    try:
        call()
    except (RedisError, OSError, OperationalError) as exc:
        log.warning("grader worker: Redis cannot be reached (%s); bookkeeping skipped", exc)


def _grade_task(task: Task, payload: dict[str, Any]) -> dict[str, Any]:
    """The task: grade one job on this worker's pack and backend, once."""
    config = _config
    job_id = str(task.request.id)
    worker = str(task.request.hostname or socket.gethostname())
    if config is None:  # a worker started without ``run_worker``: refuse, never guess a pack
        return result_to_wire(JobResult(job_id, None, "this worker has no pack configured", worker=worker))
    redis = _redis(config.url)
    stored = _patiently(lambda: task.app.backend.get_task_meta(job_id))
    if stored.get("status") == "SUCCESS" and isinstance(stored.get("result"), dict):
        log.info("grader: job %s was graded already; its result is kept", job_id[:12])
        return stored["result"]  # type: ignore[no-any-return]  # delivered again after it was graded
    attempt = int(_patiently(lambda: redis.incr(f"{KEYS}attempts:{job_id}")))
    _quietly(lambda: redis.expire(f"{KEYS}attempts:{job_id}", RESULT_TTL * 24))
    try:
        job = job_from_wire(payload)
    except (ValueError, TypeError, KeyError) as exc:
        return result_to_wire(JobResult(job_id, None, f"a malformed job ({exc})", worker=worker))
    if job.grader_version != __version__:
        return result_to_wire(
            JobResult(
                job_id,
                None,
                f"this worker runs grader {__version__}; the job is for {job.grader_version}",
                worker=worker,
            )
        )
    if job.id != job_id:
        return result_to_wire(
            JobResult(job_id, None, "the job's content does not match its id", worker=worker)
        )
    if attempt > MAX_ATTEMPTS:
        return result_to_wire(
            JobResult(
                job_id,
                None,
                f"given up after {attempt - 1} attempts (its workers were lost or its sandbox failed)",
                worker=worker,
                attempts=attempt - 1,
            )
        )
    started = time.time()
    running_key = f"{KEYS}running:{job_id}"
    limit = float(task.request.timelimit[0] or 0) if task.request.timelimit else 0.0
    entry = json.dumps(
        {
            "job_id": job_id,
            "label": job.label or job.filename,
            "worker": worker,
            "pid": os.getpid(),
            "started_at": started,
        }
    )
    expiry = int(limit or hard_limit(config.pack.values())) + 60
    _quietly(lambda: redis.set(running_key, entry, ex=expiry))
    meta = {"worker": worker, "attempt": attempt, "started_at": started}
    _quietly(lambda: task.update_state(state="STARTED", meta=meta))
    try:
        try:
            backend = _backend(config)
        except Exception as exc:  # no engine, no image: the infrastructure's failure
            outcome = JobResult(job_id, None, f"grading could not start: {exc}", retryable=True)
        else:
            outcome = grade_job(job, config.pack, backend, passing=(SoftTimeLimitExceeded,))
    except SoftTimeLimitExceeded:
        _drop_backend(abandoned=True)
        outcome = JobResult(
            job_id,
            None,
            f"grading took longer than its time limit ({limit or 0:.0f} s) and was stopped",
            duration=time.time() - started,
        )
    finally:
        _quietly(lambda: redis.delete(running_key))
    if outcome.retryable and task.request.retries < MAX_RETRIES and attempt < MAX_ATTEMPTS:
        _drop_backend()  # a fresh engine connection and sandbox next time
        raise task.retry(countdown=config.retry_delay * 2**task.request.retries)
    _quietly(lambda: redis.incr(f"{KEYS}graded:{worker}"))
    verdict = str(outcome.result.status) if outcome.result is not None else f"no result: {outcome.error}"
    log.info("grader: job %s (%s) attempt %d: %s", job_id[:12], job.label or job.filename, attempt, verdict)
    outcome = JobResult(
        outcome.job_id,
        outcome.result,
        outcome.error,
        worker=worker,
        attempts=attempt,
        duration=outcome.duration,
        unreadable=outcome.unreadable,
        retryable=outcome.retryable,
    )
    return result_to_wire(outcome)


def _beat(config: WorkerConfig, name: str, stop: threading.Event) -> None:
    """Write this worker's heartbeat every ``BEAT_EVERY`` seconds until ``stop``."""
    key = f"{KEYS}worker:{name}"
    started = time.time()
    while not stop.is_set():
        try:
            redis = _redis(config.url)
            graded = int(redis.get(f"{KEYS}graded:{name}") or 0)
            beat = {
                "name": name,
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "concurrency": config.concurrency,
                "backend": config.backend_label or config.backend.name,
                "version": __version__,
                "started_at": started,
                "beat_at": time.time(),
                "graded": graded,
            }
            redis.set(key, json.dumps(beat), ex=BEAT_TTL)
        except RedisError as exc:  # Redis restarting: beat again once it is back
            log.warning("grader worker: heartbeat failed: %s", exc)
        stop.wait(BEAT_EVERY)
    try:
        _redis(config.url).delete(key)
    except RedisError:
        pass


def run_worker(config: WorkerConfig, *, loglevel: str = "INFO") -> None:
    """Run a Celery worker in this process until it is stopped (SIGTERM: finish the jobs in
    hand; SIGQUIT or SIGKILL: they are delivered again)."""
    from celery import signals

    global _config
    _config = config
    app = celery_app(config.url, visibility_timeout(config.pack))
    name = config.name or f"grader@{socket.gethostname()}"

    def _fresh_process(**_kwargs: Any) -> None:
        _local.clear()  # clients and backends of the parent are never used in a child
        sweep_orphans()

    signals.worker_process_init.connect(_fresh_process, weak=False)

    # Celery logs each task's return value: a whole result, candidate output included. Ours says less.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(config, name, stop), name="grader-heartbeat", daemon=True)
    redis = _redis(config.url)
    redis.delete(f"{KEYS}graded:{name}")
    beat.start()
    try:
        app.worker_main(
            [
                "worker",
                f"--hostname={name}",
                f"--concurrency={config.concurrency}",
                "--pool=prefork",
                f"--queues={QUEUE}",
                f"--loglevel={loglevel}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        )
    finally:
        stop.set()
        beat.join(timeout=5)


# -- the producer's side --------------------------------------------------------------------


class CeleryQueue(Queue):
    """Jobs published to the Redis at ``url`` for ``grader worker`` processes anywhere."""

    kind = "celery"

    def __init__(
        self, url: str, pack: Mapping[str, Challenge], *, poll: float = POLL, time_limit: float | None = None
    ) -> None:
        """``time_limit``: every job's hard limit in seconds, instead of its challenges' (tests)."""
        self.url = check_url(url)
        self.pack = dict(pack)
        self.digest = pack_digest(self.pack.values())
        self.visibility = visibility_timeout(self.pack)
        self.app = celery_app(url, self.visibility)
        self.redis = Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)
        self.poll = poll
        self.time_limit = time_limit
        self._lock = threading.Lock()
        self._awaited: dict[str, Job] = {}
        self._started: set[str] = set()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._on_started: OnStarted = lambda _id, _worker: None
        self._on_done: OnDone = lambda _result: None
        self._last_check = time.monotonic()
        self._publishing = threading.Lock()
        self._unpublished: set[str] = set()  # accepted while Redis was unreachable
        self.token = uuid.uuid4().hex  # this producer's mark on the guards of the jobs it published

    def ping(self) -> None:
        """``UsageError`` when Redis cannot be reached, saying what to do."""
        try:
            self.redis.ping()
        except RedisError as exc:
            raise UsageError(
                f"cannot reach the queue at {redacted(self.url)} ({exc}); start Redis "
                "(tests/components/redis.sh start DIR) or fix --queue"
            ) from None

    def start(self, on_started: OnStarted, on_done: OnDone) -> None:
        self._on_started, self._on_done = on_started, on_done
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._collect, name="grader-queue-results", daemon=True)
            self._thread.start()

    def submit(self, job: Job) -> bool:
        with self._lock:
            if job.id in self._awaited:
                return False
            self._awaited[job.id] = job
        try:
            return self._publish(job)
        except (RedisError, OSError, OperationalError) as exc:  # published by the collector later
            log.warning("grader: the queue cannot be reached (%s); job %s waits", exc, job.id[:12])
            self._unpublished.add(job.id)
            return True

    def _publish(self, job: Job, again: bool = False) -> bool:
        """Publish ``job`` unless it is queued, running or graded already; whether it was.
        ``again``: a job this producer could not publish (Redis was away), its guard perhaps set."""
        with self._publishing:  # the collector's republishing never races a submit
            return self._publish_once(job, again)

    def _publish_once(self, job: Job, again: bool) -> bool:
        challenges = [self.pack[cid] for cid in job.weights if cid in self.pack]
        limit = self.time_limit or hard_limit(challenges)
        guard = f"{KEYS}queued:{job.id}"
        if self.app.backend.get_task_meta(job.id).get("status") == "SUCCESS":
            return False  # graded already (by another producer's request): collected at once
        ours = self.redis.set(guard, self.token, nx=True, ex=int(self.visibility + limit))
        if not ours and not (again and self.redis.get(guard) == self.token.encode()):
            return False  # queued or running for someone: its result is collected when it comes
        self.app.send_task(
            TASK,
            args=[job_to_wire(job)],
            task_id=job.id,
            queue=QUEUE,
            time_limit=limit,
            soft_time_limit=max(limit - SOFT_GRACE, limit / 2),
            retry=True,
            retry_policy={
                "max_retries": 30,
                "interval_start": 0.5,
                "interval_step": 1.0,
                "interval_max": 5.0,
            },
        )
        self._unpublished.discard(job.id)
        return True

    def _collect(self) -> None:
        while not self._stop.is_set():
            try:
                self._collect_once()
            except (RedisError, OSError, OperationalError) as exc:  # Redis restarting: look again soon
                log.warning("grader: the queue cannot be read now (%s); trying again", exc)
                self._stop.wait(1.0)
            self._stop.wait(self.poll)

    def _collect_once(self) -> None:
        with self._lock:
            ids = list(self._awaited)
        if not ids:
            return
        metas = self.app.backend.mget([self.app.backend.get_key_for_task(i) for i in ids])
        recheck = time.monotonic() - self._last_check > 10.0
        for jid, raw in zip(ids, metas, strict=True):
            meta = self.app.backend.decode_result(raw) if raw else {"status": "PENDING"}
            status = meta.get("status")
            if status == "STARTED" and jid not in self._started:
                self._started.add(jid)
                info = meta.get("result")
                self._on_started(jid, str(info.get("worker", "")) if isinstance(info, dict) else "")
            elif status in ("SUCCESS", "FAILURE"):
                if status == "SUCCESS":
                    outcome = result_from_wire(jid, meta.get("result"))
                else:
                    outcome = JobResult(jid, None, f"the worker failed: {meta.get('result')}"[:2000])
                self._finish(jid, outcome)
            elif status == "PENDING" and (recheck or jid in self._unpublished):
                job = self._awaited.get(jid)
                if job is not None and jid in self._unpublished:
                    self._publish(job, again=True)
                elif job is not None and not self.redis.exists(f"{KEYS}queued:{jid}"):
                    self._publish(job)  # never published, or its guard expired with no result: again
        if recheck:
            self._last_check = time.monotonic()

    def _finish(self, jid: str, outcome: JobResult) -> None:
        with self._lock:
            if self._awaited.pop(jid, None) is None:
                return
            seen_start = jid in self._started
            self._started.discard(jid)
        if outcome.result is None and not outcome.unreadable:
            # No grading to keep: let a later request (a rerun) grade it again.
            self.app.backend.forget(jid)
        self.redis.delete(f"{KEYS}queued:{jid}")
        if not seen_start:  # graded between two looks: the producer still learns who took it
            self._on_started(jid, outcome.worker)
        self._on_done(outcome)

    def status(self) -> QueueStatus:
        return queue_status(self.redis, detail=f"redis {redacted(self.url)}")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self.redis.close()


def queue_depth(redis: Redis) -> int:
    """Jobs waiting in the queue (every priority's list)."""
    names = [QUEUE] + [f"{QUEUE}{PRIORITY_SEP}{p}" for p in (3, 6, 9)]
    return sum(int(redis.llen(n)) for n in names)


def _scan_json(redis: Redis, pattern: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    keys = list(redis.scan_iter(match=pattern, count=500))
    for raw in redis.mget(keys) if keys else []:
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            continue
        if isinstance(data, dict):
            found.append(data)
    return found


def queue_status(redis: Redis, detail: str = "") -> QueueStatus:
    """The queue's depth, the jobs being graded and the live workers' heartbeats."""
    now = time.time()
    beats = sorted(
        (
            WorkerBeat(
                name=str(b.get("name", "")),
                host=str(b.get("host", "")),
                pid=int(b.get("pid", 0)),
                concurrency=int(b.get("concurrency", 1)),
                backend=str(b.get("backend", "")),
                version=str(b.get("version", "")),
                started_at=float(b.get("started_at", 0.0)),
                seen=max(0.0, now - float(b.get("beat_at", now))),
                graded=int(b.get("graded", 0)),
            )
            for b in _scan_json(redis, f"{KEYS}worker:*")
        ),
        key=lambda b: b.name,
    )
    running = sorted(
        (
            RunningJob(
                job_id=str(r.get("job_id", "")),
                label=str(r.get("label", "")),
                worker=str(r.get("worker", "")),
                started_at=float(r.get("started_at", now)),
                elapsed=max(0.0, now - float(r.get("started_at", now))),
            )
            for r in _scan_json(redis, f"{KEYS}running:*")
        ),
        key=lambda r: r.started_at,
    )
    return QueueStatus(
        kind="celery",
        workers=sum(b.concurrency for b in beats),
        queued=queue_depth(redis),
        running=tuple(running),
        detail=detail,
        beats=tuple(beats),
    )


def read_status(url: str) -> QueueStatus:
    """``queue_status`` of the Redis at ``url``; ``UsageError`` when it cannot be reached."""
    redis = Redis.from_url(check_url(url), socket_timeout=10, socket_connect_timeout=5)
    try:
        return queue_status(redis, detail=f"redis {redacted(url)}")
    except RedisError as exc:
        raise UsageError(f"cannot reach the queue at {redacted(url)} ({exc}); is Redis running?") from None
    finally:
        redis.close()


def status_json(status: QueueStatus) -> dict[str, Any]:
    """``status`` as the JSON ``grader workers --format json`` prints."""
    return {
        "queue": status.detail,
        "queued": status.queued,
        "processes": status.workers,
        "workers": [
            {
                "name": b.name,
                "host": b.host,
                "pid": b.pid,
                "concurrency": b.concurrency,
                "backend": b.backend,
                "version": b.version,
                "started_at": b.started_at,
                "seen_seconds_ago": round(b.seen, 1),
                "graded": b.graded,
            }
            for b in status.beats
        ],
        "running": [
            {"job_id": r.job_id, "label": r.label, "worker": r.worker, "elapsed": round(r.elapsed, 1)}
            for r in status.running
        ],
    }


def status_text(status: QueueStatus) -> str:
    """``status`` for people: workers with their last heartbeat, depth, what is running."""
    lines = [f"queue {status.detail}: {status.queued} waiting, {len(status.running)} running"]
    if not status.beats:
        lines.append(
            "no worker has sent a heartbeat in the last 30 s (start one: grader worker --queue URL)"
        )
    for b in status.beats:
        lines.append(
            f"worker {b.name}  host {b.host} pid {b.pid}  {b.concurrency} process(es)  "
            f"--backend {b.backend}  grader {b.version}  {b.graded} graded  seen {b.seen:.0f} s ago"
        )
    for r in status.running:
        lines.append(f"running {r.job_id[:12]}  {r.label}  on {r.worker}  for {r.elapsed:.0f} s")
    return "\n".join(lines)


__all__: Sequence[str] = [
    "CeleryQueue",
    "WorkerConfig",
    "celery_app",
    "hard_limit",
    "read_status",
    "run_worker",
    "status_json",
    "status_text",
    "visibility_timeout",
]
