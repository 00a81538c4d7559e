"""Known-good: a multi-row insert().values(), a composite (category, name) index, legacy query
columns unpacked and sorted in Python, and a text() GROUP BY count."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import insert, text

db = SQLAlchemy()


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (db.Index("ix_products_category_name", "category", "name"),)

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    category = db.Column(db.String(50), nullable=False)
    price = db.Column(db.Float, nullable=False)
    in_stock = db.Column(db.Boolean, nullable=False, default=True)


def bulk_add_products(rows):
    count = len(rows)
    if count:
        values = [
            {"name": r["name"], "category": r["category"], "price": r["price"], "in_stock": True}
            for r in rows
        ]
        db.session.execute(insert(Product.__table__).values(values))
    db.session.commit()
    return count


def product_names_in(category):
    names = [row[0] for row in db.session.query(Product.name).filter(Product.category == category)]
    names.sort()
    return names


def category_counts():
    result = db.session.execute(text("SELECT category, COUNT(*) AS n FROM products GROUP BY category"))
    return {category: n for category, n in result}
