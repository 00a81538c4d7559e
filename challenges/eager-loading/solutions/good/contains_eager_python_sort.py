"""Known-good: outer join + contains_eager, de-duplicated with unique(), sorted explicitly in Python."""

from operator import attrgetter

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, contains_eager, mapped_column, relationship

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
    stmt = select(Author).outerjoin(Author.books).options(contains_eager(Author.books))
    authors = db.session.scalars(stmt).unique().all()
    return sorted(authors, key=attrgetter("name"))
