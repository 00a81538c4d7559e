"""Known-bad: relies on the database's ON DELETE CASCADE (passive_deletes=True) with no ORM delete cascade."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)

    addresses = db.relationship("Address", back_populates="user", passive_deletes=True)


class Address(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)

    user = db.relationship("User", back_populates="addresses")
