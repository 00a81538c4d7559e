"""Known-bad: sorts the rows in Python with sorted(), so no SELECT has an ORDER BY."""

from operator import attrgetter

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    age = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False)


def users_by_name():
    return sorted(User.query.all(), key=attrgetter("name"))


def users_newest_first():
    return sorted(User.query.all(), key=attrgetter("created_at"), reverse=True)


def users_by_age_then_name():
    return sorted(User.query.all(), key=lambda u: (-u.age, u.name))


def oldest_users(n):
    return sorted(User.query.all(), key=lambda u: (-u.age, u.name))[:n]
