import math

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model):
    __tablename__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class PagingError(ValueError):
    """Bad page or per_page."""


def page_of_items(page: int, per_page: int) -> dict:
    if page < 1:
        raise PagingError(f"page must be at least 1, got {page}")
    if per_page < 1 or per_page > 100:
        raise PagingError(f"per_page must be 1..100, got {per_page}")
    total = db.session.execute(select(func.count(Item.id))).scalar_one()
    names = db.session.scalars(
        select(Item.name).order_by(Item.id).limit(per_page).offset(page * per_page)
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
