"""Queues of gradings: one ``Queue`` interface (``base``), an in-process one (``local``), a
distributed one (``celery``).

A producer (the review service, later ``grader batch``) puts ``Job``\\ s on a queue and
gets ``JobResult``\\ s back through the callbacks it gave ``start``; it keeps the results
itself. ``celery`` is the distributed one (Celery workers on a Redis broker, imported
only when used). A job carries everything a worker needs as data (the submission's bytes, the
challenge ids and weights, the pack's digest), never a path on the producer's host, so a
worker may run on another machine.
"""

from grader.queue.base import Job, JobResult, Queue, QueueStatus, RunningJob, WorkerBeat, job_id

__all__ = ["Job", "JobResult", "Queue", "QueueStatus", "RunningJob", "WorkerBeat", "job_id"]
