"""Known-bad: "newest first" written as order_by(-User.created_at): negating works for an integer, but
SQLite turns a stored datetime into a number by its leading year, so the users are not in created_at
order."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    age = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)


def users_by_name():
    return User.query.order_by(User.name).all()


def users_newest_first():
    return User.query.order_by(-User.created_at).all()


def users_by_age_then_name():
    return User.query.order_by(-User.age, User.name).all()


def oldest_users(n):
    return User.query.order_by(-User.age, User.name).limit(n).all()
