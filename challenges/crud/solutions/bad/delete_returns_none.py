"""Known-bad: delete_user returns nothing (None) instead of True/False."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), unique=True, nullable=False)
    email = db.Column(db.String(120), nullable=True)

    def __repr__(self) -> str:
        return f"<User {self.name}>"


def create_user(name: str, email: str | None = None) -> User:
    user = User(name=name, email=email)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValueError(f"a user named {name!r} already exists") from None
    return user


def get_user(name: str) -> User | None:
    return db.session.execute(db.select(User).filter_by(name=name)).scalar_one_or_none()


def update_email(name: str, email: str) -> User | None:
    user = get_user(name)
    if user is None:
        return None
    user.email = email
    db.session.commit()
    return user


def delete_user(name: str) -> bool:
    user = get_user(name)
    if user is not None:
        db.session.delete(user)
        db.session.commit()
