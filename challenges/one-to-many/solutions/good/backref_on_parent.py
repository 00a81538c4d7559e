"""Known-good: relationship on User with backref="user", and a select()/scalars helper."""

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)

    addresses = db.relationship("Address", backref=db.backref("user"), cascade="all, delete, delete-orphan")


class Address(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)


def emails_of(user_id):
    return db.session.scalars(
        sa.select(Address.email).where(Address.user_id == user_id).order_by(Address.email)
    ).all()
