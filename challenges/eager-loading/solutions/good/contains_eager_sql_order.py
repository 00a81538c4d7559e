"""Known-good: legacy Model.query with an explicit outer join and contains_eager, ordered in SQL; the
legacy Query de-duplicates the authors itself."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import contains_eager

db = SQLAlchemy()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey(Author.id), nullable=False)
    author = db.relationship(Author, backref="books")


def authors_with_books():
    return (
        Author.query.outerjoin(Book, Book.author_id == Author.id)
        .options(contains_eager(Author.books))
        .order_by(Author.name, Book.id)
        .all()
    )
