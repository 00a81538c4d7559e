"""Known-good: 2.0 style, hashlib.pbkdf2_hmac with a secrets salt, hmac.compare_digest, a classmethod."""

import hashlib
import hmac
import secrets
from typing import Optional

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)

_ITERATIONS = 310_000


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    first_name: Mapped[str] = mapped_column(sa.String(50))
    last_name: Mapped[str] = mapped_column(sa.String(50))
    password_hash: Mapped[Optional[str]] = mapped_column(sa.String(255))

    @property
    def full_name(self) -> str:
        return " ".join([self.first_name, self.last_name])

    @staticmethod
    def _derive(password: str, salt: str, iterations: int) -> str:
        return hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()

    def set_password(self, password: str) -> None:
        salt = secrets.token_hex(16)
        digest = self._derive(password, salt, _ITERATIONS)
        self.password_hash = f"pbkdf2_sha256${_ITERATIONS}${salt}${digest}"

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        _algorithm, iterations, salt, digest = self.password_hash.split("$")
        return hmac.compare_digest(self._derive(password, salt, int(iterations)), digest)

    @classmethod
    def authenticate(cls, username: str, password: str) -> Optional["User"]:
        user = db.session.scalars(sa.select(cls).where(cls.username == username)).first()
        return user if user is not None and user.check_password(password) else None
