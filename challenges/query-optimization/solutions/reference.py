"""Reference solution for query-optimization."""

from decimal import Decimal

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Numeric, String, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class Product(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(50), index=True)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))

    def __repr__(self) -> str:
        return f"<Product {self.name}>"


def bulk_add_products(rows: list[dict]) -> int:
    """Insert every row with one executemany (an ORM bulk INSERT), then commit."""
    if not rows:
        return 0
    db.session.execute(insert(Product), rows)
    db.session.commit()
    return len(rows)


def product_names_in(category: str) -> list[str]:
    stmt = select(Product.name).where(Product.category == category).order_by(Product.name)
    return list(db.session.scalars(stmt))


def category_counts() -> dict[str, int]:
    stmt = select(Product.category, func.count(Product.id)).group_by(Product.category)
    return {category: count for category, count in db.session.execute(stmt)}
