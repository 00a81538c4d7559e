"""Known-bad: Book.author_id is nullable, so a book without an author is accepted."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import selectinload

db = SQLAlchemy()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    books = db.relationship("Book", backref="author")


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"))


def authors_with_books():
    return Author.query.options(selectinload(Author.books)).order_by(Author.name).all()
