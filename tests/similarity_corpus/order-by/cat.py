"""Sorted listings of users; the database does all of the sorting."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    age = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, server_default=func.now())

    def as_tuple(self):
        return (self.name, self.age, self.created_at)


BY_NAME = (User.name,)
NEWEST = (User.created_at.desc(),)
AGE_THEN_NAME = (User.age.desc(), User.name)


def _fetch(order, limit=None):
    stmt = db.select(User).order_by(*order)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [row[0] for row in db.session.execute(stmt)]


def users_by_name():
    return _fetch(BY_NAME)


def users_newest_first():
    return _fetch(NEWEST)


def users_by_age_then_name():
    return _fetch(AGE_THEN_NAME)


def oldest_users(n):
    if n < 1:
        return []
    return _fetch(AGE_THEN_NAME, limit=n)
