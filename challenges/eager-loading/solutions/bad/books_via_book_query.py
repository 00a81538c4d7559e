"""Known-bad: queries the books with their authors joined and collects the authors from them, so the
authors without books are missing."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import joinedload

db = SQLAlchemy()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    books = db.relationship("Book", back_populates="author", lazy="selectin")


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"), nullable=False)
    author = db.relationship("Author", back_populates="books")


def authors_with_books():
    books = Book.query.options(joinedload(Book.author)).all()
    authors = {book.author.id: book.author for book in books}
    return sorted(authors.values(), key=lambda author: author.name)
