"""Users that know how to hash and verify their own passwords."""

import hashlib
import hmac
import os

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

ROUNDS = 200000


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255))

    @classmethod
    def authenticate(cls, login, secret):
        """Return the matching user or None."""
        found = db.session.scalar(db.select(cls).filter_by(username=login))
        if found is None:
            return None
        return found if found.check_password(secret) else None

    def check_password(self, secret):
        """Compare in constant time."""
        if self.password_hash is None or "$" not in self.password_hash:
            return False
        salt_part, hash_part = self.password_hash.split("$", 1)
        wanted = bytes.fromhex(hash_part)
        return hmac.compare_digest(_pbkdf2(secret, bytes.fromhex(salt_part)), wanted)

    def set_password(self, secret):
        """Salt + PBKDF2, stored as hex."""
        salt = os.urandom(16)
        self.password_hash = salt.hex() + "$" + _pbkdf2(secret, salt).hex()

    @property
    def full_name(self):
        return " ".join([self.first_name, self.last_name])


def _pbkdf2(secret, salt):
    # sha256, many rounds
    return hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8"), salt, ROUNDS)


def _unused_strength(secret):
    return len(set(secret)) > 5
