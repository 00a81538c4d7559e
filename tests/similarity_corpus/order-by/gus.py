# sorting exercise

import datetime as dt

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Integer, String, asc, desc, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "app_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    age: Mapped[int] = mapped_column(Integer, nullable=False)


def oldest_users(count):
    """Top `count` users by age (ties broken by name)."""
    return list(_run_query(desc(User.age), asc(User.name), max_rows=count))


def users_by_name():
    """All users, A to Z."""
    return list(_run_query(asc(User.name)))


def _run_query(*order_terms, max_rows=None):
    """Build the SELECT, apply the ordering and optional LIMIT, run it."""
    statement = select(User).order_by(*order_terms)
    if max_rows is not None:
        statement = statement.limit(max_rows)
    rows = db.session.scalars(statement)
    return rows.all()


def users_by_age_then_name():
    """Oldest first; same age sorted by name."""
    return list(_run_query(desc(User.age), asc(User.name)))


def users_newest_first():
    """Most recently created first."""
    return list(_run_query(User.created_at.desc()))


def _debug_dump():
    for u in users_by_name():
        print(u.id, u.name)
