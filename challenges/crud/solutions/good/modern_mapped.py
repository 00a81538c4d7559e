"""Known-good: 2.0 style with Mapped/mapped_column, select() and a bulk DELETE statement."""

from typing import Optional

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[Optional[str]] = mapped_column(String(120))


def create_user(name: str, email: str | None = None) -> User:
    user = User(name=name, email=email)
    try:
        db.session.add(user)
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValueError(f"user {name!r} exists") from exc
    return user


def get_user(name: str) -> User | None:
    return db.session.scalars(select(User).where(User.name == name)).first()


def update_email(name: str, email: str) -> User | None:
    user = db.session.scalars(select(User).where(User.name == name)).one_or_none()
    if user is None:
        return None
    user.email = email
    db.session.commit()
    return user


def delete_user(name: str) -> bool:
    result = db.session.execute(delete(User).where(User.name == name))
    db.session.commit()
    return result.rowcount > 0
