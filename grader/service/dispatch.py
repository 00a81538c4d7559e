"""The link between the service's database and its ``Queue``.

One process at a time owns the queue: it holds the ``queue`` lease (renewed every few
seconds, expiring after ``LEASE_SECONDS``; taken over at once when the holder was a
process of this host that no longer runs). The owner hands every ``queued`` submission
to the queue, one job per job id, marks what a worker starts as ``running``, and writes
each result into the database. When a process becomes the owner, the submissions the
previous owner had in hand (queued or running: it stopped before finishing them) go back
to the queue, so a grading cut short by a stop is graded again at the next start, and
none is left ``running``. Results are written only for the submissions the writer
itself handed out, so a grading is recorded once.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from grader.queue.base import JobResult, Queue
from grader.service import similarity, store
from grader.service.models import Lease, Submission, db, now

LEASE = "queue"
LEASE_SECONDS = 30
TICK = 1.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Dispatcher:
    """Feeds ``queue`` from the database of ``app`` while this process owns the queue."""

    def __init__(self, app: Flask, queue: Queue) -> None:
        self.app = app
        self.queue = queue
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.holder = f"{self.host}:{self.pid}:{uuid.uuid4().hex[:8]}"
        self.leader = False
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._similar: set[int] = set()  # assessments graded into since their similarity was computed
        self._comparing: threading.Thread | None = None

    # -- life cycle ------------------------------------------------------------------
    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self.queue.start(self._on_started, self._on_done)
            self._thread = threading.Thread(target=self._loop, name="grader-dispatch", daemon=True)
            self._thread.start()

    def notify(self) -> None:
        """Something was queued: look now rather than at the next tick."""
        self._wake.set()

    def stop(self, release: bool = True) -> None:
        """Stop handing out and grading; ``release`` the queue for another process at once
        (else it waits for the lease to expire, as after a crash)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._comparing is not None:
            self._comparing.join(timeout=30)
        self.queue.close()
        if not release:
            return
        with self.app.app_context():
            db.session.execute(
                update(Lease).where(Lease.name == LEASE, Lease.holder == self.holder).values(expires_at=now())
            )
            db.session.commit()
            db.session.remove()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                with self.app.app_context():
                    self.tick()
            except Exception as exc:  # a database hiccup: say so, try again at the next tick
                self.app.logger.warning("grader: dispatch failed: %s", exc)
            self._wake.wait(TICK)
            self._wake.clear()

    # -- one round -----------------------------------------------------------------------
    def tick(self) -> int:
        """Renew or take the lease; hand out what is queued. How many jobs were handed out."""
        was_leader = self.leader
        self.leader = self._take_lease()
        if not self.leader:
            return 0
        if not was_leader:
            moved = store.reset_running(self.holder)
            if moved:
                self.app.logger.warning("grader: %d grading(s) cut short earlier are queued again", moved)
        try:
            waiting = db.session.scalars(
                select(Submission)
                .where(Submission.status == "queued", Submission.dispatched_by != self.holder)
                .order_by(Submission.id)
            ).all()
            jobs = {}
            for sub in waiting:  # one job per job id: the same work is graded once
                if sub.job_id not in jobs:
                    jobs[sub.job_id] = store.job_of(sub)
                sub.dispatched_by = self.holder
            db.session.commit()  # marked before any worker can start (and report) them
            for job in jobs.values():
                self.queue.submit(job)
            if not jobs and self._similar:
                self._refresh_similarity()
            return len(jobs)
        finally:
            db.session.remove()

    def want_similarity(self, assessment_id: int) -> None:
        """A page found the assessment's similarity stale and left it to this process."""
        with self._lock:
            self._similar.add(assessment_id)
        self.notify()

    def _refresh_similarity(self) -> None:
        """Once the queue is idle, compute the similarity of the assessments it graded into (in a
        thread of its own: a large cohort takes minutes), so that the reviewers' pages find it
        cached (a page computes a small cohort's itself, and leaves a large one to this)."""
        status = self.queue.status()
        if status.queued or status.running or (self._comparing and self._comparing.is_alive()):
            return
        with self._lock:
            todo, self._similar = self._similar, set()

        def run() -> None:
            with self.app.app_context():
                try:
                    similarity.refresh(todo)
                except Exception as exc:  # a database hiccup: the pages compute it, or the next round
                    self.app.logger.warning("grader: computing similarity failed: %s", exc)
                finally:
                    db.session.remove()

        self._comparing = threading.Thread(target=run, name="grader-similarity", daemon=True)
        self._comparing.start()

    def _take_lease(self) -> bool:
        expires = now() + timedelta(seconds=LEASE_SECONDS)
        try:
            current = db.session.get(Lease, LEASE)
            if current is None:
                db.session.add(Lease(name=LEASE, holder=self.holder, expires_at=expires))
                db.session.commit()
                return True
            holder = current.holder
            db.session.rollback()
            stale = [Lease.expires_at < now(), Lease.holder == self.holder]
            host, _, rest = holder.partition(":")
            pid = rest.partition(":")[0]
            if holder != self.holder and host == self.host and pid.isdigit() and not _alive(int(pid)):
                stale.append(Lease.holder == holder)  # its process is gone: no need to wait
            taken = db.session.execute(
                update(Lease)
                .where(Lease.name == LEASE, db.or_(*stale))
                .values(holder=self.holder, expires_at=expires)
            )
            db.session.commit()
            return bool(taken.rowcount)  # type: ignore[attr-defined]
        except IntegrityError:
            db.session.rollback()
            return False
        finally:
            db.session.remove()

    # -- callbacks from the queue's workers ------------------------------------------------
    def _on_started(self, job_id: str, worker: str) -> None:
        with self.app.app_context():
            try:
                db.session.execute(
                    update(Submission)
                    .where(
                        Submission.job_id == job_id,
                        Submission.status == "queued",
                        Submission.dispatched_by == self.holder,
                    )
                    .values(status="running", started_at=now(), attempts=Submission.attempts + 1)
                )
                db.session.commit()
            finally:
                db.session.remove()

    def _on_done(self, outcome: JobResult) -> None:
        with self.app.app_context():
            for attempt in range(5):  # a busy database (SQLite under load) is tried again
                try:
                    store.record_result(outcome, self.holder)
                    assessments = db.session.scalars(
                        select(Submission.assessment_id).where(
                            Submission.job_id == outcome.job_id, Submission.assessment_id.is_not(None)
                        )
                    ).all()
                    with self._lock:
                        self._similar.update(a for a in assessments if a is not None)
                    break
                except Exception as exc:
                    db.session.rollback()
                    if attempt == 4:
                        self.app.logger.error("grader: could not save job %s: %s", outcome.job_id[:12], exc)
                    time.sleep(0.2 * (attempt + 1))
                finally:
                    db.session.remove()
        self.notify()
