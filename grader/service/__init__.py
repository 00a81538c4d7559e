"""The review service: ``grader serve``, where hiring teams invite, collect, grade, review
and decide.

``create_app(settings)`` builds the Flask app: Flask-SQLAlchemy models (``models``),
Alembic migrations (``migrate``), the blueprints (``views``: sign-in, the hiring team's
pages, the candidate's link, the API for CI), and the in-process grading queue
(``grader.queue.local.LocalQueue``, or with ``--queue`` the distributed
``grader.queue.celery.CeleryQueue``) fed from the database by a ``Dispatcher``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, session
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from grader import __version__
from grader.challenges import load_pack, pack_digest, pack_dir
from grader.queue.base import Queue
from grader.service import migrate, security
from grader.service.config import Settings
from grader.service.models import User, db
from grader.service.store import Context

csrf = CSRFProtect()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True}


def create_app(settings: Settings, *, queue: Queue | None = None, testing: bool = False) -> Flask:
    """The service app for ``settings``; it grades with ``queue`` (default: a ``LocalQueue`` of
    ``settings.workers`` threads on ``settings.backend``) when ``settings.start_queue``."""
    app = Flask(__name__, instance_path=str(settings.instance), instance_relative_config=False)
    settings.instance.mkdir(parents=True, exist_ok=True)
    app.config.update(
        SECRET_KEY=settings.secret_key(),
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(settings.database_url),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        WTF_CSRF_TIME_LIMIT=None,  # tied to the session, which expires on its own
        TESTING=testing,
        **security.cookie_settings(),
    )
    app.session_interface = security.SessionInterface()
    if settings.trust_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    db.init_app(app)
    csrf.init_app(app)

    pack = load_pack(pack_dir(settings.challenges_dir))
    app.extensions["grader.context"] = Context(pack, pack_digest(pack.values()), settings.backend)
    app.extensions["grader.settings"] = settings
    with app.app_context():
        if settings.database_url.startswith("sqlite"):
            event.listen(db.engine, "connect", _sqlite_pragmas)
        app.extensions["grader.migrated"] = migrate.upgrade(db.engine)

    @app.before_request
    def load_user() -> None:
        g.user = None
        uid = session.get("uid")
        if isinstance(uid, int):
            user = db.session.get(User, uid)
            if user is not None and user.active and session.get("sv") == session_version(user):
                g.user = user

    from grader.service import views

    views.register(app)  # its guard runs after load_user: before_request hooks run in order
    app.after_request(security.add_headers)

    @app.context_processor
    def globals_for_templates() -> dict[str, Any]:
        return {"grader_version": __version__, "current_user": g.get("user")}

    if settings.start_queue:
        start_grading(app, queue)
    return app


def session_version(user: User) -> str:
    """Changes when the password or role does, which signs out every session of the user."""
    return security.digest(f"{user.password_hash}:{user.role}")[:16]


def start_grading(app: Flask, queue: Queue | None = None) -> None:
    """Start this process's dispatcher (and the queue's workers)."""
    from grader.service.dispatch import Dispatcher

    settings: Settings = app.extensions["grader.settings"]
    if queue is None and settings.queue_url:
        from grader.queue.celery import CeleryQueue

        ctx: Context = app.extensions["grader.context"]
        queue = CeleryQueue(settings.queue_url, ctx.pack)
    elif queue is None:
        queue = local_queue(app, settings)
    dispatcher = Dispatcher(app, queue)
    app.extensions["grader.dispatcher"] = dispatcher
    dispatcher.start()


def local_queue(app: Flask, settings: Settings) -> Queue:
    from grader.backends import BackendSettings, make_backend
    from grader.queue.local import LocalQueue
    from sandbox.limits import SandboxLimits, share_cpus

    ctx: Context = app.extensions["grader.context"]
    # The workers' sandboxes share the host's CPUs unless each was given its own.
    limits = SandboxLimits(cpus=settings.cpus or share_cpus(settings.workers))
    chosen = BackendSettings(settings.backend, None, settings.runtime, settings.base_image, limits)

    def backend() -> Any:
        return make_backend(chosen, notice=app.logger.warning, spares=1)

    return LocalQueue(ctx.pack, backend, workers=settings.workers, detail=f"--backend {settings.backend}")


def dispatcher_of(app: Flask) -> Any:
    return app.extensions.get("grader.dispatcher")


__all__ = ["create_app", "csrf"]
