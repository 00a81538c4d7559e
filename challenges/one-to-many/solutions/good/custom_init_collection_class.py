"""Known-good: explicit collection_class=list, a User __init__ that also takes a list of emails and
defers to the declarative constructor, and an ON DELETE CASCADE kept alongside the ORM cascade."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(50), nullable=False)
    addresses = db.relationship(
        "Address",
        back_populates="user",
        cascade="all, delete-orphan",
        collection_class=list,
        lazy="subquery",
    )

    def __init__(self, name=None, emails=(), **kwargs):
        super().__init__(name=name, **kwargs)
        for email in emails:
            self.addresses.append(Address(email=email))


class Address(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), nullable=False)
    user_id = db.Column(
        db.Integer, db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user = db.relationship("User", back_populates="addresses")

    def __repr__(self):
        return f"Address({self.email!r})"
