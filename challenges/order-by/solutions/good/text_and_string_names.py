"""Known-good: session.query with string column names, text() ORDER BY and db.desc("...")."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "app_user"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False, index=True)
    age = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)


def users_by_name():
    return db.session.query(User).order_by("name").all()


def users_newest_first():
    return db.session.query(User).order_by(db.desc("created_at")).all()


def users_by_age_then_name():
    return list(db.session.scalars(db.select(User).order_by(text("age DESC, name ASC"))))


def oldest_users(n):
    query = db.session.query(User).order_by(text("age DESC"), text("name"))
    return query.limit(n).all()
