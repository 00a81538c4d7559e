"""Password storage four ways: werkzeug, hashlib scrypt, pbkdf2 with a salt column, hmac checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from flask_sqlalchemy import SQLAlchemy
from werkzeug.security import check_password_hash, generate_password_hash

db = SQLAlchemy()
ITERATIONS = 600_000
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    password_hash = db.Column(db.String(255))
    salt = db.Column(db.String(64))
    api_key = db.Column(db.String(64), default=lambda: secrets.token_urlsafe(32))

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def set_scrypt(self, password: str) -> None:
        salt = os.urandom(16)
        key = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
        self.password_hash = base64.b64encode(salt).decode() + "$" + base64.b64encode(key).decode()

    def check_scrypt(self, password: str) -> bool:
        salt_b64, key_b64 = self.password_hash.split("$")
        key = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt_b64), **SCRYPT)
        return hmac.compare_digest(key, base64.b64decode(key_b64))

    def set_pbkdf2(self, password: str) -> None:
        self.salt = secrets.token_hex(16)
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(self.salt), ITERATIONS)
        self.password_hash = digest.hex()

    @classmethod
    def authenticate(cls, username: str, password: str) -> User | None:
        user = db.session.execute(db.select(cls).filter_by(username=username)).scalar_one_or_none()
        if user is not None and user.check_password(password):
            return user
        return None


def token_digest(token: str, algorithm: str = "sha256") -> str:
    return hashlib.new(algorithm, token.encode()).hexdigest()
