"""Sorting in SQL: see statement.md."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    # TODO: name (String(50), not null), age (Integer, not null),
    #       created_at (DateTime, not null)


def users_by_name() -> list[User]:
    """Every user, name ascending."""
    raise NotImplementedError


def users_newest_first() -> list[User]:
    """Every user, created_at descending."""
    raise NotImplementedError


def users_by_age_then_name() -> list[User]:
    """Every user, age descending, then name ascending."""
    raise NotImplementedError


def oldest_users(n: int) -> list[User]:
    """The n users with the highest age, ties by name ascending; n = 0 gives []."""
    raise NotImplementedError
