"""Reference solution for order-by."""

from datetime import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    age: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime)

    def __repr__(self) -> str:
        return f"<User {self.name} ({self.age})>"


def users_by_name() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name)))


def users_newest_first() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.created_at.desc())))


def users_by_age_then_name() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.age.desc(), User.name)))


def oldest_users(n: int) -> list[User]:
    stmt = select(User).order_by(User.age.desc(), User.name).limit(n)
    return list(db.session.scalars(stmt))
