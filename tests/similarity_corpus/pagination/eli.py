from __future__ import annotations

from dataclasses import asdict, dataclass

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy import String


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Item(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)


@dataclass
class Page:
    items: list[str]
    page: int
    per_page: int
    total: int
    pages: int
    has_next: bool
    has_prev: bool


def _validate(page: int, per_page: int) -> None:
    problems = []
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        problems.append("page must be an int >= 1")
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= 100:
        problems.append("per_page must be an int from 1 to 100")
    if problems:
        raise ValueError("; ".join(problems))


def page_of_items(page: int, per_page: int) -> dict:
    _validate(page, per_page)
    result = db.paginate(db.select(Item).order_by(Item.id), page=page, per_page=per_page, error_out=False)
    return asdict(
        Page(
            items=[it.name for it in result.items],
            page=result.page,
            per_page=result.per_page,
            total=result.total,
            pages=result.pages,
            has_next=result.has_next,
            has_prev=result.has_prev,
        )
    )
