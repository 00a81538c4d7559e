"""Known-good: eager loading by hand: one SELECT for the authors, one for all their books, grouped in
Python and stored with set_committed_value, so no lazy load ever fires."""

from collections import defaultdict

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

db = SQLAlchemy()


class Author(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    books: Mapped[list["Book"]] = relationship(back_populates="author")


class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author] = relationship(back_populates="books")


def authors_with_books() -> list[Author]:
    authors = list(db.session.scalars(select(Author).order_by(Author.name)))
    by_author: dict[int, list[Book]] = defaultdict(list)
    for book in db.session.scalars(select(Book).order_by(Book.id)):
        by_author[book.author_id].append(book)
    for author in authors:
        set_committed_value(author, "books", by_author[author.id])
    return authors
