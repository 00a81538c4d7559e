"""Known-good: bulk_save_objects, load_only(name), Float price, a named Index and a custom table name."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Float, Index, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, load_only, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Product(db.Model):
    __tablename__ = "catalog_items"
    __table_args__ = (Index("ix_catalog_items_category", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    category: Mapped[str] = mapped_column(String(50), nullable=False)
    price: Mapped[float] = mapped_column(Float, nullable=False)
    sku: Mapped[str | None] = mapped_column(String(20))


def bulk_add_products(rows: list[dict]) -> int:
    objects = [Product(name=r["name"], category=r["category"], price=r["price"]) for r in rows]
    db.session.bulk_save_objects(objects)
    db.session.commit()
    return len(objects)


def product_names_in(category: str) -> list[str]:
    stmt = (
        select(Product)
        .options(load_only(Product.name))
        .where(Product.category == category)
        .order_by(Product.name)
    )
    return [product.name for product in db.session.scalars(stmt)]


def category_counts() -> dict[str, int]:
    rows = db.session.execute(select(Product.category, func.count()).group_by(Product.category)).all()
    return {row.category: int(row[1]) for row in rows}
