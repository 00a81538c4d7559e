import base64
import hashlib
import os

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class HashedPassword:
    # scrypt parameters used for every hash
    PARAMS = {"n": 2 ** 14, "r": 8, "p": 1}

    def check_password(self, plain):
        saved = self.password_hash
        if not saved:
            return False
        encoded_salt, encoded_key = saved.split(".")
        salt = base64.b64decode(encoded_salt)
        key = hashlib.scrypt(plain.encode(), salt=salt, **self.PARAMS)
        return key == base64.b64decode(encoded_key)

    def set_password(self, plain):
        salt = os.urandom(16)
        key = hashlib.scrypt(plain.encode(), salt=salt, **self.PARAMS)
        self.password_hash = ".".join(base64.b64encode(chunk).decode("ascii") for chunk in (salt, key))


class User(HashedPassword, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255))

    @classmethod
    def authenticate(cls, username, password):
        match = db.session.scalars(db.select(cls).filter_by(username=username)).first()
        if match is not None and match.check_password(password):
            return match
        return None

    @property
    def full_name(self):
        return "%s %s" % (self.first_name, self.last_name)
