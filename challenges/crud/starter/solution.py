"""Create, read, update, delete: see statement.md."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    # TODO: name (String(50), unique, not null) and email (String(120), nullable)


def create_user(name, email=None):
    # TODO: add the user, commit, return it; raise ValueError if the name is taken
    raise NotImplementedError


def get_user(name):
    # TODO: the user with that name, or None
    raise NotImplementedError


def update_email(name, email):
    # TODO: change the email and commit; None when there is no such user
    raise NotImplementedError


def delete_user(name):
    # TODO: delete and commit, return True; False when there is no such user
    raise NotImplementedError
