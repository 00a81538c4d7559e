"""Known-bad: cascade="all, delete-orphan" with passive_deletes=True on a lazy collection: deleting a
user whose addresses were never loaded leaves them to ON DELETE CASCADE, which SQLite without
foreign-key enforcement does not run."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    addresses = db.relationship(
        "Address", back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Address(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    user = db.relationship("User", back_populates="addresses")
