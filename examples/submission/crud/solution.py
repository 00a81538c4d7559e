"""Example answer (broken): a typo that fails at import."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    email = db.Column(db.Strng(120))


def create_user(name, email=None):
    user = User(name=name, email=email)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValueError(f"name {name!r} is taken") from None
    return user


def get_user(name):
    return User.query.filter_by(name=name).first()


def update_email(name, email):
    user = get_user(name)
    if user is None:
        return None
    user.email = email
    db.session.commit()
    return user


def delete_user(name):
    user = get_user(name)
    if user is None:
        return False
    db.session.delete(user)
    db.session.commit()
    return True
