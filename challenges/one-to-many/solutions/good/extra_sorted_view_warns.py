"""An extra, sorted view of the addresses, declared without viewonly=True.

Correct (extra relationships are the candidate's choice), but SQLAlchemy warns that
it overlaps User.addresses when a test first uses the models: Python then records the
warning in the test module's globals (__warningregistry__), which is not tampering.
"""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)

    addresses = db.relationship("Address", back_populates="user", cascade="all, delete-orphan")
    # The same addresses, sorted, for display.
    addresses_by_email = db.relationship("Address", order_by="Address.email")

    def __repr__(self) -> str:
        return f"<User {self.name}>"


class Address(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)

    user = db.relationship("User", back_populates="addresses")

    def __repr__(self) -> str:
        return f"<Address {self.email}>"
