"""Known-good: legacy columns with Numeric(precision=10, scale=2), one multi-row INSERT ... VALUES
statement, db.session.query of one column unpacked, and dict() over the GROUP BY rows."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import insert

db = SQLAlchemy()


class Product(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)
    category = db.Column(db.String(50), nullable=False, index=True)
    price = db.Column(db.Numeric(precision=10, scale=2), nullable=False)

    def __repr__(self):
        return "<Product %r (%s)>" % (self.name, self.category)


def bulk_add_products(rows):
    if not rows:
        return 0
    db.session.execute(insert(Product).values(rows))
    db.session.commit()
    return len(rows)


def product_names_in(category):
    query = db.session.query(Product.name).filter(Product.category == category).order_by(Product.name)
    return [name for (name,) in query]


def category_counts():
    rows = db.session.query(Product.category, db.func.count(Product.id)).group_by(Product.category).all()
    return dict((category, int(count)) for category, count in rows)
