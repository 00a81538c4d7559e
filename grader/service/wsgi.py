"""The WSGI entry point for a server you run yourself::

    gunicorn --workers 1 --threads 8 --bind 127.0.0.1:8000 'grader.service.wsgi:app'

Settings come from the environment, as for ``grader serve``: ``GRADER_INSTANCE``,
``GRADER_DATABASE_URL``, ``GRADER_CHALLENGES``, ``GRADER_BACKEND``, ``GRADER_WORKERS``,
``GRADER_TRUST_PROXY=1`` behind a reverse proxy. The schema is upgraded on import.
More web processes are safe (one of them owns the grading queue at a time, through a
lease in the database), but each keeps idle grading workers: one process with threads
is the simple choice.
"""

from __future__ import annotations

from grader.service import create_app
from grader.service.config import Settings

app = create_app(Settings.make())
