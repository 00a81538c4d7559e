"""Known-bad: oldest_users limits an unordered subquery of ids and orders only the outer SELECT, so it
sorts n arbitrary users rather than taking the n oldest."""

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
    some = select(User.id).limit(n).scalar_subquery()
    stmt = select(User).where(User.id.in_(some)).order_by(User.age.desc(), User.name)
    return list(db.session.scalars(stmt))
