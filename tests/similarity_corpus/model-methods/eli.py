import base64
import hashlib
import os

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class PasswordMixin:
    """Scrypt-hashed passwords stored as base64(salt) + '.' + base64(key)."""

    SCRYPT = dict(n=2 ** 14, r=8, p=1)

    def set_password(self, password):
        salt = os.urandom(16)
        key = hashlib.scrypt(password.encode(), salt=salt, **self.SCRYPT)
        self.password_hash = ".".join(
            base64.b64encode(part).decode("ascii") for part in (salt, key)
        )

    def check_password(self, password):
        stored = self.password_hash
        if not stored:
            return False
        salt_b64, key_b64 = stored.split(".")
        salt = base64.b64decode(salt_b64)
        key = hashlib.scrypt(password.encode(), salt=salt, **self.SCRYPT)
        return key == base64.b64decode(key_b64)


class User(PasswordMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255))

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @classmethod
    def authenticate(cls, username, password):
        user = db.session.execute(db.select(cls).filter_by(username=username)).scalars().first()
        return user if user is not None and user.check_password(password) else None
