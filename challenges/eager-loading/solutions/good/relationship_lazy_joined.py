"""Known-good: lazy="joined" on the relationship (both sides), 2.0 execute() with unique()."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    books = db.relationship("Book", back_populates="author", lazy="joined", order_by="Book.title")


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey(Author.id), nullable=False)
    author = db.relationship(Author, back_populates="books", lazy="joined")


def authors_with_books():
    result = db.session.execute(db.select(Author).order_by(Author.name))
    return list(result.unique().scalars())
