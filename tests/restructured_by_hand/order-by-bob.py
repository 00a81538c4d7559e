# copy of order-by/bob.py
import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Integer, String, asc, desc, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    age: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, nullable=False)


def _sorted(*keys, limit=None):
    statement = select(User).order_by(*keys)
    statement = statement if limit is None else statement.limit(limit)
    return [user for user in db.session.scalars(statement)]


def users_by_name():
    return _sorted(asc(User.name))


def users_newest_first():
    return _sorted(desc(User.created_at))


def users_by_age_then_name():
    return _sorted(desc(User.age), asc(User.name))


def oldest_users(n):
    return _sorted(desc(User.age), asc(User.name), limit=n)
