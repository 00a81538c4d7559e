"""Known-bad: looks users up with ilike(name), so a lookup matches other names: another case, or
any name when the given one holds the LIKE wildcards _ and %."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    email = db.Column(db.String(120))


def create_user(name, email=None):
    user = User(name=name, email=email)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValueError(name) from None
    return user


def get_user(name):
    return User.query.filter(User.name.ilike(name)).first()


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
