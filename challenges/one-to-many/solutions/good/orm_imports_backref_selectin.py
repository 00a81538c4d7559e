"""Known-good: Column/relationship/backref imported from sqlalchemy rather than db., the relationship
declared on Address with a selectin-loaded backref carrying the cascade, plural table names."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import backref, relationship

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)

    def __repr__(self):
        return f"<User {self.id}: {self.name}>"


class Address(db.Model):
    __tablename__ = "addresses"

    id = Column(Integer, primary_key=True)
    email = Column(String(120), nullable=False)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)

    user = relationship(
        "User",
        backref=backref("addresses", lazy="selectin", cascade="all, delete-orphan"),
    )
