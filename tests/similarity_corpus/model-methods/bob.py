import hashlib
import hmac
import os

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

ITERATIONS = 200_000


def _derive(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, ITERATIONS)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255))

    @property
    def full_name(self) -> str:
        return " ".join([self.first_name, self.last_name])

    def set_password(self, password: str) -> None:
        salt = os.urandom(16)
        self.password_hash = salt.hex() + "$" + _derive(password, salt).hex()

    def check_password(self, password: str) -> bool:
        if self.password_hash is None or "$" not in self.password_hash:
            return False
        salt_hex, digest_hex = self.password_hash.split("$", 1)
        expected = bytes.fromhex(digest_hex)
        return hmac.compare_digest(_derive(password, bytes.fromhex(salt_hex)), expected)

    @classmethod
    def authenticate(cls, username: str, password: str):
        candidate = db.session.scalar(db.select(cls).where(cls.username == username))
        if candidate is None:
            return None
        return candidate if candidate.check_password(password) else None
