"""Known-bad: bulk_add_products returns the rowcount of an ORM bulk INSERT, which SQLAlchemy does
not give for it (the result has no rowcount), instead of how many rows it inserted."""

from decimal import Decimal

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Numeric, String, func, insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Product(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(50), index=True)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))


def bulk_add_products(rows: list[dict]) -> int:
    if not rows:
        return 0
    result = db.session.execute(insert(Product), rows)
    db.session.commit()
    return result.rowcount


def product_names_in(category: str) -> list[str]:
    names = db.session.scalars(select(Product.name).where(Product.category == category))
    return sorted(names)


def category_counts() -> dict[str, int]:
    rows = db.session.execute(select(Product.category, func.count(Product.id)).group_by(Product.category))
    return dict(rows.tuples().all())
