"""Known-good: explicit primaryjoin/foreign_keys strings, an explicit long cascade list, typing.List
annotations and an ordered collection; helpers use db.session.query."""

from typing import List, Optional

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class User(db.Model):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    addresses: Mapped[List["Address"]] = relationship(
        "Address",
        primaryjoin="User.id == Address.user_id",
        foreign_keys="Address.user_id",
        back_populates="user",
        cascade="save-update, merge, delete, delete-orphan, refresh-expire, expunge",
        order_by="Address.id",
    )

    @classmethod
    def named(cls, name: str) -> Optional["User"]:
        return db.session.query(cls).filter(cls.name == name).first()


class Address(db.Model):
    __tablename__ = "account_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("account.id"), nullable=False)
    user: Mapped["User"] = relationship(
        "User",
        primaryjoin="User.id == Address.user_id",
        foreign_keys=[user_id],
        back_populates="addresses",
    )
