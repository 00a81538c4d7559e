"""Dataclass models with the defaults (eq=True, so instances are unhashable): the books
collection starts empty (default_factory=list) and a book takes its author or author_id as
keywords. selectinload fetches every author's books in one more SELECT."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    MappedAsDataclass,
    mapped_column,
    relationship,
    selectinload,
)


class Base(MappedAsDataclass, DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Author(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(100))
    books: Mapped[list["Book"]] = relationship(back_populates="author", default_factory=list)


class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"), default=None)
    author: Mapped[Author] = relationship(back_populates="books", default=None)


def authors_with_books() -> list[Author]:
    stmt = select(Author).options(selectinload(Author.books)).order_by(Author.name)
    return list(db.session.scalars(stmt))
