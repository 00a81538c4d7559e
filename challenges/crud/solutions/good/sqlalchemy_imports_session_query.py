"""Known-good: Column and exc imported from sqlalchemy (not db.), db.session.query with
one_or_none, a ValueError subclass, a Query.delete() rowcount turned into a bool."""

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import exc

db = SQLAlchemy()


class DuplicateUserError(ValueError):
    """A user with this name already exists."""


class User(db.Model):
    __tablename__ = "user_account"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(50), nullable=False, unique=True)
    email = sa.Column(sa.String(120))

    def __repr__(self):
        return f"User({self.name!r}, {self.email!r})"


def create_user(name, email=None):
    """Insert and commit; a taken name raises DuplicateUserError."""
    user = User(name=name, email=email)
    db.session.add(user)
    try:
        db.session.commit()
    except exc.IntegrityError as err:
        db.session.rollback()
        raise DuplicateUserError(name) from err
    return user


def get_user(name):
    return db.session.query(User).filter(User.name == name).one_or_none()


def update_email(name, email):
    user = db.session.query(User).filter(User.name == name).one_or_none()
    if user is None:
        return None
    user.email = email
    db.session.commit()
    return user


def delete_user(name):
    deleted = db.session.query(User).filter(User.name == name).delete()
    db.session.commit()
    return deleted > 0
