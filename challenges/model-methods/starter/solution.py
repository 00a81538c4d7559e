"""Behaviour on the model: see statement.md."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    first_name = db.Column(db.String(50), nullable=False)
    last_name = db.Column(db.String(50), nullable=False)
    password_hash = db.Column(db.String(255))

    # TODO: full_name, as a property or a method without arguments: "First Last"

    def set_password(self, password):
        # TODO: store a salted hash of the password in password_hash (do not commit)
        raise NotImplementedError

    def check_password(self, password):
        # TODO: True when the password matches the stored hash; False when none is set
        raise NotImplementedError

    # TODO: authenticate(username, password), a staticmethod or classmethod:
    # the user when the password matches, otherwise None
