"""Known-bad: the delete cascade is declared on Address.user (the many-to-one side) instead of on
User.addresses, so deleting a user does not delete its addresses."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    addresses = db.relationship("Address", back_populates="user")


class Address(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    user = db.relationship(
        "User", back_populates="addresses", cascade="all, delete-orphan", single_parent=True
    )
