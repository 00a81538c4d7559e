# pagination answer

import math

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, func, select
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()

LIMIT = 100


class Item(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


def page_of_items(page: int, per_page: int) -> dict:
    """Return one page of item names plus paging metadata."""
    # validate arguments first
    _ensure_valid(page, "page")
    _ensure_valid(per_page, "per_page", LIMIT)
    total_rows = db.session.scalar(select(func.count()).select_from(Item))
    skip = (page - 1) * per_page
    item_names = db.session.scalars(
        select(Item.name)
        .order_by(Item.id)
        .offset(skip)
        .limit(per_page)
    ).all()
    page_count = math.ceil(total_rows / per_page) if total_rows else 0
    return {
        "items": list(item_names),
        "page": page,
        "per_page": per_page,
        "total": total_rows,
        "pages": page_count,
        "has_next": page < page_count,
        "has_prev": page > 1,
    }


def _ensure_valid(number, label, maximum=None):
    """Raise ValueError unless `number` is a positive int (and not above `maximum`)."""
    if isinstance(number, bool) or not isinstance(number, int):
        raise ValueError(label + " has to be an int")
    if number < 1:
        raise ValueError(label + " has to be positive")
    if maximum is not None and number > maximum:
        raise ValueError("%s cannot exceed %d" % (label, maximum))
