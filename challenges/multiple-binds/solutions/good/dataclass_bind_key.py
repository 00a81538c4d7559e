"""Dataclass models: __bind_key__ is a plain class attribute (not a field), so PageView's
table goes to the analytics database; views are counted there and merged in Python."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column


class Base(MappedAsDataclass, DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(50))


class PageView(db.Model):
    __bind_key__ = "analytics"

    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    path: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(index=True)


def record_view(user_id: int, path: str) -> None:
    db.session.add(PageView(path=path, user_id=user_id))
    db.session.commit()


def views_per_user() -> dict[str, int]:
    stmt = select(PageView.user_id, func.count()).group_by(PageView.user_id)
    counts = {user_id: count for user_id, count in db.session.execute(stmt)}
    return {user.name: counts.get(user.id, 0) for user in db.session.scalars(select(User))}
