"""Dataclass model with unsafe_hash=True, given on the model (Flask-SQLAlchemy refuses it on
the base class), paged by db.paginate with error_out=False."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column


class Base(MappedAsDataclass, DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model, unsafe_hash=True):
    id: Mapped[int] = mapped_column(primary_key=True, init=False)
    name: Mapped[str] = mapped_column(String(100))


def page_of_items(page: int, per_page: int) -> dict:
    if page < 1 or not 1 <= per_page <= 100:
        raise ValueError("page must be 1 or more and per_page between 1 and 100")
    pages = db.paginate(select(Item).order_by(Item.id), page=page, per_page=per_page, error_out=False)
    return {
        "items": [item.name for item in pages.items],
        "page": pages.page,
        "per_page": pages.per_page,
        "total": pages.total,
        "pages": pages.pages,
        "has_next": pages.has_next,
        "has_prev": pages.has_prev,
    }
