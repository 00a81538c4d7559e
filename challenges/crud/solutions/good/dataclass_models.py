"""Dataclass models, as Flask-SQLAlchemy 3.1's documentation shows them:
SQLAlchemy(model_class=Base) where Base is a MappedAsDataclass DeclarativeBase. The
generated __init__ takes the columns as keywords (id is left to the database)."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column


class Base(MappedAsDataclass, DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[str | None] = mapped_column(String(120), default=None)


def create_user(name: str, email: str | None = None) -> User:
    user = User(name=name, email=email)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValueError(f"the name {name!r} is taken") from exc
    return user


def get_user(name: str) -> User | None:
    return db.session.scalars(select(User).where(User.name == name)).first()


def update_email(name: str, email: str) -> User | None:
    if (user := get_user(name)) is not None:
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
