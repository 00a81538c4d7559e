"""Known-good: legacy session.query with subqueryload, explicit table names and extra columns."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import subqueryload

db = SQLAlchemy()


class Author(db.Model):
    __tablename__ = "writers"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False, index=True)
    country = db.Column(db.String(60))

    books = db.relationship("Book", back_populates="author", cascade="all, delete-orphan")


class Book(db.Model):
    __tablename__ = "volumes"

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    year = db.Column(db.Integer)
    author_id = db.Column(
        db.Integer, db.ForeignKey("writers.id", ondelete="CASCADE"), nullable=False, index=True
    )

    author = db.relationship("Author", back_populates="books")


def authors_with_books():
    query = db.session.query(Author).options(subqueryload(Author.books))
    query = query.order_by(Author.name.asc(), Author.id)
    return query.all()
