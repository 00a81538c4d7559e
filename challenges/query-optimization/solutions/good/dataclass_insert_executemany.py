"""Dataclass model with the defaults: rows go in as one executemany through insert(Product),
so the dataclass constructor is never called for them."""

from decimal import Decimal

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Numeric, String, func, insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column


class Base(MappedAsDataclass, DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Product(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(50), index=True)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))


def bulk_add_products(rows: list[dict]) -> int:
    if not rows:
        return 0
    db.session.execute(insert(Product), rows)
    db.session.commit()
    return len(rows)


def product_names_in(category: str) -> list[str]:
    stmt = select(Product.name).where(Product.category == category).order_by(Product.name)
    return list(db.session.scalars(stmt))


def category_counts() -> dict[str, int]:
    stmt = select(Product.category, func.count()).group_by(Product.category)
    return {category: count for category, count in db.session.execute(stmt)}
