"""Known-good: an abstract base carries __bind_key__ for every analytics model; counts come from one
GROUP BY over only the user ids that exist (an IN list), merged with the users in Python."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select

db = SQLAlchemy()


class AnalyticsModel(db.Model):
    __abstract__ = True
    __bind_key__ = "analytics"


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120))


class PageView(AnalyticsModel):
    id = db.Column(db.Integer, primary_key=True)
    path = db.Column(db.String(200), nullable=False)
    user_id = db.Column(db.Integer, nullable=False)


def record_view(user_id: int, path: str) -> None:
    db.session.add(PageView(path=path, user_id=user_id))
    db.session.commit()


def views_per_user() -> dict[str, int]:
    names = dict(db.session.query(User.id, User.name).all())
    if not names:
        return {}
    grouped = db.session.execute(
        select(PageView.user_id, func.count())
        .where(PageView.user_id.in_(list(names)))
        .group_by(PageView.user_id)
    )
    counts = dict.fromkeys(names.values(), 0)
    for user_id, count in grouped:
        counts[names[user_id]] = int(count)
    return counts
