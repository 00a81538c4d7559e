"""Known-good: 2.0 style with Mapped/mapped_column, and a Counter over the user ids of every view."""

from collections import Counter

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class PageView(db.Model):
    __tablename__ = "page_view"
    __bind_key__ = "analytics"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(index=True)


def record_view(user_id: int, path: str) -> None:
    db.session.add(PageView(user_id=user_id, path=path))
    db.session.commit()


def views_per_user() -> dict[str, int]:
    seen = Counter(db.session.scalars(select(PageView.user_id)))
    rows = db.session.execute(select(User.id, User.name)).all()
    return {name: seen[user_id] for user_id, name in rows}
