import math

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()

PER_PAGE_LIMIT = 100


class Item(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


def _check(value, name, upper=None):
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name} must be an integer")
    if value < 1:
        raise ValueError(f"{name} must be at least 1")
    if upper is not None and value > upper:
        raise ValueError(f"{name} must be at most {upper}")


def page_of_items(page: int, per_page: int) -> dict:
    _check(per_page, "per_page", PER_PAGE_LIMIT)
    _check(page, "page")
    total = db.session.scalar(select(func.count()).select_from(Item))
    offset = (page - 1) * per_page
    names = db.session.scalars(
        select(Item.name).order_by(Item.id).offset(offset).limit(per_page)
    ).all()
    pages = math.ceil(total / per_page) if total else 0
    return {
        "items": list(names),
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": pages,
        "has_next": page < pages,
        "has_prev": page > 1,
    }
