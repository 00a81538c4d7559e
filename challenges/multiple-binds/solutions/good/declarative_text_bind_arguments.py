"""Known-good: SQLAlchemy(model_class=Base) with a DeclarativeBase and Mapped annotations;
the counts come from a text() GROUP BY sent to the analytics engine with bind_arguments,
the users from a select of (id, name) rows."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class PageView(db.Model):
    __tablename__ = "page_views"
    __bind_key__ = "analytics"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int]


def record_view(user_id: int, path: str) -> None:
    """Store one view in the analytics database and commit it."""
    db.session.add(PageView(user_id=user_id, path=path))
    db.session.commit()


def views_per_user() -> dict[str, int]:
    """Each user's name with their number of views (0 for none)."""
    rows = db.session.execute(
        text("SELECT user_id, COUNT(*) AS n FROM page_views GROUP BY user_id"),
        bind_arguments={"bind": db.engines["analytics"]},
    )
    counts = {row.user_id: row.n for row in rows}
    users = db.session.execute(select(User.id, User.name)).all()
    return {name: int(counts.get(user_id, 0)) for user_id, name in users}
