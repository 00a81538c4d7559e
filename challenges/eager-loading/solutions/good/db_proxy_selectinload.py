"""Known-good: loader options reached through the db object (db.selectinload), session.query and a
legacy backref; the books of each author are ordered on the relationship."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Author(db.Model):
    __tablename__ = "authors"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    books = db.relationship(
        "Book", backref=db.backref("author"), order_by="Book.title", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return f"<Author {self.name!r}>"


class Book(db.Model):
    __tablename__ = "books"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("authors.id"), nullable=False)


def authors_with_books():
    query = db.session.query(Author).options(db.selectinload(Author.books)).order_by(db.asc(Author.name))
    return list(query)
