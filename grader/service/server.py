"""``grader serve``: upgrade the database, then serve the app with a real WSGI server.

``--server auto`` (the default) runs gunicorn when it is installed (one process, a
thread per request, the grading queue inside it), else Werkzeug's development server,
and that only on a loopback address: the development server is never what a
``--host 0.0.0.0`` gets.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

from flask import Flask

from grader.errors import UsageError
from grader.service.config import Settings, redacted

SERVERS = ("auto", "gunicorn", "dev")
Say = Callable[[str], None]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def has_gunicorn() -> bool:
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def choose_server(requested: str, host: str) -> str:
    """``gunicorn`` or ``dev`` for ``--server requested`` on ``host``; ``UsageError`` when the
    development server would face the network."""
    if requested == "gunicorn" and not has_gunicorn():
        raise UsageError("gunicorn is not installed: pip install 'grader[deploy]' (or gunicorn)")
    if requested == "auto":
        requested = "gunicorn" if has_gunicorn() else "dev"
    if requested == "dev" and not is_loopback(host):
        raise UsageError(
            f"the development server is for this machine only, not --host {host}: install gunicorn "
            "(pip install 'grader[deploy]') and run grader serve again, behind a reverse proxy with TLS"
        )
    return requested


def prepare(settings: Settings, say: Say) -> None:
    """Create the instance folder, the secret and the schema (upgrading it), and say so."""
    from sqlalchemy import create_engine

    from grader.service import engine_options, migrate

    settings.instance.mkdir(parents=True, exist_ok=True)
    fresh = not (settings.instance / "secret_key").exists()
    settings.secret_key()
    if fresh:
        say(f"made a signing secret in {settings.instance / 'secret_key'}")
    engine = create_engine(settings.database_url, **engine_options(settings.database_url))
    try:
        before, after = migrate.upgrade(engine)
    finally:
        engine.dispose()
    where = redacted(settings.database_url)
    if before != after:
        say(f"database {where}: upgraded from {before or 'empty'} to revision {after}")
    else:
        say(f"database {where}: at revision {after}, nothing to upgrade")


def serve(settings: Settings, host: str, port: int, server: str, threads: int, say: Say) -> None:
    """Run until interrupted."""
    chosen = choose_server(server, host)
    prepare(settings, say)
    _check_port(host, port)
    from grader.service import create_app

    if chosen == "dev":
        app = create_app(settings)
        say(f"serving on http://{host}:{port}/ with Werkzeug's development server (this machine only)")
        try:
            app.run(host=host, port=port, threaded=True, use_reloader=False, debug=False)
        finally:
            _stop(app)
        return
    say(f"serving on http://{host}:{port}/ with gunicorn (1 process, {threads} threads)")
    _gunicorn(lambda: create_app(settings), host, port, threads)


def _stop(app: Flask) -> None:
    from grader.service import dispatcher_of

    dispatcher = dispatcher_of(app)
    if dispatcher is not None:
        dispatcher.stop()


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _gunicorn(factory: Callable[[], Flask], host: str, port: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Embedded(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": 1,  # the grading queue lives in the worker process: one owner
                "worker_class": "gthread",
                "threads": threads,
                "timeout": 120,
                "graceful_timeout": 10,
                "accesslog": "-",
                "forwarded_allow_ips": "127.0.0.1,::1",
                "control_socket_disable": True,  # gunicorn 24+: no control socket in the home folder
            }
            for key, value in options.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> Flask:
            app = factory()
            import atexit

            atexit.register(_stop, app)
            return app

    Embedded().run()
