"""Known-good: a salted SHA-256 with the salt in its own column, full_name as a method, a classmethod."""

import hashlib
import hmac
import os

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "app_user"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_salt = db.Column(db.String(32))
    password_hash = db.Column(db.String(255))

    def full_name(self):
        return self.first_name + " " + self.last_name

    @staticmethod
    def _digest(salt, password):
        return hashlib.sha256(bytes.fromhex(salt) + password.encode("utf-8")).hexdigest()

    def set_password(self, password):
        self.password_salt = os.urandom(16).hex()
        self.password_hash = self._digest(self.password_salt, password)

    def check_password(self, password):
        if self.password_hash is None or self.password_salt is None:
            return False
        return hmac.compare_digest(self.password_hash, self._digest(self.password_salt, password))

    @classmethod
    def authenticate(cls, username, password):
        user = cls.query.filter_by(username=username).one_or_none()
        if user is not None and user.check_password(password):
            return user
        return None
