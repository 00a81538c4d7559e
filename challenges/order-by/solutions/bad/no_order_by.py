"""Known-bad: no ORDER BY at all, relying on the order SQLite happens to return rows in."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    age = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)


def users_by_name():
    return User.query.all()


def users_newest_first():
    return User.query.all()


def users_by_age_then_name():
    return User.query.all()


def oldest_users(n):
    return User.query.limit(n).all()
