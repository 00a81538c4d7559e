"""Known-bad: @validates lower-cases username and email on the way in, so a user does not read
back with the values it was given."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import validates

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    email = db.Column(db.String(120), nullable=False)

    @validates("username", "email")
    def _normalise(self, key, value):
        return value.strip().lower() if value is not None else value
