"""Known-good: legacy Model.query style, a named table, extra column, existence checked first."""

from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def _now():
    return datetime.now(timezone.utc)


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False, index=True)
    email = db.Column(db.String(120))
    created_at = db.Column(db.DateTime, default=_now, nullable=False)


def create_user(name, email=None):
    if User.query.filter_by(name=name).first() is not None:
        raise ValueError("name already taken")
    user = User(name=name, email=email)
    db.session.add(user)
    db.session.commit()
    return user


def get_user(name):
    return User.query.filter_by(name=name).first()


def update_email(name, email):
    user = User.query.filter_by(name=name).first()
    if not user:
        return None
    user.email = email
    db.session.commit()
    return user


def delete_user(name):
    user = User.query.filter_by(name=name).first()
    if not user:
        return False
    db.session.delete(user)
    db.session.commit()
    return True
