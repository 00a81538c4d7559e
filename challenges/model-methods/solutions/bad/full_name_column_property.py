"""Known-bad: full_name is a column_property (a SQL expression loaded with the row), so a new user
has none and a change of first_name or last_name shows only after a flush and reload."""

import hashlib
import hmac
import secrets

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import column_property

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255))
    full_name = column_property(first_name + " " + last_name)

    def set_password(self, password):
        salt = secrets.token_hex(8)
        digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=2**14, r=8, p=1).hex()
        self.password_hash = f"{salt}:{digest}"

    def check_password(self, password):
        if not self.password_hash:
            return False
        salt, digest = self.password_hash.split(":")
        again = hashlib.scrypt(password.encode(), salt=salt.encode(), n=2**14, r=8, p=1).hex()
        return hmac.compare_digest(again, digest)

    @classmethod
    def authenticate(cls, username, password):
        user = db.session.execute(db.select(cls).where(cls.username == username)).scalar_one_or_none()
        if user is None or not user.check_password(password):
            return None
        return user
