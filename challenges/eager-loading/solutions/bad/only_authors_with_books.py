"""Known-bad: filters on Author.books.any() to "avoid empty authors", dropping the authors who have no
books."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

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
    stmt = (
        select(Author)
        .where(Author.books.any())
        .options(selectinload(Author.books))
        .order_by(Author.name)
    )
    return list(db.session.scalars(stmt))
