"""Known-good: scalars().all() returned as it is, a raw text() GROUP BY read into a dict, and the
ORM bulk INSERT through db.session.execute(insert(Product), rows)."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import insert, select, text

db = SQLAlchemy()


class Product(db.Model):
    __tablename__ = "product"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    category = db.Column(db.String(50), nullable=False)
    price = db.Column(db.Float, nullable=False)
    __table_args__ = (db.Index("product_category_idx", "category"),)


def bulk_add_products(rows):
    if len(rows) > 0:
        db.session.execute(insert(Product), [dict(row) for row in rows])
        db.session.commit()
    return len(rows)


def product_names_in(category):
    return db.session.scalars(
        select(Product.name).where(Product.category == category).order_by(Product.name)
    ).all()


def category_counts():
    rows = db.session.execute(text("SELECT category, COUNT(*) FROM product GROUP BY category"))
    return {category: count for category, count in rows}
