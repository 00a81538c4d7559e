"""What ``grader serve``, ``grader users add`` and ``grader tokens add`` do (``grader.cli`` is
a thin layer over these)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

from grader.service.config import Settings


@contextmanager
def app_context(settings: Settings) -> Iterator[None]:
    """The service's app (schema upgraded, no grading started) and its context."""
    from grader.service import create_app

    app = create_app(dataclasses.replace(settings, start_queue=False))
    with app.app_context():
        yield


def add_user(settings: Settings, email: str, password: str, role: str, name: str = "") -> str:
    from grader.service import accounts

    with app_context(settings):
        user = accounts.add_user(email, password, role, name)
        return f"added {user.email} ({user.role})"


def add_token(settings: Settings, name: str, audience: str = "candidate") -> str:
    """The new token's secret: printed once, never stored."""
    from grader.service import accounts

    with app_context(settings):
        _token, secret = accounts.add_token(name, audience=audience)
        return secret
