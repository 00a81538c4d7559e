"""Known-bad: @validates lower-cases and strips every email, so an address does not read back with the
email it was given."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import validates

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    addresses = db.relationship("Address", back_populates="user", cascade="all, delete-orphan")


class Address(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    user = db.relationship("User", back_populates="addresses")

    @validates("email")
    def _normalise(self, key, value):
        return value.strip().lower()
