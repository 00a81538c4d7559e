"""``grader batch --queue``: the batch's grading loop when a queue's workers do the grading.

Each submission becomes a ``Job`` (an archive's bytes as they are; a folder packed into
a zip whose bytes depend only on its files, so that the same folder is the same job on
every run); rows are made from the results as they come back and saved exactly as a
local batch saves them, so the ``--out`` folder, the leaderboard, the cohort and
``--resume`` behave the same. A submission that cannot be read is a row at once, as
in a local batch, and is never queued.
"""

from __future__ import annotations

import dataclasses
import io
import os
import queue as stdlib_queue
import stat
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader import __version__
from grader.archive import is_archive
from grader.audience import for_audience
from grader.challenges import pack_digest
from grader.errors import GraderError, SubmissionError
from grader.queue.base import Job, JobResult, Queue
from grader.submission import check_submission_path

if TYPE_CHECKING:
    from grader.assessment import Assessment
    from grader.batch import Batch, OnRow
    from grader.cohort import Row

MAX_FOLDER_BYTES = 64 * 1024 * 1024  # a folder larger than this is not a take-home: refused
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def pack_folder(folder: Path) -> bytes:
    """The regular files under ``folder`` as a zip whose bytes depend only on their names and
    contents (sorted, fixed times and modes). Links and special files are left out, as the
    archive reader would refuse them; hidden files are kept (they may be a submission's notes)."""
    buffer = io.BytesIO()
    total = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for root, dirs, files in os.walk(folder, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                path = Path(root, name)
                info = path.lstat()
                if not stat.S_ISREG(info.st_mode):
                    continue
                total += info.st_size
                if total > MAX_FOLDER_BYTES:
                    raise SubmissionError(f"submission {folder} holds more than {MAX_FOLDER_BYTES >> 20} MiB")
                entry = zipfile.ZipInfo(path.relative_to(folder).as_posix(), ZIP_TIME)
                entry.external_attr = 0o644 << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
                try:
                    archive.writestr(entry, path.read_bytes())
                except OSError as exc:
                    raise SubmissionError(f"submission {folder}: cannot read {entry.filename}") from exc
    return buffer.getvalue()


def job_for(batch: Batch, path: Path) -> Job:
    """The job of grading the submission at ``path`` in ``batch``; ``GraderError`` when it
    cannot be read (the same cases a local grading refuses)."""
    check_submission_path(path, [c.id for c in batch.challenges])
    if path.is_file() and is_archive(path):
        try:
            data, filename = path.read_bytes(), path.name
        except OSError as exc:
            raise SubmissionError(f"submission {path} cannot be read ({exc.strerror})") from None
    else:
        data, filename = pack_folder(path), f"{path.name or 'submission'}.zip"
    return Job(
        submission=data,
        filename=filename,
        weights={c.id: batch.weight(c) for c in batch.challenges},
        assessment=_named(batch.assessment),
        pack_digest=pack_digest(batch.pack.values()),
        grader_version=__version__,
        label=str(path),
    )


def _named(assessment: Assessment | None) -> dict[str, Any]:
    """What a job carries of the batch's assessment besides its weights."""
    if assessment is None:
        return {}
    return {"name": assessment.name, "title": assessment.title, "time_limit": assessment.time_limit}


def row_of(batch: Batch, name: str, path: Path, outcome: JobResult) -> Row:
    """The row (saved as a local batch saves it) of what a worker sent back for ``name``."""
    if outcome.result is not None:
        # The worker grades the job's archive: the result names the submission as given here.
        assessment = batch.assessment.as_json() if batch.assessment else {}
        result = dataclasses.replace(outcome.result, submission=str(path), assessment=assessment)
        return batch._keep(name, path, for_audience(result, batch.audience, batch.challenges))
    if outcome.unreadable:
        return batch._keep(name, path, batch._unreadable(path, outcome.error))
    return batch._failed(name, path, f"grading failed: {outcome.error}")


def grade_on_queue(
    batch: Batch, queue: Queue, todo: list[tuple[str, Path]], rows: dict[str, Row], on_row: OnRow | None
) -> None:
    """Grade ``todo`` on ``queue``, adding each row to ``rows`` as its result comes back; the
    same work twice (two names, one content) is one job whose result fills both rows."""

    results: stdlib_queue.SimpleQueue[JobResult] = stdlib_queue.SimpleQueue()
    waiting: dict[str, list[tuple[str, Path]]] = {}
    jobs: dict[str, Job] = {}
    done = 0

    def finished(row: Row) -> None:
        nonlocal done
        rows[row.name] = row
        done += 1
        if on_row:
            on_row(row, done, len(todo))

    for name, path in todo:
        try:
            job = job_for(batch, path)
        except GraderError as exc:
            finished(batch._keep(name, path, batch._unreadable(path, exc.message)))
            continue
        waiting.setdefault(job.id, []).append((name, path))
        jobs.setdefault(job.id, job)
    queue.start(lambda _job_id, _worker: None, results.put)
    for job in jobs.values():
        queue.submit(job)
    try:
        while waiting:
            try:
                outcome = results.get(timeout=0.5)
            except stdlib_queue.Empty:
                continue
            for name, path in waiting.pop(outcome.job_id, []):
                finished(row_of(batch, name, path, outcome))
    except KeyboardInterrupt:
        raise batch.interrupted(
            todo, rows, " (the queue's workers go on with what was sent; --resume collects their results)"
        ) from None
