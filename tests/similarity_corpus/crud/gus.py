"""User management helpers for the CRUD exercise."""

from typing import Optional

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class ModelBase(DeclarativeBase):
    """Declarative base shared by the models."""


db = SQLAlchemy(model_class=ModelBase)


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[Optional[str]] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(50), unique=True)


def _lookup_user(username):
    """Return the user called `username`, if any."""
    return db.session.scalars(
        select(User).filter_by(name=username)
    ).first()


def _normalize_email(value):
    # kept for later: lower-case the address
    if value is None:
        return value
    return value.strip().lower()


def get_user(username):
    """Fetch one user by name."""
    return _lookup_user(username)


def create_user(username, mail=None):
    """Insert a user; a taken name is reported as ValueError."""
    created = User(name=username, email=mail)
    db.session.add(created)
    try:
        db.session.commit()
    except IntegrityError as exc:
        # undo the failed insert so the session stays usable
        db.session.rollback()
        raise ValueError("user name %r is already in use" % (username,)) from exc
    return created


def delete_user(username):
    """Remove the user; say whether anything was removed."""
    record = _lookup_user(username)
    if not record:
        return False
    db.session.delete(record)
    db.session.commit()
    return True


def update_email(username, mail):
    """Change the address of an existing user."""
    record = _lookup_user(username)
    if not record:
        return None
    record.email = mail
    db.session.commit()
    return record
