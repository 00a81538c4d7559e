"""Known-bad: ties of age are broken by id (insertion order) instead of by name."""

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
    return User.query.order_by(User.created_at.desc()).all()


def users_by_age_then_name():
    return User.query.order_by(User.age.desc(), User.id).all()


def oldest_users(n):
    return User.query.order_by(User.age.desc(), User.id).limit(n).all()
