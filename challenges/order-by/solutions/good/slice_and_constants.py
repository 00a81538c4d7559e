"""Known-good: the orderings as module-level tuples, desc()/asc() functions, chained order_by calls,
nulls_last(), Query.slice() for the top n, and db.session.scalars(...) built into a list()."""

from datetime import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Integer, String, asc, desc, nulls_last, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    age: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


BY_NAME = (asc(User.name),)
NEWEST_FIRST = (nulls_last(desc(User.created_at)), desc(User.id))
OLDEST_FIRST = (desc(User.age), asc(User.name))


def _users(*ordering) -> list[User]:
    return list(db.session.scalars(select(User).order_by(*ordering)))


def users_by_name() -> list[User]:
    return _users(*BY_NAME)


def users_newest_first() -> list[User]:
    return _users(*NEWEST_FIRST)


def users_by_age_then_name() -> list[User]:
    stmt = select(User).order_by(User.age.desc()).order_by(User.name)
    return list(db.session.scalars(stmt))


def oldest_users(n: int) -> list[User]:
    return db.session.query(User).order_by(*OLDEST_FIRST).slice(0, n).all()
