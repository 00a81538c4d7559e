"""Known-good: PageView is mapped onto a db.Table(..., bind_key="analytics"); the view is stored with
a core insert() and counted with a GROUP BY on the table, sent to the analytics engine explicitly
(Flask-SQLAlchemy routes a SELECT of bare table columns to the default engine)."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, insert, select

db = SQLAlchemy()

page_views = db.Table(
    "page_views",
    db.Column("id", db.Integer, primary_key=True),
    db.Column("path", db.String(200), nullable=False),
    db.Column("user_id", db.Integer, nullable=False),
    bind_key="analytics",
)


class User(db.Model):
    __tablename__ = "accounts"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)


class PageView(db.Model):
    __table__ = page_views


def record_view(user_id: int, path: str) -> None:
    db.session.execute(insert(page_views).values(user_id=user_id, path=path))
    db.session.commit()


def views_per_user() -> dict[str, int]:
    per_id = dict(
        db.session.execute(
            select(page_views.c.user_id, func.count(page_views.c.id)).group_by(page_views.c.user_id),
            bind_arguments={"bind": db.engines["analytics"]},
        ).tuples().all()
    )
    return {user.name: per_id.get(user.id, 0) for user in db.session.scalars(select(User))}
