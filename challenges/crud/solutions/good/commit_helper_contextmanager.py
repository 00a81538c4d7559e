"""Known-good: a commit helper that rolls back and translates IntegrityError, db.get_or_404-free
lookups with a legacy Query.first(), and a __table_args__ UniqueConstraint by column object."""

from contextlib import contextmanager

from flask_sqlalchemy import SQLAlchemy
import sqlalchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), default=None)

    __table_args__ = (sqlalchemy.UniqueConstraint(name),)


@contextmanager
def _committing():
    try:
        yield
        db.session.commit()
    except sqlalchemy.exc.IntegrityError as error:
        db.session.rollback()
        raise ValueError(str(error.orig)) from error
    except Exception:
        db.session.rollback()
        raise


def create_user(name, email=None):
    user = User(name=name, email=email)
    with _committing():
        db.session.add(user)
    return user


def get_user(name):
    return User.query.filter_by(name=name).first()


def update_email(name, email):
    user = get_user(name)
    if user:
        with _committing():
            user.email = email
    return user


def delete_user(name):
    user = get_user(name)
    if not user:
        return False
    with _committing():
        db.session.delete(user)
    return True
