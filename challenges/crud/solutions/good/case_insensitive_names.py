"""Known-good: names unique without regard to case (a NOCASE collation) and looked up with
func.lower() on both sides: a design choice the statement leaves open, kept to show that names
holding _ or % are still compared whole."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50, collation="NOCASE"), unique=True)
    email: Mapped[str | None] = mapped_column(String(120))


def _named(name: str):
    return select(User).where(func.lower(User.name) == name.lower())


def create_user(name: str, email: str | None = None) -> User:
    user = User(name=name, email=email)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValueError(f"{name!r} is taken (names ignore case)") from None
    return user


def get_user(name: str) -> User | None:
    return db.session.scalars(_named(name)).one_or_none()


def update_email(name: str, email: str) -> User | None:
    user = get_user(name)
    if user is not None:
        user.email = email
        db.session.commit()
    return user


def delete_user(name: str) -> bool:
    user = get_user(name)
    if user is None:
        return False
    db.session.delete(user)
    db.session.commit()
    return True
