"""Known-good: legacy style (db.Column, backref, Model.query) with a joinedload query option."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import joinedload

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
    # Query.all() de-duplicates the parent rows of a joined collection load.
    return Author.query.options(joinedload(Author.books)).order_by(Author.name).all()
