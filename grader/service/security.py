"""Passwords, tokens, sessions, headers and the sign-in rate limit.

- Passwords are stored as Werkzeug hashes (scrypt). API tokens and invitation links
  carry a random secret whose SHA-256 alone is stored: a database leak gives neither.
- Sessions are signed cookies (the secret lives in the instance folder): ``HttpOnly``,
  ``SameSite=Lax``, and ``Secure`` whenever the request came over HTTPS (directly, or
  through a reverse proxy the service is told to trust).
- Every response carries a Content-Security-Policy that allows no script at all and no
  resource from anywhere but the service itself, with ``nosniff``, ``DENY`` framing and,
  over HTTPS, HSTS.
- Sign-in attempts are counted in the database (so every process and restart agrees):
  after ``MAX_FAILURES_PER_EMAIL`` failures for one address, or
  ``MAX_FAILURES_PER_ADDRESS`` from one client, within ``WINDOW``, sign-in is refused
  until the window has passed, even with the right password.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from grader.service.models import SignInAttempt, db, now

CSP = (
    "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20
TOKEN_PREFIX = "grd_"


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def password_matches(stored: str, given: str) -> bool:
    return check_password_hash(stored, given)


def new_secret(prefix: str = "") -> str:
    """A fresh URL-safe secret (256 bits)."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored of a token or link secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is ``Secure`` on every HTTPS request."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"  # invitation links carry their token
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def client_address() -> str:
    return (request.remote_addr or "unknown")[:64]


def sign_in_blocked(email: str, address: str) -> timedelta | None:
    """How long until sign-in is allowed again for ``email`` from ``address``, or None."""
    since = now() - WINDOW
    failures = select(func.count(), func.min(SignInAttempt.at)).where(
        SignInAttempt.ok.is_(False), SignInAttempt.at > since
    )
    by_email = db.session.execute(failures.where(SignInAttempt.email == email)).one()
    by_address = db.session.execute(failures.where(SignInAttempt.address == address)).one()
    for (count, oldest), cap in ((by_email, MAX_FAILURES_PER_EMAIL), (by_address, MAX_FAILURES_PER_ADDRESS)):
        if count >= cap and oldest is not None:
            wait: timedelta = max(oldest + WINDOW - now(), timedelta(seconds=1))
            return wait
    return None


def record_attempt(email: str, address: str, ok: bool) -> None:
    db.session.add(SignInAttempt(email=email, address=address, ok=ok))
    db.session.commit()


def cookie_settings() -> dict[str, Any]:
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "grader_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    }
