"""Known-good: UniqueConstraint in __table_args__, a ValueError subclass, pre-check plus IntegrityError fallback, an UPDATE statement."""

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError

db = SQLAlchemy()


class NameTaken(ValueError):
    """The name is already used by another user."""


class User(db.Model):
    __tablename__ = "people"
    __table_args__ = (sa.UniqueConstraint("name", name="uq_people_name"),)

    id = db.Column(db.Integer, primary_key=True, autoincrement=True)
    name = db.Column(db.String(50), nullable=False)
    email = db.Column(db.String(120), nullable=True, default=None)

    def __repr__(self):
        return f"User(id={self.id!r}, name={self.name!r})"


def _find(name):
    return db.session.execute(sa.select(User).where(User.name == name).limit(1)).scalars().first()


def create_user(name, email=None):
    exists = db.session.execute(
        sa.select(sa.func.count()).select_from(User).where(User.name == name)
    ).scalar_one()
    if exists:
        raise NameTaken(name)
    user = User(name=name, email=email)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # lost a race with another writer
        db.session.rollback()
        raise NameTaken(name) from None
    db.session.refresh(user)
    return user


def get_user(name):
    return _find(name)


def update_email(name, email):
    result = db.session.execute(sa.update(User).where(User.name == name).values(email=email))
    if result.rowcount == 0:
        db.session.rollback()
        return None
    db.session.commit()
    return _find(name)


def delete_user(name):
    user = _find(name)
    if user is None:
        return False
    db.session.delete(user)
    db.session.commit()
    return True
