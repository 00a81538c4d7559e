"""Known-bad: eager loading but no ORDER BY, so the authors come back in whatever order."""

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
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"), nullable=False)


def authors_with_books():
    return Author.query.options(selectinload(Author.books)).all()
