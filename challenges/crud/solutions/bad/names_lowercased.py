"""Known-bad: normalises every name to lower case, so create_user("Grace Hopper") stores and
returns "grace hopper", not the name it was given."""

from typing import Optional

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[Optional[str]] = mapped_column(String(120))


def _canonical(name: str) -> str:
    return name.strip().lower()


def get_user(name: str) -> Optional[User]:
    return db.session.scalars(select(User).where(User.name == _canonical(name))).first()


def create_user(name: str, email: Optional[str] = None) -> User:
    if get_user(name) is not None:
        raise ValueError(f"{name} is taken")
    user = User(name=_canonical(name), email=email)
    db.session.add(user)
    db.session.commit()
    return user


def update_email(name: str, email: str) -> Optional[User]:
    if (user := get_user(name)) is not None:
        user.email = email
        db.session.commit()
    return user


def delete_user(name: str) -> bool:
    if (user := get_user(name)) is None:
        return False
    db.session.delete(user)
    db.session.commit()
    return True
