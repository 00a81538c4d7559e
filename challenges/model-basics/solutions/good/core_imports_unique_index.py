"""Known-good: Column/Integer/String imported from sqlalchemy itself, uniqueness from a unique
Index in __table_args__, a __repr__ and a lookup classmethod."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Column, Index, Integer, String, select

db = SQLAlchemy()


class User(db.Model):
    __tablename__ = "site_user"
    __table_args__ = (Index("ix_site_user_username", "username", unique=True),)

    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False)
    email = Column(String(120), nullable=False)

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, username={self.username!r})"

    @classmethod
    def by_username(cls, username: str) -> "User | None":
        return db.session.scalars(select(cls).where(cls.username == username)).one_or_none()
