"""User with password helpers."""
import secrets
from hashlib import sha256

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255))

    @property
    def full_name(self):
        return "{} {}".format(self.first_name, self.last_name)

    @staticmethod
    def _digest(salt, password):
        return sha256((salt + password).encode()).hexdigest()

    def set_password(self, password):
        salt = secrets.token_hex(8)
        self.password_hash = "%s:%s" % (salt, self._digest(salt, password))

    def check_password(self, password):
        try:
            salt, digest = self.password_hash.split(":")
        except (AttributeError, ValueError):
            return False
        return secrets.compare_digest(digest, self._digest(salt, password))

    @classmethod
    def authenticate(cls, username, password):
        for user in cls.query.filter(cls.username == username).limit(1):
            if user.check_password(password):
                return user
        return None
