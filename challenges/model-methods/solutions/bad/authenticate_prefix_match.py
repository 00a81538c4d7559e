"""Known-bad: authenticate matches usernames by prefix (startswith, as a search box would), so
"ad" with ada's password logs in as "ada"."""

import hashlib
import hmac
import os
from typing import Optional

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


def _pbkdf2(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 100_000)


class User(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    first_name: Mapped[str] = mapped_column(String(50))
    last_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[Optional[str]] = mapped_column(String(255))

    def full_name(self) -> str:
        return self.first_name + " " + self.last_name

    def set_password(self, password: str) -> None:
        salt = os.urandom(16)
        self.password_hash = salt.hex() + "$" + _pbkdf2(password, salt).hex()

    def check_password(self, password: str) -> bool:
        if self.password_hash is None:
            return False
        salt, key = self.password_hash.split("$")
        return hmac.compare_digest(_pbkdf2(password, bytes.fromhex(salt)).hex(), key)

    @staticmethod
    def authenticate(username: str, password: str) -> Optional["User"]:
        candidates = db.session.scalars(select(User).where(User.username.startswith(username)))
        for user in candidates:
            if user.check_password(password):
                return user
        return None
