"""Known-good: hashlib.pbkdf2_hmac(sha512) with the salt and key base64-encoded together, a
hybrid_property full_name with a SQL expression, and a classmethod through cls.query."""

import base64
import hashlib
import hmac
import secrets

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.ext.hybrid import hybrid_property

db = SQLAlchemy()

ROUNDS = 120_000
SALT_BYTES = 16


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255))

    __table_args__ = (db.UniqueConstraint("username", name="uq_user_username"),)

    @hybrid_property
    def full_name(self):
        return self.first_name + " " + self.last_name

    @full_name.expression
    def full_name(cls):
        return cls.first_name + " " + cls.last_name

    @staticmethod
    def _key(password, salt):
        return hashlib.pbkdf2_hmac("sha512", password.encode(), salt, ROUNDS)

    def set_password(self, password):
        salt = secrets.token_bytes(SALT_BYTES)
        self.password_hash = base64.b64encode(salt + self._key(password, salt)).decode("ascii")

    def check_password(self, password):
        if self.password_hash is None:
            return False
        raw = base64.b64decode(self.password_hash)
        salt, key = raw[:SALT_BYTES], raw[SALT_BYTES:]
        return hmac.compare_digest(self._key(password, salt), key)

    @classmethod
    def authenticate(cls, username, password):
        user = cls.query.filter(cls.username == username).one_or_none()
        return user if user is not None and user.check_password(password) else None
