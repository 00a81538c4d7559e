"""Users and API tokens: what ``grader users add`` and ``grader tokens add`` (and the admin
pages) do."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from grader.errors import UsageError
from grader.service import security
from grader.service.models import ROLES, ApiToken, User, db, now
from grader.service.store import audit

MIN_PASSWORD = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _text(value: str, what: str) -> str:
    """``value``, or ``UsageError`` when it is not text: a command-line argument of bytes that are
    not UTF-8 arrives with lone surrogates, which no database or hash takes."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"the {what} is not UTF-8 text") from None
    return value


def add_user(email: str, password: str, role: str = "reviewer", name: str = "", actor: str = "cli") -> User:
    """A new active user; ``UsageError`` for a bad e-mail, role or password, or a taken e-mail."""
    email = _text(email, "e-mail address").strip().lower()
    name, password = _text(name, "name"), _text(password, "password")
    if not _EMAIL.match(email) or len(email) > 254:
        raise UsageError(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise UsageError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password must be at least {MIN_PASSWORD} characters long")
    if db.session.scalars(select(User).where(func.lower(User.email) == email)).first() is not None:
        raise UsageError(f"a user {email} already exists")
    user = User(
        email=email, name=name.strip()[:120], password_hash=security.hash_password(password), role=role
    )
    db.session.add(user)
    db.session.flush()
    audit("user.add", f"user {user.id}", {"email": email, "role": role}, actor=actor)
    db.session.commit()
    return user


def add_token(name: str, actor: str = "cli", audience: str = "candidate") -> tuple[ApiToken, str]:
    """A new API token and its secret (shown once: only its hash is stored). ``audience`` is
    what its answers show of a result: the candidate's view unless made for reviewers."""
    name = _text(name, "token's name").strip()[:120]
    if not name:
        raise UsageError("a token needs a name (what uses it, e.g. 'github-ci')")
    if audience not in ("candidate", "reviewer"):
        raise UsageError(f"a token's audience is 'candidate' or 'reviewer', not {audience!r}")
    secret = security.new_secret(security.TOKEN_PREFIX)
    token = ApiToken(name=name, token_hash=security.digest(secret), prefix=secret[:10], audience=audience)
    db.session.add(token)
    db.session.flush()
    audit("token.add", f"token {token.id}", {"name": name, "audience": audience}, actor=actor)
    db.session.commit()
    return token, secret


def find_token(secret: str) -> ApiToken | None:
    token = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == security.digest(secret))).first()
    if token is None or token.revoked_at is not None:
        return None
    return token


def revoke_token(token: ApiToken, actor: str) -> None:
    token.revoked_at = now()
    audit("token.revoke", f"token {token.id}", {"name": token.name}, actor=actor)
    db.session.commit()
