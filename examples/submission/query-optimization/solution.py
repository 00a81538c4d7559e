from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import func, select

db = SQLAlchemy()


class Product(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    category = db.Column(db.String(50), nullable=False, index=True)
    price = db.Column(db.Numeric(10, 2), nullable=False)


def bulk_add_products(rows):
    db.session.add_all([Product(**row) for row in rows])
    db.session.commit()
    return len(rows)


def product_names_in(category):
    stmt = select(Product.name).where(Product.category == category).order_by(Product.name)
    return list(db.session.scalars(stmt))


def category_counts():
    stmt = select(Product.category, func.count()).group_by(Product.category)
    return dict(db.session.execute(stmt).tuples().all())
