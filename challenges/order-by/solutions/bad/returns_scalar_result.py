"""Known-bad: returns the ScalarResult of db.session.scalars() instead of a list."""

from datetime import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    age: Mapped[int]
    created_at: Mapped[datetime]


def users_by_name():
    return db.session.scalars(select(User).order_by(User.name))


def users_newest_first():
    return db.session.scalars(select(User).order_by(User.created_at.desc()))


def users_by_age_then_name():
    return db.session.scalars(select(User).order_by(User.age.desc(), User.name))


def oldest_users(n):
    return db.session.scalars(select(User).order_by(User.age.desc(), User.name).limit(n))
