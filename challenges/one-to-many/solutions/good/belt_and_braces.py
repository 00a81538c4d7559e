"""Known-good: ORM cascade plus ON DELETE CASCADE, selectin loading, ordered collection, extras."""

from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, ForeignKey, Integer, String

db = SQLAlchemy()


def _now():
    return datetime.now(UTC)


class User(db.Model):
    __tablename__ = "people"

    id = db.Column(Integer, primary_key=True)
    name = db.Column(String(50), nullable=False, index=True)
    created_at = db.Column(DateTime, nullable=False, default=_now)

    addresses = db.relationship(
        "Address",
        back_populates="user",
        cascade="save-update, merge, delete, delete-orphan",
        lazy="selectin",
        order_by="Address.email",
    )

    def __repr__(self):
        return f"User(id={self.id!r}, name={self.name!r})"


class Address(db.Model):
    __tablename__ = "email_addresses"

    id = db.Column(Integer, primary_key=True)
    email = db.Column(String(120), nullable=False)
    label = db.Column(String(20))
    user_id = db.Column(Integer, ForeignKey(User.id, ondelete="CASCADE"), nullable=False, index=True)

    user = db.relationship(User, back_populates="addresses", lazy="joined")
