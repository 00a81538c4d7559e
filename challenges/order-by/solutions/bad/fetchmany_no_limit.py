"""Known-bad: oldest_users sorts in SQL but cuts with fetchmany(n), so the database is never asked for
only n rows (no LIMIT)."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    age = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)


def users_by_name():
    return list(db.session.scalars(select(User).order_by(User.name)))


def users_newest_first():
    return list(db.session.scalars(select(User).order_by(User.created_at.desc())))


def users_by_age_then_name():
    return list(db.session.scalars(select(User).order_by(User.age.desc(), User.name)))


def oldest_users(n):
    result = db.session.scalars(select(User).order_by(User.age.desc(), User.name))
    return list(result.fetchmany(n)) if n else []
