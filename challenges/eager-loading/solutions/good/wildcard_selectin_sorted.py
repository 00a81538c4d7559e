"""Known-good: a wildcard selectinload("*") for every relationship of Author, no ORDER BY in SQL but an
explicit sort by name in Python, helper function and type hints."""

from operator import attrgetter

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import select
from sqlalchemy.orm import selectinload

db = SQLAlchemy()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    books = db.relationship("Book", back_populates="author")


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"), nullable=False)
    author = db.relationship("Author", back_populates="books")


def _all_authors() -> list[Author]:
    return list(db.session.scalars(select(Author).options(selectinload("*"))))


def authors_with_books() -> list[Author]:
    return sorted(_all_authors(), key=attrgetter("name"))
