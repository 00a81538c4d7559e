"""Known-good: selectinload narrowed with load_only(Book.title), and raiseload("*") so that any other
relationship access would raise instead of querying; a DeclarativeBase model_class."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, raiseload, relationship, selectinload


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Author(db.Model):
    __tablename__ = "writer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    books: Mapped[list["Book"]] = relationship(back_populates="author", cascade="all, delete-orphan")


class Book(db.Model):
    __tablename__ = "work"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("writer.id"), index=True)
    author: Mapped["Author"] = relationship(back_populates="books")


def authors_with_books() -> list[Author]:
    stmt = (
        select(Author)
        .options(selectinload(Author.books).load_only(Book.title), raiseload("*"))
        .order_by(Author.name.asc())
    )
    return db.session.execute(stmt).scalars().all()
