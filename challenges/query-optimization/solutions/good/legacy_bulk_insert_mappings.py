"""Known-good: legacy style, bulk_insert_mappings, with_entities and a Query with group_by."""

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
    query = Product.query.with_entities(Product.name).filter_by(category=category).order_by(Product.name)
    return [name for (name,) in query.all()]


def category_counts():
    query = db.session.query(Product.category, db.func.count(Product.id)).group_by(Product.category)
    return dict(query.all())
