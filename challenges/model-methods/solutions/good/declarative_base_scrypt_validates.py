"""Known-good: a DeclarativeBase model_class with Mapped annotations, hashlib.scrypt with an
os.urandom salt in one "scrypt$salt$key" string, a @validates check, and a classmethod through
db.session.scalars(...).one_or_none()."""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Optional

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, validates


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def _derive(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    first_name: Mapped[str] = mapped_column(String(50))
    last_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[Optional[str]] = mapped_column(String(255))

    @validates("username")
    def _no_blank_username(self, _key: str, value: str) -> str:
        if value is not None and not value.strip():
            raise ValueError("username must not be blank")
        return value

    @property
    def full_name(self) -> str:
        return " ".join((self.first_name, self.last_name))

    def set_password(self, password: str) -> None:
        salt = os.urandom(16)
        self.password_hash = f"scrypt${salt.hex()}${_derive(password, salt).hex()}"

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        _scheme, salt_hex, key_hex = self.password_hash.split("$")
        return hmac.compare_digest(_derive(password, bytes.fromhex(salt_hex)).hex(), key_hex)

    @classmethod
    def authenticate(cls, username: str, password: str) -> Optional[User]:
        user = db.session.scalars(select(cls).where(cls.username == username)).one_or_none()
        if user is None or not user.check_password(password):
            return None
        return user
