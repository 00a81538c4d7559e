"""Known-good: a DECIMAL(10, 2) price, an Index declared after the class, chunks of 200 rows sent
through db.session.connection() with the rowcounts summed, a text() name query and a labelled
count ordered in SQL."""

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()

CHUNK = 200


class Product(db.Model):
    __tablename__ = "catalog"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(100), nullable=False)
    category = sa.Column(sa.String(50), nullable=False)
    price = sa.Column(sa.DECIMAL(10, 2), nullable=False)


sa.Index("idx_catalog_category", Product.category)

_NAMES = sa.text("SELECT name FROM catalog WHERE category = :category ORDER BY name")


def bulk_add_products(rows):
    inserted = 0
    connection = db.session.connection()
    for start in range(0, len(rows), CHUNK):
        result = connection.execute(sa.insert(Product.__table__), rows[start : start + CHUNK])
        inserted += result.rowcount
    db.session.commit()
    return inserted


def product_names_in(category):
    return [str(name) for name in db.session.execute(_NAMES, {"category": category}).scalars()]


def category_counts():
    total = sa.func.count(Product.id).label("total")
    query = sa.select(Product.category, total).group_by(Product.category).order_by(total.desc())
    return {row.category: row.total for row in db.session.execute(query)}
