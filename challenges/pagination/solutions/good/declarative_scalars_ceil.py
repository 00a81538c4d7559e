"""Known-good: SQLAlchemy(model_class=Base) with a DeclarativeBase; the page's names from
db.session.scalars(select(Item.name)...limit().offset()), the total from a COUNT scalar and
pages from math.ceil."""

import math

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


def page_of_items(page: int, per_page: int) -> dict:
    if page < 1 or not (1 <= per_page <= 100):
        raise ValueError(f"bad page {page} or per_page {per_page}")
    total = db.session.scalar(select(func.count(Item.id))) or 0
    names = db.session.scalars(
        select(Item.name).order_by(Item.id.asc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    pages = math.ceil(total / per_page)
    return {
        "items": list(names),
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": pages,
        "has_next": page < pages,
        "has_prev": page > 1,
    }
