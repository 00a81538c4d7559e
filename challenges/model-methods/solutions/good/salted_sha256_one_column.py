"""Known-good: a salted SHA-256 with a secrets.token_hex salt kept in the one password_hash
column ("salt:digest"), full_name by str.format, and a classmethod using db.session.execute."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


@dataclass(frozen=True)
class _Stored:
    salt: str
    digest: str

    @classmethod
    def parse(cls, text):
        salt, _, digest = text.partition(":")
        return cls(salt, digest)

    def __str__(self):
        return f"{self.salt}:{self.digest}"


def _digest(salt, password):
    return hashlib.sha256((salt + password).encode("utf-8")).hexdigest()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255), nullable=True, default=None)

    @property
    def full_name(self):
        return "{} {}".format(self.first_name, self.last_name)

    def set_password(self, password):
        salt = secrets.token_hex(16)
        self.password_hash = str(_Stored(salt, _digest(salt, password)))

    def check_password(self, password):
        if not self.password_hash:
            return False
        stored = _Stored.parse(self.password_hash)
        return hmac.compare_digest(stored.digest, _digest(stored.salt, password))

    @classmethod
    def authenticate(cls, username, password):
        user = db.session.execute(db.select(cls).filter_by(username=username)).scalar()
        if user is not None and user.check_password(password):
            return user
        return None
