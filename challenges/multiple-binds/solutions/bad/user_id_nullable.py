"""Known-bad: PageView.user_id is declared Mapped[int | None], so the column is nullable and a
view without a user can be stored."""

from collections import Counter

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class PageView(db.Model):
    __bind_key__ = "analytics"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None]


def record_view(user_id: int, path: str) -> None:
    db.session.add(PageView(user_id=user_id, path=path))
    db.session.commit()


def views_per_user() -> dict[str, int]:
    counts = Counter(db.session.scalars(select(PageView.user_id)))
    return {user.name: counts[user.id] for user in db.session.scalars(select(User))}
