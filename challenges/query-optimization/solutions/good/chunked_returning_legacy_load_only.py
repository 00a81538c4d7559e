"""Known-good: chunks of 250 rows through insert().returning(), legacy Query with load_only,
and a labelled count ordered in SQL."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, insert, select
from sqlalchemy.orm import load_only

db = SQLAlchemy()

CHUNK = 250


class Product(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    category = db.Column(db.String(50), nullable=False, index=True)
    price = db.Column(db.Numeric(precision=10, scale=2), nullable=False)


def bulk_add_products(rows):
    ids = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        ids.extend(db.session.scalars(insert(Product).returning(Product.id), chunk).all())
    db.session.commit()
    return len(ids)


def product_names_in(category):
    products = (
        Product.query.options(load_only(Product.name))
        .filter(Product.category == category)
        .order_by(Product.name.asc())
        .all()
    )
    return [p.name for p in products]


def category_counts():
    total = func.count(Product.id).label("total")
    stmt = select(Product.category, total).group_by(Product.category).order_by(total.desc())
    return {row.category: row.total for row in db.session.execute(stmt)}
