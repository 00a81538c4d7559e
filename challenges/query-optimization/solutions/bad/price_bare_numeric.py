"""Known-bad: price is a bare Mapped[Decimal], i.e. Numeric() without precision 10 and scale 2."""

from decimal import Decimal

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class Product(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(50), index=True)
    price: Mapped[Decimal]


def bulk_add_products(rows):
    if rows:
        db.session.execute(insert(Product), rows)
    db.session.commit()
    return len(rows)


def product_names_in(category):
    stmt = select(Product.name).where(Product.category == category).order_by(Product.name)
    return list(db.session.scalars(stmt))


def category_counts():
    stmt = select(Product.category, func.count()).group_by(Product.category)
    return dict(db.session.execute(stmt).tuples().all())
