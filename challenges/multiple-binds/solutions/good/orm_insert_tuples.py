"""Known-good: 2.0 style with an ORM-enabled insert(PageView) for record_view, func.count()
without an argument, and dict(...) built from .tuples() of both queries."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False)


class PageView(db.Model):
    __bind_key__ = "analytics"
    __tablename__ = "pageviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(200), nullable=False)
    user_id: Mapped[int] = mapped_column(nullable=False)

    def __repr__(self):
        return f"<PageView {self.path!r} by {self.user_id}>"


def record_view(user_id, path):
    db.session.execute(insert(PageView).values(user_id=user_id, path=path))
    db.session.commit()


def views_per_user():
    per_id = dict(
        db.session.execute(
            select(PageView.user_id, func.count()).group_by(PageView.user_id)
        ).tuples().all()
    )
    names = db.session.execute(select(User.id, User.name)).tuples().all()
    return {name: per_id.get(uid, 0) for uid, name in names}
