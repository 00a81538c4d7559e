import datetime as dt

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Integer, String, DateTime, asc, desc, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    age: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False)


def _all(*ordering, limit=None):
    query = select(User).order_by(*ordering)
    if limit is not None:
        query = query.limit(limit)
    return db.session.scalars(query).all()


def users_by_name():
    return list(_all(asc(User.name)))


def users_newest_first():
    return list(_all(desc(User.created_at)))


def users_by_age_then_name():
    return list(_all(desc(User.age), asc(User.name)))


def oldest_users(n):
    return list(_all(desc(User.age), asc(User.name), limit=n))
