"""Known-good: one ordered query for every name, then the page is sliced in Python (small tables)."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False)


def page_of_items(page: int, per_page: int) -> dict:
    if page < 1 or not 1 <= per_page <= 100:
        raise ValueError("out of range")
    names = list(db.session.scalars(db.select(Item.name).order_by(Item.id)))
    total = len(names)
    pages, rest = divmod(total, per_page)
    if rest:
        pages += 1
    start = (page - 1) * per_page
    return {
        "items": names[start : start + per_page],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": pages,
        "has_next": page < pages,
        "has_prev": page > 1,
    }
