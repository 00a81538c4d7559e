"""Known-bad: the lengths are swapped (Author.name String(200), Book.title String(100))."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import selectinload

db = SQLAlchemy()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    books = db.relationship("Book", backref="author")


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(100), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"), nullable=False)


def authors_with_books():
    return Author.query.options(selectinload(Author.books)).order_by(Author.name).all()
