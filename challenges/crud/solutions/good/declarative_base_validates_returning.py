"""Known-good: a DeclarativeBase model_class, a @validates check on the name, get_user through
db.session.scalars(...).one_or_none(), and delete through DELETE ... RETURNING."""

from typing import Optional

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[Optional[str]] = mapped_column(String(120))

    @validates("name")
    def _check_name(self, _key: str, value: str) -> str:
        if value is not None and len(value) > 50:
            raise ValueError("a name has at most 50 characters")
        return value


def create_user(name: str, email: Optional[str] = None) -> User:
    user = User(name=name, email=email)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValueError(f"the name {name!r} is taken") from exc
    return user


def get_user(name: str) -> Optional[User]:
    return db.session.scalars(select(User).where(User.name == name)).one_or_none()


def update_email(name: str, email: str) -> Optional[User]:
    user = get_user(name)
    if user is None:
        return None
    user.email = email
    db.session.commit()
    return user


def delete_user(name: str) -> bool:
    deleted = db.session.execute(delete(User).where(User.name == name).returning(User.id)).first()
    db.session.commit()
    return deleted is not None
