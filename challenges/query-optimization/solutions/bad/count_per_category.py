"""Known-bad: category_counts runs one COUNT query per distinct category instead of one GROUP BY."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Product(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    category = db.Column(db.String(50), nullable=False, index=True)
    price = db.Column(db.Numeric(10, 2), nullable=False)


def bulk_add_products(rows):
    db.session.bulk_insert_mappings(Product, rows)
    db.session.commit()
    return len(rows)


def product_names_in(category):
    query = db.session.query(Product.name).filter_by(category=category).order_by(Product.name)
    return [row.name for row in query]


def category_counts():
    categories = [c for (c,) in db.session.query(Product.category).distinct()]
    return {c: Product.query.filter_by(category=c).count() for c in categories}
