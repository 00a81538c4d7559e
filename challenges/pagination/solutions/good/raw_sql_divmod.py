"""Known-good: raw SQL through text() with bound :limit and :offset parameters, the count
from another text() query, pages from divmod."""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


class Item(db.Model):
    __tablename__ = "item"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)


def page_of_items(page: int, per_page: int) -> dict:
    if page < 1:
        raise ValueError("page must be >= 1")
    if not 1 <= per_page <= 100:
        raise ValueError("per_page must be between 1 and 100")
    total = db.session.execute(text("SELECT COUNT(*) FROM item")).scalar_one()
    full, rest = divmod(total, per_page)
    pages = full + (1 if rest else 0)
    rows = db.session.execute(
        text("SELECT name FROM item ORDER BY id LIMIT :limit OFFSET :offset"),
        {"limit": per_page, "offset": (page - 1) * per_page},
    )
    return dict(
        items=[name for (name,) in rows],
        page=page,
        per_page=per_page,
        total=total,
        pages=pages,
        has_next=page < pages,
        has_prev=page > 1,
    )
