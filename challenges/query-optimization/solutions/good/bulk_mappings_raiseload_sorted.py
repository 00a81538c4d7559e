"""Known-good: Numeric(10, 2, asdecimal=False), bulk_insert_mappings, load_only(name, raiseload=True)
on a 2.0 select with an explicit Python sort, and a Counter-free GROUP BY read via mappings()."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Numeric, String, func, select
from sqlalchemy.orm import Mapped, load_only, mapped_column

db = SQLAlchemy()


class Product(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    category: Mapped[str] = mapped_column(String(50), nullable=False, index=True)
    price: Mapped[float] = mapped_column(Numeric(10, 2, asdecimal=False), nullable=False)


def bulk_add_products(rows: list[dict]) -> int:
    """Insert all rows with one executemany, then commit."""
    if rows:
        db.session.bulk_insert_mappings(Product, rows)
        db.session.commit()
    return len(rows)


def product_names_in(category: str) -> list[str]:
    query = (
        select(Product)
        .options(load_only(Product.name, raiseload=True))
        .where(Product.category == category)
    )
    return sorted(product.name for product in db.session.scalars(query))


def category_counts() -> dict[str, int]:
    query = select(Product.category.label("category"), func.count(Product.id).label("n")).group_by(
        Product.category
    )
    return {row["category"]: row["n"] for row in db.session.execute(query).mappings()}
