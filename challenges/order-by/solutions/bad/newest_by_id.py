"""Known-bad: "newest first" taken as the highest id first, which is insertion order, not created_at."""

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


def users_by_name() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name)))


def users_newest_first() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.id.desc())))


def users_by_age_then_name() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.age.desc(), User.name)))


def oldest_users(n: int) -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.age.desc(), User.name).limit(n)))
