"""Known-bad: returns {} early when no view exists at all, instead of every user with 0."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)


class PageView(db.Model):
    __bind_key__ = "analytics"
    id = db.Column(db.Integer, primary_key=True)
    path = db.Column(db.String(200), nullable=False)
    user_id = db.Column(db.Integer, nullable=False)


def record_view(user_id, path):
    db.session.add(PageView(user_id=user_id, path=path))
    db.session.commit()


def views_per_user():
    counts = dict(
        db.session.execute(
            select(PageView.user_id, func.count(PageView.id)).group_by(PageView.user_id)
        ).tuples().all()
    )
    if not counts:
        return {}
    return {user.name: counts.get(user.id, 0) for user in db.session.scalars(select(User))}
