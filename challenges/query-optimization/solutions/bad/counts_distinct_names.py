"""Known-bad: category_counts counts distinct names per category, so two products of one category
that share a name count once."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Product(db.Model):
    __tablename__ = "products"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    category = db.Column(db.String(50), nullable=False)
    price = db.Column(db.Numeric(10, 2), nullable=False)

    __table_args__ = (db.Index("ix_products_category", "category"),)


def bulk_add_products(rows):
    if rows:
        db.session.bulk_insert_mappings(Product, rows)
    db.session.commit()
    return len(rows)


def product_names_in(category):
    query = Product.query.with_entities(Product.name).filter_by(category=category).order_by(Product.name)
    return [row.name for row in query]


def category_counts():
    query = db.session.query(Product.category, db.func.count(db.distinct(Product.name)))
    return {category: total for category, total in query.group_by(Product.category)}
