"""Known-good: 2.0 style with other table/column names in the database, desc(), an id tiebreak."""

from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Integer, String, desc, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


def _now() -> datetime:
    return datetime.now(UTC)


class User(db.Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column("person_id", Integer, primary_key=True)
    name: Mapped[str] = mapped_column("full_name", String(50))
    age: Mapped[int] = mapped_column("years", Integer, index=True)
    created_at: Mapped[datetime] = mapped_column("joined", DateTime(timezone=True), default=_now)
    nickname: Mapped[str | None] = mapped_column(String(30))


def users_by_name() -> list[User]:
    stmt = db.select(User).order_by(User.name, User.id)
    return db.session.execute(stmt).scalars().all()


def users_newest_first() -> list[User]:
    return db.session.scalars(select(User).order_by(desc(User.created_at), User.id)).all()


def users_by_age_then_name() -> list[User]:
    stmt = select(User).order_by(desc(User.age), User.name, User.id)
    return db.session.scalars(stmt).all()


def oldest_users(n: int) -> list[User]:
    if n <= 0:
        return []
    stmt = select(User).order_by(User.age.desc(), User.name.asc(), User.id).limit(n)
    return db.session.scalars(stmt).all()
