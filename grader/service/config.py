"""Where the service keeps its state, and the settings it runs with.

The instance folder (``--instance``, ``GRADER_INSTANCE``, default ``./grader-instance``)
holds the signing secret (made on first start, mode 0600) and, unless ``--database``
(``GRADER_DATABASE_URL``) says otherwise, the SQLite database ``grader.db``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INSTANCE = "grader-instance"
SECRET_FILE = "secret_key"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # a submission archive; the unpacked size has its own cap


@dataclass(frozen=True)
class Settings:
    """Everything ``create_app`` needs; ``from_env`` reads it the way ``grader serve`` does."""

    instance: Path
    database_url: str
    challenges_dir: Path | None = None
    backend: str = "auto"
    runtime: str | None = None  # the Docker runtime, as grade --runtime
    base_image: str | None = None  # the Docker sandbox's base, as grade --base-image
    workers: int = 2
    cpus: int | None = None  # each grading's sandbox; None: the host's shared among the workers
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    trust_proxy: bool = False  # honour X-Forwarded-Proto/For from one reverse proxy
    start_queue: bool = True  # grade in this process (tests may turn it off)
    queue_url: str | None = None  # grade on the workers of this Redis queue (grader.queue.celery)

    @classmethod
    def make(
        cls,
        instance: str | os.PathLike[str] | None = None,
        database: str | None = None,
        environ: Mapping[str, str] = os.environ,
        **options: object,
    ) -> Settings:
        """Settings from explicit values, else the ``GRADER_*`` variables, else the defaults."""
        folder = Path(instance or environ.get("GRADER_INSTANCE") or DEFAULT_INSTANCE).expanduser().resolve()
        url = database or environ.get("GRADER_DATABASE_URL") or f"sqlite:///{folder / 'grader.db'}"
        challenges = options.pop("challenges_dir", None) or environ.get("GRADER_CHALLENGES") or None
        given = {k: v for k, v in options.items() if v is not None}
        if "backend" not in given and environ.get("GRADER_BACKEND"):
            given["backend"] = environ["GRADER_BACKEND"]
        if "workers" not in given and environ.get("GRADER_WORKERS", "").isdigit():
            given["workers"] = int(environ["GRADER_WORKERS"])
        if "queue_url" not in given and environ.get("GRADER_QUEUE"):
            given["queue_url"] = environ["GRADER_QUEUE"]
        if "trust_proxy" not in given and environ.get("GRADER_TRUST_PROXY", "") in ("1", "true", "yes"):
            given["trust_proxy"] = True
        return cls(
            instance=folder,
            database_url=url,
            challenges_dir=Path(str(challenges)) if challenges else None,
            **given,  # type: ignore[arg-type]
        )

    def secret_key(self) -> str:
        """The signing secret, generated into the instance folder on first start."""
        self.instance.mkdir(parents=True, exist_ok=True)
        path = self.instance / SECRET_FILE
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_urlsafe(48))
        return path.read_text(encoding="ascii").strip()


def redacted(url: str) -> str:
    """``url`` with any password replaced, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url
