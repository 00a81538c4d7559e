"""Known-good: db.paginate with error_out=False after explicit checks; names through
operator.attrgetter; the flags from bool(next_num)/bool(prev_num); guard clauses in a helper."""

from operator import attrgetter

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()


class Item(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


def _check(page: int, per_page: int) -> None:
    if page <= 0:
        raise ValueError("page must be positive")
    if per_page <= 0 or per_page > 100:
        raise ValueError("per_page must be in 1..100")


def page_of_items(page: int, per_page: int) -> dict:
    _check(page, per_page)
    result = db.paginate(
        db.select(Item).order_by(db.asc(Item.id)), page=page, per_page=per_page, error_out=False
    )
    return {
        "items": list(map(attrgetter("name"), result.items)),
        "page": page,
        "per_page": per_page,
        "total": result.total,
        "pages": result.pages,
        "has_next": bool(result.next_num),
        "has_prev": bool(result.prev_num),
    }
