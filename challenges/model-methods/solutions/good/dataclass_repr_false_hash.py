"""Dataclass model: password_hash defaults to None and stays out of the generated repr
(repr=False); full_name is a property and the password helpers are ordinary methods, which
a dataclass keeps as they are."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash


class Base(MappedAsDataclass, DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    first_name: Mapped[str] = mapped_column(String(50))
    last_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None, repr=False)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    @classmethod
    def authenticate(cls, username: str, password: str) -> User | None:
        user = db.session.scalars(select(cls).where(cls.username == username)).one_or_none()
        if user is not None and user.check_password(password):
            return user
        return None
