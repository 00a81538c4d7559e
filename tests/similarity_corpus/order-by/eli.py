from __future__ import annotations

from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy import String


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    age: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=_now)


def users_by_name() -> list[User]:
    stmt = db.select(User).order_by(User.name.asc())
    return db.session.execute(stmt).scalars().all()


def users_newest_first() -> list[User]:
    stmt = db.select(User).order_by(User.created_at.desc())
    return db.session.execute(stmt).scalars().all()


def users_by_age_then_name() -> list[User]:
    stmt = db.select(User).order_by(User.age.desc()).order_by(User.name.asc())
    return db.session.execute(stmt).scalars().all()


def oldest_users(n: int) -> list[User]:
    if not n:
        return []
    stmt = (
        db.select(User)
        .order_by(User.age.desc(), User.name.asc())
        .limit(n)
    )
    return db.session.execute(stmt).scalars().all()
