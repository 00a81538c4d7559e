"""Known-good: 2.0 style joinedload query option with unique(), and selectin on Book.author too."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

db = SQLAlchemy()


class Author(db.Model):
    __tablename__ = "author_table"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    books: Mapped[list["Book"]] = relationship("Book", back_populates="author", cascade="all, delete-orphan")

    def __repr__(self):
        return f"Author({self.name!r})"


class Book(db.Model):
    __tablename__ = "book_table"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    author_id: Mapped[int] = mapped_column(ForeignKey(Author.id), nullable=False)
    author: Mapped[Author] = relationship("Author", back_populates="books", lazy="selectin")


def authors_with_books() -> list[Author]:
    stmt = db.select(Author).options(joinedload(Author.books)).order_by(Author.name, Author.id)
    return list(db.session.scalars(stmt).unique())
