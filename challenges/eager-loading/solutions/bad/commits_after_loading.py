"""Known-bad: loads with selectinload and then commits, which expires every loaded author, so reading
the books afterwards queries again, author by author."""

from flask_sqlalchemy import SQLAlchemy
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


def authors_with_books():
    authors = db.session.scalars(
        db.select(Author).options(selectinload(Author.books)).order_by(Author.name)
    ).all()
    db.session.commit()
    return authors
