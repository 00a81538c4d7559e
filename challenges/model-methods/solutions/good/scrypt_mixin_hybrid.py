"""Known-good: a password mixin with hashlib.scrypt, a hybrid_property full_name, extra columns."""

import base64
import hashlib
import hmac
import secrets

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.ext.hybrid import hybrid_property

db = SQLAlchemy()


class PasswordMixin:
    """Salted scrypt hashes stored as base64(salt)$base64(key)."""

    password_hash = db.Column(db.String(255), nullable=True)

    @staticmethod
    def _scrypt(password, salt):
        return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**14, r=8, p=1, dklen=32)

    def set_password(self, password):
        salt = secrets.token_bytes(16)
        key = self._scrypt(password, salt)
        self.password_hash = base64.b64encode(salt).decode() + "$" + base64.b64encode(key).decode()

    def check_password(self, password):
        if self.password_hash is None:
            return False
        salt_b64, key_b64 = self.password_hash.split("$", 1)
        key = self._scrypt(password, base64.b64decode(salt_b64))
        return hmac.compare_digest(key, base64.b64decode(key_b64))


class User(PasswordMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    is_active = db.Column(db.Boolean, nullable=False, default=True)

    __table_args__ = (db.UniqueConstraint("username", name="uq_user_username"),)

    @hybrid_property
    def full_name(self):
        return self.first_name + " " + self.last_name

    @staticmethod
    def authenticate(username, password):
        user = db.session.execute(db.select(User).filter(User.username == username)).scalars().first()
        if user is None or not user.check_password(password):
            return None
        return user
