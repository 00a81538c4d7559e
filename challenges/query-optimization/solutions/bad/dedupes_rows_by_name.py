"""Known-bad: bulk_add_products keys the rows by name "to avoid duplicates", so rows that share a
name (in another category, or repeated) are dropped instead of inserted."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Float, String, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class Product(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(50), index=True)
    price: Mapped[float] = mapped_column(Float)


def bulk_add_products(rows: list[dict]) -> int:
    unique = list({row["name"]: row for row in rows}.values())
    if not unique:
        return 0
    db.session.execute(insert(Product), unique)
    db.session.commit()
    return len(unique)


def product_names_in(category: str) -> list[str]:
    query = select(Product.name).where(Product.category == category).order_by(Product.name)
    return list(db.session.scalars(query))


def category_counts() -> dict[str, int]:
    query = select(Product.category, func.count()).group_by(Product.category)
    return {category: count for category, count in db.session.execute(query)}
