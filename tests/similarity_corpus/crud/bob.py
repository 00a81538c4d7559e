from typing import Optional

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[Optional[str]] = mapped_column(String(120))


def _find(name: str) -> Optional[User]:
    return db.session.scalars(select(User).where(User.name == name)).first()


def create_user(name: str, email: Optional[str] = None) -> User:
    new = User(name=name, email=email)
    db.session.add(new)
    try:
        db.session.commit()
    except IntegrityError as err:
        db.session.rollback()
        raise ValueError(f"duplicate user name {name!r}") from err
    return new


def get_user(name: str) -> Optional[User]:
    return _find(name)


def update_email(name: str, email: str) -> Optional[User]:
    found = _find(name)
    if found is None:
        return None
    found.email = email
    db.session.commit()
    return found


def delete_user(name: str) -> bool:
    found = _find(name)
    if found is None:
        return False
    db.session.delete(found)
    db.session.commit()
    return True
