"""Fewer, narrower queries: see statement.md."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Product(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    category = db.Column(db.String(50), nullable=False)  # TODO: index it
    price = db.Column(db.Numeric(10, 2), nullable=False)


def bulk_add_products(rows):
    """Insert every row (dicts with name, category, price), commit, return how many."""
    # TODO: this sends one INSERT per row; send them in a few statements
    db.session.add_all([Product(**row) for row in rows])
    db.session.commit()
    return len(rows)


def product_names_in(category):
    """The names of the products in ``category``, ascending, reading nothing but the names."""
    raise NotImplementedError  # TODO


def category_counts():
    """{category: number of products}, counted by the database with GROUP BY in one SELECT."""
    raise NotImplementedError  # TODO
