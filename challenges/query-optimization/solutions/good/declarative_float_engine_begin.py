"""Known-good: a DeclarativeBase model_class with a Float price, a composite (category, price)
Index in __table_args__, a Core executemany on a connection from db.engine.begin(), and
db.session.scalars(...).all() / .tuples() for the reads."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Index, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (Index("ix_products_category_price", "category", "price"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(50))
    price: Mapped[float]


def bulk_add_products(rows: list[dict]) -> int:
    if len(rows) == 0:
        return 0
    with db.engine.begin() as connection:
        connection.execute(Product.__table__.insert(), rows)
    return len(rows)


def product_names_in(category: str) -> list[str]:
    query = select(Product.name).filter_by(category=category).order_by(Product.name.asc())
    return list(db.session.scalars(query).all())


def category_counts() -> dict[str, int]:
    query = select(Product.category, func.count()).group_by(Product.category)
    return {category: count for category, count in db.session.execute(query).tuples()}
