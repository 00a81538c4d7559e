"""Known-good: Mapped annotations on the plain db.Model (no custom base), an EXISTS pre-check
under no_autoflush, a small repository of helpers and a typed dataclass-free module."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, exists, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()

NAME_LENGTH = 50
EMAIL_LENGTH = 120


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True, nullable=False)
    email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH), nullable=True)

    def __repr__(self) -> str:
        return f"<User #{self.id} {self.name}>"


def _name_taken(name: str) -> bool:
    with db.session.no_autoflush:
        return bool(db.session.scalar(select(exists().where(User.name == name))))


def create_user(name: str, email: str | None = None) -> User:
    if _name_taken(name):
        raise ValueError(f"{name} is already registered")
    user = User(name=name, email=email)
    db.session.add(user)
    db.session.commit()
    return user


def get_user(name: str) -> User | None:
    return db.session.execute(select(User).filter_by(name=name)).scalars().first()


def update_email(name: str, email: str) -> User | None:
    if (user := get_user(name)) is None:
        return None
    user.email = email
    db.session.commit()
    return user


def delete_user(name: str) -> bool:
    if (user := get_user(name)) is None:
        return False
    db.session.delete(user)
    db.session.commit()
    return True
