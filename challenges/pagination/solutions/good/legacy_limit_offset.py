"""Known-good: legacy Query with .limit()/.offset(), Query.count() and integer ceiling division."""

from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Item(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(100), nullable=False, index=True)


def page_of_items(page, per_page):
    if not isinstance(page, int) or page < 1:
        raise ValueError("invalid page")
    if not isinstance(per_page, int) or not 0 < per_page <= 100:
        raise ValueError("invalid per_page")
    total = Item.query.count()
    pages = -(-total // per_page)
    offset = (page - 1) * per_page
    rows = (
        db.session.query(Item.name)
        .order_by(Item.id)
        .offset(offset)
        .limit(per_page)
        .all()
    )
    return {
        "items": [name for (name,) in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": pages,
        "has_next": offset + len(rows) < total,
        "has_prev": page > 1,
    }
