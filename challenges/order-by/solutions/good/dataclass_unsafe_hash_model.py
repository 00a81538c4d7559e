"""Dataclass model with unsafe_hash=True, given on the model (Flask-SQLAlchemy refuses it on
the base class): instances hash and compare by their fields. Every function sorts, and
limits, in SQL."""

from datetime import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column


class Base(MappedAsDataclass, DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model, unsafe_hash=True):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(50))
    age: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime)


def users_by_name() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name)))


def users_newest_first() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.created_at.desc())))


def users_by_age_then_name() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.age.desc(), User.name.asc())))


def oldest_users(n: int) -> list[User]:
    stmt = select(User).order_by(User.age.desc(), User.name.asc()).limit(n)
    return list(db.session.scalars(stmt))
