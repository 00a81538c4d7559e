"""No N+1 queries: see statement.md."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Author(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    # TODO: books, the author's Book objects (a list), linked with Book.author


class Book(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("author.id"), nullable=False)
    # TODO: author, the owning Author


def authors_with_books():
    """Every author by name ascending, with the books loaded in at most 2 SELECTs in all."""
    # TODO: load the books eagerly; this version runs one more SELECT per author
    return Author.query.order_by(Author.name).all()
